/*
 * Bare-metal entry of the hypercall micro-benchmarks
 * (bench/hypercall/bench.c, compiled in by bench.c next to this file).
 * bench/hypercall/run.sh boots it and sets its figures beside the
 * posix ones.
 */
void hypercall_bench_main(void);

int
main(void)
{
	hypercall_bench_main();
	return 0;
}

/* Drives the hypercalls as a rump kernel of its own: no real one. */
const int rumpmetal_app_norump = 1;
