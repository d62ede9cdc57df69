// SPDX-License-Identifier: GPL-2.0
/*
 * mintd: the Mint daemon of one node. It owns this node's side of every
 * resource operation (CPU, memory and PCI release/reclaim, booting nodes)
 * and serves them over a varlink socket to mintctl and any varlink client.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "mintd.h"
#include "ops.h"
#include "pcidev.h"
#include "server.h"
#include "varlink.h"

void mintd_warn(struct mintd *d, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg(LOG_WARNING, "%s", msg);
	if (d->nwarnings < MINTD_MAX_WARNINGS)
		snprintf(d->warnings[d->nwarnings++], sizeof(d->warnings[0]), "%s", msg);
}

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "Usage: mintd [OPTIONS]\n"
	    "\n"
	    "The Mint node daemon: serves %s on a varlink socket.\n"
	    "\n"
	    "Options:\n"
	    "  -s, --socket PATH     listen on PATH (default %s; ignored under socket activation)\n"
	    "  -d, --state-dir DIR   keep saved state in DIR (default %s)\n"
	    "  -h, --help            show this help\n"
	    "  -V, --version         show the version\n",
	    MINT_INTERFACE, MINT_SOCKET_PATH, MINTD_STATE_DIR);
}

static int parse_args(int argc, char **argv, struct mintd *d)
{
	static const struct option opts[] = {
	    {"socket", required_argument, NULL, 's'},
	    {"state-dir", required_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "s:d:hV", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			d->socket_path = optarg;
			break;
		case 'd':
			d->state_dir = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("mintd %s\n", MINT_PKG_VERSION);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "mintd: unexpected argument \"%s\"\n", argv[optind]);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct mintd d = {
	    .socket_path = MINT_SOCKET_PATH,
	    .state_dir = MINTD_STATE_DIR,
	};
	struct mint_error err = {0};
	int fd, ret;

	if (parse_args(argc, argv, &d))
		return 2;
	log_init();
	d.dev.fd = -1;
	if (access(MINT_DEV_PATH, F_OK) == 0) {
		if (mint_dev_open(&d.dev, &err)) {
			log_msg(LOG_ERR, "%s", err.msg);
			return 1;
		}
		d.mint_kernel = true;
		d.self = (int)d.dev.info.node_id;
		log_msg(LOG_INFO, "Mint kernel: this is node%d", d.self);
	}
	if (mint_state_load(d.state_dir, &d.state, &err))
		mintd_warn(&d, "%s; starting with an empty state", err.msg);
	/* APIC IDs of CPUs that are offline now are known only from earlier runs. */
	memcpy(d.apic_cache, d.state.apic_ids, sizeof(d.apic_cache));
	ops_reconcile(&d);
	fd = server_open(&d);
	if (fd < 0)
		return 1;
	ret = server_run(&d, fd) ? 1 : 0;
	mint_pci_cleanup();
	if (d.mint_kernel)
		mint_dev_close(&d.dev);
	return ret;
}
