// SPDX-License-Identifier: GPL-2.0
#include "call.h"

#include <stdarg.h>
#include <stdio.h>

#include "log.h"
#include "varlink.h"

static int send_reply(struct call *c, json_object *reply)
{
	int ret = 0;

	if (!json_object_object_get_ex(reply, "continues", NULL))
		c->replied = true;
	if (c->oneway) {
		json_object_put(reply);
		return 0;
	}
	if (c->send)
		return c->send(c, reply);
	if (mint_varlink_send(c->fd, reply)) {
		log_msg(LOG_WARNING, "could not answer %s: client went away", c->method);
		ret = -1;
	}
	json_object_put(reply);
	return ret;
}

int call_reply(struct call *c, json_object *params)
{
	json_object *reply = json_object_new_object();

	json_object_object_add(reply, "parameters", params ? params : json_object_new_object());
	return send_reply(c, reply);
}

int call_progress(struct call *c, json_object *params)
{
	json_object *reply;

	if (!c->more) {
		json_object_put(params);
		return 0;
	}
	reply = json_object_new_object();
	json_object_object_add(reply, "parameters", params);
	json_object_object_add(reply, "continues", json_object_new_boolean(1));
	return send_reply(c, reply);
}

void call_plan_progress(size_t index, size_t total, const char *desc, void *data)
{
	json_object *p = json_object_new_object();

	json_object_object_add(p, "done", json_object_new_int((int)index));
	json_object_object_add(p, "total", json_object_new_int((int)total));
	json_object_object_add(p, "step", json_object_new_string(desc));
	call_progress(data, p);
}

int call_error(struct call *c, const char *error, json_object *params)
{
	json_object *reply = json_object_new_object();
	json_object *msg;

	c->failed = true;
	if (params && json_object_object_get_ex(params, "message", &msg))
		snprintf(c->error, sizeof(c->error), "%s", json_object_get_string(msg));
	else
		snprintf(c->error, sizeof(c->error), "%s", error);
	json_object_object_add(reply, "error", json_object_new_string(error));
	json_object_object_add(reply, "parameters", params ? params : json_object_new_object());
	return send_reply(c, reply);
}

int call_fail(struct call *c, const struct mint_error *err)
{
	json_object *params = json_object_new_object();
	char name[96];

	snprintf(name, sizeof(name), "%s.%s", MINT_INTERFACE, mint_errkind_name(err->kind));
	json_object_object_add(params, "message", json_object_new_string(err->msg));
	log_msg(LOG_NOTICE, "%s failed: %s", c->method, err->msg);
	return call_error(c, name, params);
}

int call_failf(struct call *c, enum mint_errkind kind, const char *fmt, ...)
{
	struct mint_error err = {.kind = kind};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err.msg, sizeof(err.msg), fmt, ap);
	va_end(ap);
	return call_fail(c, &err);
}
