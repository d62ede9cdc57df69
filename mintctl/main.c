// SPDX-License-Identifier: GPL-2.0
/*
 * mintctl: the Mint command line. A verb table maps each command to one
 * parse-and-run function (cmd_*.c); they all talk to mintd over varlink.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mintctl.h"

struct verb {
	const char *name;
	int (*run)(struct ctl *ctl, int argc, char **argv);
	const char *synopsis;
	const char *summary;
};

static const struct verb verbs[] = {
    {"status", cmd_status, "status", "show this node's CPUs, memory, devices and who holds them"},
    {"cpu", cmd_cpu, "cpu release|reclaim LIST", "take CPUs offline and free them, or back"},
    {"mem", cmd_mem, "mem release|reclaim SIZE", "offline and free memory, or take it back"},
    {"dev", cmd_dev, "dev release|reclaim BDF", "unbind a PCI device and free it, or take it back"},
    {"boot", cmd_boot, "boot NODE --cores LIST --mem SIZE [OPTIONS]",
     "boot a new node on CPUs, memory and devices of this one"},
    {"log", cmd_log, "log NODE", "the last lines NODE printed on its console"},
};

#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

/* What `mintctl COMMAND --help` prints after the usage line. */
static const struct {
	const char *verb;
	const char *text;
} command_help[] = {
    {"status", "Show every node of the resource table (with a Mint kernel), this node's CPUs,\n"
	       "memory ranges and PCI devices, and which node owns each of them."},
    {"cpu", "release: take the CPUs offline and mark them free.\n"
	    "reclaim: take free CPUs back and online them. CPU 0 is never released."},
    {"mem", "release: offline memory blocks worth SIZE (movable blocks first, highest\n"
	    "address first) and mark them free. reclaim: online released blocks again.\n"
	    "SIZE must be a multiple of the memory block size (see mintctl status)."},
    {"dev", "release: unbind the PCI function's driver, hold it with pci-stub and unload\n"
	    "the driver's module if nothing else uses it. Refused while the device is in\n"
	    "use (a mounted or swapped disk). reclaim: give it back to its driver."},
    {"boot", "Boot NODE (node1 to node63) on the given CPUs, a contiguous range of SIZE\n"
	     "memory and PCI devices, all taken from this node; needs a Mint kernel.\n"
	     "\n"
	     "  --cores LIST       CPUs of this node to hand over, e.g. 2,3 or 2-3\n"
	     "  --mem SIZE         memory, e.g. 512M (a multiple of the block size)\n"
	     "  --dev BDF          a PCI device with MSI/MSI-X, e.g. 0000:00:03.0 (repeatable)\n"
	     "  --kernel FILE      bzImage (default /boot/vmlinuz-$(uname -r))\n"
	     "  --initrd FILE      initramfs for the node\n"
	     "  --append CMDLINE   added to the node's command line (console=ttyS<n> is set)\n"
	     "  --timeout SECONDS  how long to wait for the node to run (default 300)\n"
	     "\n"
	     "On failure everything handed over comes back to this node."},
    {"log", "Print the tail (about 480 bytes) of NODE's console, which a Mint node's\n"
	    "kernel keeps in the shared resource table, also after it failed."},
};

static void command_usage(const char *verb, const char *usage_line)
{
	printf("Usage: mintctl %s\n", usage_line);
	for (size_t i = 0; i < sizeof(command_help) / sizeof(command_help[0]); i++)
		if (!strcmp(command_help[i].verb, verb))
			printf("\n%s\n", command_help[i].text);
	printf("\nCommon options: --json, --socket PATH, --help\n");
}

static void usage(FILE *out)
{
	fprintf(out, "Usage: mintctl [--json] [--socket PATH] COMMAND [ARGS]\n\nCommands:\n");
	for (size_t i = 0; i < NVERBS; i++)
		fprintf(out, "  %-44s %s\n", verbs[i].synopsis, verbs[i].summary);
	fprintf(out,
		"\nOptions (accepted by every command):\n"
		"  --json          machine-readable output\n"
		"  --socket PATH   talk to mintd at PATH (default %s)\n"
		"  -h, --help      show help (mintctl COMMAND --help for a command)\n"
		"  --version       show the version\n"
		"\nExit status: 0 done, 1 the operation failed, 2 bad usage.\n",
		MINT_SOCKET_PATH);
}

int ctl_usage_error(const char *usage_line, const char *fmt, ...)
{
	va_list ap;

	fputs("mintctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nUsage: mintctl %s (see --help)\n", usage_line);
	return EXIT_USAGE;
}

int ctl_fail(const struct mint_error *err)
{
	fprintf(stderr, "mintctl: %s\n", err->msg);
	return EXIT_FAILED;
}

void ctl_print_json(json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						   JSON_C_TO_STRING_NOSLASHESCAPE));
}

void ctl_progress(json_object *params, void *data)
{
	json_object *done, *total, *step;
	bool tty = isatty(STDERR_FILENO);

	(void)data;
	if (!json_object_object_get_ex(params, "done", &done) ||
	    !json_object_object_get_ex(params, "total", &total) ||
	    !json_object_object_get_ex(params, "step", &step))
		return;
	fprintf(stderr, "%s[%d/%d] %s...%s", tty ? "\r\033[K" : "", json_object_get_int(done) + 1,
		json_object_get_int(total), json_object_get_string(step), tty ? "" : "\n");
	fflush(stderr);
}

void ctl_progress_done(struct ctl *ctl)
{
	if (!ctl->json && isatty(STDERR_FILENO))
		fputs("\r\033[K", stderr);
}

int ctl_call(struct ctl *ctl, const char *method, json_object *params, mint_reply_fn progress,
	     json_object **reply)
{
	struct mint_error err = {0};
	int fd = mint_varlink_connect(ctl->socket, &err);
	int ret;

	if (fd < 0) {
		json_object_put(params);
		return ctl_fail(&err);
	}
	ret = mint_varlink_call(fd, method, params, progress != NULL, progress, ctl, reply, &err);
	close(fd);
	if (ret)
		return ctl_fail(&err);
	return EXIT_OK;
}

int ctl_parse(struct ctl *ctl, int argc, char **argv, const struct cmd_option *extra, void *data,
	      const char *usage_line)
{
	struct option opts[24] = {
	    {"json", no_argument, NULL, 'j'},
	    {"socket", required_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},
	};
	size_t n = 3;
	int opt;

	for (size_t i = 0; extra && extra[i].name && n < 23; i++, n++)
		opts[n] = (struct option){extra[i].name,
					  extra[i].has_arg ? required_argument : no_argument, NULL,
					  1000 + (int)i};
	opts[n] = (struct option){NULL, 0, NULL, 0};
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			ctl->json = true;
			break;
		case 's':
			ctl->socket = optarg;
			break;
		case 'h':
			command_usage(argv[0], usage_line);
			return -1;
		case '?':
			if (optopt == 's' || optopt >= 1000)
				ctl_usage_error(usage_line, "option %s needs a value",
						argv[optind - 1]);
			else if (optopt)
				ctl_usage_error(usage_line, "unknown option -%c", optopt);
			else
				ctl_usage_error(usage_line, "unknown option %s", argv[optind - 1]);
			return -2;
		case ':':
			ctl_usage_error(usage_line, "option %s needs a value", argv[optind - 1]);
			return -2;
		default:
			if (extra[opt - 1000].handle(data, optarg))
				return -2;
		}
	}
	return optind;
}

int main(int argc, char **argv)
{
	struct ctl ctl = {.socket = MINT_SOCKET_PATH};
	int i = 1;

	/* Options before the command; the command parses the rest (options may follow it too). */
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--json")) {
			ctl.json = true;
		} else if (!strcmp(argv[i], "--socket") && i + 1 < argc) {
			ctl.socket = argv[++i];
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--version")) {
			printf("mintctl %s\n", MINT_PKG_VERSION);
			return EXIT_OK;
		} else {
			fprintf(stderr, "mintctl: unknown option %s\n", argv[i]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (size_t v = 0; v < NVERBS; v++)
		if (!strcmp(verbs[v].name, argv[i]))
			return verbs[v].run(&ctl, argc - i, argv + i);
	fprintf(stderr, "mintctl: unknown command \"%s\"\n", argv[i]);
	usage(stderr);
	return EXIT_USAGE;
}
