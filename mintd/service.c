// SPDX-License-Identifier: GPL-2.0
#include "service.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "intent.h"
#include "methods.h"
#include "util.h"
#include "varlink.h"

static const struct method *const methods[] = {
    &method_get_info,	   &method_get_interface_description,
    &method_status,	   &method_release_cpus,
    &method_reclaim_cpus,  &method_release_memory,
    &method_reclaim_memory, &method_release_device,
    &method_reclaim_device, &method_boot_node,
    &method_node_log,	   &method_forward,
    &method_halt_node,	   &method_kill_node,
    &method_shutdown,	   &method_take_resources,
    &method_reboot_node,   &method_move_cpus,
    &method_move_memory,   &method_move_device,
    &method_move_disk,
    /* KVM guests of this node (methods_vm.c) */
    &method_vm_start,	   &method_vm_stop,
    &method_vm_list,	   &method_vm_console,
};

const struct method *const *service_methods(size_t *n)
{
	*n = ARRAY_SIZE(methods);
	return methods;
}

const struct method *service_find(const char *full_name)
{
	for (size_t i = 0; i < ARRAY_SIZE(methods); i++) {
		size_t len = strlen(methods[i]->interface);

		if (!strncmp(full_name, methods[i]->interface, len) && full_name[len] == '.' &&
		    !strcmp(full_name + len + 1, methods[i]->name))
			return methods[i];
	}
	return NULL;
}

static void not_found(struct call *c)
{
	json_object *p = json_object_new_object();
	bool known_iface = !strncmp(c->method, MINT_INTERFACE ".", strlen(MINT_INTERFACE) + 1) ||
			   !strncmp(c->method, "org.varlink.service.", 20);

	if (known_iface) {
		json_object_object_add(p, "method", json_object_new_string(c->method));
		call_error(c, "org.varlink.service.MethodNotFound", p);
	} else {
		json_object_object_add(p, "interface", json_object_new_string(c->method));
		call_error(c, "org.varlink.service.InterfaceNotFound", p);
	}
}

/*
 * One call that changes the machine at a time. A caller that has to wait hears
 * every second what it waits for (as a progress reply, when it asked for them).
 * A call from another node gives up after PEER_LOCK_WAIT_S: that node may hold
 * its own lock while it waits for us, and two nodes must not wait for each
 * other forever.
 */
#define PEER_LOCK_WAIT_S 30

static int take_op_lock(struct call *c)
{
	struct mintd *d = c->d;
	long long start = mint_now_ms();

	for (;;) {
		struct timespec deadline;
		char what[256];

		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_sec += 1;
		if (!pthread_mutex_timedlock(&d->op_lock, &deadline))
			break;
		if (c->from_node >= 0 && mint_now_ms() - start > PEER_LOCK_WAIT_S * 1000) {
			char busy[sizeof(d->op_desc)];

			pthread_mutex_lock(&d->lock);
			memcpy(busy, d->op_desc, sizeof(busy));
			pthread_mutex_unlock(&d->lock);
			call_failf(c, MINT_E_BUSY, "node%d is busy with %s", d->self, busy);
			return -1;
		}
		pthread_mutex_lock(&d->lock);
		snprintf(what, sizeof(what), "waiting for %s (running for %lld s)", d->op_desc,
			 (mint_now_ms() - d->op_since_ms) / 1000);
		pthread_mutex_unlock(&d->lock);
		call_plan_progress(0, 0, what, c);
	}
	pthread_mutex_lock(&d->lock);
	snprintf(d->op_desc, sizeof(d->op_desc), "%s of uid %d", c->method, (int)c->uid);
	d->op_since_ms = mint_now_ms();
	pthread_mutex_unlock(&d->lock);
	return 0;
}

static void release_op_lock(struct call *c)
{
	pthread_mutex_lock(&c->d->lock);
	c->d->op_desc[0] = '\0';
	pthread_mutex_unlock(&c->d->lock);
	pthread_mutex_unlock(&c->d->op_lock);
}

void service_dispatch(struct call *c)
{
	const struct method *m = service_find(c->method);
	struct mint_error err = {0};
	const char *bad = NULL;
	void *args;
	int ret;

	if (!m) {
		not_found(c);
		return;
	}
	if (m->modifies && !c->may_modify) {
		call_failf(c, MINT_E_PERM,
			   "%s changes the machine: only root or members of the mint group may "
			   "call it",
			   c->method);
		return;
	}
	args = calloc(1, m->args_size ? m->args_size : 1);
	if (!args) {
		call_failf(c, MINT_E_SYSTEM, "out of memory");
		return;
	}
	ret = param_decode(m->params, m->nparams, c->params, args, &bad, &err);
	if (ret == -1) {
		json_object *p = json_object_new_object();

		json_object_object_add(p, "parameter", json_object_new_string(bad));
		call_error(c, "org.varlink.service.InvalidParameter", p);
	} else if (ret == -2) {
		call_fail(c, &err);
	} else if (m->modifies) {
		if (!take_op_lock(c)) {
			intent_call_begin(c);
			m->run(c, args);
			intent_call_end(c);
			release_op_lock(c);
		}
	} else {
		m->run(c, args);
	}
	free(args);
}

/* ---- the description ---- */

struct strbuf {
	char *s;
	size_t len, cap;
};

static void put(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = (b->len + (size_t)n + 1) * 2;
		char *s = realloc(b->s, cap);

		if (!s)
			return;
		b->s = s;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static void put_doc(struct strbuf *b, const char *doc)
{
	while (doc && *doc) {
		size_t n = strcspn(doc, "\n");

		put(b, "# %.*s\n", (int)n, doc);
		doc += n + (doc[n] == '\n');
	}
}

static bool type_listed(const struct vtype *const *seen, size_t n, const struct vtype *t)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(seen[i]->name, t->name))
			return true;
	return false;
}

static void put_types(struct strbuf *b)
{
	const struct vtype *seen[64];
	size_t nseen = 0;

	for (size_t i = 0; i < ARRAY_SIZE(methods); i++)
		for (size_t k = 0; methods[i]->types && methods[i]->types[k]; k++) {
			const struct vtype *t = methods[i]->types[k];

			if (type_listed(seen, nseen, t) || nseen == ARRAY_SIZE(seen))
				continue;
			seen[nseen++] = t;
			put_doc(b, t->doc);
			put(b, "type %s %s\n\n", t->name, t->fields);
		}
}

static void put_method(struct strbuf *b, const struct method *m)
{
	put_doc(b, m->doc);
	put(b, "method %s(", m->name);
	for (size_t i = 0; i < m->nparams; i++)
		put(b, "%s%s: %s%s", i ? ", " : "", m->params[i].name,
		    m->params[i].optional ? "?" : "", param_type_name(m->params[i].type));
	put(b, ") -> %s\n\n", m->returns);
}

char *service_description(void)
{
	struct strbuf b = {0};

	put(&b, "# Mint node daemon: this node's CPUs, memory and PCI devices, who holds\n"
		"# them, and booting further nodes on resources this node gives up.\n"
		"interface %s\n\n",
	    MINT_INTERFACE);
	put_types(&b);
	for (size_t i = 0; i < ARRAY_SIZE(methods); i++)
		if (!strcmp(methods[i]->interface, MINT_INTERFACE))
			put_method(&b, methods[i]);
	for (int k = MINT_E_INVALID; k <= MINT_E_SYSTEM; k++)
		put(&b, "error %s (message: string)\n", mint_errkind_name((enum mint_errkind)k));
	put(&b, "# The message is not a varlink call: not JSON, no method, over 1 MiB.\n"
		"error InvalidRequest (message: string)\n");
	return b.s;
}
