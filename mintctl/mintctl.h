/* SPDX-License-Identifier: GPL-2.0 */
/* What every mintctl command shares: options, the connection to mintd, exit codes. */
#ifndef MINTCTL_H
#define MINTCTL_H

#include <json-c/json.h>
#include <stdbool.h>

#include "error.h"
#include "varlink.h"

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

struct ctl {
	bool json;
	const char *socket;
};

/*
 * Parse a command's options: --json, --socket and --help are common to all;
 * @extra (may be NULL) handles the command's own options and returns 0, or
 * EXIT_USAGE after printing why. Returns the index of the first operand, or
 * -1 after printing help (exit 0), or -2 on bad usage (exit 2).
 */
struct cmd_option {
	const char *name; /* long name without "--" */
	bool has_arg;
	int (*handle)(void *data, const char *arg);
};
int ctl_parse(struct ctl *ctl, int argc, char **argv, const struct cmd_option *extra, void *data,
	      const char *usage);

/* Report a usage error: "mintctl: <msg>" plus a hint; returns EXIT_USAGE. */
int ctl_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Report a failed operation; returns EXIT_FAILED. */
int ctl_fail(const struct mint_error *err);

/*
 * Call a method of mintd. Returns EXIT_OK with *reply set, or prints the
 * error and returns EXIT_FAILED. With @progress, asks for progress replies.
 */
int ctl_call(struct ctl *ctl, const char *method, json_object *params, mint_reply_fn progress,
	     json_object **reply);

/*
 * Progress replies of long operations ({done, total, step}) as "[2/5] step..."
 * on stderr: rewritten in place on a terminal, one line each otherwise.
 */
void ctl_progress(json_object *params, void *data);
/* Clear the progress line on a terminal. */
void ctl_progress_done(struct ctl *ctl);

/* Print a reply as JSON (for --json). */
void ctl_print_json(json_object *o);

/* Commands. */
int cmd_status(struct ctl *ctl, int argc, char **argv);
int cmd_cpu(struct ctl *ctl, int argc, char **argv);
int cmd_mem(struct ctl *ctl, int argc, char **argv);
int cmd_dev(struct ctl *ctl, int argc, char **argv);
int cmd_boot(struct ctl *ctl, int argc, char **argv);
int cmd_log(struct ctl *ctl, int argc, char **argv);

#endif
