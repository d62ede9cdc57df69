// SPDX-License-Identifier: GPL-2.0
#include "mintdev.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

int mint_dev_open(struct mint_dev *dev, struct mint_error *err)
{
	void *map;

	memset(dev, 0, sizeof(*dev));
	dev->fd = open(MINT_DEV_PATH, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0) {
		int e = errno;

		if (e == ENOENT)
			return mint_fail(err, MINT_E_UNSUPPORTED,
					 "this kernel has no Mint support (" MINT_DEV_PATH
					 " is missing)");
		return mint_fail(err, e == EACCES || e == EPERM ? MINT_E_PERM : MINT_E_SYSTEM,
				 "cannot open " MINT_DEV_PATH ": %s", strerror(e));
	}
	if (ioctl(dev->fd, MINT_IOC_INFO, &dev->info)) {
		int e = errno;

		close(dev->fd);
		return mint_fail(err, MINT_E_SYSTEM, MINT_DEV_PATH ": MINT_IOC_INFO failed: %s",
				 strerror(e));
	}
	map = mmap(NULL, sizeof(struct mint_table), PROT_READ, MAP_SHARED, dev->fd, 0);
	if (map == MAP_FAILED) {
		int e = errno;

		close(dev->fd);
		return mint_fail(err, MINT_E_SYSTEM, "cannot map the Mint resource table: %s",
				 strerror(e));
	}
	dev->table = map;
	if (dev->table->magic != MINT_TABLE_MAGIC) {
		mint_dev_close(dev);
		return mint_fail(err, MINT_E_SYSTEM,
				 "the Mint resource table has a bad magic number");
	}
	return 0;
}

void mint_dev_close(struct mint_dev *dev)
{
	if (dev->table)
		munmap((void *)dev->table, sizeof(struct mint_table));
	if (dev->fd >= 0)
		close(dev->fd);
	dev->table = NULL;
	dev->fd = -1;
}

static const char *res_name(uint32_t type)
{
	switch (type) {
	case MINT_RES_CPU:
		return "CPU with APIC ID";
	case MINT_RES_MEM:
		return "memory block at";
	default:
		return "PCI function";
	}
}

static int res_ioctl(struct mint_dev *dev, unsigned long op, uint32_t type, uint32_t node,
		     uint64_t id, struct mint_error *err)
{
	struct mint_res r = {.type = type, .node = node, .id = id};
	const char *what = op == MINT_IOC_CLAIM ? "claim" : "release";
	int e;

	if (!ioctl(dev->fd, op, &r))
		return 0;
	e = errno;
	if (type == MINT_RES_PCI && e == EOPNOTSUPP)
		return mint_fail(err, MINT_E_SYSTEM,
				 "the Mint kernel refused to %s the PCI function %04x:%02x:%02x.%x for "
				 "node%u: it is behind an active IOMMU, and Mint cannot hand such a "
				 "device to another node (boot node0 with the IOMMU off)",
				 what, (unsigned)(id >> 16), (unsigned)(id >> 8) & 0xff,
				 (unsigned)(id >> 3) & 0x1f, (unsigned)id & 7, node);
	if (type == MINT_RES_MEM)
		return mint_fail(err, e == EBUSY ? MINT_E_BUSY : MINT_E_SYSTEM,
				 "the Mint kernel refused to %s the %s 0x%llx for node%u: %s", what,
				 res_name(type), (unsigned long long)id, node, strerror(e));
	return mint_fail(err, e == EBUSY ? MINT_E_BUSY : MINT_E_SYSTEM,
			 "the Mint kernel refused to %s the %s %#llx for node%u: %s", what,
			 res_name(type), (unsigned long long)id, node, strerror(e));
}

int mint_dev_claim(struct mint_dev *dev, uint32_t type, uint32_t node, uint64_t id,
		   struct mint_error *err)
{
	return res_ioctl(dev, MINT_IOC_CLAIM, type, node, id, err);
}

int mint_dev_release(struct mint_dev *dev, uint32_t type, uint32_t node, uint64_t id,
		     struct mint_error *err)
{
	return res_ioctl(dev, MINT_IOC_RELEASE, type, node, id, err);
}

int mint_dev_node_state(struct mint_dev *dev, uint32_t node, uint32_t *state,
			struct mint_error *err)
{
	struct mint_node_query q = {.node = node};

	if (ioctl(dev->fd, MINT_IOC_NODE, &q))
		return mint_fail(err, MINT_E_SYSTEM, "cannot read the state of node%u: %s", node,
				 strerror(errno));
	*state = q.state;
	return 0;
}

int mint_dev_mark_failed(struct mint_dev *dev, uint32_t node, struct mint_error *err)
{
	uint32_t state;

	if (!ioctl(dev->fd, MINT_IOC_MARK_FAILED, &node))
		return 0;
	/* Not booting any more: failed, halted or running on its own is fine too. */
	if (errno == EBUSY && !mint_dev_node_state(dev, node, &state, NULL) &&
	    state != MINT_NODE_BOOTING)
		return 0;
	return mint_fail(err, MINT_E_SYSTEM, "cannot mark node%u failed: %s", node,
			 strerror(errno));
}

/*
 * The writer stores buf[seq % size] and then advances seq, without a lock and
 * on another kernel. Copy the bytes below a first read of seq, then read seq
 * again: bytes the writer may have overwritten meanwhile (positions below the
 * second seq minus the ring size) are dropped, so the text is never torn.
 */
size_t mint_dev_node_log(const struct mint_dev *dev, uint32_t node, char *buf, size_t len)
{
	const volatile struct mint_node_log *log;
	char raw[MINT_LOG_SIZE];
	uint32_t seq, seq2, n, skip;
	size_t out = 0;

	if (!len)
		return 0;
	buf[0] = '\0';
	if (!dev->table || node >= MINT_MAX_NODES)
		return 0;
	log = &dev->table->log[node];
	seq = log->seq;
	/* Pairs with the writer's barrier between storing a byte and advancing seq. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	n = seq < MINT_LOG_SIZE ? seq : MINT_LOG_SIZE;
	for (uint32_t i = 0; i < n; i++)
		raw[i] = log->buf[(seq - n + i) % MINT_LOG_SIZE];
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	seq2 = log->seq;
	/* seq2 - seq bytes were written meanwhile, over the oldest ones we copied. */
	skip = seq2 - seq >= n ? n : seq2 - seq;
	if (n - skip > len - 1)
		skip = n - (uint32_t)(len - 1);
	for (uint32_t i = skip; i < n; i++) {
		char c = raw[i];

		if (c == '\r')
			continue;
		buf[out++] = (c == '\n' || c == '\t' || (c >= ' ' && c < 127)) ? c : '?';
	}
	buf[out] = '\0';
	return out;
}

uint32_t mint_dev_cpu_owner(const struct mint_dev *dev, unsigned apic_id)
{
	if (!dev->table || apic_id >= MINT_MAX_CPUS)
		return MINT_OWNER_NONE;
	return dev->table->cpu[apic_id].owner;
}

uint32_t mint_dev_mem_owner(const struct mint_dev *dev, uint64_t base)
{
	uint32_t n = dev->table ? dev->table->nr_mem_blocks : 0;

	for (uint32_t i = 0; i < n && i < MINT_MAX_MEM_BLOCKS; i++)
		if (dev->table->mem[i].base == base)
			return dev->table->mem[i].owner;
	return MINT_OWNER_NONE;
}

size_t mint_dev_free_blocks(const struct mint_dev *dev, uint64_t *bases, size_t cap)
{
	uint32_t n = dev->table ? dev->table->nr_mem_blocks : 0;
	size_t k = 0;

	for (uint32_t i = 0; i < n && i < MINT_MAX_MEM_BLOCKS && k < cap; i++)
		if (dev->table->mem[i].owner == MINT_OWNER_FREE)
			bases[k++] = dev->table->mem[i].base;
	return k;
}

uint32_t mint_dev_pci_owner(const struct mint_dev *dev, const struct mint_bdf *bdf)
{
	uint32_t n = dev->table ? dev->table->nr_pci : 0;
	uint8_t devfn = mint_bdf_devfn(bdf);

	for (uint32_t i = 0; i < n && i < MINT_MAX_PCI; i++)
		if (dev->table->pci[i].segment == bdf->domain &&
		    dev->table->pci[i].bus == bdf->bus && dev->table->pci[i].devfn == devfn)
			return dev->table->pci[i].owner;
	return MINT_OWNER_NONE;
}

const char *mint_node_state_name(uint32_t state)
{
	static const char *const names[] = {
	    [MINT_NODE_UNUSED] = "unused",   [MINT_NODE_BOOTING] = "booting",
	    [MINT_NODE_RUNNING] = "running", [MINT_NODE_HALTED] = "halted",
	    [MINT_NODE_FAILED] = "failed",   [MINT_NODE_LOADING] = "loading",
	    [MINT_NODE_HALTING] = "halting",
	};

	return state < ARRAY_SIZE(names) && names[state] ? names[state] : "unknown";
}

const char *mint_node_reason_name(uint32_t reason)
{
	static const char *const names[] = {
	    [MINT_REASON_NONE] = "",
	    [MINT_REASON_PANIC] = "panic",
	    [MINT_REASON_HEARTBEAT] = "heartbeat lost",
	    [MINT_REASON_BOOT_TIMEOUT] = "did not come up in time",
	    [MINT_REASON_KILLED] = "killed",
	    [MINT_REASON_HALT] = "halted itself",
	    [MINT_REASON_REFUSED] = "refused its boot information",
	};

	return reason < ARRAY_SIZE(names) ? names[reason] : "unknown";
}

int mint_dev_set_state(struct mint_dev *dev, uint32_t node, uint32_t from, uint32_t to,
		       uint32_t reason, struct mint_error *err)
{
	struct mint_state_change sc = {.node = node, .from = from, .to = to, .reason = reason};
	int e;

	if (!ioctl(dev->fd, MINT_IOC_SET_STATE, &sc))
		return 0;
	e = errno;
	return mint_fail_errno(err, e == EBUSY ? MINT_E_STATE : MINT_E_SYSTEM, e,
			       "the Mint kernel refused to move node%u from %s to %s: %s", node,
			       mint_node_state_name(from), mint_node_state_name(to), strerror(e));
}

int mint_dev_stop(struct mint_dev *dev, uint32_t node, uint32_t flags, struct mint_stop *out,
		  struct mint_error *err)
{
	struct mint_stop st = {.node = node, .flags = flags};
	int e;

	if (!ioctl(dev->fd, MINT_IOC_STOP, &st)) {
		if (out)
			*out = st;
		return 0;
	}
	e = errno;
	return mint_fail_errno(err, e == EBUSY ? MINT_E_STATE : MINT_E_SYSTEM, e,
			       "the Mint kernel could not stop node%u: %s", node, strerror(e));
}

int mint_dev_cpu_map(struct mint_dev *dev, int *apic, size_t n, struct mint_error *err)
{
	uint32_t *ids = calloc(n ? n : 1, sizeof(*ids));
	struct mint_cpu_map map = {.nr = (uint32_t)n, .apic_ids = (uintptr_t)ids};
	int e;

	if (!ids)
		return mint_fail(err, MINT_E_SYSTEM, "out of memory");
	if (ioctl(dev->fd, MINT_IOC_CPU_MAP, &map)) {
		e = errno;
		free(ids);
		return mint_fail_errno(err, MINT_E_SYSTEM, e, "MINT_IOC_CPU_MAP failed: %s",
				       strerror(e));
	}
	for (size_t i = 0; i < n; i++)
		apic[i] = i < map.nr && ids[i] != MINT_OWNER_NONE ? (int)ids[i] : -1;
	free(ids);
	return 0;
}

int mint_dev_pci_add(struct mint_dev *dev, const struct mint_bdf *bdf, struct mint_error *err)
{
	struct mint_pci_func f = {.segment = bdf->domain, .bus = bdf->bus, .devfn = mint_bdf_devfn(bdf)};
	char name[MINT_BDF_STRLEN];
	int e;

	if (!ioctl(dev->fd, MINT_IOC_PCI_ADD, &f))
		return 0;
	e = errno;
	mint_format_bdf(bdf, name);
	switch (e) {
	case EPERM:
		return mint_fail_errno(err, MINT_E_PERM, e,
				       "PCI device %s is not this node's in the resource table", name);
	case ENODEV:
		return mint_fail_errno(err, MINT_E_NOTFOUND, e,
				       "PCI device %s does not answer on its bus in this kernel", name);
	case EBUSY:
		return mint_fail_errno(err, MINT_E_BUSY, e,
				       "PCI device %s: this kernel cannot claim its BARs where they are",
				       name);
	case ENOTTY:
		return mint_fail_errno(err, MINT_E_UNSUPPORTED, e,
				       "this Mint kernel cannot add PCI devices after boot (no "
				       "MINT_IOC_PCI_ADD)");
	default:
		return mint_fail_errno(err, MINT_E_SYSTEM, e, "adding PCI device %s failed: %s", name,
				       strerror(e));
	}
}

uint64_t mint_dev_low_slot(const struct mint_dev *dev, uint32_t node)
{
	if (!dev->table || node >= MINT_MAX_NODES)
		return 0;
	return dev->table->node[node].low_slot;
}

int mint_dev_node_view(const struct mint_dev *dev, uint32_t node, struct mint_node_view *v)
{
	const volatile struct mint_table *t = dev->table;
	uint32_t nmem, npci;

	if (!t || node >= MINT_MAX_NODES)
		return -1;
	memset(v, 0, sizeof(*v));
	v->id = node;
	for (size_t i = 0; i < MINT_NAME_LEN; i++)
		v->name[i] = t->node[node].name[i];
	if (!v->name[0])
		snprintf(v->name, sizeof(v->name), "node%u", node);
	v->state = t->node[node].state;
	v->reason = t->node[node].reason;
	v->parent = node ? t->node[node].parent : MINT_OWNER_NONE;
	v->epoch = t->node[node].epoch;
	v->boot_cpu = t->node[node].boot_cpu;
	v->heartbeat = t->node[node].heartbeat;
	mint_cpuset_clear(&v->apic_ids);
	for (uint32_t a = 0; a < MINT_MAX_CPUS; a++)
		if (t->cpu[a].owner == node)
			mint_cpuset_add(&v->apic_ids, a);
	nmem = t->nr_mem_blocks < MINT_MAX_MEM_BLOCKS ? t->nr_mem_blocks : MINT_MAX_MEM_BLOCKS;
	for (uint32_t i = 0; i < nmem; i++)
		if (t->mem[i].owner == node) {
			v->memory_bytes += t->mem_block_size;
			v->blocks[v->nblocks++] = t->mem[i].base;
		}
	npci = t->nr_pci < MINT_MAX_PCI ? t->nr_pci : MINT_MAX_PCI;
	for (uint32_t i = 0; i < npci; i++)
		if (t->pci[i].owner == node)
			v->devs[v->ndevs++] =
			    mint_bdf_from_devfn(t->pci[i].segment, t->pci[i].bus, t->pci[i].devfn);
	return 0;
}

void mint_dev_attach_table(struct mint_dev *dev, const struct mint_table *table, uint32_t self)
{
	memset(dev, 0, sizeof(*dev));
	dev->fd = -1;
	dev->table = table;
	dev->info.node_id = self;
	dev->info.mem_block_size = table->mem_block_size;
}
