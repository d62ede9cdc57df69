// SPDX-License-Identifier: GPL-2.0
/*
 * mintctl: the Mint command line. A verb table maps each command to one
 * parse-and-run function (cmd_*.c); they all talk to mintd over varlink.
 * This file parses the command line: global options anywhere, the command
 * (one or two words), its options and operands, and prints help.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mintctl.h"
#include "parse.h"
#include "suggest.h"
#include "util.h"

static const struct verb *const verbs[] = {
    &verb_status,      &verb_cpu_release, &verb_cpu_reclaim, &verb_cpu_move,
    &verb_mem_release, &verb_mem_reclaim, &verb_mem_move,    &verb_dev_release,
    &verb_dev_reclaim, &verb_dev_move,	  &verb_disk_move,   &verb_boot,
    &verb_log,	       &verb_halt,	  &verb_kill,	     &verb_reboot,
    &verb_vm_start,    &verb_vm_stop,	  &verb_vm_list,     &verb_vm_console,
    &verb_check,
};

#define MAX_ARGS 256

/* ---- help ---- */

static void print_synopsis(FILE *out, const struct verb *v)
{
	fprintf(out, "mintctl %s%s%s", v->name, v->operands[0] ? " " : "", v->operands);
	for (const struct cmd_option *o = v->options; o && o->name; o++)
		fprintf(out, " [--%s%s%s]", o->name, o->argname ? " " : "",
			o->argname ? o->argname : "");
}

static void usage(FILE *out)
{
	fprintf(out, "Usage: mintctl [OPTIONS] COMMAND [ARGS]\n\nCommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++) {
		char left[64];

		snprintf(left, sizeof(left), "%s %s", verbs[i]->name, verbs[i]->operands);
		fprintf(out, "  %-24s %s\n", left, verbs[i]->summary);
	}
	fprintf(out,
		"\nOptions (before or after the command):\n"
		"  --json          print mintd's reply as JSON (the varlink interface is the schema)\n"
		"  --socket PATH   talk to mintd at PATH (default %s)\n"
		"  -n, --node NODE run the command on NODE (through this node's mintd and the\n"
		"                  inter-node channel)\n"
		"  -h, --help      show help (mintctl COMMAND --help for a command)\n"
		"  --version       show the version\n"
		"\nExit status: 0 done, 1 the operation failed, 2 bad usage.\n",
		MINT_SOCKET_PATH);
}

static void command_help(const struct verb *v)
{
	printf("Usage: ");
	print_synopsis(stdout, v);
	printf("\n\n%c%s.\n", toupper((unsigned char)v->summary[0]), v->summary + 1);
	if (v->help)
		printf("\n%s\n", v->help);
	if (v->options && v->options->name) {
		printf("\nOptions:\n");
		for (const struct cmd_option *o = v->options; o->name; o++) {
			char left[48];

			snprintf(left, sizeof(left), "--%s%s%s", o->name, o->argname ? " " : "",
				 o->argname ? o->argname : "");
			printf("  %-22s %s\n", left, o->help);
		}
	}
	printf("\nCommon options: --json, --socket PATH, -n/--node NODE, --help\n");
}

/* The commands whose first word is @group ("cpu" -> cpu release, cpu reclaim). */
static void group_help(FILE *out, const char *group)
{
	size_t len = strlen(group);

	fprintf(out, "Commands of \"%s\":\n", group);
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (!strncmp(verbs[i]->name, group, len) && verbs[i]->name[len] == ' ') {
			fputs("  ", out);
			print_synopsis(out, verbs[i]);
			fputc('\n', out);
		}
}

static bool is_group(const char *word)
{
	size_t len = strlen(word);

	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (!strncmp(verbs[i]->name, word, len) && verbs[i]->name[len] == ' ')
			return true;
	return false;
}

int ctl_usage_error(const struct verb *v, const char *fmt, ...)
{
	va_list ap;

	fputs("mintctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (v) {
		fputs("Usage: ", stderr);
		print_synopsis(stderr, v);
		fputs(" (see --help)\n", stderr);
	}
	return EXIT_USAGE;
}

/* ---- finding the command ---- */

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(verbs[i]->name, name))
			return verbs[i];
	return NULL;
}

static int unknown_command(const char *word)
{
	const char *names[ARRAY_SIZE(verbs) * 2];
	size_t n = 0;
	const char *best;

	/* Suggest among full names and first words ("cpu"). */
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++) {
		names[n++] = verbs[i]->name;
		if (strchr(verbs[i]->name, ' ')) {
			static char firsts[ARRAY_SIZE(verbs)][32];

			snprintf(firsts[i], sizeof(firsts[i]), "%.*s",
				 (int)strcspn(verbs[i]->name, " "), verbs[i]->name);
			names[n++] = firsts[i];
		}
	}
	best = mint_suggest(word, names, n);
	if (best)
		fprintf(stderr, "mintctl: unknown command \"%s\"; did you mean \"%s\"?\n", word,
			best);
	else
		fprintf(stderr, "mintctl: unknown command \"%s\" (see mintctl --help)\n", word);
	return EXIT_USAGE;
}

/* ---- options ---- */

enum global_result { G_NONE, G_DONE, G_EXIT_OK, G_USAGE };

/*
 * A global option at argv[*i] (advancing *i past its value). G_NONE: not a
 * global option.
 */
static enum global_result global_option(struct ctl *ctl, int argc, char **argv, int *i)
{
	const char *a = argv[*i];

	if (!strcmp(a, "--json")) {
		ctl->json = true;
		return G_DONE;
	}
	if (!strncmp(a, "--socket=", 9)) {
		ctl->socket = a + 9;
		return G_DONE;
	}
	if (!strcmp(a, "--socket")) {
		if (*i + 1 >= argc) {
			ctl_usage_error(NULL, "option --socket needs a value");
			return G_USAGE;
		}
		ctl->socket = argv[++*i];
		return G_DONE;
	}
	if (!strncmp(a, "--node=", 7) || !strcmp(a, "--node") || !strcmp(a, "-n")) {
		struct mint_error err = {0};
		int id;

		if (!strncmp(a, "--node=", 7)) {
			ctl->node = a + 7;
		} else if (*i + 1 >= argc) {
			ctl_usage_error(NULL, "option %s needs a node name", a);
			return G_USAGE;
		} else {
			ctl->node = argv[++*i];
		}
		if (mint_parse_node_name(ctl->node, &id, &err)) {
			ctl_usage_error(NULL, "%s: %s", a, err.msg);
			return G_USAGE;
		}
		return G_DONE;
	}
	if (!strcmp(a, "--version")) {
		printf("mintctl %s\n", MINT_PKG_VERSION);
		return G_EXIT_OK;
	}
	return G_NONE;
}

static bool is_help(const char *a)
{
	return !strcmp(a, "-h") || !strcmp(a, "--help");
}

/* A command option at argv[*i]; 0, or EXIT_USAGE after reporting. */
static int command_option(const struct verb *v, void *data, int argc, char **argv, int *i)
{
	const char *a = argv[*i] + 2, *eq = strchr(a, '=');
	size_t len = eq ? (size_t)(eq - a) : strlen(a);
	struct mint_error err = {0};
	const char *value = NULL;

	for (const struct cmd_option *o = v->options; o && o->name; o++) {
		if (strlen(o->name) != len || strncmp(o->name, a, len))
			continue;
		if (o->argname) {
			if (eq)
				value = eq + 1;
			else if (*i + 1 < argc)
				value = argv[++*i];
			else
				return ctl_usage_error(v, "option --%s needs a value (%s)",
						       o->name, o->argname);
		} else if (eq) {
			return ctl_usage_error(v, "option --%s takes no value", o->name);
		}
		if (o->handle(data, value, &err))
			return ctl_usage_error(v, "--%s: %s", o->name, err.msg);
		return 0;
	}
	return ctl_usage_error(v, "unknown option %s", argv[*i]);
}

/* ---- main ---- */

int main(int argc, char **argv)
{
	struct ctl ctl = {.socket = MINT_SOCKET_PATH};
	char *words[MAX_ARGS], name[64];
	const struct verb *v = NULL;
	int nwords = 0, first_operand = 0, ret;
	bool help = false, options_done = false;
	void *data;

	if (argc > MAX_ARGS)
		return ctl_usage_error(NULL, "too many arguments (at most %d)", MAX_ARGS - 1);
	/* Pass 1: global options anywhere, the rest in order. */
	for (int i = 1; i < argc; i++) {
		if (!options_done && !strcmp(argv[i], "--")) {
			options_done = true;
			words[nwords++] = argv[i];
			continue;
		}
		if (!options_done && is_help(argv[i])) {
			help = true;
			continue;
		}
		switch (options_done ? G_NONE : global_option(&ctl, argc, argv, &i)) {
		case G_DONE:
			continue;
		case G_EXIT_OK:
			return EXIT_OK;
		case G_USAGE:
			return EXIT_USAGE;
		case G_NONE:
			words[nwords++] = argv[i];
		}
	}
	/* The command: the first word that is not an option, and the next word for groups. */
	while (first_operand < nwords && words[first_operand][0] == '-' &&
	       strcmp(words[first_operand], "--"))
		first_operand++;
	if (first_operand >= nwords || !strcmp(words[first_operand], "--")) {
		if (first_operand < nwords || !help)
			return usage(stderr), EXIT_USAGE;
		usage(stdout);
		return EXIT_OK;
	}
	if (first_operand > 0)
		return ctl_usage_error(NULL, "unknown option %s before the command",
				       words[0]);
	if (is_group(words[0])) {
		if (nwords < 2 || words[1][0] == '-') {
			if (help) {
				group_help(stdout, words[0]);
				return EXIT_OK;
			}
			fprintf(stderr, "mintctl: \"%s\" needs an action\n", words[0]);
			group_help(stderr, words[0]);
			return EXIT_USAGE;
		}
		snprintf(name, sizeof(name), "%s %s", words[0], words[1]);
		v = find_verb(name);
		if (!v)
			return unknown_command(name);
		first_operand = 2;
	} else {
		v = find_verb(words[0]);
		if (!v)
			return unknown_command(words[0]);
		first_operand = 1;
	}
	if (help) {
		command_help(v);
		return EXIT_OK;
	}
	/* Pass 2: the command's options and operands. */
	data = calloc(1, v->data_size ? v->data_size : 1);
	if (!data)
		return ctl_usage_error(NULL, "out of memory");
	{
		char *operands[MAX_ARGS];
		int n = 0;

		options_done = false;
		for (int i = first_operand; i < nwords; i++) {
			if (!options_done && !strcmp(words[i], "--")) {
				options_done = true;
			} else if (!options_done && words[i][0] == '-' && words[i][1]) {
				bool is_short = words[i][1] != '-'; /* i moves past a value */

				if (is_short || command_option(v, data, nwords, words, &i)) {
					if (is_short)
						ctl_usage_error(v, "unknown option %s", words[i]);
					free(data);
					return EXIT_USAGE;
				}
			} else {
				operands[n++] = words[i];
			}
		}
		if (n < v->min_operands)
			ret = ctl_usage_error(v, "missing %s", v->operands);
		else if (n > v->max_operands)
			ret = ctl_usage_error(v, "unexpected argument \"%s\"",
					      operands[v->max_operands]);
		else
			ret = v->run(&ctl, operands, n, data);
	}
	free(data);
	return ret;
}
