/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every mintctl command shares: the verb table's entry type, global
 * options, the connection to mintd, output helpers and exit codes.
 *
 * Adding a command: a `const struct verb` next to its run function (cmd_*.c)
 * and one line in the table in main.c.
 */
#ifndef MINTCTL_H
#define MINTCTL_H

#include <json-c/json.h>
#include <stdbool.h>

#include "error.h"
#include "varlink.h"

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

/* Global options, accepted before or after the command. */
struct ctl {
	bool json;
	const char *socket;
	const char *node; /* --node: run the command on this node (through mintd's Forward) */
};

/* A command's own option: handle() stores @arg in the command's data, or reports a usage error. */
struct cmd_option {
	const char *name;    /* long name without "--" */
	const char *argname; /* "LIST" for an option with a value, NULL for a flag */
	const char *help;
	int (*handle)(void *data, const char *arg, struct mint_error *err);
};

struct verb {
	const char *name;     /* "status", "cpu release" */
	const char *operands; /* synopsis of the operands: "LIST", "" */
	const char *summary;  /* one line for the command list */
	const char *help;     /* more text for `mintctl COMMAND --help`, may be NULL */
	int min_operands, max_operands;
	const struct cmd_option *options; /* terminated by an entry without name; may be NULL */
	size_t data_size;		  /* the command's option state, zeroed before parsing */
	int (*run)(struct ctl *ctl, char **operands, int n, void *data);
};

/* Commands (cmd_*.c). */
extern const struct verb verb_status, verb_log;
extern const struct verb verb_cpu_release, verb_cpu_reclaim;
extern const struct verb verb_mem_release, verb_mem_reclaim;
extern const struct verb verb_dev_release, verb_dev_reclaim;
extern const struct verb verb_boot;
extern const struct verb verb_halt, verb_kill, verb_reboot;
extern const struct verb verb_vm_start, verb_vm_stop, verb_vm_list, verb_vm_console;
/* The guest table of vm list and status (cmd_vm.c). */
void ctl_print_guests(json_object *guests);
extern const struct verb verb_cpu_move, verb_mem_move, verb_dev_move, verb_disk_move;
/* The local preflight (cmd_check.c), which needs no mintd. */
extern const struct verb verb_check;

/* Report a usage error for @v: "mintctl: <msg>" plus its synopsis; returns EXIT_USAGE. */
int ctl_usage_error(const struct verb *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Report a failed operation; returns EXIT_FAILED. */
int ctl_fail(const struct mint_error *err);

/*
 * Call a method of mintd (with --node, of that node's mintd: the call goes
 * through the local mintd's Forward and the replies come back unwrapped, so
 * commands do not know the difference). Returns EXIT_OK with *reply set, or
 * prints the error and returns EXIT_FAILED. With @progress, asks for
 * progress replies.
 */
int ctl_call(struct ctl *ctl, const char *method, json_object *params, mint_reply_fn progress,
	     json_object **reply);

/*
 * Progress replies of long operations ({done, total, step}) as "[2/5] step..."
 * on stderr: rewritten in place on a terminal, one line each otherwise.
 * Pass it to ctl_call() unless --json; call ctl_progress_done() afterwards.
 */
void ctl_progress(json_object *params, void *data);
void ctl_progress_done(struct ctl *ctl);

/* Print mintd's reply as it came, for --json: numbers stay numbers, lists lists. */
void ctl_print_json(json_object *o);

/* Members of a reply, with defaults for absent ones. */
const char *ctl_str(json_object *o, const char *key);
int64_t ctl_int(json_object *o, const char *key);
bool ctl_bool(json_object *o, const char *key);
json_object *ctl_member(json_object *o, const char *key);

#endif
