// SPDX-License-Identifier: GPL-2.0
#include "status.h"

#include <stdio.h>
#include <stdlib.h>

#include "memory.h"
#include "ops.h"
#include "vm.h"
#include "watch.h"

static const struct vtype t_node_info = {
    "NodeInfo", "This node.", "(id: int, name: string, state: string, mint_kernel: bool)"};
static const struct vtype t_node = {
    "Node",
    "A node of the resource table and what the table gives it. reason: why it\n"
    "failed or halted; parent: the node that booted it; heartbeat_age_ms: how long\n"
    "its heartbeat has not moved (this node's watcher; absent when not running);\n"
    "console: the last lines its kernel printed, for a failed node.",
    "(id: int, name: string, state: string, reason: ?string, parent: ?string, epoch: int, "
    "heartbeat: int, heartbeat_age_ms: ?int, apic_ids: []int, memory_bytes: int, "
    "devices: []string, console: ?string)"};
static const struct vtype t_cpu = {
    "Cpu",
    "A CPU of this kernel. apic_id is absent while unknown (never online here);\n"
    "owner is a node name or \"free\".",
    "(id: int, apic_id: ?int, online: bool, hotpluggable: bool, owner: string)"};
static const struct vtype t_block = {
    "MemoryBlock", "A memory block of this kernel; base is its physical address.",
    "(index: int, base: int, online: bool, removable: bool, movable: bool, owner: string)"};
static const struct vtype t_memory = {
    "Memory", "block_size is 0 when the kernel has no memory hotplug.",
    "(block_size: int, online_bytes: int, released_bytes: int, blocks: []MemoryBlock)"};
static const struct vtype t_device = {
    "Device",
    "A PCI function. driver and module are absent when none; in_use says why it\n"
    "cannot be released now; msi: it can interrupt a node without an IOAPIC.",
    "(address: string, name: string, vendor: int, device: int, class: int, driver: ?string, "
    "module: ?string, msi: bool, in_use: ?string, owner: string)"};

const struct vtype *const status_types[] = {&t_node_info, &t_node,   &t_cpu,	 &t_block,
					    &t_memory,	  &t_device, &vm_guest_type, NULL};

static void add_str(json_object *o, const char *key, const char *val)
{
	json_object_object_add(o, key, json_object_new_string(val));
}

static void add_int(json_object *o, const char *key, int64_t val)
{
	json_object_object_add(o, key, json_object_new_int64(val));
}

static void add_bool(json_object *o, const char *key, bool val)
{
	json_object_object_add(o, key, json_object_new_boolean(val));
}

/* Optional string: absent when empty. */
static void add_opt_str(json_object *o, const char *key, const char *val)
{
	if (val[0])
		add_str(o, key, val);
}

static void add_owner(json_object *o, int owner)
{
	char name[32];

	mint_owner_name(owner, name, sizeof(name));
	add_str(o, "owner", name);
}

static json_object *node_info(struct mintd *d)
{
	json_object *o = json_object_new_object();
	char name[32];

	mint_owner_name(d->self, name, sizeof(name));
	add_int(o, "id", d->self);
	add_str(o, "name", name);
	add_str(o, "state", "running");
	add_bool(o, "mint_kernel", d->mint_kernel);
	return o;
}

static json_object *cpus_json(const struct mint_model *m)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < m->ncpus; i++) {
		const struct mint_cpu *c = &m->cpus[i];
		json_object *o = json_object_new_object();

		add_int(o, "id", c->id);
		if (c->apic_id >= 0)
			add_int(o, "apic_id", c->apic_id);
		add_bool(o, "online", c->online);
		add_bool(o, "hotpluggable", c->hotpluggable);
		add_owner(o, c->owner);
		json_object_array_add(arr, o);
	}
	return arr;
}

static json_object *memory_json(const struct mint_model *m)
{
	json_object *o = json_object_new_object(), *arr = json_object_new_array();
	uint64_t online = 0, released = 0;

	for (size_t i = 0; i < m->nmem; i++) {
		const struct mint_memblock *b = &m->mem[i];
		json_object *bo = json_object_new_object();

		online += b->online ? m->block_size : 0;
		released += b->owner == MINT_FREE ? m->block_size : 0;
		add_int(bo, "index", b->index);
		add_int(bo, "base", (int64_t)b->base);
		add_bool(bo, "online", b->online);
		add_bool(bo, "removable", b->removable);
		add_bool(bo, "movable", b->movable);
		add_owner(bo, b->owner);
		json_object_array_add(arr, bo);
	}
	add_int(o, "block_size", (int64_t)m->block_size);
	add_int(o, "online_bytes", (int64_t)online);
	add_int(o, "released_bytes", (int64_t)released);
	json_object_object_add(o, "blocks", arr);
	return o;
}

static json_object *devices_json(const struct mint_model *m)
{
	json_object *arr = json_object_new_array();
	char addr[MINT_BDF_STRLEN];

	for (size_t i = 0; i < m->npci; i++) {
		const struct mint_pcidev *p = &m->pci[i];
		json_object *o = json_object_new_object();

		mint_format_bdf(&p->bdf, addr);
		add_str(o, "address", addr);
		add_str(o, "name", p->name);
		add_int(o, "vendor", p->vendor);
		add_int(o, "device", p->device);
		add_int(o, "class", p->class);
		add_opt_str(o, "driver", p->driver);
		add_opt_str(o, "module", p->module);
		add_bool(o, "msi", p->msi);
		add_opt_str(o, "in_use", p->in_use);
		add_owner(o, p->owner);
		json_object_array_add(arr, o);
	}
	return arr;
}

static json_object *node_json(struct mintd *d, const struct mint_node_view *v)
{
	json_object *o = json_object_new_object(), *cpus = json_object_new_array();
	json_object *devs = json_object_new_array();
	char addr[MINT_BDF_STRLEN];

	for (int a = mint_cpuset_next(&v->apic_ids, 0); a >= 0;
	     a = mint_cpuset_next(&v->apic_ids, (unsigned)a + 1))
		json_object_array_add(cpus, json_object_new_int(a));
	for (size_t i = 0; i < v->ndevs; i++) {
		mint_format_bdf(&v->devs[i], addr);
		json_object_array_add(devs, json_object_new_string(addr));
	}
	add_int(o, "id", v->id);
	add_str(o, "name", v->name);
	add_str(o, "state",
		v->id == (uint32_t)d->self ? "running" : mint_node_state_name(v->state));
	if (v->state == MINT_NODE_FAILED || v->state == MINT_NODE_HALTED)
		add_opt_str(o, "reason", mint_node_reason_name(v->reason));
	if (v->parent < MINT_MAX_NODES) {
		char parent[16];

		snprintf(parent, sizeof(parent), "node%u", v->parent);
		add_str(o, "parent", parent);
	}
	add_int(o, "epoch", v->epoch);
	add_int(o, "heartbeat", (int64_t)v->heartbeat);
	if (v->id != (uint32_t)d->self && watch_silence_ms(d, v->id) >= 0)
		add_int(o, "heartbeat_age_ms", watch_silence_ms(d, v->id));
	if (v->state == MINT_NODE_FAILED) {
		char tail[MINT_LOG_SIZE + 1];

		if (mint_dev_node_log(&d->dev, v->id, tail, sizeof(tail)))
			add_str(o, "console", tail);
	}
	json_object_object_add(o, "apic_ids", cpus);
	add_int(o, "memory_bytes", (int64_t)v->memory_bytes);
	json_object_object_add(o, "devices", devs);
	return o;
}

/* Every node the resource table knows (none without a Mint kernel). */
static json_object *nodes_json(struct mintd *d)
{
	json_object *arr = json_object_new_array();
	struct mint_node_view *v = malloc(sizeof(*v));

	for (uint32_t n = 0; v && n < MINT_MAX_NODES; n++) {
		if (mint_dev_node_view(&d->dev, n, v))
			break;
		if (v->state != MINT_NODE_UNUSED || n == (uint32_t)d->self)
			json_object_array_add(arr, node_json(d, v));
	}
	free(v);
	return arr;
}

json_object *status_build(struct mintd *d, struct mint_error *err)
{
	json_object *reply, *warnings, *guests;
	struct mint_model m;
	unsigned what = MODEL_ALL;
	uint64_t bs;

	if (mint_mem_block_size(&bs, NULL))
		what &= ~(unsigned)MODEL_MEM; /* no memory hotplug: report CPUs and devices */
	if (ops_scan(d, what, &m, err))
		return NULL;
	reply = json_object_new_object();
	json_object_object_add(reply, "node", node_info(d));
	json_object_object_add(reply, "nodes", nodes_json(d));
	json_object_object_add(reply, "cpus", cpus_json(&m));
	json_object_object_add(reply, "memory", memory_json(&m));
	json_object_object_add(reply, "devices", devices_json(&m));
	warnings = json_object_new_array();
	pthread_mutex_lock(&d->lock);
	for (size_t i = 0; i < d->nwarnings; i++)
		json_object_array_add(warnings, json_object_new_string(d->warnings[i]));
	pthread_mutex_unlock(&d->lock);
	json_object_object_add(reply, "warnings", warnings);
	guests = vm_status_guests(d); /* NULL: no hypervisor on this node */
	if (guests)
		json_object_object_add(reply, "guests", guests);
	mint_model_free(&m);
	return reply;
}
