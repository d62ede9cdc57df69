// SPDX-License-Identifier: GPL-2.0
/* Talking to mintd and printing what it says. */
#include <stdio.h>
#include <unistd.h>

#include "mintctl.h"

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
	json_object *step = ctl_member(params, "step");
	bool tty = isatty(STDERR_FILENO);

	(void)data;
	if (!step)
		return;
	if (ctl_int(params, "total") > 0)
		fprintf(stderr, "%s[%d/%d] %s...%s", tty ? "\r\033[K" : "",
			(int)ctl_int(params, "done") + 1, (int)ctl_int(params, "total"),
			json_object_get_string(step), tty ? "" : "\n");
	else /* not a step of the plan: e.g. waiting for another operation */
		fprintf(stderr, "%s%s...%s", tty ? "\r\033[K" : "", json_object_get_string(step),
			tty ? "" : "\n");
	fflush(stderr);
}

void ctl_progress_done(struct ctl *ctl)
{
	if (!ctl->json && isatty(STDERR_FILENO))
		fputs("\r\033[K", stderr);
}

/* Forward's replies are {node, reply}: hand the inner reply on. */
struct unwrap {
	mint_reply_fn progress;
	void *data;
};

static void unwrap_progress(json_object *params, void *data)
{
	struct unwrap *u = data;

	u->progress(ctl_member(params, "reply"), u->data);
}

static json_object *forward_params(struct ctl *ctl, const char *method, json_object *params,
				   bool more)
{
	json_object *f = json_object_new_object();

	json_object_object_add(f, "node", json_object_new_string(ctl->node));
	json_object_object_add(f, "method", json_object_new_string(method));
	json_object_object_add(f, "parameters", params ? params : json_object_new_object());
	if (more)
		json_object_object_add(f, "more", json_object_new_boolean(1));
	return f;
}

int ctl_call(struct ctl *ctl, const char *method, json_object *params, mint_reply_fn progress,
	     json_object **reply)
{
	struct unwrap u = {.progress = progress, .data = ctl};
	struct mint_error err = {0};
	int fd = mint_varlink_connect(ctl->socket, &err);
	json_object *outer;
	int ret;

	if (fd < 0) {
		json_object_put(params);
		return ctl_fail(&err);
	}
	if (!ctl->node) {
		ret = mint_varlink_call(fd, method, params, progress != NULL, progress, ctl, reply,
					&err);
	} else {
		ret = mint_varlink_call(fd, MINT_INTERFACE ".Forward",
					forward_params(ctl, method, params, progress != NULL),
					progress != NULL, progress ? unwrap_progress : NULL, &u,
					&outer, &err);
		if (!ret) {
			*reply = json_object_get(ctl_member(outer, "reply"));
			json_object_put(outer);
			if (!*reply)
				*reply = json_object_new_object();
		}
	}
	close(fd);
	ctl_progress_done(ctl);
	if (ret)
		return ctl_fail(&err);
	return EXIT_OK;
}

json_object *ctl_member(json_object *o, const char *key)
{
	json_object *v;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

const char *ctl_str(json_object *o, const char *key)
{
	json_object *v = ctl_member(o, key);

	return v ? json_object_get_string(v) : "";
}

int64_t ctl_int(json_object *o, const char *key)
{
	json_object *v = ctl_member(o, key);

	return v ? json_object_get_int64(v) : 0;
}

bool ctl_bool(json_object *o, const char *key)
{
	json_object *v = ctl_member(o, key);

	return v && json_object_get_boolean(v);
}
