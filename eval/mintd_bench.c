// SPDX-License-Identifier: GPL-2.0
/*
 * mintd micro-benchmark, run inside a node (eval/run-mintd-bench boots one in QEMU):
 *   1. Status latency: median of N calls over one varlink connection, and of
 *      N connect+call+close rounds (what one mintctl invocation costs mintd).
 *   2. CPU hand-off overhead: `mintctl cpu release C` + `mintctl cpu reclaim C`
 *      against writing 0 and 1 to cpuC/online directly, alternated in one run;
 *      the ratio of medians is reported.
 *      The same hand-off through varlink calls (no process start) isolates
 *      mintd's own overhead; the cost of starting a program is reported too,
 *      since under QEMU TCG an exec costs tens of milliseconds.
 *   3. mintd's resident memory (VmRSS) after all of the above.
 * Prints a small table; exits non-zero only when a measurement could not be made.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "varlink.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int status_call(int fd)
{
	struct mint_error err = {0};
	json_object *reply = NULL;
	int ret =
	    mint_varlink_call(fd, MINT_INTERFACE ".Status", NULL, false, NULL, NULL, &reply, &err);

	json_object_put(reply);
	if (ret)
		fprintf(stderr, "mintd_bench: Status failed: %s\n", err.msg);
	return ret;
}

static int bench_status(const char *sock, int n, double *persistent, double *fresh)
{
	double *t = calloc((size_t)n, sizeof(*t));
	struct mint_error err = {0};
	int fd = mint_varlink_connect(sock, &err);

	if (!t || fd < 0) {
		fprintf(stderr, "mintd_bench: %s\n", err.msg);
		free(t);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		double t0 = now_us();

		if (status_call(fd))
			return -1;
		t[i] = now_us() - t0;
	}
	close(fd);
	*persistent = median(t, n);
	for (int i = 0; i < n; i++) {
		double t0 = now_us();

		fd = mint_varlink_connect(sock, &err);
		if (fd < 0 || status_call(fd))
			return -1;
		close(fd);
		t[i] = now_us() - t0;
	}
	*fresh = median(t, n);
	free(t);
	return 0;
}

static int run(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(devnull, STDOUT_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int write_online(int cpu, const char *val)
{
	char path[96];
	int fd, ok;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ok = write(fd, val, 1) == 1;
	close(fd);
	return ok ? 0 : -1;
}

static int bench_cpu(const char *mintctl, const char *sock, int cpu, int n, double *via_mint,
		     double *raw)
{
	double *a = calloc((size_t)n, sizeof(*a)), *b = calloc((size_t)n, sizeof(*b));
	char cpus[16];
	char *rel[] = {(char *)mintctl, "--socket", (char *)sock, "cpu", "release", cpus, NULL};
	char *rec[] = {(char *)mintctl, "--socket", (char *)sock, "cpu", "reclaim", cpus, NULL};

	snprintf(cpus, sizeof(cpus), "%d", cpu);
	for (int i = 0; a && b && i < n; i++) {
		double t0 = now_us();

		if (run(rel) || run(rec)) {
			fprintf(stderr, "mintd_bench: mintctl cpu release/reclaim %d failed\n",
				cpu);
			return -1;
		}
		a[i] = now_us() - t0;
		t0 = now_us();
		if (write_online(cpu, "0") || write_online(cpu, "1")) {
			fprintf(stderr, "mintd_bench: writing cpu%d/online failed: %s\n", cpu,
				strerror(errno));
			return -1;
		}
		b[i] = now_us() - t0;
	}
	*via_mint = median(a, n);
	*raw = median(b, n);
	free(a);
	free(b);
	return 0;
}

static int cpu_call(const char *sock, const char *method, int cpu)
{
	struct mint_error err = {0};
	json_object *params = json_object_new_object(), *cpus = json_object_new_array(), *reply;
	int fd = mint_varlink_connect(sock, &err), ret;

	json_object_array_add(cpus, json_object_new_int(cpu));
	json_object_object_add(params, "cpus", cpus);
	if (fd < 0) {
		json_object_put(params);
		fprintf(stderr, "mintd_bench: %s\n", err.msg);
		return -1;
	}
	ret = mint_varlink_call(fd, method, params, false, NULL, NULL, &reply, &err);
	close(fd);
	if (ret) {
		fprintf(stderr, "mintd_bench: %s: %s\n", method, err.msg);
		return -1;
	}
	json_object_put(reply);
	return 0;
}

/* The same hand-off through mintd's varlink methods: the daemon's own overhead, no process start.
 */
static int bench_cpu_varlink(const char *sock, int cpu, int n, double *via_mintd)
{
	double *a = calloc((size_t)n, sizeof(*a));

	for (int i = 0; a && i < n; i++) {
		double t0 = now_us();

		if (cpu_call(sock, MINT_INTERFACE ".ReleaseCpus", cpu) ||
		    cpu_call(sock, MINT_INTERFACE ".ReclaimCpus", cpu))
			return -1;
		a[i] = now_us() - t0;
	}
	*via_mintd = median(a, n);
	free(a);
	return 0;
}

/* What starting any small program costs here (TCG makes exec slow): mintctl --version. */
static int bench_spawn(const char *mintctl, int n, double *spawn)
{
	double *a = calloc((size_t)n, sizeof(*a));
	char *argv[] = {(char *)mintctl, "--version", NULL};

	for (int i = 0; a && i < n; i++) {
		double t0 = now_us();

		if (run(argv))
			return -1;
		a[i] = now_us() - t0;
	}
	*spawn = median(a, n);
	free(a);
	return 0;
}

static long rss_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			kib = atol(line + 6);
	fclose(f);
	return kib;
}

int main(int argc, char **argv)
{
	double persistent, fresh, via_mint, raw, via_mintd, spawn;
	int n_status = 1000, n_cpu = 20;
	long rss;

	if (argc != 5) {
		fprintf(stderr, "Usage: mintd_bench SOCKET MINTCTL CPU MINTD_PID\n");
		return 2;
	}
	if (bench_status(argv[1], n_status, &persistent, &fresh) ||
	    bench_cpu(argv[2], argv[1], atoi(argv[3]), n_cpu, &via_mint, &raw) ||
	    bench_cpu_varlink(argv[1], atoi(argv[3]), n_cpu, &via_mintd) ||
	    bench_spawn(argv[2], n_cpu, &spawn))
		return 1;
	rss = rss_kib((pid_t)atoi(argv[4]));
	printf("BENCH status latency, one connection (median of %d)   %10.1f us\n", n_status,
	       persistent);
	printf("BENCH status latency, connect per call (median of %d) %10.1f us\n", n_status,
	       fresh);
	printf("BENCH cpu release+reclaim via mintctl (median of %d)   %10.1f us\n", n_cpu,
	       via_mint);
	printf("BENCH cpu offline+online via raw sysfs (median of %d)  %10.1f us\n", n_cpu, raw);
	printf("BENCH cpu release+reclaim via varlink calls (median of %d) %7.1f us\n", n_cpu,
	       via_mintd);
	printf("BENCH starting a program (mintctl --version, median of %d) %7.1f us\n", n_cpu,
	       spawn);
	printf("BENCH overhead ratio mintd varlink/raw                  %10.3f  (target < 1.2)\n",
	       via_mintd / raw);
	printf("BENCH overhead ratio mintctl/raw                        %10.3f  (target < 1.2)\n",
	       via_mint / raw);
	printf("BENCH overhead ratio mintctl/raw, program starts removed %9.3f\n",
	       (via_mint - 2 * spawn) / raw);
	printf("BENCH mintd resident memory                             %10.1f MiB (target < 8)\n",
	       (double)rss / 1024.0);
	return 0;
}
