// SPDX-License-Identifier: GPL-2.0
/*
 * mintd: the Mint daemon of one node. It owns this node's side of every
 * resource operation (CPU, memory and PCI release/reclaim, booting nodes)
 * and serves them over a varlink socket to mintctl and any varlink client.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "mintd.h"
#include "peer.h"
#include "server.h"
#include "service.h"
#include "intent.h"
#include "sysroot.h"
#include "varlink.h"
#include "watch.h"

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
	    "      --sysroot DIR     find /sys, /proc and /dev below DIR (for tests)\n"
	    "      --describe        print the varlink interface description and exit\n"
	    "      --crash-after-step N  crash test: kill mintd with SIGKILL after step N of\n"
	    "                        the next operation (1 = right after its intent is written)\n"
	    "  -h, --help            show this help\n"
	    "  -V, --version         show the version\n",
	    MINT_INTERFACE, MINT_SOCKET_PATH, MINTD_STATE_DIR);
}

static int parse_args(int argc, char **argv, struct mintd *d)
{
	static const struct option opts[] = {
	    {"socket", required_argument, NULL, 's'},
	    {"state-dir", required_argument, NULL, 'd'},
	    {"sysroot", required_argument, NULL, 'r'},
	    {"describe", no_argument, NULL, 'D'},
	    {"crash-after-step", required_argument, NULL, 'C'},
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
		case 'r': {
			struct mint_error err = {0};

			if (mint_sysroot_set(optarg, &err)) {
				fprintf(stderr, "mintd: --sysroot: %s\n", err.msg);
				return -1;
			}
			break;
		}
		case 'C': {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);

			if (end == optarg || *end || !n || n > 1000) {
				fprintf(stderr, "mintd: --crash-after-step: \"%s\" is not a step number "
						"(1-1000)\n", optarg);
				return -1;
			}
			intent_set_crash_step((unsigned)n);
			break;
		}
		case 'h':
			usage(stdout);
			exit(0);
		case 'D': {
			char *text = service_description();

			fputs(text ? text : "", stdout);
			free(text);
			exit(text ? 0 : 1);
		}
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
	if (mintd_lock_instance(&d, &err)) {
		log_msg(LOG_ERR, "%s", err.msg);
		fprintf(stderr, "mintd: %s\n", err.msg);
		return 1;
	}
	if (mintd_init(&d, &err)) {
		log_msg(LOG_ERR, "%s", err.msg);
		return 1;
	}
	if (peer_start(&d, &err) || watch_start(&d, &err)) {
		log_msg(LOG_ERR, "%s", err.msg);
		mintd_fini(&d);
		return 1;
	}
	fd = server_open(&d);
	if (fd < 0) {
		mintd_fini(&d);
		return 1;
	}
	ret = server_run(&d, fd) ? 1 : 0;
	mintd_fini(&d);
	return ret;
}
