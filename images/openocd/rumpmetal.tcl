# rumpmetal: load a raw kernel image into RAM over JTAG and start it.
#
# Sourced by every board-*.cfg. Defines, for use after `init`:
#
#   rumpmetal_load FILE ADDR ?verify?
#       Halt every core, write FILE (a raw binary, e.g. build/aarch64/hello.img)
#       to physical memory at ADDR through the boot core, optionally read it
#       back, point the boot core's PC at ADDR and resume the boot core only.
#       The other cores stay halted in debug state, or, when the variable
#       rumpmetal_secondaries is "run", resume where they were halted (on a
#       freshly booted Raspberry Pi that is the firmware's spin loop waiting
#       for a release address).
#
#   rumpmetal_cores
#       The ARMv8/ARMv7-A core targets, boot core first.
#
# General purpose registers other than PC are left as the boot core had them.
# Halted right after the firmware started a parking image (see README.md),
# x0 still holds the device tree address the firmware passed.
#
# Variables a board file may set before sourcing this file:
#   rumpmetal_boot_core   target name of the boot core (default: the first
#                         core target)
#   rumpmetal_secondaries "halt" (default) or "run"

if {![info exists rumpmetal_secondaries]} {
	set rumpmetal_secondaries halt
}

proc rumpmetal_cores {} {
	global rumpmetal_boot_core
	set cores {}
	foreach t [target names] {
		set type [$t cget -type]
		if {$type eq "aarch64" || $type eq "cortex_a"} {
			lappend cores $t
		}
	}
	if {[llength $cores] == 0} {
		error "rumpmetal: no aarch64 or cortex_a target is configured"
	}
	if {[info exists rumpmetal_boot_core]} {
		set i [lsearch -exact $cores $rumpmetal_boot_core]
		if {$i < 0} {
			error "rumpmetal: boot core $rumpmetal_boot_core is not a core target ($cores)"
		}
		set cores [concat [list $rumpmetal_boot_core] [lreplace $cores $i $i]]
	}
	return $cores
}

# Print the exception level the boot core was halted in. Informational only:
# a parse of `reg cpsr` output, so a failure is not an error.
proc rumpmetal_report_el {t} {
	if {[catch {reg cpsr} line]} {
		return
	}
	if {[regexp {0x[0-9a-fA-F]+} $line v]} {
		echo "rumpmetal: $t halted at EL[expr {($v >> 2) & 3}], cpsr $v"
	}
}

proc rumpmetal_load {file addr {verify 0}} {
	global rumpmetal_secondaries
	if {![file readable $file]} {
		error "rumpmetal_load: cannot read $file"
	}
	if {[file size $file] == 0} {
		error "rumpmetal_load: $file is empty"
	}
	if {$rumpmetal_secondaries ne "halt" && $rumpmetal_secondaries ne "run"} {
		error "rumpmetal_load: rumpmetal_secondaries must be halt or run, not $rumpmetal_secondaries"
	}
	set cores [rumpmetal_cores]
	set boot [lindex $cores 0]

	# Halt every core first: a running core may be executing from, or
	# writing to, the memory the image goes to.
	foreach t $cores {
		targets $t
		if {[$t curstate] ne "halted"} {
			halt 1000
		}
		if {[$t curstate] ne "halted"} {
			error "rumpmetal_load: $t did not halt (state [$t curstate])"
		}
	}

	targets $boot
	rumpmetal_report_el $boot
	echo "rumpmetal: loading $file ([file size $file] bytes) at $addr through $boot"
	load_image $file $addr bin
	if {$verify} {
		verify_image $file $addr bin
	}
	reg pc $addr
	resume
	echo "rumpmetal: $boot running from $addr"

	foreach t [lrange $cores 1 end] {
		if {$rumpmetal_secondaries eq "run"} {
			targets $t
			resume
			echo "rumpmetal: $t resumed where it was halted"
		} else {
			echo "rumpmetal: $t left halted"
		}
	}
	targets $boot
}
