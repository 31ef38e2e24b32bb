#!/bin/sh
# Turn `nm -n` output into an assembly file holding the kernel's text
# symbol table (see include/bmk/ksyms.h). Reads stdin, writes stdout.
# An empty input gives an empty table, for the first link pass.
awk '
BEGIN { n = 0; off = 0 }
$2 ~ /^[Tt]$/ && $3 !~ /^\./ {
	addr[n] = $1; name[n] = $3; noff[n] = off; off += length($3) + 1; n++
}
$3 == "_text_end" { endaddr = $1 }
END {
	print "\t.section .ksyms,\"a\""
	print "\t.balign 8"
	print "\t.globl ksyms_count"
	print "ksyms_count:"
	printf "\t.quad %d\n", (n > 0 ? n + 1 : 0)
	print "\t.globl ksyms_table"
	print "ksyms_table:"
	for (i = 0; i < n; i++)
		printf "\t.quad 0x%s\n\t.long %d, 0\n", addr[i], noff[i]
	if (n > 0) {
		if (endaddr == "") endaddr = addr[n - 1]
		printf "\t.quad 0x%s\n\t.long 0, 0\n", endaddr
	}
	print "\t.globl ksyms_strings"
	print "ksyms_strings:"
	for (i = 0; i < n; i++)
		printf "\t.asciz \"%s\"\n", name[i]
	print "\t.byte 0"
	print "\t.section .note.GNU-stack,\"\",@progbits"
}'
