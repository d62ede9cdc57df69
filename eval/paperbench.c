// SPDX-License-Identifier: GPL-2.0
/*
 * paperbench: the micro-benchmarks of the Mint paper's table, timed with the
 * TSC, for running the same static binary natively in a node and inside a
 * KVM guest (eval/run-paper-bench):
 *
 *   regloop   a dependent xorshift loop that stays in registers
 *   memcpy    a copy of a buffer larger than the last-level cache (default
 *             64 MiB) with a plain C loop (SSE2 moves, the x86-64 baseline):
 *             the same instructions on every CPU model (glibc's memcpy would
 *             choose its code by CPUID, and the guests see another CPU model
 *             than the nodes)
 *   diskread  lseek + read of 4 KiB blocks of a file, opened with O_DIRECT;
 *             every block is read at most once in a run, so no page cache on
 *             any level (the guest's, nor the host node's behind QEMU) can
 *             serve it
 *
 * Each test runs ROUNDS times after one warm-up round; a round is timed with
 * lfence; rdtsc; lfence before and rdtscp; lfence after (lfence; rdtsc;
 * lfence where CPUID has no RDTSCP). One line per test on stdout:
 *
 *   PAPERBENCH env=ENV test=NAME unit=UNIT median=N min=N max=N rounds=N ...
 *
 * plus test=info (TSC frequency against CLOCK_MONOTONIC, CPU model, LLC) and
 * test=end. The disk test is skipped without -f.
 *
 *   paperbench [-e ENV] [-r ROUNDS] [-c CPU] [-l ITERATIONS] [-m MIB]
 *              [-f FILE] [-n READS] [-k FIRST]
 *
 * -k: the index of the first read (the k-th read takes block k * stride mod
 * blocks), so that a second run in the same node reads other blocks.
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_ROUNDS 101
#define BLOCK 4096

static int have_rdtscp;

static inline uint64_t tsc_begin(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi)::"memory");
	return (uint64_t)hi << 32 | lo;
}

static inline uint64_t tsc_end(void)
{
	uint32_t lo, hi, aux;

	if (have_rdtscp)
		__asm__ volatile("rdtscp\n\tlfence" : "=a"(lo), "=d"(hi), "=c"(aux)::"memory");
	else
		__asm__ volatile("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi)::"memory");
	return (uint64_t)hi << 32 | lo;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* TSC ticks per microsecond against CLOCK_MONOTONIC over about 0.5 s. */
static double tsc_mhz(void)
{
	struct timespec pause = {0, 500000000L};
	double t0 = mono_s();
	uint64_t c0 = tsc_begin();

	nanosleep(&pause, NULL);
	return (double)(tsc_end() - c0) / ((mono_s() - t0) * 1e6);
}

/* The CPU model with blanks as '_', so the line stays KEY=VALUE. */
static void cpu_model(char *buf, size_t len)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, len, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');

		if (strncmp(line, "model name", 10) || !v)
			continue;
		v += strspn(v + 1, " ") + 1;
		v[strcspn(v, "\n")] = 0;
		snprintf(buf, len, "%s", v);
		for (char *p = buf; *p; p++)
			if (*p == ' ' || *p == '\t' || *p == '=')
				*p = '_';
		break;
	}
	if (f)
		fclose(f);
}

/* The kernel's clocksource (tsc, hpet, kvm-clock, ...): what CLOCK_MONOTONIC reads. */
static void clocksource(char *buf, size_t len)
{
	FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");

	if (!f || !fgets(buf, (int)len, f))
		snprintf(buf, len, "unknown");
	buf[strcspn(buf, "\n")] = 0;
	if (f)
		fclose(f);
}

/* The largest cache the node's CPU 0 reports in sysfs, in KiB (0: none). */
static long llc_kib(void)
{
	long best = 0;

	for (int i = 0; i < 8; i++) {
		char path[96];
		long kib = 0;
		FILE *f;

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%ldK", &kib) == 1 && kib > best)
			best = kib;
		fclose(f);
	}
	return best;
}

static void report(const char *env, const char *test, const char *unit, uint64_t *t, int rounds,
		   const char *extra)
{
	qsort(t, (size_t)rounds, sizeof(t[0]), cmp_u64);
	printf("PAPERBENCH env=%s test=%s unit=%s median=%llu min=%llu max=%llu rounds=%d %s\n",
	       env, test, unit, (unsigned long long)t[rounds / 2], (unsigned long long)t[0],
	       (unsigned long long)t[rounds - 1], rounds, extra);
	fflush(stdout);
}

static uint64_t regloop_round(long iters, uint64_t seed)
{
	uint64_t x = seed;

	for (long i = 0; i < iters; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* Keep x in a register and the loop as written. */
		__asm__ volatile("" : "+r"(x));
	}
	return x;
}

/* 64 bytes per iteration; the barrier keeps compilers from calling memcpy. */
static void copy_words(uint64_t *restrict dst, const uint64_t *restrict src, size_t words)
{
	for (size_t i = 0; i < words; i += 8) {
		uint64_t a = src[i], b = src[i + 1], c = src[i + 2], d = src[i + 3];
		uint64_t e = src[i + 4], f = src[i + 5], g = src[i + 6], h = src[i + 7];

		dst[i] = a;
		dst[i + 1] = b;
		dst[i + 2] = c;
		dst[i + 3] = d;
		dst[i + 4] = e;
		dst[i + 5] = f;
		dst[i + 6] = g;
		dst[i + 7] = h;
		__asm__ volatile("" ::: "memory");
	}
}

static int bench_regloop(const char *env, int rounds, long iters)
{
	uint64_t t[MAX_ROUNDS];
	volatile uint64_t sink = 0;
	char extra[64];

	sink += regloop_round(iters, 1);
	for (int r = 0; r < rounds; r++) {
		uint64_t c0 = tsc_begin();

		sink += regloop_round(iters, 88172645463325252ULL + (uint64_t)r);
		t[r] = tsc_end() - c0;
	}
	snprintf(extra, sizeof(extra), "iterations=%ld", iters);
	report(env, "regloop", "cycles/round", t, rounds, extra);
	return 0;
}

static int bench_memcpy(const char *env, int rounds, size_t mib)
{
	size_t bytes = mib << 20, words = bytes / 8;
	uint64_t t[MAX_ROUNDS], *src, *dst;
	char extra[96];

	src = aligned_alloc(4096, bytes);
	dst = aligned_alloc(4096, bytes);
	if (!src || !dst) {
		fprintf(stderr, "paperbench: cannot allocate 2 x %zu MiB\n", mib);
		return -1;
	}
	/* Touch every page first: the rounds copy, they do not fault. */
	for (size_t i = 0; i < words; i++)
		src[i] = i * 0x9e3779b97f4a7c15ULL;
	memset(dst, 0, bytes);
	copy_words(dst, src, words);
	for (int r = 0; r < rounds; r++) {
		uint64_t c0 = tsc_begin();

		copy_words(dst, src, words);
		t[r] = tsc_end() - c0;
	}
	if (dst[words - 1] != src[words - 1]) {
		fprintf(stderr, "paperbench: the copy is wrong\n");
		return -1;
	}
	snprintf(extra, sizeof(extra), "bytes=%zu llc_kib=%ld", bytes, llc_kib());
	report(env, "memcpy", "cycles/round", t, rounds, extra);
	free(src);
	free(dst);
	return 0;
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t r = a % b;

		a = b;
		b = r;
	}
	return a;
}

static int bench_diskread(const char *env, int rounds, const char *file, long reads, long first)
{
	uint64_t t[MAX_ROUNDS], nblocks, stride, k = (uint64_t)first;
	struct stat st;
	char extra[PATH_MAX + 96];
	void *buf;
	int fd;

	fd = open(file, O_RDONLY | O_DIRECT);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "paperbench: %s: %s\n", file, strerror(errno));
		return -1;
	}
	nblocks = (uint64_t)st.st_size / BLOCK;
	if (nblocks < (uint64_t)first + (uint64_t)(rounds + 1) * (uint64_t)reads) {
		fprintf(stderr, "paperbench: %s has %llu blocks, the run reads %ld distinct ones from %ld\n",
			file, (unsigned long long)nblocks, (long)(rounds + 1) * reads, first);
		close(fd);
		return -1;
	}
	if (posix_memalign(&buf, BLOCK, BLOCK)) {
		close(fd);
		return -1;
	}
	/* Block k*stride mod nblocks: distinct for k < nblocks, far apart in a row. */
	stride = nblocks * 618 / 1000 | 1;
	while (gcd(stride, nblocks) != 1)
		stride += 2;
	for (int r = -1; r < rounds; r++) {
		uint64_t c0 = tsc_begin();

		for (long i = 0; i < reads; i++, k++) {
			off_t off = (off_t)((k * stride) % nblocks) * BLOCK;

			if (lseek(fd, off, SEEK_SET) != off || read(fd, buf, BLOCK) != BLOCK) {
				fprintf(stderr, "paperbench: %s: read at %lld: %s\n", file,
					(long long)off, strerror(errno));
				close(fd);
				free(buf);
				return -1;
			}
		}
		if (r >= 0)
			t[r] = (tsc_end() - c0) / (uint64_t)reads;
	}
	close(fd);
	free(buf);
	snprintf(extra, sizeof(extra), "reads_per_round=%ld block=%d first=%ld mode=O_DIRECT file=%s",
		 reads, BLOCK, first, file);
	report(env, "diskread", "cycles/read", t, rounds, extra);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: paperbench [-e ENV] [-r ROUNDS 1-%d] [-c CPU] [-l ITERATIONS] "
			"[-m MIB] [-f FILE] [-n READS] [-k FIRST]\n",
		MAX_ROUNDS);
	return 2;
}

int main(int argc, char **argv)
{
	const char *env = "unknown", *file = NULL;
	int rounds = 9, cpu = -1, opt, rc = 0;
	long iters = 5000000L, mib = 64, reads = 32, first = 0;
	unsigned a, b, c, d;
	char model[128], clock[64], pin[32] = "none";

	while ((opt = getopt(argc, argv, "e:r:c:l:m:f:n:k:")) != -1) {
		switch (opt) {
		case 'e': env = optarg; break;
		case 'r': rounds = atoi(optarg); break;
		case 'c': cpu = atoi(optarg); break;
		case 'l': iters = atol(optarg); break;
		case 'm': mib = atol(optarg); break;
		case 'f': file = optarg; break;
		case 'n': reads = atol(optarg); break;
		case 'k': first = atol(optarg); break;
		default: return usage();
		}
	}
	if (optind != argc || rounds < 1 || rounds > MAX_ROUNDS || iters < 1 || mib < 1 ||
	    mib > 4096 || reads < 1 || first < 0)
		return usage();
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			fprintf(stderr, "paperbench: cannot run on CPU %d: %s\n", cpu, strerror(errno));
			return 1;
		}
		snprintf(pin, sizeof(pin), "%d", cpu);
	}
	have_rdtscp = __get_cpuid(0x80000001, &a, &b, &c, &d) && (d & (1u << 27));
	cpu_model(model, sizeof(model));
	clocksource(clock, sizeof(clock));
	printf("PAPERBENCH env=%s test=info tsc_mhz=%.1f timer=%s clocksource=%s cpu=%s ncpus=%ld "
	       "model=%s\n",
	       env, tsc_mhz(), have_rdtscp ? "rdtscp" : "rdtsc", clock, pin,
	       sysconf(_SC_NPROCESSORS_ONLN), model);
	fflush(stdout);
	rc |= bench_regloop(env, rounds, iters);
	rc |= bench_memcpy(env, rounds, (size_t)mib);
	if (file)
		rc |= bench_diskread(env, rounds, file, reads, first);
	printf("PAPERBENCH env=%s test=end status=%s\n", env, rc ? "failed" : "ok");
	return rc ? 1 : 0;
}
