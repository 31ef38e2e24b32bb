/*
 * Host entry of the hypercall benchmark: runs hypercall_bench_main()
 * over hypercall-posix. A bare-metal application calls it the same way.
 */
void hypercall_bench_main(void);

int
main(void)
{
	hypercall_bench_main();
	return 0;
}
