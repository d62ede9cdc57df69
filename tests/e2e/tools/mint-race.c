// SPDX-License-Identifier: GPL-2.0
/*
 * mint-race: race releasing a resource of this node from the resource table
 * against bringing it into use, and check the table's invariant: a resource
 * this node released (FREE) is out of use here until it is claimed back.
 *
 *   mint-race [-n N | -s S] [-p US] cpu CPU | mem BLOCK | pci BDF
 *
 * Three threads:
 *   use      brings the resource into use and out again (CPU online/offline,
 *            memory block online_movable/offline, driver bind/unbind), with
 *            random pauses;
 *   release  MINT_IOC_RELEASE from this node; after a success it checks that
 *            the resource is out of use, holds it FREE a moment (a use must
 *            now be refused, for a CPU with EPERM), waits for a use that was
 *            under way to finish, checks again and claims it back; then it
 *            waits for the use thread's next step and releases again while
 *            that step may still be under way;
 *   sample   compares the table's owner with what sysfs says, continuously.
 *
 * A generation counter, odd while the release thread holds the resource
 * FREE, tells which observations fall entirely inside such a window: only
 * those can be violations, so a check never blames a legitimate race.
 *
 * Prints the counts and every violation; exit 1 on a violation, when no
 * release or no use ever succeeded, or on an error; 0 otherwise. The
 * resource is left as it was found: this node's, in use as at the start.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "errname.h"
#include "mintdev.h"
#include "race_res.h"

#define MAX_ERRNO 256

struct race {
	struct mint_dev dev;
	struct race_res res;
	uint32_t self;
	unsigned long iterations; /* each side does at least this many (0: --seconds) */
	double seconds;		  /* 0: --iterations */
	unsigned int pause_us;	  /* random pauses up to this long */
	double start;

	atomic_uint gen;    /* odd while the release thread holds the resource FREE */
	atomic_uint useseq; /* odd while the use thread's sysfs write is under way */
	atomic_bool stop;   /* a fatal error: everybody stops */
	atomic_ulong use_iters, release_iters;

	atomic_ulong rel_ok, rel_busy, rel_other;
	atomic_ulong use_ok, use_refused, unuse_failed;
	atomic_ulong samples, samples_released;
	atomic_ulong violations;
	atomic_ulong refused_errno[MAX_ERRNO]; /* why uses were refused */
	atomic_ulong release_errno[MAX_ERRNO]; /* why releases failed other than EBUSY */
	pthread_mutex_t out;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pause_up_to(unsigned int us, unsigned int *seed)
{
	struct timespec ts = {0, 0};

	if (!us)
		return;
	ts.tv_nsec = (long)(rand_r(seed) % (us + 1)) * 1000;
	nanosleep(&ts, NULL);
}

static void say(struct race *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct race *r, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&r->out);
	va_start(ap, fmt);
	fputs("mint-race: ", stdout);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
	pthread_mutex_unlock(&r->out);
}

static void violation(struct race *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void violation(struct race *r, const char *fmt, ...)
{
	va_list ap;

	atomic_fetch_add(&r->violations, 1);
	pthread_mutex_lock(&r->out);
	va_start(ap, fmt);
	printf("mint-race: VIOLATION at %.3f s: ", now() - r->start);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
	pthread_mutex_unlock(&r->out);
}

static void count_errno(atomic_ulong *table, int e)
{
	atomic_fetch_add(&table[e > 0 && e < MAX_ERRNO ? e : 0], 1);
}

/* Both sides did their iterations, the time is up, or something went wrong. */
static bool finished(struct race *r)
{
	if (atomic_load(&r->stop))
		return true;
	if (r->seconds > 0)
		return now() - r->start >= r->seconds;
	return atomic_load(&r->use_iters) >= r->iterations &&
	       atomic_load(&r->release_iters) >= r->iterations;
}

static int res_ioctl(struct race *r, unsigned long op)
{
	struct mint_res m = {.type = r->res.type, .node = r->self, .id = r->res.id};

	return ioctl(r->dev.fd, op, &m) < 0 ? errno : 0;
}

/* One sysfs write of the use thread, marked as under way for the others. */
static int use_step(struct race *r, bool in)
{
	int e;

	atomic_fetch_add(&r->useseq, 1);
	e = in ? race_res_use(&r->res) : race_res_unuse(&r->res);
	atomic_fetch_add(&r->useseq, 1);
	return e;
}

static void *use_thread(void *arg)
{
	struct race *r = arg;
	const char *verb = r->res.kind == RACE_CPU   ? "online"
			   : r->res.kind == RACE_MEM ? "online_movable"
						     : "bind";
	unsigned int seed = 0x5eed0001, g1, g2;
	bool in = r->res.in_use_at_start, inside;
	int e;

	while (!finished(r)) {
		if (in) {
			e = use_step(r, false);
			pause_up_to(r->pause_us, &seed);
			if (e) {
				/* Still in use: a use now would prove nothing. */
				atomic_fetch_add(&r->unuse_failed, 1);
				atomic_fetch_add(&r->use_iters, 1);
				say(r, "taking %s out of use failed: %s (%s)\n", r->res.name,
				    strerror(e), e2e_errname(e));
				continue;
			}
			in = false;
		}
		g1 = atomic_load(&r->gen);
		e = use_step(r, true);
		g2 = atomic_load(&r->gen);
		/* The whole write fell inside one window in which the table said FREE. */
		inside = g1 == g2 && (g1 & 1);
		if (!e) {
			in = true;
			atomic_fetch_add(&r->use_ok, 1);
			if (inside)
				violation(r, "%s of %s succeeded while it was FREE in the table\n",
					  verb, r->res.name);
		} else {
			atomic_fetch_add(&r->use_refused, 1);
			count_errno(r->refused_errno, e);
			if (inside && r->res.kind == RACE_CPU && e != EPERM)
				violation(r, "%s of %s while FREE failed with %s, not EPERM\n",
					  verb, r->res.name, e2e_errname(e));
		}
		atomic_fetch_add(&r->use_iters, 1);
		pause_up_to(r->pause_us, &seed);
	}
	return NULL;
}

/*
 * Released by us: once no use is under way, sysfs must say it is out of use.
 * A use that is under way is waited for (it must not end in use either).
 */
static void check_released(struct race *r, const char *when, unsigned int *seed)
{
	unsigned int u1, u2;
	int use;

	for (;;) {
		u1 = atomic_load(&r->useseq);
		if (u1 & 1) {
			pause_up_to(100, seed);
			continue;
		}
		use = race_res_in_use(&r->res);
		u2 = atomic_load(&r->useseq);
		if (u1 == u2)
			break;
	}
	if (use == 1)
		violation(r, "%s is in use %s (FREE in the table)\n", r->res.name, when);
	else if (use < 0)
		say(r, "cannot read %s: %s\n", r->res.state_path, strerror(errno));
}

/*
 * Wait (at most 100 ms) until the use thread has started its next sysfs write
 * (@to_end: and finished it), so that the next release either races with it
 * (a release while an online or a bind is under way is where a kernel that
 * checks "in use?" too early goes wrong) or comes after it, when the use had
 * its chance to succeed.
 */
static void wait_next_use_step(struct race *r, bool to_end, unsigned int *seed)
{
	unsigned int u0 = atomic_load(&r->useseq);
	unsigned int next = (u0 & 1) ? u0 + 2 : u0 + 1; /* the next odd value: a step starts */
	double deadline = now() + 0.1;

	if (to_end)
		next++;
	while ((int)(atomic_load(&r->useseq) - next) < 0 && now() < deadline && !finished(r))
		pause_up_to(50, seed);
}

static void *release_thread(void *arg)
{
	struct race *r = arg;
	unsigned int seed = 0x5eed0002;
	int e;

	while (!finished(r)) {
		e = res_ioctl(r, MINT_IOC_RELEASE);
		atomic_fetch_add(&r->release_iters, 1);
		if (e) {
			atomic_fetch_add(e == EBUSY ? &r->rel_busy : &r->rel_other, 1);
			if (e != EBUSY)
				count_errno(r->release_errno, e);
			pause_up_to(r->pause_us, &seed);
			continue;
		}
		atomic_fetch_add(&r->gen, 1); /* odd: FREE, held by us */
		atomic_fetch_add(&r->rel_ok, 1);
		check_released(r, "right after its release", &seed);
		pause_up_to(r->pause_us, &seed);
		check_released(r, "before it is claimed back", &seed);
		atomic_fetch_add(&r->gen, 1); /* even: ours again (once claimed) */
		e = res_ioctl(r, MINT_IOC_CLAIM);
		if (e) {
			say(r, "claiming %s back for node%u failed: %s (%s); stopping\n",
			    r->res.name, r->self, strerror(e), e2e_errname(e));
			atomic_store(&r->stop, true);
			break;
		}
		/* Half the time race the next step, half the time let it complete. */
		wait_next_use_step(r, rand_r(&seed) & 1, &seed);
		pause_up_to(r->pause_us / 4, &seed);
	}
	return NULL;
}

static void *sample_thread(void *arg)
{
	struct race *r = arg;
	unsigned int g1, g2, u1, u2, seed = 0x5eed0003;
	uint32_t owner;
	int use;

	while (!finished(r)) {
		g1 = atomic_load(&r->gen);
		u1 = atomic_load(&r->useseq);
		use = race_res_in_use(&r->res);
		owner = race_res_owner(&r->res, &r->dev);
		u2 = atomic_load(&r->useseq);
		g2 = atomic_load(&r->gen);
		atomic_fetch_add(&r->samples, 1);
		if (owner != r->self && owner != MINT_OWNER_FREE)
			violation(r, "the table gives %s to %s%u, not to node%u or FREE\n",
				  r->res.name, owner == MINT_OWNER_NONE ? "no node " : "node",
				  owner == MINT_OWNER_NONE ? 0 : owner, r->self);
		if (g1 != g2 || !(g1 & 1)) {
			pause_up_to(200, &seed);
			continue;
		}
		/* Inside one window in which we hold it FREE. */
		atomic_fetch_add(&r->samples_released, 1);
		if (owner != MINT_OWNER_FREE)
			violation(r, "%s was released but the table says owner %u\n", r->res.name,
				  owner);
		if (use == 1 && u1 == u2 && !(u1 & 1))
			violation(r, "sampled %s in use while FREE in the table\n", r->res.name);
		pause_up_to(200, &seed);
	}
	return NULL;
}

/* "EPERM 50, EBUSY 3" */
static void errno_counts(atomic_ulong *table, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int e = 0; e < MAX_ERRNO && off < len; e++) {
		unsigned long n = atomic_load(&table[e]);

		if (n)
			off += (size_t)snprintf(buf + off, len - off, "%s%s %lu", off ? ", " : "",
						e ? e2e_errname(e) : "other", n);
	}
}

static void report(struct race *r)
{
	char refused[512], other[512];

	errno_counts(r->refused_errno, refused, sizeof(refused));
	errno_counts(r->release_errno, other, sizeof(other));
	say(r, "%s on node%u: %lu use cycles, %lu release attempts in %.1f s\n", r->res.name,
	    r->self, atomic_load(&r->use_iters), atomic_load(&r->release_iters), now() - r->start);
	say(r, "releases: %lu ok, %lu EBUSY, %lu other%s%s%s\n", atomic_load(&r->rel_ok),
	    atomic_load(&r->rel_busy), atomic_load(&r->rel_other), *other ? " (" : "", other,
	    *other ? ")" : "");
	say(r, "uses: %lu ok, %lu refused%s%s%s; out of use failed: %lu\n", atomic_load(&r->use_ok),
	    atomic_load(&r->use_refused), *refused ? " (" : "", refused, *refused ? ")" : "",
	    atomic_load(&r->unuse_failed));
	say(r, "samples: %lu, %lu while released\n", atomic_load(&r->samples),
	    atomic_load(&r->samples_released));
	say(r, "violations: %lu\n", atomic_load(&r->violations));
}

/* This node's again and in use as at the start; 0 or -1 (said why). */
static int restore(struct race *r)
{
	uint32_t owner = race_res_owner(&r->res, &r->dev);
	int e, use;

	if (owner == MINT_OWNER_FREE) {
		e = res_ioctl(r, MINT_IOC_CLAIM);
		if (e) {
			say(r, "cannot claim %s back: %s (%s)\n", r->res.name, strerror(e),
			    e2e_errname(e));
			return -1;
		}
	} else if (owner != r->self) {
		say(r, "%s is not this node's any more (owner %u)\n", r->res.name, owner);
		return -1;
	}
	use = race_res_in_use(&r->res);
	if (use < 0 || use == r->res.in_use_at_start)
		return use < 0 ? -1 : 0;
	e = r->res.in_use_at_start ? race_res_use(&r->res) : race_res_unuse(&r->res);
	if (e) {
		say(r, "cannot put %s back %s: %s (%s)\n", r->res.name,
		    r->res.in_use_at_start ? "into use" : "out of use", strerror(e),
		    e2e_errname(e));
		return -1;
	}
	return 0;
}

static int usage(FILE *f, int status)
{
	fprintf(
	    f,
	    "usage: mint-race [-n N | -s S] [-p US] cpu CPU | mem BLOCK | pci BDF\n"
	    "  cpu CPU    logical CPU: online/offline vs release (APIC ID from MINT_IOC_CPU_MAP)\n"
	    "  mem BLOCK  /sys/devices/system/memory/memoryBLOCK: online_movable/offline\n"
	    "  pci BDF    bind/unbind of its driver (bound at the start, rebound at the end)\n"
	    "  -n, --iterations N  each side at least N times (default 200)\n"
	    "  -s, --seconds S     run S seconds instead\n"
	    "  -p, --pause-us US   random pauses up to US microseconds between steps "
	    "(default 1000)\n"
	    "Exit 1 on a violation (a released resource in use, a use of a FREE one\n"
	    "not refused), if no release or no use ever succeeded, or on an error.\n");
	return status;
}

static int parse_args(struct race *r, int argc, char **argv, enum race_kind *kind)
{
	static const struct option opts[] = {
	    {"iterations", required_argument, NULL, 'n'},
	    {"seconds", required_argument, NULL, 's'},
	    {"pause-us", required_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	char *end;
	int c;

	r->iterations = 200;
	r->pause_us = 1000;
	while ((c = getopt_long(argc, argv, "+n:s:p:h", opts, NULL)) != -1) {
		errno = 0;
		switch (c) {
		case 'n':
			r->iterations = strtoul(optarg, &end, 10);
			if (errno || *end || !r->iterations || *optarg == '-')
				return usage(stderr, 2);
			r->seconds = 0;
			break;
		case 's':
			r->seconds = strtod(optarg, &end);
			if (errno || *end || !(r->seconds > 0))
				return usage(stderr, 2);
			break;
		case 'p':
			r->pause_us = (unsigned int)strtoul(optarg, &end, 10);
			if (errno || *end || *optarg == '-' || r->pause_us > 1000000)
				return usage(stderr, 2);
			break;
		case 'h':
			usage(stdout, 0);
			return -1;
		default:
			return usage(stderr, 2);
		}
	}
	if (argc - optind != 2)
		return usage(stderr, 2);
	if (!strcmp(argv[optind], "cpu"))
		*kind = RACE_CPU;
	else if (!strcmp(argv[optind], "mem"))
		*kind = RACE_MEM;
	else if (!strcmp(argv[optind], "pci"))
		*kind = RACE_PCI;
	else
		return usage(stderr, 2);
	return 0;
}

int main(int argc, char **argv)
{
	static struct race r; /* large (errno tables): not on the stack */
	pthread_t use, rel, sample;
	struct mint_error err = {0};
	enum race_kind kind;
	int ret;

	ret = parse_args(&r, argc, argv, &kind);
	if (ret)
		return ret < 0 ? 0 : ret;
	pthread_mutex_init(&r.out, NULL);
	if (mint_dev_open(&r.dev, &err) ||
	    race_res_setup(&r.res, kind, argv[argc - 1], &r.dev, &err)) {
		fprintf(stderr, "mint-race: %s\n", err.msg);
		return 1;
	}
	r.self = r.dev.info.node_id;
	say(&r, "racing release against use of %s on node%u (%s at the start)\n", r.res.name,
	    r.self, r.res.in_use_at_start ? "in use" : "out of use");
	r.start = now();
	if (pthread_create(&sample, NULL, sample_thread, &r) ||
	    pthread_create(&rel, NULL, release_thread, &r) ||
	    pthread_create(&use, NULL, use_thread, &r)) {
		fprintf(stderr, "mint-race: cannot start the threads\n");
		return 1;
	}
	pthread_join(use, NULL);
	pthread_join(rel, NULL);
	pthread_join(sample, NULL);
	report(&r);
	ret = restore(&r);
	mint_dev_close(&r.dev);
	if (atomic_load(&r.violations) || atomic_load(&r.stop) || ret)
		return 1;
	if (!atomic_load(&r.rel_ok) || !atomic_load(&r.use_ok)) {
		say(&r, "no %s ever succeeded: the race did not happen\n",
		    !atomic_load(&r.rel_ok) ? "release" : "use");
		return 1;
	}
	return 0;
}
