// SPDX-License-Identifier: GPL-2.0
/*
 * mint-chan: talk to other Mint nodes through the kernel's channel
 * (/dev/mint read/write), and drive a node's life cycle from outside.
 *
 * Usage: mint-chan [-p PORT] [-t MS] COMMAND ...
 *   listen [-e] [-n COUNT] PORT   print each message for PORT as
 *                        "from nodeN port P: <payload>" (-e: echo it back;
 *                        -n: exit after COUNT messages); a payload that is
 *                        long or not text is shown as "<N bytes, crc32 X>"
 *   send [-f FILE] NODE PORT [TEXT]   send TEXT (or FILE) from PORT
 *                        (-p, default: the first free one of 63..32), wait
 *                        -t MS (default 300) for an "unreachable" answer
 *   ping NODE [COUNT]    kernel PING/PONG round trips (port 0), with times
 *   rtt NODE PORT COUNT SIZE   user-space round trips against a
 *                        "listen -e" peer: min and median in microseconds
 *   unixrtt COUNT SIZE   the same over a Unix socket pair in this node
 *   stop NODE            ask NODE's kernel to power off (MINT_KMSG_STOP)
 *   reap [-k] NODE       MINT_IOC_STOP of a halted or failed node (-k: keep
 *                        its resources owned by it)
 *   kill [-k] NODE       MINT_IOC_STOP with MINT_STOP_FORCE
 *   state NODE FROM TO [REASON]   MINT_IOC_SET_STATE (names or numbers)
 *   node NODE            one line: state, reason, epoch, parent, heartbeat
 *   heartbeat NODE [MS]  heartbeats per second of NODE over MS (2000)
 *   cpumap               APIC ID of each logical CPU of this kernel
 *
 * Exit status 0 on success, 1 on failure (the reason on stderr), 2 on bad
 * usage.  Build: gcc -static -I kernel-mint/uapi kernel-mint/tools/mint-chan.c
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/mint.h>

#define BUF_SIZE (sizeof(struct mint_chan_msg) + MINT_CHAN_MSG_MAX)

static int fd = -1;
static unsigned int src_port;
static int timeout_ms = 300;
static char *buf;

static const char *const state_names[] = {"unused", "booting", "running", "halted",
					  "failed", "loading", "halting"};
static const char *const reason_names[] = {"none",   "panic",  "heartbeat", "boot-timeout",
					   "killed", "halt",   "refused"};

static const char *errname(int e)
{
	switch (e) {
	case EHOSTDOWN: return "EHOSTDOWN";
	case ENXIO: return "ENXIO";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EAGAIN: return "EAGAIN";
	case EMSGSIZE: return "EMSGSIZE";
	case EINVAL: return "EINVAL";
	case ENOTCONN: return "ENOTCONN";
	case EADDRINUSE: return "EADDRINUSE";
	case ESTALE: return "ESTALE";
	case EBUSY: return "EBUSY";
	case EPERM: return "EPERM";
	default: return "";
	}
}

static int die(const char *what)
{
	int e = errno;

	fprintf(stderr, "mint-chan: %s: %s (%s)\n", what, strerror(e), errname(e));
	return 1;
}

static uint32_t crc32(const unsigned char *p, size_t n)
{
	static uint32_t table[256];
	uint32_t c = 0xffffffffu;
	size_t i;

	if (!table[1]) {
		for (uint32_t k = 0; k < 256; k++) {
			uint32_t v = k;

			for (int j = 0; j < 8; j++)
				v = v & 1 ? 0xedb88320u ^ (v >> 1) : v >> 1;
			table[k] = v;
		}
	}
	for (i = 0; i < n; i++)
		c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int parse_u32(const char *s, uint32_t *v)
{
	char *end;
	unsigned long x;

	errno = 0;
	x = strtoul(s, &end, 0);
	if (errno || *end || end == s || x > 0xffffffffu)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static int parse_state(const char *s, uint32_t *v)
{
	for (uint32_t i = 0; i < sizeof(state_names) / sizeof(state_names[0]); i++)
		if (!strcmp(s, state_names[i])) {
			*v = i;
			return 0;
		}
	return parse_u32(s, v);
}

static int parse_reason(const char *s, uint32_t *v)
{
	for (uint32_t i = 0; i < sizeof(reason_names) / sizeof(reason_names[0]); i++)
		if (!strcmp(s, reason_names[i])) {
			*v = i;
			return 0;
		}
	return parse_u32(s, v);
}

static const char *state_name(uint32_t s)
{
	return s < sizeof(state_names) / sizeof(state_names[0]) ? state_names[s] : "?";
}

static const char *reason_name(uint32_t r)
{
	return r < sizeof(reason_names) / sizeof(reason_names[0]) ? reason_names[r] : "?";
}

static int open_dev(void)
{
	fd = open("/dev/mint", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return die("/dev/mint");
	return 0;
}

static int bind_port(unsigned int port)
{
	uint32_t p = port;

	if (ioctl(fd, MINT_IOC_CHAN_BIND, &p) < 0) {
		fprintf(stderr, "mint-chan: binding port %u: %s (%s)\n", port, strerror(errno),
			errname(errno));
		return 1;
	}
	src_port = port;
	return 0;
}

/* Bind -p PORT, or the first free port of 63..32. */
static int bind_any(void)
{
	uint32_t p;

	if (src_port)
		return bind_port(src_port);
	for (p = MINT_CHAN_MAX_PORT - 1; p >= 32; p--) {
		uint32_t q = p;

		if (!ioctl(fd, MINT_IOC_CHAN_BIND, &q)) {
			src_port = p;
			return 0;
		}
		if (errno != EADDRINUSE)
			return die("binding a port");
	}
	fprintf(stderr, "mint-chan: no free port in 32..63\n");
	return 1;
}

static int send_msg(uint32_t node, uint16_t port, uint16_t flags, const void *data, uint32_t len)
{
	struct mint_chan_msg *h = (struct mint_chan_msg *)buf;
	size_t n = sizeof(*h) + len;

	h->node = node;
	h->port = port;
	h->flags = flags;
	h->len = len;
	h->epoch = 0;
	if (data != buf + sizeof(*h))
		memcpy(buf + sizeof(*h), data, len);
	if (write(fd, buf, n) != (ssize_t)n)
		return -1;
	return 0;
}

/* Wait up to @ms for one message; 1: got it in buf, 0: timeout, -1: error. */
static int recv_msg(int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int ret = poll(&p, 1, ms);

	if (ret <= 0)
		return ret;
	if (read(fd, buf, BUF_SIZE) < 0)
		return -1;
	return 1;
}

static void print_msg(const char *prefix)
{
	const struct mint_chan_msg *h = (const struct mint_chan_msg *)buf;
	const unsigned char *d = (const unsigned char *)buf + sizeof(*h);
	uint32_t len = h->len, i;
	int text = len <= 200;

	for (i = 0; i < len && text; i++)
		if (!isprint(d[i]) && d[i] != '\n' && d[i] != '\t')
			text = 0;
	printf("%sfrom node%u port %u: ", prefix, h->node, h->port);
	if (h->flags & MINT_MSG_F_UNREACHABLE)
		printf("unreachable (nobody listens on that port)\n");
	else if (text)
		printf("%.*s\n", (int)(len && d[len - 1] == '\n' ? len - 1 : len), d);
	else
		printf("<%u bytes, crc32 %#010x>\n", len, crc32(d, len));
	fflush(stdout);
}

static int cmd_listen(int argc, char **argv)
{
	const struct mint_chan_msg *h = (const struct mint_chan_msg *)buf;
	unsigned long count = 0, max = 0;
	uint32_t port;
	int echo = 0, opt;

	optind = 1;
	while ((opt = getopt(argc, argv, "+en:")) != -1) {
		if (opt == 'e')
			echo = 1;
		else if (opt == 'n')
			max = strtoul(optarg, NULL, 0);
		else
			return 2;
	}
	if (optind != argc - 1 || parse_u32(argv[optind], &port))
		return 2;
	if (bind_port(port))
		return 1;
	printf("listening on port %u%s\n", port, echo ? " (echo)" : "");
	fflush(stdout);
	for (;;) {
		if (read(fd, buf, BUF_SIZE) < 0) {
			if (errno == EINTR)
				continue;
			return die("read");
		}
		if (!echo || h->len <= 4096 || h->flags & MINT_MSG_F_UNREACHABLE)
			print_msg("");
		if (echo && !(h->flags & MINT_MSG_F_UNREACHABLE) &&
		    send_msg(h->node, h->port, 0, buf + sizeof(*h), h->len))
			perror("mint-chan: echo");
		if (max && ++count >= max)
			return 0;
	}
}

static int cmd_send(int argc, char **argv)
{
	const struct mint_chan_msg *h = (const struct mint_chan_msg *)buf;
	const char *file = NULL;
	uint32_t node, port, len;
	int opt, ret;

	optind = 1;
	while ((opt = getopt(argc, argv, "+f:")) != -1) {
		if (opt == 'f')
			file = optarg;
		else
			return 2;
	}
	if (argc - optind != (file ? 2 : 3) || parse_u32(argv[optind], &node) ||
	    parse_u32(argv[optind + 1], &port))
		return 2;
	if (bind_any())
		return 1;
	if (file) {
		int f = open(file, O_RDONLY);
		ssize_t n;

		if (f < 0)
			return die(file);
		n = read(f, buf + sizeof(*h), MINT_CHAN_MSG_MAX + 1);
		close(f);
		if (n < 0)
			return die(file);
		len = (uint32_t)n;
	} else {
		len = (uint32_t)strlen(argv[optind + 2]);
		memcpy(buf + sizeof(*h), argv[optind + 2], len);
	}
	if (send_msg(node, (uint16_t)port, 0, buf + sizeof(*h), len)) {
		char what[64];

		snprintf(what, sizeof(what), "send to node%u port %u", node, port);
		return die(what);
	}
	printf("sent %u bytes to node%u port %u from port %u, crc32 %#010x\n", len, node, port,
	       src_port, crc32((unsigned char *)buf + sizeof(*h), len));
	fflush(stdout);
	/* An "unreachable" answer comes back at once if nobody listens there. */
	ret = recv_msg(timeout_ms);
	if (ret > 0 && h->flags & MINT_MSG_F_UNREACHABLE) {
		printf("node%u port %u: unreachable (MINT_MSG_F_UNREACHABLE)\n", h->node, h->port);
		return 1;
	}
	if (ret > 0)
		print_msg("answer: ");
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void print_times(const char *what, uint64_t *t, unsigned int n)
{
	qsort(t, n, sizeof(*t), cmp_u64);
	printf("%s: %u round trips, min %.1f us, median %.1f us, max %.1f us\n", what, n,
	       t[0] / 1000.0, t[n / 2] / 1000.0, t[n - 1] / 1000.0);
}

static int cmd_ping(int argc, char **argv)
{
	const struct mint_chan_msg *h = (const struct mint_chan_msg *)buf;
	uint32_t node, count = 3, i, ok = 0;
	uint64_t *t;

	if (argc < 2 || argc > 3 || parse_u32(argv[1], &node) ||
	    (argc == 3 && (parse_u32(argv[2], &count) || !count)))
		return 2;
	if (bind_any())
		return 1;
	t = calloc(count, sizeof(*t));
	for (i = 0; i < count; i++) {
		struct mint_kmsg k = {.type = MINT_KMSG_PING, .arg = i, .data = now_ns()};
		uint64_t start = now_ns();
		int ret;

		if (send_msg(node, MINT_PORT_KERNEL, 0, &k, sizeof(k)))
			return die("ping");
		for (;;) {
			ret = recv_msg(2000);
			if (ret <= 0)
				break;
			memcpy(&k, buf + sizeof(*h), sizeof(k));
			if (h->node == node && h->port == MINT_PORT_KERNEL && h->len == sizeof(k) &&
			    k.type == MINT_KMSG_PONG && k.arg == i)
				break;
		}
		if (ret <= 0) {
			printf("no pong from node%u (seq %u)\n", node, i);
			continue;
		}
		t[ok] = now_ns() - start;
		printf("pong from node%u (epoch %u): seq=%u time=%.1f us\n", node, h->epoch, i,
		       t[ok] / 1000.0);
		ok++;
	}
	if (!ok)
		return 1;
	print_times("ping", t, ok);
	return ok == count ? 0 : 1;
}

static int cmd_rtt(int argc, char **argv)
{
	const struct mint_chan_msg *h = (const struct mint_chan_msg *)buf;
	uint32_t node, port, count, size, i;
	unsigned char *msg;
	char what[80];
	uint64_t *t;

	if (argc != 5 || parse_u32(argv[1], &node) || parse_u32(argv[2], &port) ||
	    parse_u32(argv[3], &count) || parse_u32(argv[4], &size) || !count ||
	    size > MINT_CHAN_MSG_MAX)
		return 2;
	if (bind_any())
		return 1;
	t = calloc(count, sizeof(*t));
	msg = malloc(size + 1);
	for (i = 0; i < size; i++)
		msg[i] = (unsigned char)(i * 7 + 1);
	for (i = 0; i < count; i++) {
		uint64_t start = now_ns();
		int ret;

		if (send_msg(node, (uint16_t)port, 0, msg, size))
			return die("rtt send");
		ret = recv_msg(5000);
		if (ret <= 0 || h->flags & MINT_MSG_F_UNREACHABLE || h->len != size ||
		    memcmp(buf + sizeof(*h), msg, size)) {
			fprintf(stderr, "mint-chan: rtt: %s\n",
				ret < 0	 ? strerror(errno)
				: !ret	 ? "no echo within 5 s"
				: h->flags & MINT_MSG_F_UNREACHABLE ? "port unreachable"
								     : "echo differs");
			return 1;
		}
		t[i] = now_ns() - start;
	}
	snprintf(what, sizeof(what), "rtt node%u port %u, %u bytes", node, port, size);
	print_times(what, t, count);
	return 0;
}

static int cmd_unixrtt(int argc, char **argv)
{
	uint32_t count, size, i;
	unsigned char *msg, *in;
	int sv[2], status;
	char what[80];
	uint64_t *t;
	pid_t pid;

	if (argc != 3 || parse_u32(argv[1], &count) || parse_u32(argv[2], &size) || !count ||
	    !size || size > 65536)
		return 2;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv))
		return die("socketpair");
	msg = malloc(size);
	in = malloc(size);
	t = calloc(count, sizeof(*t));
	memset(msg, 0x5a, size);
	pid = fork();
	if (pid < 0)
		return die("fork");
	if (!pid) {
		ssize_t n;

		close(sv[0]);
		while ((n = read(sv[1], in, size)) > 0)
			if (write(sv[1], in, (size_t)n) != n)
				_exit(1);
		_exit(0);
	}
	close(sv[1]);
	for (i = 0; i < count; i++) {
		uint64_t start = now_ns();

		if (write(sv[0], msg, size) != (ssize_t)size || read(sv[0], in, size) != (ssize_t)size)
			return die("unix socket");
		t[i] = now_ns() - start;
	}
	close(sv[0]);
	waitpid(pid, &status, 0);
	snprintf(what, sizeof(what), "rtt unix socket pair, %u bytes", size);
	print_times(what, t, count);
	return 0;
}

static int cmd_stop_request(int argc, char **argv)
{
	struct mint_kmsg k = {.type = MINT_KMSG_STOP};
	uint32_t node;

	if (argc != 2 || parse_u32(argv[1], &node))
		return 2;
	if (bind_any())
		return 1;
	if (send_msg(node, MINT_PORT_KERNEL, 0, &k, sizeof(k)))
		return die("stop request");
	printf("asked node%u to stop\n", node);
	return 0;
}

static int cmd_reap(int argc, char **argv, int force)
{
	struct mint_stop st = {.flags = force ? MINT_STOP_FORCE : 0};
	int opt;

	optind = 1;
	while ((opt = getopt(argc, argv, "+k")) != -1) {
		if (opt == 'k')
			st.flags |= MINT_STOP_KEEP;
		else
			return 2;
	}
	if (optind != argc - 1 || parse_u32(argv[optind], &st.node))
		return 2;
	if (ioctl(fd, MINT_IOC_STOP, &st) < 0) {
		char what[64];

		snprintf(what, sizeof(what), "%s node%u", force ? "kill" : "reap", st.node);
		return die(what);
	}
	printf("node%u %s: INIT to %u CPUs, bus mastering off on %u PCI functions, %llu MiB scrubbed, resources %s\n",
	       st.node, force ? "killed" : "reaped", st.cpus, st.pci,
	       (unsigned long long)(st.bytes >> 20), st.flags & MINT_STOP_KEEP ? "kept" : "freed");
	return 0;
}

static int cmd_state(int argc, char **argv)
{
	struct mint_state_change c = {0};

	if (argc < 4 || argc > 5 || parse_u32(argv[1], &c.node) || parse_state(argv[2], &c.from) ||
	    parse_state(argv[3], &c.to) || (argc == 5 && parse_reason(argv[4], &c.reason)))
		return 2;
	if (ioctl(fd, MINT_IOC_SET_STATE, &c) < 0) {
		char what[64];

		snprintf(what, sizeof(what), "node%u %s -> %s", c.node, state_name(c.from),
			 state_name(c.to));
		return die(what);
	}
	printf("node%u: %s -> %s\n", c.node, state_name(c.from), state_name(c.to));
	return 0;
}

static const struct mint_table *map_table(void)
{
	const struct mint_table *t = mmap(NULL, sizeof(*t), PROT_READ, MAP_SHARED, fd, 0);

	if (t == MAP_FAILED) {
		die("mmap /dev/mint");
		return NULL;
	}
	return t;
}

static int cmd_node(int argc, char **argv)
{
	const struct mint_table *t;
	const volatile struct mint_node_entry *n;
	uint32_t node;

	if (argc != 2 || parse_u32(argv[1], &node) || node >= MINT_MAX_NODES)
		return 2;
	t = map_table();
	if (!t)
		return 1;
	n = &t->node[node];
	printf("node%u state=%s reason=%s epoch=%u parent=%d heartbeat=%llu doorbell_apic=%d\n",
	       node, state_name(n->state), reason_name(n->reason), n->epoch,
	       n->parent == MINT_OWNER_NONE ? -1 : (int)n->parent,
	       (unsigned long long)n->heartbeat,
	       n->doorbell_apic == MINT_OWNER_NONE ? -1 : (int)n->doorbell_apic);
	return 0;
}

static int cmd_heartbeat(int argc, char **argv)
{
	const struct mint_table *t;
	const volatile struct mint_node_entry *n;
	uint32_t node, ms = 2000;
	uint64_t h0, h1, t0, t1;
	struct timespec d;

	if (argc < 2 || argc > 3 || parse_u32(argv[1], &node) || node >= MINT_MAX_NODES ||
	    (argc == 3 && (parse_u32(argv[2], &ms) || !ms)))
		return 2;
	t = map_table();
	if (!t)
		return 1;
	n = &t->node[node];
	h0 = n->heartbeat;
	t0 = now_ns();
	d.tv_sec = ms / 1000;
	d.tv_nsec = (long)(ms % 1000) * 1000000;
	nanosleep(&d, NULL);
	h1 = n->heartbeat;
	t1 = now_ns();
	printf("node%u heartbeat %llu -> %llu: %.2f per second\n", node, (unsigned long long)h0,
	       (unsigned long long)h1, (double)(h1 - h0) * 1e9 / (double)(t1 - t0));
	return 0;
}

static int cmd_cpumap(void)
{
	uint32_t ids[256];
	struct mint_cpu_map m = {.nr = 256, .apic_ids = (uintptr_t)ids};

	if (ioctl(fd, MINT_IOC_CPU_MAP, &m) < 0)
		return die("MINT_IOC_CPU_MAP");
	for (uint32_t i = 0; i < m.nr && i < 256; i++) {
		if (ids[i] == MINT_OWNER_NONE)
			printf("cpu%u not present\n", i);
		else
			printf("cpu%u apic=%u\n", i, ids[i]);
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: mint-chan [-p PORT] [-t MS] COMMAND ...\n"
		"  listen [-e] [-n COUNT] PORT | send [-f FILE] NODE PORT [TEXT]\n"
		"  ping NODE [COUNT] | rtt NODE PORT COUNT SIZE | unixrtt COUNT SIZE\n"
		"  stop NODE | reap [-k] NODE | kill [-k] NODE | state NODE FROM TO [REASON]\n"
		"  node NODE | heartbeat NODE [MS] | cpumap\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *cmd;
	int opt, ret;

	while ((opt = getopt(argc, argv, "+p:t:")) != -1) {
		if (opt == 'p')
			src_port = (unsigned int)strtoul(optarg, NULL, 0);
		else if (opt == 't')
			timeout_ms = atoi(optarg);
		else
			return usage();
	}
	if (optind >= argc)
		return usage();
	argc -= optind;
	argv += optind;
	cmd = argv[0];
	buf = malloc(BUF_SIZE + 1);
	if (!buf)
		return die("malloc");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "unixrtt"))
		ret = cmd_unixrtt(argc, argv);
	else if (open_dev())
		return 1;
	else if (!strcmp(cmd, "listen"))
		ret = cmd_listen(argc, argv);
	else if (!strcmp(cmd, "send"))
		ret = cmd_send(argc, argv);
	else if (!strcmp(cmd, "ping"))
		ret = cmd_ping(argc, argv);
	else if (!strcmp(cmd, "rtt"))
		ret = cmd_rtt(argc, argv);
	else if (!strcmp(cmd, "stop"))
		ret = cmd_stop_request(argc, argv);
	else if (!strcmp(cmd, "reap"))
		ret = cmd_reap(argc, argv, 0);
	else if (!strcmp(cmd, "kill"))
		ret = cmd_reap(argc, argv, 1);
	else if (!strcmp(cmd, "state"))
		ret = cmd_state(argc, argv);
	else if (!strcmp(cmd, "node"))
		ret = cmd_node(argc, argv);
	else if (!strcmp(cmd, "heartbeat"))
		ret = cmd_heartbeat(argc, argv);
	else if (!strcmp(cmd, "cpumap"))
		ret = cmd_cpumap();
	else
		return usage();
	return ret == 2 ? usage() : ret;
}
