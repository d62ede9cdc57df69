// SPDX-License-Identifier: GPL-2.0
/*
 * The guest backend on libvirt's C API (qemu:///system). libvirt.so.0 is
 * loaded with dlopen() the first time a vm method needs it, not linked: linked,
 * it would pull 56 shared libraries (62 MB) into every node's initramfs that
 * carries mintd and into every mintd start, also on the many nodes that never
 * run a guest. The prototypes still come from libvirt-dev's <libvirt/libvirt.h>,
 * so every call is type-checked. Without libvirt.so.0, or with libvirtd
 * down, every operation fails with MINT_E_UNSUPPORTED and says why.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm.h"

#ifdef MINT_HAVE_LIBVIRT_H
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#define LIBVIRT_SO "libvirt.so.0"

/* Each function mintd calls, as a pointer of the type libvirt declares. */
#define LV_FUNCS(X)                                                                                \
	X(virConnectOpen)                                                                          \
	X(virConnectClose)                                                                         \
	X(virConnectListAllDomains)                                                                \
	X(virNodeGetCPUMap)                                                                        \
	X(virDomainCreateXML)                                                                      \
	X(virDomainLookupByName)                                                                   \
	X(virDomainGetName)                                                                        \
	X(virDomainGetID)                                                                          \
	X(virDomainGetInfo)                                                                        \
	X(virDomainGetVcpuPinInfo)                                                                 \
	X(virDomainGetEmulatorPinInfo)                                                             \
	X(virDomainPinVcpu)                                                                        \
	X(virDomainPinEmulator)                                                                    \
	X(virDomainShutdown)                                                                       \
	X(virDomainDestroy)                                                                        \
	X(virDomainIsActive)                                                                       \
	X(virDomainFree)                                                                           \
	X(virGetLastErrorMessage)                                                                  \
	X(virSetErrorFunc)

static struct {
#define LV_FIELD(f) __typeof__(f) *f;
	LV_FUNCS(LV_FIELD)
#undef LV_FIELD
} lv;

static pthread_once_t lv_once = PTHREAD_ONCE_INIT;
static char lv_missing[512]; /* why libvirt cannot be used, "" when it can */

/* libvirt prints every error on stderr unless told otherwise; mintd reports them itself. */
static void quiet(void *data, virErrorPtr error)
{
}

static void lv_load(void)
{
	void *h = dlopen(LIBVIRT_SO, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		snprintf(lv_missing, sizeof(lv_missing),
			 "libvirt is not installed on this node (%s)", dlerror());
		return;
	}
#define LV_SYM(f)                                                                                  \
	*(void **)&lv.f = dlsym(h, #f);                                                            \
	if (!lv.f) {                                                                               \
		snprintf(lv_missing, sizeof(lv_missing), "%s has no %s", LIBVIRT_SO, #f);          \
		return;                                                                            \
	}
	LV_FUNCS(LV_SYM)
#undef LV_SYM
	lv.virSetErrorFunc(NULL, quiet);
}

static const char *lv_error(void)
{
	const char *m = lv.virGetLastErrorMessage();

	return m ? m : "unknown error";
}

/* A connection to qemu:///system, or NULL with @err. */
static virConnectPtr lv_open(struct mint_error *err)
{
	virConnectPtr conn;

	pthread_once(&lv_once, lv_load);
	if (lv_missing[0])
		return mint_fail(err, MINT_E_UNSUPPORTED, "%s", lv_missing), NULL;
	conn = lv.virConnectOpen(VM_URI);
	if (!conn)
		mint_fail(err, MINT_E_UNSUPPORTED, "libvirtd does not answer on this node (%s: %s)",
			  VM_URI, lv_error());
	return conn;
}

static void cpumap_to_set(const unsigned char *map, int maplen, struct mint_cpuset *set)
{
	mint_cpuset_clear(set);
	for (int c = 0; c < maplen * 8 && c < MINT_CPUSET_MAX; c++)
		if (VIR_CPU_USABLE(map, maplen, 0, c))
			mint_cpuset_add(set, (unsigned)c);
}

/* The host's CPU count as libvirt numbers them (the length of every CPU map). */
static int host_cpus(virConnectPtr conn, struct mint_error *err)
{
	int n = lv.virNodeGetCPUMap(conn, NULL, NULL, 0);

	if (n <= 0)
		return mint_fail(err, MINT_E_SYSTEM, "libvirt cannot count this node's CPUs: %s",
				 lv_error());
	return n;
}

static void guest_from(virDomainPtr dom, int ncpus, struct vm_guest *g)
{
	int maplen = VIR_CPU_MAPLEN(ncpus);
	unsigned char *maps;
	virDomainInfo info;

	memset(g, 0, sizeof(*g));
	snprintf(g->name, sizeof(g->name), "%s", lv.virDomainGetName(dom));
	g->id = (int)lv.virDomainGetID(dom);
	if (lv.virDomainGetInfo(dom, &info) == 0) {
		g->vcpus = info.nrVirtCpu;
		g->memory_bytes = (uint64_t)info.maxMem << 10;
	}
	if (g->vcpus > VM_MAX_VCPUS)
		g->vcpus = VM_MAX_VCPUS;
	maps = calloc(VM_MAX_VCPUS, (size_t)maplen);
	if (maps && lv.virDomainGetVcpuPinInfo(dom, (int)g->vcpus, maps, maplen,
					       VIR_DOMAIN_AFFECT_LIVE) > 0)
		for (unsigned v = 0; v < g->vcpus; v++)
			cpumap_to_set(VIR_GET_CPUMAP(maps, maplen, v), maplen, &g->vcpu_pin[v]);
	if (maps && lv.virDomainGetEmulatorPinInfo(dom, maps, maplen, VIR_DOMAIN_AFFECT_LIVE) > 0)
		cpumap_to_set(maps, maplen, &g->emulator_pin);
	free(maps);
}

static int lv_list(struct vm_guests *out, struct mint_error *err)
{
	virConnectPtr conn = lv_open(err);
	virDomainPtr *doms = NULL;
	int n, ncpus;

	out->n = 0;
	if (!conn)
		return -1;
	ncpus = host_cpus(conn, err);
	n = ncpus < 0 ? -1
		      : lv.virConnectListAllDomains(conn, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
	if (ncpus >= 0 && n < 0)
		mint_fail(err, MINT_E_SYSTEM, "libvirt cannot list the guests: %s", lv_error());
	for (int i = 0; i < n; i++) {
		if (out->n < VM_MAX_GUESTS)
			guest_from(doms[i], ncpus, &out->g[out->n++]);
		lv.virDomainFree(doms[i]);
	}
	free(doms);
	lv.virConnectClose(conn);
	return n < 0 ? -1 : 0;
}

static int lv_create(const char *xml, struct mint_error *err)
{
	virConnectPtr conn = lv_open(err);
	virDomainPtr dom;

	if (!conn)
		return -1;
	dom = lv.virDomainCreateXML(conn, xml, 0);
	if (!dom)
		mint_fail(err, MINT_E_SYSTEM, "libvirt could not start the guest: %s", lv_error());
	else
		lv.virDomainFree(dom);
	lv.virConnectClose(conn);
	return dom ? 0 : -1;
}

enum lv_action { LV_SHUTDOWN, LV_DESTROY, LV_RUNNING };

static int lv_act(const char *name, enum lv_action what, struct mint_error *err)
{
	virConnectPtr conn = lv_open(err);
	virDomainPtr dom;
	int ret = -1;

	if (!conn)
		return -1;
	dom = lv.virDomainLookupByName(conn, name);
	if (!dom) {
		ret = what == LV_RUNNING ? 0 : -1;
		if (what != LV_RUNNING)
			mint_fail(err, MINT_E_NOTFOUND, "no guest %s on this node", name);
	} else if (what == LV_RUNNING) {
		ret = lv.virDomainIsActive(dom);
	} else if ((what == LV_SHUTDOWN ? lv.virDomainShutdown(dom) : lv.virDomainDestroy(dom))) {
		mint_fail(err, MINT_E_SYSTEM, "libvirt could not %s guest %s: %s",
			  what == LV_SHUTDOWN ? "shut down" : "stop", name, lv_error());
	} else {
		ret = 0;
	}
	if (dom)
		lv.virDomainFree(dom);
	lv.virConnectClose(conn);
	return ret;
}

static int lv_shutdown(const char *name, struct mint_error *err)
{
	return lv_act(name, LV_SHUTDOWN, err);
}

static int lv_destroy(const char *name, struct mint_error *err)
{
	return lv_act(name, LV_DESTROY, err);
}

static int lv_running(const char *name)
{
	return lv_act(name, LV_RUNNING, NULL);
}

/* Pin a vCPU (vcpu >= 0) or the emulator threads (-1) of a running guest. */
static int lv_pin(const char *name, int vcpu, const struct mint_cpuset *cpus,
		  struct mint_error *err)
{
	virConnectPtr conn = lv_open(err);
	virDomainPtr dom = NULL;
	unsigned char *map = NULL;
	int ret = -1, ncpus, maplen = 0;

	if (!conn)
		return -1;
	ncpus = host_cpus(conn, err);
	if (ncpus > 0) {
		maplen = VIR_CPU_MAPLEN(ncpus);
		map = calloc(1, (size_t)maplen);
		dom = lv.virDomainLookupByName(conn, name);
		if (!dom)
			mint_fail(err, MINT_E_NOTFOUND, "no guest %s on this node", name);
	}
	if (dom && map) {
		for (int c = mint_cpuset_next(cpus, 0); c >= 0 && c < ncpus;
		     c = mint_cpuset_next(cpus, (unsigned)c + 1))
			VIR_USE_CPU(map, c);
		ret = vcpu >= 0 ? lv.virDomainPinVcpu(dom, (unsigned)vcpu, map, maplen)
				: lv.virDomainPinEmulator(dom, map, maplen, VIR_DOMAIN_AFFECT_LIVE);
		if (ret)
			mint_fail(err, MINT_E_SYSTEM, "libvirt could not pin %s of guest %s: %s",
				  vcpu >= 0 ? "a vCPU" : "the emulator threads", name, lv_error());
	}
	if (dom)
		lv.virDomainFree(dom);
	free(map);
	lv.virConnectClose(conn);
	return ret ? -1 : 0;
}

static int lv_pin_vcpu(const char *name, unsigned vcpu, const struct mint_cpuset *cpus,
		       struct mint_error *err)
{
	return lv_pin(name, (int)vcpu, cpus, err);
}

static int lv_pin_emulator(const char *name, const struct mint_cpuset *cpus, struct mint_error *err)
{
	return lv_pin(name, -1, cpus, err);
}

const struct vm_backend vm_libvirt_backend = {
    .list = lv_list,
    .create = lv_create,
    .shutdown = lv_shutdown,
    .destroy = lv_destroy,
    .running = lv_running,
    .pin_vcpu = lv_pin_vcpu,
    .pin_emulator = lv_pin_emulator,
};

#else /* built without <libvirt/libvirt.h> */

static int no_libvirt(struct mint_error *err)
{
	return mint_fail(err, MINT_E_UNSUPPORTED,
			 "this mintd was built without libvirt (install libvirt-dev and rebuild)");
}

static int nl_list(struct vm_guests *out, struct mint_error *err)
{
	out->n = 0;
	return no_libvirt(err);
}

static int nl_xml(const char *xml, struct mint_error *err)
{
	return no_libvirt(err);
}

static int nl_name(const char *name, struct mint_error *err)
{
	return no_libvirt(err);
}

static int nl_running(const char *name)
{
	return -1;
}

static int nl_pin_vcpu(const char *name, unsigned vcpu, const struct mint_cpuset *cpus,
		       struct mint_error *err)
{
	return no_libvirt(err);
}

static int nl_pin_emulator(const char *name, const struct mint_cpuset *cpus, struct mint_error *err)
{
	return no_libvirt(err);
}

const struct vm_backend vm_libvirt_backend = {
    .list = nl_list,
    .create = nl_xml,
    .shutdown = nl_name,
    .destroy = nl_name,
    .running = nl_running,
    .pin_vcpu = nl_pin_vcpu,
    .pin_emulator = nl_pin_emulator,
};

#endif

static const struct vm_backend *backend = &vm_libvirt_backend;

const struct vm_backend *vm_backend(void)
{
	return backend;
}

void vm_set_backend(const struct vm_backend *b)
{
	backend = b ? b : &vm_libvirt_backend;
}
