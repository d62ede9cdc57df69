// SPDX-License-Identifier: GPL-2.0
/*
 * The io.mint.Node methods and org.varlink.service introspection. Each
 * method reads and checks its parameters, calls an operation (ops.c) and
 * turns the outcome into a reply.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <errno.h>
#include <unistd.h>

#include "boot.h"
#include "call.h"
#include "interface.h"
#include "log.h"
#include "memory.h"
#include "ops.h"
#include "parse.h"
#include "varlink.h"

/* ---- parameter helpers: each fills @err naming the parameter on failure ---- */

static bool reject_unknown(struct call *c, const char *const *allowed)
{
	json_object_object_foreach(c->params, key, val)
	{
		bool ok = false;

		(void)val;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = !strcmp(*a, key);
		if (!ok) {
			json_object *p = json_object_new_object();

			json_object_object_add(p, "parameter", json_object_new_string(key));
			call_error(c, "org.varlink.service.InvalidParameter", p);
			return true;
		}
	}
	return false;
}

static int param_cpus(struct call *c, struct mint_cpuset *set, struct mint_error *err)
{
	json_object *arr;

	mint_cpuset_clear(set);
	if (!json_object_object_get_ex(c->params, "cpus", &arr) ||
	    !json_object_is_type(arr, json_type_array) || json_object_array_length(arr) == 0)
		return mint_fail(err, MINT_E_INVALID,
				 "parameter cpus must be a non-empty list of CPU numbers");
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *v = json_object_array_get_idx(arr, i);
		int64_t cpu = json_object_get_int64(v);

		if (!json_object_is_type(v, json_type_int) || cpu < 0)
			return mint_fail(err, MINT_E_INVALID,
					 "parameter cpus: %s is not a CPU number",
					 json_object_to_json_string(v));
		if (cpu >= MINT_CPUSET_MAX)
			return mint_fail(err, MINT_E_NOTFOUND, "CPU %" PRId64 " does not exist",
					 cpu);
		mint_cpuset_add(set, (unsigned)cpu);
	}
	return 0;
}

static int param_bytes(struct call *c, uint64_t *bytes, struct mint_error *err)
{
	json_object *v;

	if (!json_object_object_get_ex(c->params, "bytes", &v) ||
	    !json_object_is_type(v, json_type_int) || json_object_get_int64(v) <= 0)
		return mint_fail(err, MINT_E_INVALID, "parameter bytes must be a positive integer");
	*bytes = (uint64_t)json_object_get_int64(v);
	return 0;
}

static const char *param_string(struct call *c, const char *name)
{
	json_object *v;

	if (!json_object_object_get_ex(c->params, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int param_bdf(struct call *c, struct mint_bdf *bdf, struct mint_error *err)
{
	const char *s = param_string(c, "address");

	if (!s)
		return mint_fail(err, MINT_E_INVALID,
				 "parameter address must be a PCI address string");
	return mint_parse_bdf(s, bdf, err);
}

static json_object *int_array_of_set(const struct mint_cpuset *set)
{
	json_object *arr = json_object_new_array();

	for (int c = mint_cpuset_next(set, 0); c >= 0; c = mint_cpuset_next(set, c + 1))
		json_object_array_add(arr, json_object_new_int(c));
	return arr;
}

static json_object *owner_string(int owner)
{
	char name[32];

	mint_owner_name(owner, name, sizeof(name));
	return json_object_new_string(name);
}

/* ---- Status ---- */

static json_object *status_node(struct mintd *d)
{
	json_object *o = json_object_new_object();
	char name[32];

	mint_owner_name(d->self, name, sizeof(name));
	json_object_object_add(o, "id", json_object_new_int(d->self));
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "state", json_object_new_string("running"));
	json_object_object_add(o, "mint_kernel", json_object_new_boolean(d->mint_kernel));
	return o;
}

static json_object *status_cpus(const struct mint_model *m)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < m->ncpus; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "id", json_object_new_int((int)m->cpus[i].id));
		json_object_object_add(o, "apic_id", json_object_new_int(m->cpus[i].apic_id));
		json_object_object_add(o, "online", json_object_new_boolean(m->cpus[i].online));
		json_object_object_add(o, "owner", owner_string(m->cpus[i].owner));
		json_object_array_add(arr, o);
	}
	return arr;
}

static json_object *status_memory(const struct mint_model *m)
{
	json_object *o = json_object_new_object(), *arr = json_object_new_array();
	uint64_t online = 0, released = 0;

	for (size_t i = 0; i < m->nmem; i++) {
		const struct mint_memblock *b = &m->mem[i];
		json_object *bo = json_object_new_object();

		online += b->online ? m->block_size : 0;
		released += b->owner == MINT_FREE ? m->block_size : 0;
		json_object_object_add(bo, "index", json_object_new_int((int)b->index));
		json_object_object_add(bo, "base", json_object_new_int64((int64_t)b->base));
		json_object_object_add(bo, "online", json_object_new_boolean(b->online));
		json_object_object_add(bo, "movable", json_object_new_boolean(b->movable));
		json_object_object_add(bo, "owner", owner_string(b->owner));
		json_object_array_add(arr, bo);
	}
	json_object_object_add(o, "block_size", json_object_new_int64((int64_t)m->block_size));
	json_object_object_add(o, "online_bytes", json_object_new_int64((int64_t)online));
	json_object_object_add(o, "released_bytes", json_object_new_int64((int64_t)released));
	json_object_object_add(o, "blocks", arr);
	return o;
}

static json_object *status_devices(const struct mint_model *m)
{
	json_object *arr = json_object_new_array();
	char addr[MINT_BDF_STRLEN];

	for (size_t i = 0; i < m->npci; i++) {
		const struct mint_pcidev *p = &m->pci[i];
		json_object *o = json_object_new_object();

		mint_format_bdf(&p->bdf, addr);
		json_object_object_add(o, "address", json_object_new_string(addr));
		json_object_object_add(o, "name", json_object_new_string(p->name));
		json_object_object_add(o, "driver", json_object_new_string(p->driver));
		json_object_object_add(o, "module", json_object_new_string(p->module));
		json_object_object_add(o, "msi", json_object_new_boolean(p->msi));
		json_object_object_add(o, "in_use", json_object_new_string(p->in_use));
		json_object_object_add(o, "owner", owner_string(p->owner));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* Every node the resource table knows, with what it owns (Mint kernels only). */
static json_object *status_nodes(struct mintd *d)
{
	json_object *arr = json_object_new_array();
	const volatile struct mint_table *t = d->dev.table;

	for (uint32_t n = 0; t && n < MINT_MAX_NODES; n++) {
		json_object *o, *cpus, *devs;
		uint64_t mem = 0;
		uint32_t state = t->node[n].state;
		char name[MINT_NAME_LEN + 1], addr[MINT_BDF_STRLEN];

		if (state == MINT_NODE_UNUSED && n != (uint32_t)d->self)
			continue;
		o = json_object_new_object();
		cpus = json_object_new_array();
		devs = json_object_new_array();
		for (uint32_t a = 0; a < MINT_MAX_CPUS; a++)
			if (t->cpu[a].owner == n)
				json_object_array_add(cpus, json_object_new_int((int)a));
		for (uint32_t i = 0; i < t->nr_mem_blocks && i < MINT_MAX_MEM_BLOCKS; i++)
			mem += t->mem[i].owner == n ? t->mem_block_size : 0;
		for (uint32_t i = 0; i < t->nr_pci && i < MINT_MAX_PCI; i++) {
			struct mint_bdf b = {.domain = t->pci[i].segment,
					     .bus = t->pci[i].bus,
					     .dev = (uint8_t)(t->pci[i].devfn >> 3),
					     .fn = (uint8_t)(t->pci[i].devfn & 7)};

			if (t->pci[i].owner != n)
				continue;
			mint_format_bdf(&b, addr);
			json_object_array_add(devs, json_object_new_string(addr));
		}
		for (size_t i = 0; i < MINT_NAME_LEN; i++)
			name[i] = t->node[n].name[i];
		name[MINT_NAME_LEN] = '\0';
		if (!name[0])
			snprintf(name, sizeof(name), "node%u", n);
		json_object_object_add(o, "id", json_object_new_int((int)n));
		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "state",
				       json_object_new_string(n == (uint32_t)d->self
								  ? "running"
								  : mint_node_state_name(state)));
		json_object_object_add(o, "heartbeat",
				       json_object_new_int64((int64_t)t->node[n].heartbeat));
		json_object_object_add(o, "apic_ids", cpus);
		json_object_object_add(o, "memory_bytes", json_object_new_int64((int64_t)mem));
		json_object_object_add(o, "devices", devs);
		json_object_array_add(arr, o);
	}
	return arr;
}

static void m_status(struct call *c)
{
	static const char *const allowed[] = {NULL};
	struct mint_error err = {0};
	json_object *reply, *warnings;
	struct mint_model m;
	unsigned what = MODEL_ALL;
	uint64_t bs;

	if (reject_unknown(c, allowed))
		return;
	if (mint_mem_block_size(&bs, NULL))
		what &= ~(unsigned)MODEL_MEM; /* no memory hotplug: report CPUs and devices */
	if (ops_build_model(c->d, what, &m, &err)) {
		call_fail(c, &err);
		return;
	}
	reply = json_object_new_object();
	json_object_object_add(reply, "node", status_node(c->d));
	json_object_object_add(reply, "nodes", status_nodes(c->d));
	json_object_object_add(reply, "cpus", status_cpus(&m));
	json_object_object_add(reply, "memory", status_memory(&m));
	json_object_object_add(reply, "devices", status_devices(&m));
	warnings = json_object_new_array();
	for (size_t i = 0; i < c->d->nwarnings; i++)
		json_object_array_add(warnings, json_object_new_string(c->d->warnings[i]));
	json_object_object_add(reply, "warnings", warnings);
	mint_model_free(&m);
	call_reply(c, reply);
}

/* ---- CPUs ---- */

static void cpus_method(struct call *c, bool release)
{
	static const char *const allowed[] = {"cpus", NULL};
	struct mint_error err = {0};
	struct mint_cpuset set;
	json_object *reply;
	int ret;

	if (reject_unknown(c, allowed))
		return;
	if (param_cpus(c, &set, &err)) {
		call_fail(c, &err);
		return;
	}
	ret = release ? ops_release_cpus(c->d, &set, &err) : ops_reclaim_cpus(c->d, &set, &err);
	if (ret) {
		call_fail(c, &err);
		return;
	}
	reply = json_object_new_object();
	json_object_object_add(reply, "cpus", int_array_of_set(&set));
	call_reply(c, reply);
}

static void m_release_cpus(struct call *c)
{
	cpus_method(c, true);
}

static void m_reclaim_cpus(struct call *c)
{
	cpus_method(c, false);
}

/* ---- memory ---- */

static void mem_progress(size_t index, size_t total, const char *desc, void *data)
{
	struct call *c = data;
	json_object *p = json_object_new_object();

	json_object_object_add(p, "done", json_object_new_int((int)index));
	json_object_object_add(p, "total", json_object_new_int((int)total));
	json_object_object_add(p, "step", json_object_new_string(desc));
	call_progress(c, p);
}

static void mem_method(struct call *c, bool release)
{
	static const char *const allowed[] = {"bytes", NULL};
	struct mint_error err = {0};
	struct ops_mem_result res;
	json_object *reply, *blocks;
	uint64_t bytes;
	int ret;

	if (reject_unknown(c, allowed))
		return;
	if (param_bytes(c, &bytes, &err)) {
		call_fail(c, &err);
		return;
	}
	ret = release ? ops_release_mem(c->d, bytes, mem_progress, c, &res, &err)
		      : ops_reclaim_mem(c->d, bytes, mem_progress, c, &res, &err);
	if (ret) {
		call_fail(c, &err);
		return;
	}
	reply = json_object_new_object();
	blocks = json_object_new_array();
	for (size_t i = 0; i < res.nblocks; i++)
		json_object_array_add(blocks, json_object_new_int((int)res.blocks[i]));
	json_object_object_add(reply, "bytes", json_object_new_int64((int64_t)res.bytes));
	json_object_object_add(reply, "blocks", blocks);
	call_reply(c, reply);
}

static void m_release_memory(struct call *c)
{
	mem_method(c, true);
}

static void m_reclaim_memory(struct call *c)
{
	mem_method(c, false);
}

/* ---- PCI functions ---- */

static void dev_method(struct call *c, bool release)
{
	static const char *const allowed[] = {"address", NULL};
	struct mint_error err = {0};
	struct mint_pci_release res;
	char addr[MINT_BDF_STRLEN];
	struct mint_bdf bdf;
	json_object *reply;
	int ret;

	if (reject_unknown(c, allowed))
		return;
	if (param_bdf(c, &bdf, &err)) {
		call_fail(c, &err);
		return;
	}
	ret = release ? ops_release_dev(c->d, &bdf, &res, &err)
		      : ops_reclaim_dev(c->d, &bdf, &res, &err);
	if (ret) {
		call_fail(c, &err);
		return;
	}
	mint_format_bdf(&bdf, addr);
	reply = json_object_new_object();
	json_object_object_add(reply, "address", json_object_new_string(addr));
	json_object_object_add(reply, "driver", json_object_new_string(res.driver));
	if (release) {
		json_object_object_add(reply, "module", json_object_new_string(res.module));
		json_object_object_add(reply, "module_unloaded",
				       json_object_new_boolean(res.module_unloaded));
		json_object_object_add(reply, "note", json_object_new_string(res.module_note));
	}
	call_reply(c, reply);
}

static void m_release_device(struct call *c)
{
	dev_method(c, true);
}

static void m_reclaim_device(struct call *c)
{
	dev_method(c, false);
}

/* ---- BootNode ---- */

static int boot_devices(struct call *c, struct boot_request *req, struct mint_error *err)
{
	json_object *arr;

	if (!json_object_object_get_ex(c->params, "devices", &arr))
		return 0;
	if (!json_object_is_type(arr, json_type_array))
		return mint_fail(err, MINT_E_INVALID,
				 "parameter devices must be a list of PCI addresses");
	if (json_object_array_length(arr) > BOOT_MAX_DEVS)
		return mint_fail(err, MINT_E_INVALID, "at most %d devices per node", BOOT_MAX_DEVS);
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *v = json_object_array_get_idx(arr, i);

		if (!json_object_is_type(v, json_type_string))
			return mint_fail(err, MINT_E_INVALID,
					 "parameter devices: %s is not a PCI address",
					 json_object_to_json_string(v));
		if (mint_parse_bdf(json_object_get_string(v), &req->devs[req->ndevs++], err))
			return -1;
	}
	return 0;
}

static int optional_path(struct call *c, const char *name, const char **out, struct mint_error *err)
{
	json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(c->params, name, &v))
		return 0;
	if (!json_object_is_type(v, json_type_string) || json_object_get_string(v)[0] != '/')
		return mint_fail(err, MINT_E_INVALID, "parameter %s must be an absolute path",
				 name);
	*out = json_object_get_string(v);
	if (access(*out, R_OK))
		return mint_fail(err, MINT_E_NOTFOUND, "%s file %s: %s", name, *out,
				 strerror(errno));
	return 0;
}

/* Everything that can be checked without touching the machine, in the order a user fixes it. */
static int parse_boot_request(struct call *c, struct boot_request *req, struct mint_error *err)
{
	struct mint_model m;
	json_object *v;
	uint64_t bs;
	int ret;

	memset(req, 0, sizeof(*req));
	req->timeout = BOOT_DEFAULT_TIMEOUT;
	if (!param_string(c, "name"))
		return mint_fail(err, MINT_E_INVALID,
				 "parameter name must be a node name such as node1");
	if (mint_parse_node_name(param_string(c, "name"), &req->node, err))
		return -1;
	if (req->node == c->d->self)
		return mint_fail(err, MINT_E_INVALID, "node%d is this node; it is already running",
				 req->node);
	if (param_cpus(c, &req->cpus, err) || param_bytes(c, &req->bytes, err))
		return -1;
	if (mint_mem_block_size(&bs, NULL) == 0 && mint_check_mem_size(req->bytes, bs, err))
		return -1;
	if (boot_devices(c, req, err) || optional_path(c, "kernel", &req->kernel, err) ||
	    optional_path(c, "initrd", &req->initrd, err))
		return -1;
	req->append = param_string(c, "append");
	if (json_object_object_get_ex(c->params, "timeout", &v)) {
		if (!json_object_is_type(v, json_type_int) || json_object_get_int(v) <= 0)
			return mint_fail(err, MINT_E_INVALID,
					 "parameter timeout must be a positive number of seconds");
		req->timeout = (unsigned)json_object_get_int(v);
	}
	if (ops_build_model(c->d, MODEL_CPUS | MODEL_PCI, &m, err))
		return -1;
	ret = mint_model_check_cpu_release(&m, &req->cpus, err);
	for (size_t i = 0; !ret && i < req->ndevs; i++)
		ret = mint_model_check_pci_release(&m, &req->devs[i], err);
	mint_model_free(&m);
	return ret ? -1 : 0;
}

static void boot_progress(size_t index, size_t total, const char *desc, void *data)
{
	struct call *c = data;
	json_object *p = json_object_new_object();

	json_object_object_add(p, "done", json_object_new_int((int)index));
	json_object_object_add(p, "total", json_object_new_int((int)total));
	json_object_object_add(p, "step", json_object_new_string(desc));
	call_progress(c, p);
}

static void m_boot_node(struct call *c)
{
	static const char *const allowed[] = {"name",	"cpus",	  "bytes",   "devices", "kernel",
					      "initrd", "append", "timeout", NULL};
	struct mint_error err = {0};
	struct boot_request req;
	struct boot_result res;
	json_object *reply;
	char name[16];

	if (reject_unknown(c, allowed))
		return;
	if (parse_boot_request(c, &req, &err)) {
		call_fail(c, &err);
		return;
	}
	if (!c->d->mint_kernel) {
		call_failf(c, MINT_E_UNSUPPORTED,
			   "this kernel has no Mint support (" MINT_DEV_PATH
			   " is missing): cannot boot node%d",
			   req.node);
		return;
	}
	if (boot_node(c->d, &req, boot_progress, c, &res, &err)) {
		call_fail(c, &err);
		return;
	}
	snprintf(name, sizeof(name), "node%d", req.node);
	reply = json_object_new_object();
	json_object_object_add(reply, "name", json_object_new_string(name));
	json_object_object_add(reply, "state", json_object_new_string("running"));
	json_object_object_add(reply, "memory_base", json_object_new_int64((int64_t)res.mem_base));
	json_object_object_add(reply, "memory_size", json_object_new_int64((int64_t)res.mem_size));
	json_object_object_add(reply, "cmdline", json_object_new_string(res.cmdline));
	call_reply(c, reply);
}

/* ---- NodeLog ---- */

static void m_node_log(struct call *c)
{
	static const char *const allowed[] = {"name", NULL};
	struct mint_error err = {0};
	char text[MINT_LOG_SIZE + 1];
	json_object *reply;
	int node;

	if (reject_unknown(c, allowed))
		return;
	if (!param_string(c, "name")) {
		call_failf(c, MINT_E_INVALID, "parameter name must be a node name such as node1");
		return;
	}
	if (mint_parse_node_name(param_string(c, "name"), &node, &err)) {
		call_fail(c, &err);
		return;
	}
	if (!c->d->mint_kernel) {
		call_failf(c, MINT_E_UNSUPPORTED,
			   "this kernel has no Mint support (" MINT_DEV_PATH " is missing)");
		return;
	}
	mint_dev_node_log(&c->d->dev, (uint32_t)node, text, sizeof(text));
	reply = json_object_new_object();
	json_object_object_add(reply, "name", json_object_new_string(param_string(c, "name")));
	json_object_object_add(reply, "text", json_object_new_string(text));
	call_reply(c, reply);
}

/* ---- org.varlink.service ---- */

static void m_get_info(struct call *c)
{
	json_object *reply = json_object_new_object(), *ifaces = json_object_new_array();

	json_object_object_add(reply, "vendor", json_object_new_string("Mint"));
	json_object_object_add(reply, "product", json_object_new_string("mintd"));
	json_object_object_add(reply, "version", json_object_new_string(MINT_PKG_VERSION));
	json_object_object_add(reply, "url", json_object_new_string(""));
	json_object_array_add(ifaces, json_object_new_string("org.varlink.service"));
	json_object_array_add(ifaces, json_object_new_string(MINT_INTERFACE));
	json_object_object_add(reply, "interfaces", ifaces);
	call_reply(c, reply);
}

static void m_get_interface_description(struct call *c)
{
	const char *name = param_string(c, "interface");
	json_object *reply;

	if (!name || strcmp(name, MINT_INTERFACE)) {
		json_object *p = json_object_new_object();

		json_object_object_add(p, "interface", json_object_new_string(name ? name : ""));
		call_error(c, "org.varlink.service.InterfaceNotFound", p);
		return;
	}
	reply = json_object_new_object();
	json_object_object_add(reply, "description",
			       json_object_new_string(mintd_interface_description));
	call_reply(c, reply);
}

/* ---- the method table ---- */

struct method {
	const char *name;
	void (*run)(struct call *c);
	bool modifies; /* needs root or the mint group */
};

static const struct method methods[] = {
    {"org.varlink.service.GetInfo", m_get_info, false},
    {"org.varlink.service.GetInterfaceDescription", m_get_interface_description, false},
    {MINT_INTERFACE ".Status", m_status, false},
    {MINT_INTERFACE ".ReleaseCpus", m_release_cpus, true},
    {MINT_INTERFACE ".ReclaimCpus", m_reclaim_cpus, true},
    {MINT_INTERFACE ".ReleaseMemory", m_release_memory, true},
    {MINT_INTERFACE ".ReclaimMemory", m_reclaim_memory, true},
    {MINT_INTERFACE ".ReleaseDevice", m_release_device, true},
    {MINT_INTERFACE ".ReclaimDevice", m_reclaim_device, true},
    {MINT_INTERFACE ".BootNode", m_boot_node, true},
    {MINT_INTERFACE ".NodeLog", m_node_log, false},
};

void methods_dispatch(struct call *c)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		if (strcmp(methods[i].name, c->method))
			continue;
		if (methods[i].modifies && !c->may_modify) {
			call_failf(c, MINT_E_PERM,
				   "%s changes the machine: only root or members of the mint group "
				   "may call it",
				   c->method);
			return;
		}
		methods[i].run(c);
		return;
	}
	{
		json_object *p = json_object_new_object();
		bool known_iface =
		    !strncmp(c->method, MINT_INTERFACE ".", strlen(MINT_INTERFACE) + 1) ||
		    !strncmp(c->method, "org.varlink.service.", 20);

		if (known_iface) {
			json_object_object_add(p, "method", json_object_new_string(c->method));
			call_error(c, "org.varlink.service.MethodNotFound", p);
		} else {
			json_object_object_add(p, "interface", json_object_new_string(c->method));
			call_error(c, "org.varlink.service.InterfaceNotFound", p);
		}
	}
}
