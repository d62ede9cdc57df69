// SPDX-License-Identifier: GPL-2.0
/*
 * The guest operations: start (rules, pinning, domain XML), stop, list,
 * console logs, CPUs leaving the node and shutting every guest down before
 * the node halts. The rules are in vm_policy.c, the hypervisor behind
 * vm_backend() (vm_libvirt.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "model.h"
#include "ops.h"
#include "sysroot.h"
#include "util.h"
#include "vm.h"

static int read_meminfo(struct vm_node *n, struct mint_error *err)
{
	char path[PATH_MAX], line[256];
	unsigned long long kib;
	FILE *f = fopen(mint_path(path, "/proc/meminfo"), "re");

	if (!f)
		return mint_fail_errno(err, MINT_E_SYSTEM, errno, "cannot read %s: %s", path,
				       strerror(errno));
	n->mem_total = n->mem_available = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "MemTotal: %llu kB", &kib) == 1)
			n->mem_total = (uint64_t)kib << 10;
		else if (sscanf(line, "MemAvailable: %llu kB", &kib) == 1)
			n->mem_available = (uint64_t)kib << 10;
	}
	fclose(f);
	if (!n->mem_total)
		return mint_fail(err, MINT_E_SYSTEM, "%s has no MemTotal", path);
	return 0;
}

int vm_node_now(struct mintd *d, struct vm_node *n, struct mint_error *err)
{
	struct mint_model m;

	memset(n, 0, sizeof(*n));
	mint_owner_name(d->self, n->name, sizeof(n->name));
	if (ops_scan(d, MODEL_CPUS, &m, err))
		return -1;
	for (size_t i = 0; i < m.ncpus; i++)
		if (m.cpus[i].online && m.cpus[i].owner == d->self)
			mint_cpuset_add(&n->cpus, (unsigned)m.cpus[i].id);
	mint_model_free(&m);
	return read_meminfo(n, err);
}

int vm_list(struct mintd *d, struct vm_guests **out, struct mint_error *err)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return mint_fail(err, MINT_E_SYSTEM, "out of memory");
	if (vm_backend()->list(*out, err)) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int vm_console_path(struct mintd *d, const char *name, char *buf, size_t len,
		    struct mint_error *err)
{
	if (vm_check_name(name, err))
		return -1;
	if (!mint_fmt(buf, len, "%s/vm/%s.log", d->state_dir, name))
		return mint_fail(err, MINT_E_INVALID, "the state directory's path is too long");
	return 0;
}

/* The log directory exists, and a new guest's log starts empty. */
static int fresh_console(struct mintd *d, const char *path, struct mint_error *err)
{
	char dir[PATH_MAX];
	int fd;

	if (!mint_fmt(dir, sizeof(dir), "%s/vm", d->state_dir))
		return mint_fail(err, MINT_E_INVALID, "the state directory's path is too long");
	if (mkdir(dir, 0750) && errno != EEXIST)
		return mint_fail_errno(err, MINT_E_SYSTEM, errno, "cannot create %s: %s", dir,
				       strerror(errno));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0)
		return mint_fail_errno(err, MINT_E_SYSTEM, errno, "cannot create %s: %s", path,
				       strerror(errno));
	close(fd);
	return 0;
}

int vm_start(struct mintd *d, const struct vm_start_request *req, struct vm_guest *out,
	     char *console, size_t console_len, struct mint_error *err)
{
	unsigned *load = calloc(MINT_CPUSET_MAX, sizeof(*load)), cpu[VM_MAX_VCPUS];
	struct vm_guests *g = NULL;
	struct vm_node n;
	char *xml = NULL;
	int ret = -1;

	if (!load)
		return mint_fail(err, MINT_E_SYSTEM, "out of memory");
	if (vm_node_now(d, &n, err) || vm_list(d, &g, err) ||
	    vm_check_start(&n, g, req->name, req->vcpus, req->memory_bytes, err) ||
	    vm_console_path(d, req->name, console, console_len, err))
		goto out;
	vm_cpu_load(g, &n.cpus, load);
	vm_pick_cpus(&n.cpus, load, req->vcpus, cpu); /* vm_check_start made sure they exist */
	{
		const struct vm_domain dom = {
		    .name = req->name,
		    .vcpus = req->vcpus,
		    .memory_bytes = req->memory_bytes,
		    .kernel = req->kernel,
		    .initrd = req->initrd,
		    .disk = req->disk,
		    .append = req->append,
		    .console_path = console,
		    .vcpu_cpu = cpu,
		    .emulator_cpus = &n.cpus,
		};

		xml = vm_domain_xml(&dom, err);
	}
	if (!xml || fresh_console(d, console, err) || vm_backend()->create(xml, err))
		goto out;
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", req->name);
	out->id = -1;
	out->vcpus = req->vcpus;
	out->memory_bytes = req->memory_bytes;
	for (unsigned v = 0; v < req->vcpus; v++)
		mint_cpuset_add(&out->vcpu_pin[v], cpu[v]);
	out->emulator_pin = n.cpus;
	/* The running guest as the hypervisor reports it (its id, its pins). */
	if (!vm_backend()->list(g, NULL))
		for (size_t i = 0; i < g->n; i++)
			if (!strcmp(g->g[i].name, req->name))
				*out = g->g[i];
	log_msg(LOG_NOTICE, "guest %s started: %u vCPUs, %llu MiB", req->name, req->vcpus,
		(unsigned long long)(req->memory_bytes >> 20));
	ret = 0;
out:
	free(xml);
	free(g);
	free(load);
	return ret;
}

/* Wait until @name is gone; true when it went within @ms. */
static bool wait_gone(const char *name, long long ms)
{
	long long end = mint_now_ms() + ms;

	do {
		if (vm_backend()->running(name) == 0)
			return true;
		mint_sleep_ms(200);
	} while (mint_now_ms() < end);
	return vm_backend()->running(name) == 0;
}

int vm_stop(struct mintd *d, const char *name, bool force, unsigned timeout, char *how,
	    size_t how_len, struct mint_error *err)
{
	struct mint_error ignored;
	int running;

	if (vm_check_name(name, err))
		return -1;
	running = vm_backend()->running(name);
	if (running < 0) {
		struct vm_guests *g;

		/* Say why (no libvirt, libvirtd down) rather than "cannot tell". */
		if (vm_list(d, &g, err))
			return -1;
		free(g);
		return mint_fail(err, MINT_E_SYSTEM, "cannot tell whether guest %s runs", name);
	}
	if (!running)
		return mint_fail(err, MINT_E_NOTFOUND, "no guest %s runs on this node", name);
	if (!force) {
		if (!vm_backend()->shutdown(name, &ignored) && wait_gone(name, timeout * 1000LL)) {
			snprintf(how, how_len, "it shut down");
			log_msg(LOG_NOTICE, "guest %s shut down", name);
			return 0;
		}
	}
	if (vm_backend()->destroy(name, err) && vm_backend()->running(name) != 0)
		return -1;
	if (force)
		snprintf(how, how_len, "stopped by force");
	else
		snprintf(how, how_len, "stopped by force after %u s (it did not shut down)",
			 timeout);
	log_msg(LOG_NOTICE, "guest %s %s", name, how);
	return 0;
}

static int apply_step(const struct vm_guests *g, const struct vm_repin_step *s,
		      struct mint_error *err)
{
	const char *name = g->g[s->guest].name;

	return s->vcpu >= 0 ? vm_backend()->pin_vcpu(name, (unsigned)s->vcpu, &s->cpus, err)
			    : vm_backend()->pin_emulator(name, &s->cpus, err);
}

/* Put the pins of the first @done steps back as they were. */
static void undo_steps(const struct vm_guests *g, const struct vm_repin *plan, size_t done)
{
	while (done--) {
		struct vm_repin_step old = plan->step[done];
		const struct vm_guest *gu = &g->g[old.guest];

		old.cpus = old.vcpu >= 0 ? gu->vcpu_pin[old.vcpu] : gu->emulator_pin;
		apply_step(g, &old, NULL);
	}
}

int vm_cpus_leaving(struct mintd *d, const struct mint_cpuset *cpus, struct mint_error *err)
{
	struct vm_repin *plan = NULL;
	struct vm_guests *g = NULL;
	struct mint_error lerr = {0};
	struct mint_cpuset leaving;
	struct vm_node n;
	int ret = -1;
	size_t i;

	if (vm_list(d, &g, &lerr)) {
		/* No hypervisor on this node: no guest can be in the way. */
		if (lerr.kind == MINT_E_UNSUPPORTED)
			return 0;
		if (err)
			*err = lerr;
		return -1;
	}
	if (!g->n) {
		free(g);
		return 0;
	}
	plan = calloc(1, sizeof(*plan));
	if (!plan) {
		ret = mint_fail(err, MINT_E_SYSTEM, "out of memory");
		goto out;
	}
	if (vm_node_now(d, &n, err))
		goto out;
	mint_cpuset_clear(&leaving);
	for (int c = mint_cpuset_next(cpus, 0); c >= 0; c = mint_cpuset_next(cpus, (unsigned)c + 1))
		if (mint_cpuset_has(&n.cpus, (unsigned)c))
			mint_cpuset_add(&leaving, (unsigned)c);
	if (vm_plan_leaving(&n, &leaving, g, plan, err))
		goto out;
	for (i = 0; i < plan->n; i++)
		if (apply_step(g, &plan->step[i], err)) {
			undo_steps(g, plan, i);
			goto out;
		}
	if (plan->n)
		log_msg(LOG_NOTICE, "re-pinned guests off the leaving CPUs (%zu pins)", plan->n);
	ret = 0;
out:
	free(plan);
	free(g);
	return ret;
}

int vm_shutdown_all(struct mintd *d)
{
	struct vm_guests *g;
	long long end;
	int stopped = 0;

	if (vm_list(d, &g, NULL))
		return 0;
	for (size_t i = 0; i < g->n; i++) {
		log_msg(LOG_NOTICE, "node shutting down: asking guest %s to shut down",
			g->g[i].name);
		vm_backend()->shutdown(g->g[i].name, NULL);
	}
	end = mint_now_ms() + VM_STOP_TIMEOUT * 1000LL;
	for (size_t i = 0; i < g->n; i++) {
		const char *name = g->g[i].name;
		long long left = end - mint_now_ms();

		if (!wait_gone(name, left > 0 ? left : 0)) {
			log_msg(LOG_NOTICE, "guest %s did not shut down within %d s: stopping it",
				name, VM_STOP_TIMEOUT);
			vm_backend()->destroy(name, NULL);
		}
		stopped++;
	}
	free(g);
	return stopped;
}

/* ---- JSON ---- */

const struct vtype vm_guest_type = {
    "Guest",
    "A KVM guest of this node. vcpu_pins: the CPUs each vCPU may run on (CPU\n"
    "lists, one per vCPU); emulator_pin: those of QEMU's other threads; console:\n"
    "the log its serial port writes (absent for guests mintd did not start).",
    "(name: string, id: int, vcpus: int, memory_bytes: int, vcpu_pins: []string, "
    "emulator_pin: string, console: ?string)"};

static json_object *cpulist(const struct mint_cpuset *set)
{
	char buf[1024];

	if (mint_cpuset_format(set, buf, sizeof(buf)))
		buf[0] = '\0';
	return json_object_new_string(buf);
}

json_object *vm_guest_json(const struct vm_guest *g, const char *console)
{
	json_object *o = json_object_new_object(), *pins = json_object_new_array();

	for (unsigned v = 0; v < g->vcpus && v < VM_MAX_VCPUS; v++)
		json_object_array_add(pins, cpulist(&g->vcpu_pin[v]));
	json_object_object_add(o, "name", json_object_new_string(g->name));
	json_object_object_add(o, "id", json_object_new_int(g->id));
	json_object_object_add(o, "vcpus", json_object_new_int((int)g->vcpus));
	json_object_object_add(o, "memory_bytes", json_object_new_int64((int64_t)g->memory_bytes));
	json_object_object_add(o, "vcpu_pins", pins);
	json_object_object_add(o, "emulator_pin", cpulist(&g->emulator_pin));
	if (console)
		json_object_object_add(o, "console", json_object_new_string(console));
	return o;
}

json_object *vm_status_guests(struct mintd *d)
{
	json_object *arr;
	struct vm_guests *g;
	char path[PATH_MAX];

	if (vm_list(d, &g, NULL))
		return NULL;
	arr = json_object_new_array();
	for (size_t i = 0; i < g->n; i++) {
		bool have = !vm_console_path(d, g->g[i].name, path, sizeof(path), NULL) &&
			    !access(path, F_OK);

		json_object_array_add(arr, vm_guest_json(&g->g[i], have ? path : NULL));
	}
	free(g);
	return arr;
}
