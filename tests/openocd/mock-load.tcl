# Runs images/openocd/rumpmetal.tcl's rumpmetal_load inside OpenOCD's own
# Tcl interpreter against a mocked four-core target, no hardware: the
# OpenOCD commands it uses (target names, targets, halt, load_image,
# verify_image, reg, resume, echo and the per-target cget/curstate) are
# replaced by procs that record what was asked. Prints "mock ok CASE" or
# "mock FAIL CASE: why" per case.
#
#   openocd -c 'set rumpmetal_dir images/openocd' -c 'set image FILE' \
#       -f tests/openocd/mock-load.tcl -c shutdown

set mock_log {}
set mock_cur {}
array set mock_state {}

proc mock_reset {secondaries} {
	global mock_log mock_cur mock_state rumpmetal_secondaries
	set mock_log {}
	set mock_cur {}
	foreach t {m.cpu0 m.cpu1 m.cpu2 m.cpu3} {
		set mock_state($t) running
	}
	set mock_state(m.ap) running
	set rumpmetal_secondaries $secondaries
}

proc mock_target_cmd {name args} {
	global mock_state
	switch -- [lindex $args 0] {
		cget {
			if {$name eq "m.ap"} { return mem_ap }
			return aarch64
		}
		curstate { return $mock_state($name) }
		default { error "mock: $name [lindex $args 0] not mocked" }
	}
}
foreach t {m.ap m.cpu0 m.cpu1 m.cpu2 m.cpu3} {
	proc $t {args} "mock_target_cmd $t {*}\$args"
}

rename target real_target
proc target {sub args} {
	if {$sub eq "names"} { return {m.ap m.cpu0 m.cpu1 m.cpu2 m.cpu3} }
	error "mock: target $sub not mocked"
}
rename targets real_targets
proc targets {t} { global mock_cur; set mock_cur $t }
proc halt {args} {
	global mock_log mock_cur mock_state
	lappend mock_log "halt $mock_cur"
	set mock_state($mock_cur) halted
}
proc resume {args} {
	global mock_log mock_cur mock_state
	lappend mock_log "resume $mock_cur"
	set mock_state($mock_cur) running
}
proc load_image {args} {
	global mock_log mock_cur mock_state
	if {$mock_state($mock_cur) ne "halted"} { error "mock: load_image on a running core" }
	foreach t {m.cpu0 m.cpu1 m.cpu2 m.cpu3} {
		if {$mock_state($t) ne "halted"} { error "mock: load_image while $t runs" }
	}
	lappend mock_log "load_image $mock_cur [lrange $args 1 end]"
}
proc verify_image {args} {
	global mock_log mock_cur
	lappend mock_log "verify_image $mock_cur [lrange $args 1 end]"
}
proc reg {name args} {
	global mock_log mock_cur
	if {$name eq "cpsr"} { return "cpsr (/32): 0x000003c9" }
	lappend mock_log "reg $mock_cur $name $args"
}
rename echo real_echo
proc echo {args} {}

source [file join $rumpmetal_dir rumpmetal.tcl]
set rumpmetal_boot_core m.cpu0

proc mock_case {name want secondaries script} {
	global mock_log
	mock_reset $secondaries
	if {[catch {uplevel #0 $script} err]} {
		set got "error: $err"
	} else {
		set got [join $mock_log "; "]
	}
	if {[string match $want $got]} {
		puts "mock ok $name"
	} else {
		puts "mock FAIL $name: got {$got}, want {$want}"
	}
}

mock_case "load halts all cores, starts core 0 only" \
	"halt m.cpu0; halt m.cpu1; halt m.cpu2; halt m.cpu3; load_image m.cpu0 0x80000 bin; reg m.cpu0 pc 0x80000; resume m.cpu0" \
	halt {rumpmetal_load $image 0x80000}
mock_case "verify reads the image back" \
	"halt m.cpu0; halt m.cpu1; halt m.cpu2; halt m.cpu3; load_image m.cpu0 0x80000 bin; verify_image m.cpu0 0x80000 bin; reg m.cpu0 pc 0x80000; resume m.cpu0" \
	halt {rumpmetal_load $image 0x80000 1}
mock_case "secondaries run resumes them after core 0" \
	"*resume m.cpu0; resume m.cpu1; resume m.cpu2; resume m.cpu3" \
	run {rumpmetal_load $image 0x80000}
mock_case "missing image is an error before any halt" \
	"error: rumpmetal_load: cannot read *" \
	halt {rumpmetal_load /nonexistent/rumpmetal.img 0x80000}
mock_case "bad rumpmetal_secondaries is an error" \
	"error: rumpmetal_load: rumpmetal_secondaries must be*" \
	sideways {rumpmetal_load $image 0x80000}
