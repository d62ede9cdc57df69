// SPDX-License-Identifier: GPL-2.0
/*
 * mint-log: print the tail of a Mint node's kernel console, read from its
 * ring in the resource table (struct mint_node_log) through the read-only
 * mmap of /dev/mint.
 *
 * Usage: mint-log [-p PREFIX] [-r] [-s] NODE
 *   -p PREFIX  print PREFIX before every line
 *   -r         raw: keep the first line even if the ring cut it
 *   -s         print only seq, the bytes the node printed this boot
 * Exit status: 0 if the ring holds something, 1 if it is empty, 2 on error.
 *
 * Build: gcc -static -I kernel-mint/uapi kernel-mint/tools/mint-log.c
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/mint.h>

static int snapshot(const struct mint_node_log *log, char *out, unsigned int *len, int *cut)
{
	char copy[MINT_LOG_SIZE];
	unsigned int s1, s2, start, i;
	int try;

	for (try = 0; try < 100; try++) {
		s1 = __atomic_load_n(&log->seq, __ATOMIC_ACQUIRE);
		memcpy(copy, log->buf, sizeof(copy));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&log->seq, __ATOMIC_RELAXED);
		/* Bytes before s2 - MINT_LOG_SIZE may have been overwritten. */
		start = s1 > MINT_LOG_SIZE ? s1 - MINT_LOG_SIZE : 0;
		if (s2 > MINT_LOG_SIZE && s2 - MINT_LOG_SIZE > start)
			start = s2 - MINT_LOG_SIZE;
		if (s2 < s1 || start > s1)
			continue; /* cleared or overrun meanwhile */
		*len = s1 - start;
		for (i = 0; i < *len; i++)
			out[i] = copy[(start + i) % MINT_LOG_SIZE];
		*cut = start > 0;
		return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	const char *prefix = "";
	const struct mint_table *t;
	char text[MINT_LOG_SIZE];
	unsigned int node, len, i = 0;
	int raw = 0, seq = 0, cut, opt, fd, bol = 1;
	char *end;

	while ((opt = getopt(argc, argv, "p:rs")) != -1) {
		if (opt == 'p')
			prefix = optarg;
		else if (opt == 'r')
			raw = 1;
		else if (opt == 's')
			seq = 1;
		else
			goto usage;
	}
	if (optind != argc - 1)
		goto usage;
	node = strtoul(argv[optind], &end, 0);
	if (*end || node >= MINT_MAX_NODES)
		goto usage;

	fd = open("/dev/mint", O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "mint-log: /dev/mint: %s\n", strerror(errno));
		return 2;
	}
	t = mmap(NULL, sizeof(*t), PROT_READ, MAP_SHARED, fd, 0);
	if (t == MAP_FAILED) {
		fprintf(stderr, "mint-log: mmap /dev/mint: %s\n", strerror(errno));
		return 2;
	}
	if (t->magic != MINT_TABLE_MAGIC || t->version != MINT_VERSION) {
		fprintf(stderr, "mint-log: no Mint table (version %u)\n", t->version);
		return 2;
	}
	if (seq) {
		printf("%u\n", __atomic_load_n(&t->log[node].seq, __ATOMIC_RELAXED));
		return 0;
	}
	if (snapshot(&t->log[node], text, &len, &cut)) {
		fprintf(stderr, "mint-log: node%u's ring keeps changing\n", node);
		return 2;
	}
	if (cut && !raw) {
		/* Skip the partial first line. */
		while (i < len && text[i] != '\n')
			i++;
		if (i < len)
			i++;
	}
	for (; i < len; i++) {
		unsigned char c = text[i];

		if (bol)
			fputs(prefix, stdout);
		bol = c == '\n';
		if (c != '\n' && c != '\t' && (c < 0x20 || c == 0x7f))
			c = '.';
		putchar(c);
	}
	if (!bol)
		putchar('\n');
	return len ? 0 : 1;

usage:
	fprintf(stderr, "usage: mint-log [-p PREFIX] [-r] [-s] NODE\n");
	return 2;
}
