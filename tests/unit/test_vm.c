// SPDX-License-Identifier: GPL-2.0
/*
 * KVM guests without libvirtd: the rules (names, vCPUs and memory a node can
 * give, CPU choice, re-pinning when CPUs leave), the domain XML, and the
 * operations and methods on a fake backend against the fake /sys and /proc.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "fakesys.h"
#include "mintd.h"
#include "parse.h"
#include "service.h"
#include "sysroot.h"
#include "varlink.h"
#include "varlink_idl.h"
#include "vm.h"

#define MiB (1ULL << 20)

static struct mint_cpuset set_of(const char *list)
{
	struct mint_cpuset s;

	mint_cpuset_clear(&s);
	for (const char *p = list; *p; p++)
		if (*p >= '0' && *p <= '9')
			mint_cpuset_add(&s, (unsigned)(*p - '0'));
	return s;
}

static struct vm_node node_of(const char *cpus, uint64_t total, uint64_t avail)
{
	struct vm_node n = {.name = "node1", .mem_total = total, .mem_available = avail};

	n.cpus = set_of(cpus);
	return n;
}

static void add_guest(struct vm_guests *g, const char *name, const char *pins, const char *emu,
		      uint64_t mem)
{
	struct vm_guest *gu = &g->g[g->n++];

	memset(gu, 0, sizeof(*gu));
	snprintf(gu->name, sizeof(gu->name), "%s", name);
	gu->memory_bytes = mem;
	for (const char *p = pins; *p; p++)
		if (*p >= '0' && *p <= '9')
			mint_cpuset_add(&gu->vcpu_pin[gu->vcpus++], (unsigned)(*p - '0'));
	gu->emulator_pin = set_of(emu);
}

/* ---- rules ---- */

static void test_names(void **state)
{
	struct mint_error err = {0};

	assert_int_equal(vm_check_name("g1", &err), 0);
	assert_int_equal(vm_check_name("web-1.test_a", &err), 0);
	assert_int_equal(vm_check_name("", &err), -1);
	assert_int_equal(vm_check_name("-x", &err), -1);
	assert_int_equal(vm_check_name(".x", &err), -1);
	assert_int_equal(vm_check_name("a/b", &err), -1);
	assert_string_equal(err.msg,
			    "guest name \"a/b\": only letters, digits, '_', '-' and '.' are "
			    "allowed");
	assert_int_equal(vm_check_name("a'b", &err), -1);
	assert_int_equal(
	    vm_check_name("0123456789012345678901234567890123456789012345678901234567890123", &err),
	    -1);
}

static void test_start_rules(void **state)
{
	struct vm_node n = node_of("01", 1024 * MiB, 800 * MiB);
	struct vm_guests *g = calloc(1, sizeof(*g));
	struct mint_error err = {0};

	assert_int_equal(vm_check_start(&n, g, "g1", 1, 128 * MiB, &err), 0);
	assert_int_equal(vm_check_start(&n, g, "g1", 2, 128 * MiB, &err), 0);
	assert_int_equal(vm_check_start(&n, g, "g1", 3, 128 * MiB, &err), -1);
	assert_int_equal(err.kind, MINT_E_BUSY);
	assert_string_equal(err.msg,
			    "g1 asks for 3 vCPUs but node1 has 2 CPUs (a guest gets at most "
			    "one vCPU per CPU of its node)");
	assert_int_equal(vm_check_start(&n, g, "g1", 0, 128 * MiB, &err), -1);
	assert_int_equal(err.kind, MINT_E_INVALID);
	/* 1G less 256M for the node: 768M at most, and only 800M are available */
	assert_int_equal(vm_check_start(&n, g, "g1", 1, 768 * MiB, &err), 0);
	assert_int_equal(vm_check_start(&n, g, "g1", 1, 896 * MiB, &err), -1);
	assert_string_equal(err.msg,
			    "g1 asks for 896M of memory but node1 can give a guest at most "
			    "768M (1G less 256M kept for the node and 0 of its other guests)");
	n.mem_available = 100 * MiB;
	assert_int_equal(vm_check_start(&n, g, "g1", 1, 128 * MiB, &err), -1);
	assert_string_equal(err.msg,
			    "g1 asks for 128M of memory but node1 has only 100M available now");
	n.mem_available = 800 * MiB;
	assert_int_equal(vm_check_start(&n, g, "g1", 1, 8 * MiB, &err), -1);
	assert_int_equal(err.kind, MINT_E_INVALID);
	assert_int_equal(vm_check_start(&n, g, "g1", 1, 128 * MiB + 4096, &err), -1);
	/* the other guests' memory counts, and names are unique */
	add_guest(g, "g1", "0", "01", 512 * MiB);
	assert_int_equal(vm_check_start(&n, g, "g2", 1, 256 * MiB, &err), 0);
	assert_int_equal(vm_check_start(&n, g, "g2", 1, 384 * MiB, &err), -1);
	assert_non_null(strstr(err.msg, "at most 256M"));
	assert_int_equal(vm_check_start(&n, g, "g1", 1, 64 * MiB, &err), -1);
	assert_string_equal(err.msg, "guest g1 is already running on node1");
	/* a node smaller than its reserve gives nothing */
	n.mem_total = 200 * MiB;
	assert_int_equal(vm_check_start(&n, g, "g2", 1, 16 * MiB, &err), -1);
	free(g);
}

static void test_pick_cpus(void **state)
{
	struct mint_cpuset cpus = set_of("1235");
	unsigned load[MINT_CPUSET_MAX] = {0}, out[4];

	load[1] = 2;
	load[2] = 1;
	assert_int_equal(vm_pick_cpus(&cpus, load, 3, out), 0);
	assert_int_equal(out[0], 3);
	assert_int_equal(out[1], 5);
	assert_int_equal(out[2], 2);
	assert_int_equal(load[3], 1);
	assert_int_equal(vm_pick_cpus(&cpus, load, 5, out), -1);
}

static void test_cpu_load(void **state)
{
	struct vm_guests *g = calloc(1, sizeof(*g));
	struct mint_cpuset cpus = set_of("012");
	unsigned load[MINT_CPUSET_MAX];

	add_guest(g, "a", "01", "012", 64 * MiB);
	add_guest(g, "b", "1", "012", 64 * MiB);
	vm_cpu_load(g, &cpus, load);
	assert_int_equal(load[0], 1);
	assert_int_equal(load[1], 2);
	assert_int_equal(load[2], 0);
	free(g);
}

static const struct vm_repin_step *step_of(const struct vm_repin *p, size_t guest, int vcpu)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->step[i].guest == guest && p->step[i].vcpu == vcpu)
			return &p->step[i];
	return NULL;
}

static void test_plan_leaving(void **state)
{
	struct vm_node n = node_of("0123", 4096 * MiB, 4096 * MiB);
	struct vm_guests *g = calloc(1, sizeof(*g));
	struct vm_repin *p = calloc(1, sizeof(*p));
	struct mint_cpuset leaving = set_of("3");
	struct mint_error err = {0};
	const struct vm_repin_step *s;

	add_guest(g, "a", "23", "0123", 64 * MiB); /* vCPU 1 on the leaving CPU */
	add_guest(g, "b", "0", "0123", 64 * MiB);  /* only its emulator threads move */
	assert_int_equal(vm_plan_leaving(&n, &leaving, g, p, &err), 0);
	assert_int_equal(p->n, 3);
	/* a's vCPU 1 goes to the least loaded CPU it does not use yet: 1 */
	s = step_of(p, 0, 1);
	assert_non_null(s);
	assert_int_equal(mint_cpuset_count(&s->cpus), 1);
	assert_true(mint_cpuset_has(&s->cpus, 1));
	assert_null(step_of(p, 0, 0));
	s = step_of(p, 0, -1);
	assert_non_null(s);
	assert_int_equal(mint_cpuset_count(&s->cpus), 3);
	assert_false(mint_cpuset_has(&s->cpus, 3));
	assert_non_null(step_of(p, 1, -1));
	assert_null(step_of(p, 1, 0));

	/* nothing pinned to the leaving CPUs: nothing to do */
	leaving = set_of("3");
	g->n = 0;
	add_guest(g, "c", "0", "01", 64 * MiB);
	assert_int_equal(vm_plan_leaving(&n, &leaving, g, p, &err), 0);
	assert_int_equal(p->n, 0);

	/* a guest would keep fewer CPUs than vCPUs: refused */
	add_guest(g, "big", "0123", "0123", 64 * MiB);
	leaving = set_of("23");
	assert_int_equal(vm_plan_leaving(&n, &leaving, g, p, &err), -1);
	assert_int_equal(err.kind, MINT_E_BUSY);
	assert_string_equal(err.msg, "guest big has 4 vCPUs and node1 would keep 2 CPUs: stop it "
				     "first (a guest needs one CPU of its node per vCPU)");
	free(g);
	free(p);
}

/* ---- domain XML ---- */

static void test_domain_xml(void **state)
{
	struct mint_cpuset emu = set_of("23");
	const unsigned pins[] = {3, 2};
	struct vm_domain dom = {
	    .name = "g1",
	    .vcpus = 2,
	    .memory_bytes = 128 * MiB,
	    .kernel = "/boot/k & <1>",
	    .initrd = "/boot/i",
	    .append = "quiet x='1'",
	    .console_path = "/var/lib/mint/vm/g1.log",
	    .vcpu_cpu = pins,
	    .emulator_cpus = &emu,
	};
	struct mint_error err = {0};
	char *xml = vm_domain_xml(&dom, &err);

	assert_non_null(xml);
	assert_non_null(strstr(xml, "<domain type='kvm'>"));
	assert_non_null(strstr(xml, "<name>g1</name>"));
	assert_non_null(strstr(xml, "<memory unit='KiB'>131072</memory>"));
	assert_non_null(strstr(xml, "<vcpu placement='static'>2</vcpu>"));
	assert_non_null(strstr(xml, "<vcpupin vcpu='0' cpuset='3'/>"));
	assert_non_null(strstr(xml, "<vcpupin vcpu='1' cpuset='2'/>"));
	assert_non_null(strstr(xml, "<emulatorpin cpuset='2-3'/>"));
	assert_non_null(strstr(xml, "<kernel>/boot/k &amp; &lt;1&gt;</kernel>"));
	assert_non_null(strstr(xml, "<initrd>/boot/i</initrd>"));
	assert_non_null(strstr(xml, "<cmdline>console=ttyS0 quiet x=&apos;1&apos;</cmdline>"));
	assert_non_null(strstr(xml, "<source path='/var/lib/mint/vm/g1.log'/>"));
	assert_null(strstr(xml, "<disk"));
	free(xml);

	dom.initrd = NULL;
	dom.append = NULL;
	dom.disk = "/d.img";
	xml = vm_domain_xml(&dom, &err);
	assert_non_null(xml);
	assert_null(strstr(xml, "<initrd>"));
	assert_non_null(strstr(xml, "<cmdline>console=ttyS0</cmdline>"));
	assert_non_null(strstr(xml, "<source file='/d.img'/>"));
	free(xml);

	dom.append = "a\nb";
	assert_null(vm_domain_xml(&dom, &err));
	assert_int_equal(err.kind, MINT_E_INVALID);
	dom.append = NULL;
	dom.vcpus = 0;
	assert_null(vm_domain_xml(&dom, &err));
}

/* ---- a fake hypervisor ---- */

static struct {
	struct vm_guests g;
	int creates, shutdowns, destroys, pins;
	bool ignore_shutdown; /* like a guest without ACPI handling */
	bool down;	      /* like libvirtd not running */
	char last_xml[8192];
} fake;

static int fake_list(struct vm_guests *out, struct mint_error *err)
{
	if (fake.down)
		return mint_fail(err, MINT_E_UNSUPPORTED, "libvirtd does not answer on this node");
	*out = fake.g;
	return 0;
}

static int fake_create(const char *xml, struct mint_error *err)
{
	struct vm_guest *g = &fake.g.g[fake.g.n];
	const char *p;
	unsigned long long kib;
	unsigned v, cpu;

	memset(g, 0, sizeof(*g));
	snprintf(fake.last_xml, sizeof(fake.last_xml), "%s", xml);
	p = strstr(xml, "<name>") + 6;
	snprintf(g->name, sizeof(g->name), "%.*s", (int)(strchr(p, '<') - p), p);
	sscanf(strstr(xml, "<memory"), "<memory unit='KiB'>%llu", &kib);
	g->memory_bytes = kib << 10;
	sscanf(strstr(xml, "<vcpu "), "<vcpu placement='static'>%u", &g->vcpus);
	for (p = strstr(xml, "<vcpupin"); p; p = strstr(p + 1, "<vcpupin"))
		if (sscanf(p, "<vcpupin vcpu='%u' cpuset='%u'", &v, &cpu) == 2)
			mint_cpuset_add(&g->vcpu_pin[v], cpu);
	{
		char list[64];

		p = strstr(xml, "<emulatorpin cpuset='") + 21;
		snprintf(list, sizeof(list), "%.*s", (int)(strchr(p, '\'') - p), p);
		assert_int_equal(mint_parse_cpulist(list, &g->emulator_pin, NULL), 0);
	}
	g->id = ++fake.creates;
	fake.g.n++;
	return 0;
}

static struct vm_guest *fake_find(const char *name)
{
	for (size_t i = 0; i < fake.g.n; i++)
		if (!strcmp(fake.g.g[i].name, name))
			return &fake.g.g[i];
	return NULL;
}

static void fake_remove(const char *name)
{
	struct vm_guest *g = fake_find(name);

	if (g) {
		*g = fake.g.g[--fake.g.n];
	}
}

static int fake_shutdown(const char *name, struct mint_error *err)
{
	fake.shutdowns++;
	if (!fake_find(name))
		return mint_fail(err, MINT_E_NOTFOUND, "no guest %s", name);
	if (!fake.ignore_shutdown)
		fake_remove(name);
	return 0;
}

static int fake_destroy(const char *name, struct mint_error *err)
{
	fake.destroys++;
	if (!fake_find(name))
		return mint_fail(err, MINT_E_NOTFOUND, "no guest %s", name);
	fake_remove(name);
	return 0;
}

static int fake_running(const char *name)
{
	return fake.down ? -1 : fake_find(name) != NULL;
}

static int fake_pin_vcpu(const char *name, unsigned vcpu, const struct mint_cpuset *cpus,
			 struct mint_error *err)
{
	fake.pins++;
	fake_find(name)->vcpu_pin[vcpu] = *cpus;
	return 0;
}

static int fake_pin_emulator(const char *name, const struct mint_cpuset *cpus,
			     struct mint_error *err)
{
	fake.pins++;
	fake_find(name)->emulator_pin = *cpus;
	return 0;
}

static const struct vm_backend fake_backend = {
    .list = fake_list,
    .create = fake_create,
    .shutdown = fake_shutdown,
    .destroy = fake_destroy,
    .running = fake_running,
    .pin_vcpu = fake_pin_vcpu,
    .pin_emulator = fake_pin_emulator,
};

/* ---- mintd on the fake backend ---- */

struct fixture {
	char state_dir[4096];
	struct mintd d;
	struct idl idl;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *root = fakesys_create();
	char why[256], *text;

	memset(&fake, 0, sizeof(fake));
	vm_set_backend(&fake_backend);
	/* 4 CPUs (fakesys), 1G of which 900M available */
	fakesys_write("/proc/meminfo", "MemTotal:        1048576 kB\nMemFree:          900000 kB\n"
				       "MemAvailable:     921600 kB\n");
	fakesys_write("/boot/guest", "bzImage");
	snprintf(f->state_dir, sizeof(f->state_dir), "%s/var/lib/mint", root);
	fakesys_write("/var/lib/mint/.keep", "");
	f->d.state_dir = f->state_dir;
	f->d.socket_path = "/nonexistent";
	if (mintd_init(&f->d, NULL))
		return -1;
	text = service_description();
	if (idl_parse(text, &f->idl, why, sizeof(why))) {
		fprintf(stderr, "description does not parse: %s\n", why);
		free(text);
		return -1;
	}
	free(text);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	vm_set_backend(NULL);
	idl_free(&f->idl);
	mintd_fini(&f->d);
	fakesys_destroy();
	free(f);
	return 0;
}

/* Run a method as the server does; the final reply (or error name and message). */
static json_object *call(struct fixture *f, const char *method, const char *params, bool may_modify,
			 char *error, size_t error_len)
{
	struct call c = {.d = &f->d, .method = method, .may_modify = may_modify, .from_node = -1};
	json_object *reply = NULL;
	struct mint_msgbuf mb;
	char *text;
	int sv[2];

	error[0] = '\0';
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	c.fd = sv[0];
	c.params = json_tokener_parse(params);
	assert_non_null(c.params);
	service_dispatch(&c);
	json_object_put(c.params);
	close(sv[0]);
	mint_msgbuf_init(&mb);
	while (mint_msgbuf_fill(&mb, sv[1]) > 0)
		;
	while (mint_msgbuf_next(&mb, &text) == 1) {
		json_object *msg = json_tokener_parse(text), *v, *m;

		free(text);
		if (json_object_object_get_ex(msg, "error", &v)) {
			json_object_object_get_ex(msg, "parameters", &m);
			snprintf(error, error_len, "%s: %s", json_object_get_string(v),
				 json_object_object_get_ex(m, "message", &m)
				     ? json_object_get_string(m)
				     : "");
		} else if (json_object_object_get_ex(msg, "parameters", &v)) {
			json_object_put(reply);
			reply = json_object_get(v);
		}
		json_object_put(msg);
	}
	mint_msgbuf_free(&mb);
	close(sv[1]);
	if (reply) {
		const struct idl_entry *m = idl_method(&f->idl, strrchr(method, '.') + 1);
		char why[512];

		assert_non_null(m);
		if (!idl_check(&f->idl, m->out, reply, why, sizeof(why)))
			fail_msg("%s reply %s: %s", method, json_object_to_json_string(reply), why);
	}
	return reply;
}

static const char *jstr(json_object *o, const char *path)
{
	json_object *v = o;
	char key[64];

	while (v && *path) {
		size_t n = strcspn(path, ".");

		snprintf(key, sizeof(key), "%.*s", (int)n, path);
		if (json_object_is_type(v, json_type_array))
			v = json_object_array_get_idx(v, (size_t)atoi(key));
		else if (!json_object_object_get_ex(v, key, &v))
			v = NULL;
		path += n + (path[n] == '.');
	}
	return v ? json_object_get_string(v) : "(absent)";
}

static void start(struct fixture *f, const char *name, int vcpus, const char *mem)
{
	char params[512], error[1024];
	json_object *r;

	snprintf(params, sizeof(params),
		 "{\"name\": \"%s\", \"vcpus\": %d, \"memory_bytes\": %s, \"kernel\": "
		 "\"%s/boot/guest\"}",
		 name, vcpus, mem, mint_sysroot());
	r = call(f, MINT_INTERFACE ".VmStart", params, true, error, sizeof(error));
	if (!r)
		fail_msg("VmStart %s: %s", name, error);
	json_object_put(r);
}

static void test_methods_start_list_status_stop(void **state)
{
	struct fixture *f = *state;
	char params[512], error[1024];
	json_object *r;

	snprintf(params, sizeof(params),
		 "{\"name\": \"g1\", \"vcpus\": 2, \"memory_bytes\": 134217728, \"kernel\": "
		 "\"%s/boot/guest\", \"append\": \"hello\"}",
		 mint_sysroot());
	r = call(f, MINT_INTERFACE ".VmStart", params, true, error, sizeof(error));
	assert_non_null(r);
	assert_string_equal(jstr(r, "name"), "g1");
	assert_string_equal(jstr(r, "vcpu_pins.0"), "0");
	assert_string_equal(jstr(r, "vcpu_pins.1"), "1");
	assert_string_equal(jstr(r, "emulator_pin"), "0-3");
	assert_non_null(strstr(jstr(r, "console"), "/var/lib/mint/vm/g1.log"));
	assert_non_null(strstr(fake.last_xml, "<cmdline>console=ttyS0 hello</cmdline>"));
	json_object_put(r);
	/* the next guest's vCPUs go to the CPUs g1 does not use */
	start(f, "g2", 2, "67108864");
	r = call(f, MINT_INTERFACE ".VmList", "{}", false, error, sizeof(error));
	assert_non_null(r);
	assert_string_equal(jstr(r, "guests.1.name"), "g2");
	assert_string_equal(jstr(r, "guests.1.vcpu_pins.0"), "2");
	assert_string_equal(jstr(r, "guests.1.vcpu_pins.1"), "3");
	json_object_put(r);
	r = call(f, MINT_INTERFACE ".Status", "{}", false, error, sizeof(error));
	assert_non_null(r);
	assert_string_equal(jstr(r, "guests.0.name"), "g1");
	assert_string_equal(jstr(r, "guests.0.memory_bytes"), "134217728");
	json_object_put(r);

	/* refusals */
	snprintf(params, sizeof(params),
		 "{\"name\": \"g3\", \"vcpus\": 5, \"memory_bytes\": 67108864, \"kernel\": "
		 "\"%s/boot/guest\"}",
		 mint_sysroot());
	assert_null(call(f, MINT_INTERFACE ".VmStart", params, true, error, sizeof(error)));
	assert_string_equal(error, "io.mint.Node.ResourceBusy: g3 asks for 5 vCPUs but node0 has 4 "
				   "CPUs (a guest gets at most one vCPU per CPU of its node)");
	assert_null(call(f, MINT_INTERFACE ".VmStart", params, false, error, sizeof(error)));
	assert_non_null(strstr(error, "PermissionDenied"));
	assert_null(call(f, MINT_INTERFACE ".VmStart",
			 "{\"name\": \"g3\", \"vcpus\": 1, \"memory_bytes\": 67108864, \"kernel\": "
			 "\"/nonexistent/k\"}",
			 true, error, sizeof(error)));
	assert_non_null(strstr(error, "/nonexistent/k"));
	assert_null(
	    call(f, MINT_INTERFACE ".VmStart",
		 "{\"name\": \"a b\", \"vcpus\": 1, \"memory_bytes\": 67108864, \"kernel\": "
		 "\"/k\"}",
		 true, error, sizeof(error)));
	assert_non_null(strstr(error, "only letters"));
	snprintf(params, sizeof(params),
		 "{\"name\": \"g3\", \"vcpus\": 1, \"memory_bytes\": 1073741824, \"kernel\": "
		 "\"%s/boot/guest\"}",
		 mint_sysroot());
	assert_null(call(f, MINT_INTERFACE ".VmStart", params, true, error, sizeof(error)));
	assert_non_null(strstr(error, "can give a guest at most 576M"));
	assert_int_equal(fake.creates, 2);

	/* console */
	fakesys_write("/var/lib/mint/vm/g1.log", "boot\nMINT-GUEST-UP: \x01x\r\n");
	assert_null(call(f, MINT_INTERFACE ".VmConsole", "{\"name\": \"g1\"}", false, error,
			 sizeof(error)));
	assert_non_null(strstr(error, "PermissionDenied"));
	r = call(f, MINT_INTERFACE ".VmConsole", "{\"name\": \"g1\"}", true, error, sizeof(error));
	assert_non_null(r);
	assert_string_equal(jstr(r, "text"), "boot\nMINT-GUEST-UP: ?x \n");
	json_object_put(r);
	assert_null(
	    call(f, MINT_INTERFACE ".VmConsole", "{\"name\": \"g9\"}", true, error, sizeof(error)));
	assert_non_null(strstr(error, "NoSuchResource"));

	/* stop: shut down; a guest that ignores it is stopped by force */
	r = call(f, MINT_INTERFACE ".VmStop", "{\"name\": \"g1\"}", true, error, sizeof(error));
	assert_non_null(r);
	assert_string_equal(jstr(r, "how"), "it shut down");
	json_object_put(r);
	fake.ignore_shutdown = true;
	r = call(f, MINT_INTERFACE ".VmStop", "{\"name\": \"g2\", \"timeout\": 1}", true, error,
		 sizeof(error));
	assert_non_null(r);
	assert_string_equal(jstr(r, "how"), "stopped by force after 1 s (it did not shut down)");
	json_object_put(r);
	assert_int_equal(fake.g.n, 0);
	assert_null(call(f, MINT_INTERFACE ".VmStop", "{\"name\": \"g2\", \"force\": true}", true,
			 error, sizeof(error)));
	assert_string_equal(error, "io.mint.Node.NoSuchResource: no guest g2 runs on this node");
}

static void test_no_hypervisor(void **state)
{
	struct fixture *f = *state;
	struct mint_cpuset cpus = set_of("3");
	char error[1024];
	json_object *r;

	fake.down = true;
	r = call(f, MINT_INTERFACE ".Status", "{}", false, error, sizeof(error));
	assert_non_null(r);
	assert_string_equal(jstr(r, "guests"), "(absent)");
	json_object_put(r);
	assert_null(call(f, MINT_INTERFACE ".VmList", "{}", false, error, sizeof(error)));
	assert_string_equal(error,
			    "io.mint.Node.NotSupported: libvirtd does not answer on this node");
	assert_null(
	    call(f, MINT_INTERFACE ".VmStop", "{\"name\": \"g1\"}", true, error, sizeof(error)));
	assert_non_null(strstr(error, "libvirtd does not answer"));
	/* CPUs may leave a node without a hypervisor; halting has nothing to stop */
	assert_int_equal(vm_cpus_leaving(&f->d, &cpus, NULL), 0);
	assert_int_equal(vm_shutdown_all(&f->d), 0);
}

static void test_cpus_leaving_and_shutdown_all(void **state)
{
	struct fixture *f = *state;
	struct mint_cpuset leaving = set_of("3");
	struct mint_error err = {0};
	char error[1024];
	json_object *r;

	start(f, "a", 1, "67108864"); /* CPU 0 */
	start(f, "b", 2, "67108864"); /* CPUs 1, 2 */
	start(f, "c", 1, "67108864"); /* CPU 3 */
	assert_int_equal(vm_cpus_leaving(&f->d, &leaving, &err), 0);
	assert_int_equal(mint_cpuset_count(&fake_find("c")->vcpu_pin[0]), 1);
	assert_false(mint_cpuset_has(&fake_find("c")->vcpu_pin[0], 3));
	assert_false(mint_cpuset_has(&fake_find("a")->emulator_pin, 3));
	assert_int_equal(mint_cpuset_count(&fake_find("b")->emulator_pin), 3);
	/* b has 2 vCPUs: CPUs 1-3 cannot all leave */
	leaving = set_of("123");
	assert_int_equal(vm_cpus_leaving(&f->d, &leaving, &err), -1);
	assert_string_equal(err.msg, "guest b has 2 vCPUs and node0 would keep 1 CPU: stop it "
				     "first (a guest needs one CPU of its node per vCPU)");
	/* the release path refuses too, and nothing changes */
	r = call(f, MINT_INTERFACE ".ReleaseCpus", "{\"cpus\": [1, 2, 3]}", true, error,
		 sizeof(error));
	assert_null(r);
	assert_non_null(strstr(error, "guest b has 2 vCPUs"));
	assert_string_equal(fakesys_read("/sys/devices/system/cpu/cpu3/online"), "1");
	/* halting: every guest is asked, those that do not go are stopped */
	fake.ignore_shutdown = false;
	assert_int_equal(vm_shutdown_all(&f->d), 3);
	assert_int_equal(fake.shutdowns, 3);
	assert_int_equal(fake.destroys, 0);
	assert_int_equal(fake.g.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_start_rules),
	    cmocka_unit_test(test_pick_cpus),
	    cmocka_unit_test(test_cpu_load),
	    cmocka_unit_test(test_plan_leaving),
	    cmocka_unit_test(test_domain_xml),
	    cmocka_unit_test_setup_teardown(test_methods_start_list_status_stop, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_hypervisor, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cpus_leaving_and_shutdown_all, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
