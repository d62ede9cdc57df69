// SPDX-License-Identifier: GPL-2.0
#include "op_boot.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cpu.h"
#include "intent.h"
#include "log.h"
#include "memory.h"
#include "bootrec.h"
#include "mint_kexec.h"
#include "mintdev.h"
#include "ops.h"
#include "pcidev.h"
#include "sysfs.h"
#include "sysroot.h"
#include "util.h"
#include "vm.h"

#define MAX_RES (MINT_NODE_MAX_CPUS + MINT_NODE_MAX_BLOCKS + MINT_NODE_MAX_DEVS)

_Static_assert(MINT_KEXEC_MAX_CPUS == MINT_NODE_MAX_CPUS, "kexec-ext boots what a node may have");

struct boot_job {
	struct mintd *d;
	const struct boot_request *req;
	bool reboot; /* the node keeps the CPUs, memory and devices it owns */
	struct mint_kexec_spec spec;
	struct mint_kexec_image image; /* read once by prepare(), booted by step_start() */
	char name[16], cmdline[BOOT_CMDLINE_MAX], kernel[PATH_MAX];
	unsigned cpus[MINT_NODE_MAX_CPUS];
	bool cpu_free[MINT_NODE_MAX_CPUS]; /* FREE already: nothing to take offline */
	size_t ncpus;
	unsigned blocks[MINT_NODE_MAX_BLOCKS];
	bool block_free[MINT_NODE_MAX_BLOCKS];
	size_t nblocks;
	struct mint_pcidev pci[MINT_NODE_MAX_DEVS]; /* the devices as the scan saw them */
	struct mint_pci_release devs[MINT_NODE_MAX_DEVS];
	size_t nres;
	struct table_res res[MAX_RES];
	char res_desc[MAX_RES][48];
};

/* ---- choosing what to hand over ---- */

static uint16_t node_uart(int node)
{
	static const uint16_t ports[] = {0x3f8, 0x2f8, 0x3e8, 0x2e8}; /* COM1..COM4 */

	return node < 4 ? ports[node] : 0;
}

static int pick_cpus(struct boot_job *j, const struct mint_model *m, struct mint_error *err)
{
	const struct mint_cpuset *set = &j->req->cpus;

	if (mint_model_check_cpu_boot(m, set, err))
		return -1;
	for (int c = mint_cpuset_next(set, 0); c >= 0; c = mint_cpuset_next(set, c + 1)) {
		if (j->ncpus >= MINT_NODE_MAX_CPUS)
			return mint_fail(err, MINT_E_INVALID, "a node can have at most %d CPUs",
					 MINT_NODE_MAX_CPUS);
		if (mint_model_cpu(m, (unsigned)c)->apic_id < 0)
			return mint_fail(
			    err, MINT_E_STATE,
			    "the APIC ID of CPU %d is unknown (it was never online here)", c);
		j->cpu_free[j->ncpus] = mint_model_cpu(m, (unsigned)c)->owner == MINT_FREE;
		j->cpus[j->ncpus] = (unsigned)c;
		j->spec.apic_ids[j->ncpus++] = (uint32_t)mint_model_cpu(m, (unsigned)c)->apic_id;
	}
	j->spec.nr_cpus = (unsigned)j->ncpus;
	return 0;
}

static int pick_memory(struct boot_job *j, const struct mint_model *m, struct mint_error *err)
{
	size_t idx[MINT_NODE_MAX_BLOCKS];

	if (mint_check_mem_size(j->req->bytes, m->block_size, err) ||
	    mint_model_pick_mem_range(m, j->req->bytes, idx, MINT_NODE_MAX_BLOCKS, &j->nblocks,
				      err))
		return -1;
	for (size_t i = 0; i < j->nblocks; i++) {
		j->blocks[i] = m->mem[idx[i]].index;
		j->block_free[i] = m->mem[idx[i]].owner == MINT_FREE;
	}
	j->spec.mem_base = m->mem[idx[0]].base;
	j->spec.mem_size = j->req->bytes;
	return 0;
}

static int pick_devices(struct boot_job *j, const struct mint_model *m, struct mint_error *err)
{
	if (j->req->devs.n > MINT_NODE_MAX_DEVS)
		return mint_fail(err, MINT_E_INVALID, "a node can be booted with at most %d devices",
				 MINT_NODE_MAX_DEVS);
	for (size_t i = 0; i < j->req->devs.n; i++) {
		const struct mint_bdf *b = &j->req->devs.v[i];
		const struct mint_pcidev *p = mint_model_pci(m, b);
		char name[MINT_BDF_STRLEN];

		if (mint_model_check_pci_release(m, b, err))
			return -1;
		mint_format_bdf(b, name);
		/* A secondary has no IOAPIC: only message-signalled interrupts reach it. */
		if (!p->msi)
			return mint_fail(err, MINT_E_UNSUPPORTED,
					 "PCI device %s has no MSI or MSI-X capability: a node "
					 "other than node0 cannot take its interrupts",
					 name);
		for (size_t k = 0; k < i; k++)
			if (!mint_bdf_cmp(b, &j->req->devs.v[k]))
				return mint_fail(err, MINT_E_INVALID,
						 "PCI device %s is named twice", name);
		j->pci[i] = *p;
		j->spec.pci[i] = (struct mint_pci_func){
		    .segment = b->domain, .bus = b->bus, .devfn = mint_bdf_devfn(b)};
	}
	j->spec.nr_pci = (unsigned)j->req->devs.n;
	return 0;
}

/* Everything is checked against one scan of this node, before anything changes. */
static int pick_resources(struct boot_job *j, struct mint_error *err)
{
	struct mint_model m;
	int ret;

	if (ops_scan(j->d, MODEL_CPUS | MODEL_MEM | MODEL_FREE_MEM | MODEL_PCI, &m, err))
		return -1;
	ret = pick_cpus(j, &m, err) || pick_memory(j, &m, err) || pick_devices(j, &m, err);
	mint_model_free(&m);
	/* Last, as it acts: this node's guests leave the new node's CPUs, or the boot is refused. */
	if (!ret && vm_cpus_leaving(j->d, &j->req->cpus, err))
		ret = -1;
	return ret ? -1 : 0;
}

/* A reboot: the node boots again on what the table gives it now. */
static int owned_resources(struct boot_job *j, struct mint_error *err)
{
	struct mint_node_view *v = malloc(sizeof(*v));
	uint64_t bs = j->d->dev.info.mem_block_size;
	int ret = 0;

	if (!v || mint_dev_node_view(&j->d->dev, (uint32_t)j->req->node, v)) {
		free(v);
		return mint_fail(err, MINT_E_SYSTEM, "cannot read node%d's entry", j->req->node);
	}
	/* Its first CPU boots first, as before. */
	j->spec.apic_ids[j->ncpus++] = v->boot_cpu;
	for (int a = mint_cpuset_next(&v->apic_ids, 0); a >= 0 && j->ncpus < MINT_NODE_MAX_CPUS;
	     a = mint_cpuset_next(&v->apic_ids, (unsigned)a + 1))
		if ((uint32_t)a != v->boot_cpu)
			j->spec.apic_ids[j->ncpus++] = (uint32_t)a;
	j->spec.nr_cpus = (unsigned)j->ncpus;
	if (!mint_cpuset_has(&v->apic_ids, v->boot_cpu) || !v->nblocks)
		ret = mint_fail(err, MINT_E_STATE, "node%d owns no CPU it can boot on, or no memory",
				j->req->node);
	/* kexec-ext gives a node one range of memory: the blocks must be contiguous. */
	for (size_t i = 1; !ret && i < v->nblocks; i++)
		if (v->blocks[i] != v->blocks[0] + i * bs)
			ret = mint_fail(err, MINT_E_UNSUPPORTED,
					"node%d's memory is not one contiguous range: it cannot be "
					"rebooted on it",
					j->req->node);
	if (!ret) {
		j->spec.mem_base = v->blocks[0];
		j->spec.mem_size = v->nblocks * bs;
	}
	for (size_t i = 0; !ret && i < v->ndevs && i < MINT_NODE_MAX_DEVS; i++)
		j->spec.pci[j->spec.nr_pci++] = (struct mint_pci_func){
		    .segment = v->devs[i].domain,
		    .bus = v->devs[i].bus,
		    .devfn = mint_bdf_devfn(&v->devs[i])};
	free(v);
	return ret;
}

static int choose_kernel(struct boot_job *j, struct mint_error *err)
{
	struct utsname u;

	if (j->req->kernel) {
		if (!mint_fmt(j->kernel, sizeof(j->kernel), "%s", j->req->kernel))
			return mint_fail(err, MINT_E_INVALID, "the kernel's path is too long");
		return 0;
	}
	uname(&u);
	if (!mint_fmt(j->kernel, sizeof(j->kernel), "/boot/vmlinuz-%s", u.release))
		return mint_fail(err, MINT_E_SYSTEM, "the running kernel's name is too long");
	return 0;
}

/* The node's command line: its console, what every Mint secondary needs, then the user's. */
static int build_cmdline(struct boot_job *j, struct mint_error *err)
{
	char own[4096] = "", path[PATH_MAX], console[32] = "";

	mint_read_file(mint_path(path, "/proc/cmdline"), own, sizeof(own));
	if (node_uart(j->req->node))
		snprintf(console, sizeof(console), " console=ttyS%d,115200", j->req->node);
	if (!mint_fmt(j->cmdline, sizeof(j->cmdline), "no_ipi_broadcast=1 tsc=reliable%s%s%s%s",
		      strstr(own, "nox2apic") ? " nox2apic" : "", console,
		      j->req->append ? " " : "", j->req->append ? j->req->append : ""))
		return mint_fail(err, MINT_E_INVALID,
				 "the command line to append is too long (%zu bytes; the node's "
				 "whole command line may have at most %d)",
				 strlen(j->req->append), BOOT_CMDLINE_MAX - 1);
	return 0;
}

static int prepare(struct boot_job *j, struct mint_error *err)
{
	snprintf(j->name, sizeof(j->name), "node%d", j->req->node);
	if (choose_kernel(j, err) || build_cmdline(j, err))
		return -1;
	j->spec.node_id = (uint32_t)j->req->node;
	j->spec.name = j->name;
	j->spec.kernel_path = j->kernel;
	j->spec.initrd_path = j->req->initrd;
	j->spec.cmdline = j->cmdline;
	j->spec.uart_port = node_uart(j->req->node);
	if (j->reboot ? owned_resources(j, err) : pick_resources(j, err))
		return -1;
	/*
	 * The image, the initrd and the layout are checked before anything changes;
	 * the image and the initrd are read here once and booted from memory.
	 */
	{
		struct mint_layout lay;

		if (mint_kexec_check(&j->spec, &j->image, err) ||
		    mint_kexec_layout(&j->spec, &j->image.bz, j->image.initrd_len, &lay, err))
			return -1;
	}
	return 0;
}

/* ---- steps ---- */

static int step_start(void *ctx, struct mint_error *err)
{
	struct boot_job *j = ctx;
	struct mint_error e = {0};

	if (mint_kexec_boot(&j->spec, &j->image, &e))
		return mint_fail_errno(err, MINT_E_SYSTEM, e.errnum, "starting %s failed: %s",
				       j->name, e.msg);
	log_msg(LOG_INFO, "%s started on APIC ID %u: %s", j->name, j->spec.apic_ids[0], j->cmdline);
	return 0;
}

/*
 * Undo of a start: a node that has not reported running is marked failed, so
 * the kernel lets its resources go; onlining its CPUs afterwards (INIT/SIPI
 * from this node) stops whatever they were still executing.
 */
static int step_stop(void *ctx, struct mint_error *err)
{
	struct boot_job *j = ctx;
	uint32_t state;

	if (mint_dev_node_state(&j->d->dev, j->spec.node_id, &state, err))
		return -1;
	if (state == MINT_NODE_RUNNING)
		return mint_fail(err, MINT_E_BUSY, "%s is running; halt it first", j->name);
	if (state == MINT_NODE_BOOTING &&
	    mint_dev_set_state(&j->d->dev, j->spec.node_id, MINT_NODE_BOOTING, MINT_NODE_FAILED,
			       MINT_REASON_BOOT_TIMEOUT, err))
		return -1;
	if (state == MINT_NODE_UNUSED || state == MINT_NODE_HALTED)
		return 0;
	/*
	 * INIT its CPUs, clear bus mastering, scrub: whatever it was running
	 * stops before its resources come back. A reboot keeps them with it.
	 */
	return mint_dev_stop(&j->d->dev, j->spec.node_id, j->reboot ? MINT_STOP_KEEP : 0, NULL,
			     err);
}

/* Add the last lines the node printed (from the table's console ring) to @err. */
static void append_console_tail(struct boot_job *j, struct mint_error *err)
{
	char tail[MINT_LOG_SIZE + 1], *start;
	size_t n = mint_dev_node_log(&j->d->dev, j->spec.node_id, tail, sizeof(tail));
	int lines = 0;

	while (n && tail[n - 1] == '\n')
		tail[--n] = '\0';
	if (!n) {
		mint_error_append(err, "%s printed nothing on its console", j->name);
		return;
	}
	/* The last 4 lines at most, so the message stays readable. */
	for (start = tail + n; start > tail; start--)
		if (start[-1] == '\n' && ++lines == 4)
			break;
	mint_error_append(err, "%s's console ended with:\n%s", j->name, start);
}

static int step_wait_running(void *ctx, struct mint_error *err)
{
	struct boot_job *j = ctx;
	unsigned timeout = j->req->timeout ? j->req->timeout : BOOT_DEFAULT_TIMEOUT;
	time_t deadline = time(NULL) + (time_t)timeout;
	uint32_t state = MINT_NODE_BOOTING;

	while (time(NULL) < deadline) {
		if (mint_dev_node_state(&j->d->dev, j->spec.node_id, &state, err))
			return -1;
		if (state == MINT_NODE_RUNNING)
			return 0;
		if (state == MINT_NODE_FAILED || state == MINT_NODE_HALTED) {
			mint_fail(err, MINT_E_SYSTEM, "%s stopped while booting (state %s)",
				  j->name, mint_node_state_name(state));
			append_console_tail(j, err);
			return -1;
		}
		mint_sleep_ms(20);
	}
	/* Stop it here so the rollback of the start can take everything back. */
	mint_dev_mark_failed(&j->d->dev, j->spec.node_id, NULL);
	mint_fail(err, MINT_E_SYSTEM, "%s did not report running within %u s (state %s)", j->name,
		  timeout, mint_node_state_name(state));
	append_console_tail(j, err);
	return -1;
}

static struct table_res *add_res(struct boot_job *j, uint32_t type, uint64_t id, const char *desc)
{
	struct table_res *r = &j->res[j->nres];

	snprintf(j->res_desc[j->nres++], sizeof(j->res_desc[0]), "%s", desc);
	*r = (struct table_res){.d = j->d, .type = type, .id = id, .node = j->spec.node_id};
	return r;
}

/*
 * Order matters for the rollback: devices and memory are given up before
 * the CPUs, so that when a failed boot is undone the CPUs come back first
 * (onlining sends INIT, which stops anything the new node was running)
 * and only then memory and devices return to this node.
 */
static int build_plan(struct boot_job *j, struct mint_plan *p, struct mint_error *err)
{
	char name[MINT_BDF_STRLEN];
	int ret = 0;

	for (size_t i = 0; i < j->req->devs.n && !ret; i++) {
		struct table_res *r;

		ret = mint_pci_plan_release(p, &j->pci[i], &j->devs[i], err);
		mint_format_bdf(&j->req->devs.v[i], name);
		r = add_res(j, MINT_RES_PCI, mint_bdf_res_id(&j->req->devs.v[i]), name);
		ret |= mint_plan_add(p, ops_table_release_self, ops_table_claim_self, r,
				     "free PCI device %s in the resource table", name);
	}
	for (size_t i = 0; i < j->nblocks && !ret; i++) {
		uint64_t base = j->spec.mem_base + i * j->d->dev.info.mem_block_size;
		char desc[48];
		struct table_res *r;

		snprintf(desc, sizeof(desc), "memory block %u", j->blocks[i]);
		r = add_res(j, MINT_RES_MEM, base, desc);
		if (j->block_free[i])
			continue; /* FREE already: it goes straight to the node */
		ret |= mint_plan_add(p, ops_mem_offline, ops_mem_online, &j->blocks[i],
				     "offline memory block %u", j->blocks[i]);
		ret |= mint_plan_add(p, ops_table_release_self, ops_table_claim_self, r,
				     "free memory block %u in the resource table", j->blocks[i]);
	}
	for (size_t i = 0; i < j->ncpus && !ret; i++) {
		char desc[48];
		struct table_res *r;

		snprintf(desc, sizeof(desc), "CPU %u (APIC ID %u)", j->cpus[i],
			 j->spec.apic_ids[i]);
		r = add_res(j, MINT_RES_CPU, j->spec.apic_ids[i], desc);
		if (j->cpu_free[i])
			continue;
		ret |= mint_plan_add(p, ops_cpu_offline, ops_cpu_online, &j->cpus[i],
				     "offline CPU %u", j->cpus[i]);
		ret |= mint_plan_add(p, ops_table_release_self, ops_table_claim_self, r,
				     "free CPU %u in the resource table", j->cpus[i]);
	}
	for (size_t i = 0, n = j->nres; i < n && !ret; i++)
		ret |= mint_plan_add(p, ops_table_claim_node, ops_table_release_node, &j->res[i],
				     "give %s to %s", j->res_desc[i], j->name);
	ret |= mint_plan_add(p, step_start, step_stop, j, "load and start %s", j->name);
	ret |=
	    mint_plan_add(p, step_wait_running, NULL, j, "wait for %s to report running", j->name);
	if (ret && err->kind == MINT_OK)
		mint_fail(err, MINT_E_SYSTEM, "out of memory");
	return ret ? -1 : 0;
}

/* What the boot is about to hand over, for the journal (recover.c undoes it after a crash). */
static json_object *boot_intent(const struct boot_job *j)
{
	json_object *o = json_object_new_object(), *cpus = json_object_new_array();
	json_object *apic = json_object_new_array(), *blocks = json_object_new_array();
	json_object *devs = json_object_new_array();

	for (size_t i = 0; i < j->ncpus; i++) {
		json_object_array_add(cpus, json_object_new_int((int)j->cpus[i]));
		json_object_array_add(apic, json_object_new_int((int)j->spec.apic_ids[i]));
	}
	for (size_t i = 0; i < j->nblocks; i++)
		json_object_array_add(blocks, json_object_new_int((int)j->blocks[i]));
	for (size_t i = 0; i < j->req->devs.n; i++)
		json_object_array_add(devs, ops_dev_intent(&j->pci[i].bdf, j->pci[i].driver,
							   j->pci[i].module));
	json_object_object_add(o, "node", json_object_new_int(j->req->node));
	json_object_object_add(o, "cpus", cpus);
	json_object_object_add(o, "apic_ids", apic);
	json_object_object_add(o, "blocks", blocks);
	json_object_object_add(o, "devices", devs);
	return o;
}

/* What this node had released and the new node now owns is no longer this node's record. */
static void forget_given(struct boot_job *j)
{
	struct mint_state *saved = mintd_state_begin(j->d, NULL);

	if (!saved)
		return;
	for (size_t i = 0; i < j->ncpus; i++)
		mint_cpuset_del(&j->d->state.cpus, j->cpus[i]);
	for (size_t i = 0; i < j->nblocks; i++)
		mint_state_del_mem(&j->d->state, j->blocks[i]);
	mintd_state_commit(j->d, saved, NULL);
}

/* Report the boot and remember how it was booted, for a reboot. */
static void finish(struct boot_job *j, struct boot_result *res)
{
	struct mint_boot_record *rec = calloc(1, sizeof(*rec));
	struct mint_error err = {0};

	forget_given(j);
	res->mem_base = j->spec.mem_base;
	res->mem_size = j->spec.mem_size;
	snprintf(res->cmdline, sizeof(res->cmdline), "%s", j->cmdline);
	log_msg(LOG_INFO, "%s is running", j->name);
	if (!rec)
		return;
	rec->node = j->req->node;
	if (!mint_fmt(rec->kernel, sizeof(rec->kernel), "%s", j->kernel) ||
	    !mint_fmt(rec->initrd, sizeof(rec->initrd), "%s", j->req->initrd ? j->req->initrd : "") ||
	    !mint_fmt(rec->append, sizeof(rec->append), "%s", j->req->append ? j->req->append : "") ||
	    mint_bootrec_save(j->d->state_dir, rec, &err))
		log_msg(LOG_WARNING, "%s cannot be rebooted the same way later: %s", j->name,
			err.msg[0] ? err.msg : "its boot parameters are too long to keep");
	free(rec);
}

int boot_node(struct mintd *d, const struct boot_request *req, mint_plan_progress_fn progress,
	      void *data, struct boot_result *res, struct mint_error *err)
{
	struct boot_job *j = calloc(1, sizeof(*j));
	struct mint_plan plan;
	uint32_t state;
	uint64_t id;
	int ret;

	if (!j)
		return mint_fail(err, MINT_E_SYSTEM, "out of memory");
	j->d = d;
	j->req = req;
	mint_plan_init(&plan);
	if (req->node == d->self)
		ret = mint_fail(err, MINT_E_INVALID, "node%d is this node; it is already running",
				req->node);
	else if (!d->mint_kernel)
		ret = mint_fail(err, MINT_E_UNSUPPORTED,
				"this kernel has no Mint support (" MINT_DEV_PATH
				" is missing): cannot boot node%d",
				req->node);
	else
		ret = mint_dev_node_state(&d->dev, (uint32_t)req->node, &state, err);
	if (!ret && (state == MINT_NODE_BOOTING || state == MINT_NODE_RUNNING ||
		     state == MINT_NODE_LOADING || state == MINT_NODE_HALTING))
		ret = mint_fail(err, MINT_E_BUSY, "node%d is already %s", req->node,
				mint_node_state_name(state));
	if (!ret && state == MINT_NODE_FAILED)
		ret = mint_fail(err, MINT_E_STATE,
				"node%d has failed and still holds its resources; take them back "
				"with mintctl kill node%d first",
				req->node, req->node);
	if (!ret)
		ret = prepare(j, err);
	if (!ret)
		ret = build_plan(j, &plan, err);
	if (!ret) {
		json_object *intent = boot_intent(j);

		ret = intent_begin(d, "boot", intent, &id, err);
		json_object_put(intent);
		if (!ret) {
			ret = mint_plan_run(&plan, progress, data, err);
			intent_end(d, id, ret, err);
		}
	}
	if (!ret)
		finish(j, res);
	mint_plan_free(&plan);
	mint_kexec_image_free(&j->image);
	free(j);
	return ret;
}

/* ---- reboot ---- */

/* What the reboot boots: the request's kernel, initrd and command line, else the last ones. */
static int reboot_request(struct mintd *d, const struct reboot_request *rr,
			  struct mint_boot_record *rec, struct boot_request *req,
			  struct mint_error *err)
{
	struct mint_error e = {0};

	if (mint_bootrec_load(d->state_dir, rr->node, rec, &e) && !rr->kernel)
		return mint_fail(err, MINT_E_STATE, "%s; give the kernel to boot (--kernel)",
				 e.msg);
	memset(req, 0, sizeof(*req));
	req->node = rr->node;
	req->kernel = rr->kernel ? rr->kernel : rec->kernel;
	req->initrd = rr->initrd ? rr->initrd : (rec->initrd[0] ? rec->initrd : NULL);
	req->append = rr->append ? rr->append : rec->append;
	req->timeout = rr->timeout;
	return 0;
}

int reboot_node(struct mintd *d, const struct reboot_request *rr, mint_plan_progress_fn progress,
		void *data, struct boot_result *res, struct mint_error *err)
{
	struct mint_boot_record *rec = calloc(1, sizeof(*rec));
	struct boot_job *j = calloc(1, sizeof(*j));
	struct ops_stop_request stop = {
	    .node = rr->node, .keep = true, .to = -1, .timeout = rr->stop_timeout};
	struct ops_stop_result stopped = {0};
	struct boot_request req;
	struct mint_plan plan;
	int ret;

	mint_plan_init(&plan);
	if (!rec || !j)
		ret = mint_fail(err, MINT_E_SYSTEM, "out of memory");
	else
		ret = reboot_request(d, rr, rec, &req, err);
	if (!ret) {
		j->d = d;
		j->req = &req;
		j->reboot = true;
		/* The node halts (by force after the timeout) and keeps its resources. */
		ret = ops_stop_node(d, &stop, progress, data, &stopped, err);
	}
	if (!ret)
		ret = prepare(j, err);
	if (!ret &&
	    (mint_plan_add(&plan, step_start, step_stop, j, "load and start %s", j->name) ||
	     mint_plan_add(&plan, step_wait_running, NULL, j, "wait for %s to report running",
			   j->name)))
		ret = mint_fail(err, MINT_E_SYSTEM, "out of memory");
	if (!ret)
		ret = mint_plan_run(&plan, progress, data, err);
	if (ret && j && j->name[0])
		mint_error_append(err, "%s keeps its CPUs, memory and devices; mintctl kill %s "
				  "takes them back",
				  j->name, j->name);
	if (!ret)
		finish(j, res);
	mint_plan_free(&plan);
	json_object_put(stopped.taken);
	free(stopped.owned);
	if (j)
		mint_kexec_image_free(&j->image);
	free(j);
	free(rec);
	return ret;
}
