// SPDX-License-Identifier: GPL-2.0
/*
 * mintd's request handling without a socket: the input is a stream of
 * varlink messages (NUL-terminated), each decoded as mintd's server does
 * (mintd/server.c start_call) and dispatched through the method table
 * (mintd/service.c) against the fake /sys of the unit tests
 * (tests/unit/fakesys.c), as an unprivileged caller (may_modify = false),
 * so nothing is changed: read-only methods run, methods that change the
 * machine are refused by the permission check, and their parameters go
 * through the same validation (param_decode, mintd/param.c) that would
 * come next. Every reply must be a varlink reply, and every successful
 * one must match the interface description (tests/unit/varlink_idl.c).
 */
#include "fuzz.h"

#include <stdbool.h>
#include <unistd.h>

#include "fakesys.h"
#include "mintd.h"
#include "service.h"
#include "varlink.h"
#include "varlink_idl.h"
#include "vm.h"

#define MAX_MESSAGES 8

static struct mintd d;
static struct idl idl;
static char state_dir[4096];

/* No libvirt: the node has no guests. */
static int no_guests(struct vm_guests *out, struct mint_error *err)
{
	(void)err;
	out->n = 0;
	return 0;
}

static int refuse(const char *name, struct mint_error *err)
{
	(void)name;
	return mint_fail(err, MINT_E_UNSUPPORTED, "no guests in the fuzzer");
}

static int refuse_running(const char *name)
{
	(void)name;
	return -1;
}

static const struct vm_backend fuzz_vm = {
    .list = no_guests,
    .shutdown = refuse,
    .destroy = refuse,
    .running = refuse_running,
};

static void at_exit(void)
{
	idl_free(&idl);
	mintd_fini(&d);
	fakesys_destroy();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *root = fakesys_create();
	char why[256], *text;

	(void)argc;
	(void)argv;
	vm_set_backend(&fuzz_vm);
	snprintf(state_dir, sizeof(state_dir), "%s/var/lib/mint", root);
	fakesys_write("/var/lib/mint/.keep", "");
	d.state_dir = state_dir;
	d.socket_path = "/nonexistent";
	if (mintd_init(&d, NULL))
		abort();
	text = service_description();
	if (idl_parse(text, &idl, why, sizeof(why))) {
		fprintf(stderr, "the interface description does not parse: %s\n", why);
		abort();
	}
	free(text);
	atexit(at_exit);
	return 0;
}

struct sink {
	const char *method;
	int finals;
};

/* io.mint.Node.<Kind> is one of the errors the description declares. */
static bool declared_error(const char *name)
{
	size_t len = strlen(MINT_INTERFACE);

	if (strncmp(name, MINT_INTERFACE, len) || name[len] != '.')
		return false;
	for (size_t i = 0; i < idl.nerrors; i++)
		if (!strcmp(idl.errors[i].name, name + len + 1))
			return true;
	return false;
}

/* Where the replies of a call go (instead of a socket): check each one. */
static int check_reply(struct call *c, json_object *msg)
{
	struct sink *s = c->sink;
	json_object *params = NULL, *error, *cont;
	const struct method *m = service_find(s->method);
	char why[512];

	FUZZ_CHECK(json_object_is_type(msg, json_type_object), "a reply that is not an object");
	json_object_object_get_ex(msg, "parameters", &params);
	FUZZ_CHECK(json_object_is_type(params, json_type_object), "%s: parameters %s", s->method,
		   json_object_to_json_string(msg));
	if (json_object_object_get_ex(msg, "error", &error)) {
		const char *name = json_object_get_string(error);

		FUZZ_CHECK(json_object_is_type(error, json_type_string), "%s: error %s", s->method,
			   json_object_to_json_string(msg));
		FUZZ_CHECK(!strncmp(name, "org.varlink.service.", 20) || declared_error(name),
			   "%s: undeclared error %s", s->method, name);
		s->finals++;
	} else {
		bool more = json_object_object_get_ex(msg, "continues", &cont) &&
			    json_object_get_boolean(cont);
		const struct idl_entry *e;

		FUZZ_CHECK(m, "%s: a reply from an unknown method", s->method);
		FUZZ_CHECK(!more || c->more, "%s: progress nobody asked for", s->method);
		s->finals += !more;
		e = idl_method(&idl, m->name);
		/* org.varlink.service methods are not in io.mint.Node's description. */
		if (e)
			FUZZ_CHECK(idl_check(&idl, e->out, params, why, sizeof(why)),
				   "%s reply %s: %s", s->method, json_object_to_json_string(params),
				   why);
	}
	json_object_put(msg);
	return 0;
}

static bool get_bool(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

/* The parameter validation a privileged caller would get next. */
static void decode_params(const struct method *m, json_object *params)
{
	struct mint_error err = {0};
	const char *bad = NULL;
	void *args = calloc(1, m->args_size ? m->args_size : 1);
	int r;

	FUZZ_CHECK(args, "out of memory");
	r = param_decode(m->params, m->nparams, params, args, &bad, &err);
	FUZZ_CHECK(r == 0 || (r == -1 && bad) || (r == -2 && err.kind != MINT_OK && err.msg[0]),
		   "%s: param_decode returned %d", m->name, r);
	free(args);
}

static void handle(const char *text)
{
	json_object *msg = json_tokener_parse(text), *method, *params = NULL;
	struct sink s = {0};
	struct call c = {.d = &d, .fd = -1, .from_node = -1, .send = check_reply, .sink = &s};
	const struct method *m;

	/* The checks of start_call(): an object, a method string, parameters an object. */
	if (!msg || !json_object_is_type(msg, json_type_object) ||
	    !json_object_object_get_ex(msg, "method", &method) ||
	    !json_object_is_type(method, json_type_string) ||
	    (json_object_object_get_ex(msg, "parameters", &params) &&
	     !json_object_is_type(params, json_type_object))) {
		json_object_put(msg);
		return;
	}
	s.method = c.method = json_object_get_string(method);
	c.params = params ? json_object_get(params) : json_object_new_object();
	c.more = get_bool(msg, "more");
	c.oneway = get_bool(msg, "oneway");
	c.uid = 1000;
	c.pid = 1;
	service_dispatch(&c);
	FUZZ_CHECK(c.replied, "%s: no final reply", c.method);
	FUZZ_CHECK(c.oneway || s.finals == 1, "%s: %d final replies", c.method, s.finals);
	m = service_find(c.method);
	if (m && m->modifies)
		decode_params(m, c.params);
	json_object_put(c.params);
	json_object_put(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_str(data, size), *p = text;
	int n = 0;

	/* Like the server's framing: a message ends at its NUL (the last one at the end). */
	while (p <= text + size && n++ < MAX_MESSAGES) {
		handle(p);
		p += strlen(p) + 1;
	}
	free(text);
	return 0;
}
