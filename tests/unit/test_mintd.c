// SPDX-License-Identifier: GPL-2.0
/*
 * mintd as a library against a fake /sys and /proc: dispatch, permissions,
 * parameter errors, the interface description against the method table,
 * replies against the description, and the CPU, memory and PCI backends with
 * start-up reconciliation; stopping: the threads end before what they use goes.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "chan.h"
#include "fakesys.h"
#include "mintd.h"
#include "peer.h"
#include "peer_msg.h"
#include "service.h"
#include "util.h"
#include "varlink.h"
#include "varlink_idl.h"
#include "watch.h"

struct fixture {
	char state_dir[4096];
	struct mintd d;
	struct idl idl;
};

/* ---- calling a method the way the server does, and reading what it sent ---- */

struct result {
	json_object *reply;  /* final parameters (NULL after an error) */
	char error[128];     /* error name, "" when none */
	json_object *eparams; /* error parameters */
	int nprogress;
	json_object *progress[32];
};

static void result_free(struct result *r)
{
	json_object_put(r->reply);
	json_object_put(r->eparams);
	for (int i = 0; i < r->nprogress; i++)
		json_object_put(r->progress[i]);
	memset(r, 0, sizeof(*r));
}

static void call(struct fixture *f, const char *method, const char *params, bool may_modify,
		 bool more, struct result *r)
{
	struct call c = {.d = &f->d,
			 .method = method,
			 .may_modify = may_modify,
			 .more = more,
			 .from_node = -1};
	struct mint_msgbuf mb;
	char *text;
	int sv[2];

	memset(r, 0, sizeof(*r));
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	c.fd = sv[0];
	c.params = json_tokener_parse(params ? params : "{}");
	assert_non_null(c.params);
	service_dispatch(&c);
	json_object_put(c.params);
	close(sv[0]);
	mint_msgbuf_init(&mb);
	while (mint_msgbuf_fill(&mb, sv[1]) > 0)
		;
	while (mint_msgbuf_next(&mb, &text) == 1) {
		json_object *msg = json_tokener_parse(text), *v;

		free(text);
		assert_non_null(msg);
		if (json_object_object_get_ex(msg, "error", &v)) {
			snprintf(r->error, sizeof(r->error), "%s", json_object_get_string(v));
			json_object_object_get_ex(msg, "parameters", &v);
			r->eparams = json_object_get(v);
		} else if (json_object_object_get_ex(msg, "continues", &v) &&
			   json_object_get_boolean(v)) {
			json_object_object_get_ex(msg, "parameters", &v);
			assert_true(r->nprogress < 32);
			r->progress[r->nprogress++] = json_object_get(v);
		} else {
			assert_null(r->reply);
			json_object_object_get_ex(msg, "parameters", &v);
			r->reply = json_object_get(v);
		}
		json_object_put(msg);
	}
	mint_msgbuf_free(&mb);
	close(sv[1]);
}

static const char *error_message(const struct result *r)
{
	json_object *m;

	return r->eparams && json_object_object_get_ex(r->eparams, "message", &m)
		   ? json_object_get_string(m)
		   : "";
}

/* The reply (and every progress reply) matches the method's declared return type. */
static void assert_reply_matches(struct fixture *f, const char *method, const struct result *r)
{
	const struct idl_entry *m = idl_method(&f->idl, strrchr(method, '.') + 1);
	char why[512];

	assert_non_null(m);
	assert_non_null(r->reply);
	if (!idl_check(&f->idl, m->out, r->reply, why, sizeof(why)))
		fail_msg("%s reply %s: %s", method, json_object_to_json_string(r->reply), why);
	for (int i = 0; i < r->nprogress; i++)
		if (!idl_check(&f->idl, m->out, r->progress[i], why, sizeof(why)))
			fail_msg("%s progress %s: %s", method,
				 json_object_to_json_string(r->progress[i]), why);
}

/* ---- setup ---- */

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char why[256], *text;
	const char *root = fakesys_create();

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

	idl_free(&f->idl);
	mintd_fini(&f->d);
	fakesys_destroy();
	free(f);
	return 0;
}

/* ---- the interface description is the method table ---- */

static void test_description_lists_every_method_and_parameter(void **state)
{
	struct fixture *f = *state;
	size_t n, listed = 0;
	const struct method *const *methods = service_methods(&n);

	assert_string_equal(f->idl.interface, MINT_INTERFACE);
	for (size_t i = 0; i < n; i++) {
		const struct method *m = methods[i];
		const struct idl_entry *e;
		char names[64][64];
		bool optional[64];
		size_t nf;

		if (strcmp(m->interface, MINT_INTERFACE))
			continue;
		listed++;
		e = idl_method(&f->idl, m->name);
		if (!e)
			fail_msg("method %s is dispatched but not in the description", m->name);
		nf = idl_fields(e->in, names, optional, 64);
		assert_int_equal(nf, m->nparams);
		for (size_t k = 0; k < m->nparams; k++) {
			assert_string_equal(names[k], m->params[k].name);
			assert_int_equal(optional[k], m->params[k].optional);
		}
	}
	/* ... and nothing in the description that is not dispatched. */
	assert_int_equal(listed, f->idl.nmethods);
	for (size_t i = 0; i < f->idl.nmethods; i++) {
		char full[160];

		snprintf(full, sizeof(full), "%s.%s", MINT_INTERFACE, f->idl.methods[i].name);
		assert_non_null(service_find(full));
	}
}

static void test_description_reachable_over_varlink(void **state)
{
	struct fixture *f = *state;
	struct result r;

	call(f, "org.varlink.service.GetInterfaceDescription", "{\"interface\":\"io.mint.Node\"}",
	     false, false, &r);
	assert_string_equal(r.error, "");
	assert_non_null(strstr(json_object_get_string(json_object_object_get(r.reply, "description")),
			       "method NodeLog(name: string)"));
	result_free(&r);
	call(f, "org.varlink.service.GetInterfaceDescription", "{\"interface\":\"org.example\"}",
	     false, false, &r);
	assert_string_equal(r.error, "org.varlink.service.InterfaceNotFound");
	result_free(&r);
}

/* ---- dispatch, permissions and parameter errors ---- */

static void test_unknown_method_and_interface(void **state)
{
	struct fixture *f = *state;
	struct result r;

	call(f, MINT_INTERFACE ".NoSuchMethod", NULL, true, false, &r);
	assert_string_equal(r.error, "org.varlink.service.MethodNotFound");
	result_free(&r);
	call(f, "org.example.Other.Method", NULL, true, false, &r);
	assert_string_equal(r.error, "org.varlink.service.InterfaceNotFound");
	result_free(&r);
}

static void test_modifying_needs_permission(void **state)
{
	struct fixture *f = *state;
	struct result r;

	call(f, MINT_INTERFACE ".ReleaseCpus", "{\"cpus\":[3]}", false, false, &r);
	assert_string_equal(r.error, MINT_INTERFACE ".PermissionDenied");
	assert_non_null(strstr(error_message(&r), "only root or members of the mint group"));
	assert_string_equal(fakesys_read("/sys/devices/system/cpu/cpu3/online"), "1");
	result_free(&r);
	/* Reading is open to everyone. */
	call(f, MINT_INTERFACE ".Status", NULL, false, false, &r);
	assert_string_equal(r.error, "");
	result_free(&r);
}

static void expect_invalid_parameter(struct fixture *f, const char *method, const char *params,
				     const char *parameter)
{
	struct result r;
	json_object *p;

	call(f, method, params, true, false, &r);
	assert_string_equal(r.error, "org.varlink.service.InvalidParameter");
	assert_true(json_object_object_get_ex(r.eparams, "parameter", &p));
	assert_string_equal(json_object_get_string(p), parameter);
	result_free(&r);
}

static void expect_error(struct fixture *f, const char *method, const char *params,
			 const char *error, const char *message)
{
	struct result r;

	call(f, method, params, true, false, &r);
	assert_string_equal(r.error, error);
	if (!strstr(error_message(&r), message))
		fail_msg("%s %s: message \"%s\" lacks \"%s\"", method, params, error_message(&r),
			 message);
	result_free(&r);
}

static void test_parameter_errors(void **state)
{
	struct fixture *f = *state;

	expect_invalid_parameter(f, MINT_INTERFACE ".ReleaseCpus", "{\"cpus\":[3],\"bogus\":1}",
				 "bogus");
	expect_invalid_parameter(f, MINT_INTERFACE ".ReleaseCpus", "{}", "cpus");
	expect_invalid_parameter(f, MINT_INTERFACE ".ReleaseCpus", "{\"cpus\":\"3\"}", "cpus");
	expect_invalid_parameter(f, MINT_INTERFACE ".ReleaseCpus", "{\"cpus\":[3,\"4\"]}", "cpus");
	expect_invalid_parameter(f, MINT_INTERFACE ".ReleaseMemory", "{\"bytes\":null}", "bytes");
	expect_invalid_parameter(f, MINT_INTERFACE ".BootNode",
				 "{\"name\":\"node1\",\"cpus\":[2],\"bytes\":1,\"timeout\":\"5\"}",
				 "timeout");
	expect_invalid_parameter(f, MINT_INTERFACE ".Status", "{\"verbose\":true}", "verbose");
	expect_error(f, MINT_INTERFACE ".ReleaseCpus", "{\"cpus\":[]}",
		     MINT_INTERFACE ".InvalidArgument", "empty");
	expect_error(f, MINT_INTERFACE ".ReleaseCpus", "{\"cpus\":[-1]}",
		     MINT_INTERFACE ".InvalidArgument", "-1 is not a CPU number");
	expect_error(f, MINT_INTERFACE ".ReleaseCpus", "{\"cpus\":[5000]}",
		     MINT_INTERFACE ".NoSuchResource", "CPU 5000 does not exist");
	expect_error(f, MINT_INTERFACE ".ReleaseMemory", "{\"bytes\":0}",
		     MINT_INTERFACE ".InvalidArgument", "positive");
	expect_error(f, MINT_INTERFACE ".ReleaseDevice", "{\"address\":\"zz:00.0\"}",
		     MINT_INTERFACE ".InvalidArgument", "zz:00.0");
	expect_error(f, MINT_INTERFACE ".NodeLog", "{\"name\":\"nodeX\"}",
		     MINT_INTERFACE ".InvalidArgument", "nodeX");
	expect_error(f, MINT_INTERFACE ".BootNode",
		     "{\"name\":\"node1\",\"cpus\":[2],\"bytes\":134217728,\"kernel\":\"rel/path\"}",
		     MINT_INTERFACE ".InvalidArgument", "not an absolute path");
	expect_error(f, MINT_INTERFACE ".BootNode",
		     "{\"name\":\"node1\",\"cpus\":[2],\"bytes\":134217728,\"kernel\":\"/no/such/k\"}",
		     MINT_INTERFACE ".NoSuchResource", "/no/such/k");
	/* Well-formed, but this kernel cannot boot nodes. */
	expect_error(f, MINT_INTERFACE ".BootNode",
		     "{\"name\":\"node1\",\"cpus\":[2],\"bytes\":134217728}",
		     MINT_INTERFACE ".NotSupported", "no Mint support");
	expect_error(f, MINT_INTERFACE ".BootNode",
		     "{\"name\":\"node0\",\"cpus\":[2],\"bytes\":134217728}",
		     MINT_INTERFACE ".InvalidArgument", "node0 is this node");
	assert_string_equal(fakesys_read("/sys/devices/system/cpu/cpu3/online"), "1");
}

/* ---- replies against the description; the backends on the fake tree ---- */

static json_object *find_by(json_object *arr, const char *key, const char *val)
{
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *o = json_object_array_get_idx(arr, i), *v;

		if (json_object_object_get_ex(o, key, &v) &&
		    !strcmp(json_object_get_string(v), val))
			return o;
	}
	return NULL;
}

static const char *field(json_object *o, const char *key)
{
	json_object *v;

	return o && json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

static void test_status(void **state)
{
	struct fixture *f = *state;
	json_object *cpus, *mem, *devs, *disk, *nic;
	struct result r;

	call(f, MINT_INTERFACE ".Status", NULL, false, false, &r);
	assert_string_equal(r.error, "");
	assert_reply_matches(f, MINT_INTERFACE ".Status", &r);
	cpus = json_object_object_get(r.reply, "cpus");
	assert_int_equal(json_object_array_length(cpus), 4);
	assert_string_equal(field(find_by(cpus, "id", "3"), "apic_id"), "3");
	assert_string_equal(field(find_by(cpus, "id", "0"), "hotpluggable"), "false");
	mem = json_object_object_get(r.reply, "memory");
	assert_string_equal(field(mem, "block_size"), "134217728");
	assert_string_equal(field(mem, "online_bytes"), "2147483648");
	/* Block 0 has a hole in /proc/iomem: not removable. */
	assert_string_equal(field(find_by(json_object_object_get(mem, "blocks"), "index", "0"),
				  "removable"),
			    "false");
	devs = json_object_object_get(r.reply, "devices");
	disk = find_by(devs, "address", FAKE_DISK_BDF);
	nic = find_by(devs, "address", FAKE_INTX_BDF);
	assert_non_null(disk);
	assert_non_null(nic);
	assert_string_equal(field(disk, "vendor"), "6900");
	assert_string_equal(field(disk, "msi"), "true");
	assert_string_equal(field(disk, "driver"), "virtio-pci");
	assert_string_equal(field(disk, "module"), "virtio_pci");
	assert_null(field(disk, "in_use"));
	assert_string_equal(field(nic, "msi"), "false");
	assert_null(field(nic, "driver"));
	result_free(&r);
}

static void test_cpu_release_and_reclaim(void **state)
{
	struct fixture *f = *state;
	struct result r;

	call(f, MINT_INTERFACE ".ReleaseCpus", "{\"cpus\":[3]}", true, false, &r);
	assert_string_equal(r.error, "");
	assert_reply_matches(f, MINT_INTERFACE ".ReleaseCpus", &r);
	assert_string_equal(fakesys_read("/sys/devices/system/cpu/cpu3/online"), "0");
	{
		json_object *st = json_tokener_parse(fakesys_read("/var/lib/mint/state.json"));

		assert_non_null(st);
		assert_string_equal(json_object_to_json_string_ext(
					json_object_object_get(st, "released_cpus"), JSON_C_TO_STRING_PLAIN),
				    "[3]");
		json_object_put(st);
	}
	result_free(&r);

	call(f, MINT_INTERFACE ".Status", NULL, false, false, &r);
	assert_string_equal(
	    field(find_by(json_object_object_get(r.reply, "cpus"), "id", "3"), "owner"), "free");
	result_free(&r);

	expect_error(f, MINT_INTERFACE ".ReleaseCpus", "{\"cpus\":[3]}",
		     MINT_INTERFACE ".WrongState", "CPU 3 is already released");
	expect_error(f, MINT_INTERFACE ".ReleaseCpus", "{\"cpus\":[0]}",
		     MINT_INTERFACE ".InvalidArgument", "CPU 0");
	expect_error(f, MINT_INTERFACE ".ReclaimCpus", "{\"cpus\":[2]}",
		     MINT_INTERFACE ".WrongState", "CPU 2 is not released");

	call(f, MINT_INTERFACE ".ReclaimCpus", "{\"cpus\":[3]}", true, false, &r);
	assert_string_equal(r.error, "");
	assert_string_equal(fakesys_read("/sys/devices/system/cpu/cpu3/online"), "1");
	result_free(&r);
}

static void test_memory_release_and_reclaim(void **state)
{
	struct fixture *f = *state;
	struct result r;

	expect_error(f, MINT_INTERFACE ".ReleaseMemory", "{\"bytes\":104857600}",
		     MINT_INTERFACE ".InvalidArgument", "not a multiple of the 128M");
	call(f, MINT_INTERFACE ".ReleaseMemory", "{\"bytes\":268435456}", true, true, &r);
	assert_string_equal(r.error, "");
	assert_reply_matches(f, MINT_INTERFACE ".ReleaseMemory", &r);
	assert_int_equal(r.nprogress, 2);
	/* Movable blocks first, highest address first. */
	assert_string_equal(fakesys_read("/sys/devices/system/memory/memory15/state"), "offline");
	assert_string_equal(fakesys_read("/sys/devices/system/memory/memory14/state"), "offline");
	assert_string_equal(fakesys_read("/sys/devices/system/memory/memory13/state"), "online");
	result_free(&r);

	call(f, MINT_INTERFACE ".ReclaimMemory", "{\"bytes\":268435456}", true, false, &r);
	assert_string_equal(r.error, "");
	/* Back into ZONE_MOVABLE where the kernel offers it. */
	assert_string_equal(fakesys_read("/sys/devices/system/memory/memory15/state"),
			    "online_movable");
	result_free(&r);
	fakesys_write("/sys/devices/system/memory/memory15/state", "online\n");
	fakesys_write("/sys/devices/system/memory/memory14/state", "online\n");
}

static void test_device_in_use_is_refused(void **state)
{
	struct fixture *f = *state;
	struct result r;

	fakesys_mount_disk(true);
	call(f, MINT_INTERFACE ".Status", NULL, false, false, &r);
	assert_string_equal(field(find_by(json_object_object_get(r.reply, "devices"), "address",
					  FAKE_DISK_BDF),
				  "in_use"),
			    "/dev/vda is mounted");
	result_free(&r);
	expect_error(f, MINT_INTERFACE ".ReleaseDevice", "{\"address\":\"" FAKE_DISK_BDF "\"}",
		     MINT_INTERFACE ".ResourceBusy", "/dev/vda is mounted");
	expect_error(f, MINT_INTERFACE ".ReleaseDevice", "{\"address\":\"0000:00:1f.7\"}",
		     MINT_INTERFACE ".NoSuchResource", "does not exist");
	fakesys_mount_disk(false);
}

static void test_reconcile_warns_about_stale_state(void **state)
{
	struct fixture *f = *state;
	struct mintd d2 = {.state_dir = f->state_dir, .socket_path = "/nonexistent"};
	struct result r;

	/* A CPU released earlier but online now; a memory block released but online. */
	fakesys_write("/var/lib/mint/state.json",
		      "{\"version\":1,\"released_cpus\":[2],\"released_memory_blocks\":[13],"
		      "\"released_devices\":[],\"apic_ids\":[]}");
	assert_int_equal(mintd_init(&d2, NULL), 0);
	assert_true(d2.nwarnings >= 2);
	assert_non_null(strstr(d2.warnings[0], "CPU 2 was released but is online"));
	assert_false(mint_cpuset_has(&d2.state.cpus, 2));
	assert_int_equal(d2.state.nmem, 0);
	/* Status shows the warnings. */
	{
		struct mintd saved = f->d;

		f->d = d2;
		call(f, MINT_INTERFACE ".Status", NULL, false, false, &r);
		f->d = saved;
	}
	assert_non_null(strstr(json_object_to_json_string(json_object_object_get(r.reply, "warnings")),
			       "CPU 2 was released but is online"));
	result_free(&r);
	mintd_fini(&d2);
}

/* ---- other nodes ---- */

static void test_forward(void **state)
{
	struct fixture *f = *state;
	struct result r;
	char why[512];

	/* To this node: dispatched here, the reply wrapped as {node, reply}. */
	call(f, MINT_INTERFACE ".Forward",
	     "{\"node\":\"node0\",\"method\":\"" MINT_INTERFACE ".Status\"}", false, false, &r);
	assert_string_equal(r.error, "");
	assert_reply_matches(f, MINT_INTERFACE ".Forward", &r);
	assert_string_equal(field(r.reply, "node"), "node0");
	{
		const struct idl_entry *m = idl_method(&f->idl, "Status");

		if (!idl_check(&f->idl, m->out, json_object_object_get(r.reply, "reply"), why,
			       sizeof(why)))
			fail_msg("forwarded Status: %s", why);
	}
	result_free(&r);
	/* Errors of the inner method come back as they are. */
	expect_error(f, MINT_INTERFACE ".Forward",
		     "{\"node\":\"node0\",\"method\":\"" MINT_INTERFACE
		     ".ReleaseCpus\",\"parameters\":{\"cpus\":[0]}}",
		     MINT_INTERFACE ".InvalidArgument", "CPU 0");
	/* The caller's rights are checked here, against the inner method. */
	call(f, MINT_INTERFACE ".Forward",
	     "{\"node\":\"node1\",\"method\":\"" MINT_INTERFACE ".ReleaseCpus\"}", false, false,
	     &r);
	assert_string_equal(r.error, MINT_INTERFACE ".PermissionDenied");
	result_free(&r);
	expect_error(f, MINT_INTERFACE ".Forward",
		     "{\"node\":\"node1\",\"method\":\"" MINT_INTERFACE ".Forward\"}",
		     MINT_INTERFACE ".InvalidArgument", "cannot be forwarded");
	expect_error(f, MINT_INTERFACE ".Forward",
		     "{\"node\":\"node1\",\"method\":\"io.mint.Node.NoSuch\"}",
		     MINT_INTERFACE ".InvalidArgument", "cannot be forwarded");
	/* Another node needs the inter-node channel of a Mint kernel. */
	expect_error(f, MINT_INTERFACE ".Forward",
		     "{\"node\":\"node1\",\"method\":\"" MINT_INTERFACE ".Status\"}",
		     MINT_INTERFACE ".NotSupported", "no inter-node channel");
	expect_invalid_parameter(f, MINT_INTERFACE ".Forward",
				 "{\"node\":\"node1\",\"method\":\"x\",\"parameters\":[1]}",
				 "parameters");
}

static void test_node_life_cycle_errors(void **state)
{
	struct fixture *f = *state;

	expect_error(f, MINT_INTERFACE ".HaltNode", "{\"name\":\"node0\"}",
		     MINT_INTERFACE ".InvalidArgument", "node0 is this node");
	expect_error(f, MINT_INTERFACE ".KillNode", "{\"name\":\"node3\"}",
		     MINT_INTERFACE ".NotSupported", "no Mint support");
	expect_error(f, MINT_INTERFACE ".HaltNode", "{\"name\":\"node3\",\"to\":\"nodeX\"}",
		     MINT_INTERFACE ".InvalidArgument", "nodeX");
	expect_error(f, MINT_INTERFACE ".RebootNode", "{\"name\":\"node0\"}",
		     MINT_INTERFACE ".InvalidArgument", "node0 cannot be rebooted");
	expect_error(f, MINT_INTERFACE ".RebootNode",
		     "{\"name\":\"node2\",\"kernel\":\"relative/bzImage\"}",
		     MINT_INTERFACE ".InvalidArgument", "not an absolute path");
	expect_error(f, MINT_INTERFACE ".TakeResources",
		     "{\"apic_ids\":[3],\"memory\":[],\"devices\":[]}",
		     MINT_INTERFACE ".NotSupported", "cannot take resources");
	expect_error(f, MINT_INTERFACE ".TakeResources",
		     "{\"apic_ids\":[-3],\"memory\":[],\"devices\":[]}",
		     MINT_INTERFACE ".InvalidArgument", "out of range");
	expect_error(f, MINT_INTERFACE ".Shutdown", NULL, MINT_INTERFACE ".InvalidArgument",
		     "node0 owns the machine");
}

/* ---- moves, the journal and crash recovery ---- */

static void test_move_errors(void **state)
{
	struct fixture *f = *state;

	expect_invalid_parameter(f, MINT_INTERFACE ".MoveCpus", "{\"cpus\":[3]}", "to");
	expect_error(f, MINT_INTERFACE ".MoveCpus", "{\"cpus\":[3],\"to\":\"nodeX\"}",
		     MINT_INTERFACE ".InvalidArgument", "nodeX");
	expect_error(f, MINT_INTERFACE ".MoveCpus", "{\"cpus\":[3],\"to\":\"node1\"}",
		     MINT_INTERFACE ".NotSupported", "no Mint support");
	expect_error(f, MINT_INTERFACE ".MoveMemory", "{\"bytes\":0,\"to\":\"node1\"}",
		     MINT_INTERFACE ".InvalidArgument", "positive");
	expect_error(f, MINT_INTERFACE ".MoveDevice", "{\"address\":\"zz\",\"to\":\"node1\"}",
		     MINT_INTERFACE ".InvalidArgument", "zz");
	expect_error(f, MINT_INTERFACE ".MoveDisk",
		     "{\"disk\":\"vdb\",\"to\":\"node1\",\"mount\":\"mnt\"}",
		     MINT_INTERFACE ".InvalidArgument", "not an absolute path");
	/* Disks by kernel name or controller address, against the fake tree. */
	expect_error(f, MINT_INTERFACE ".MoveDisk", "{\"disk\":\"vdz\",\"to\":\"node1\"}",
		     MINT_INTERFACE ".NoSuchResource", "disk vdz does not exist");
	expect_error(f, MINT_INTERFACE ".MoveDisk",
		     "{\"disk\":\"" FAKE_INTX_BDF "\",\"to\":\"node1\"}",
		     MINT_INTERFACE ".NoSuchResource", "has no disk");
	expect_error(f, MINT_INTERFACE ".MoveDisk", "{\"disk\":\"vda\",\"to\":\"node1\"}",
		     MINT_INTERFACE ".NotSupported", "no Mint support");
	expect_error(f, MINT_INTERFACE ".MoveDisk",
		     "{\"disk\":\"" FAKE_DISK_BDF "\",\"to\":\"node1\"}",
		     MINT_INTERFACE ".NotSupported", "no Mint support");
	assert_string_equal(fakesys_read("/sys/devices/system/cpu/cpu3/online"), "1");
}

/* Every call that changes the machine is in the journal: who, what, and how it ended. */
static void test_audit_trail(void **state)
{
	struct fixture *f = *state;
	struct result r;
	const char *j;

	call(f, MINT_INTERFACE ".ReleaseCpus", "{\"cpus\":[3]}", true, false, &r);
	result_free(&r);
	call(f, MINT_INTERFACE ".ReclaimCpus", "{\"cpus\":[3]}", true, false, &r);
	result_free(&r);
	expect_error(f, MINT_INTERFACE ".ReleaseCpus", "{\"cpus\":[0]}",
		     MINT_INTERFACE ".InvalidArgument", "CPU 0");
	j = fakesys_read("/var/lib/mint/journal");
	assert_non_null(strstr(j, "\"method\":\"io.mint.Node.ReleaseCpus\""));
	assert_non_null(strstr(j, "\"op\":\"cpu-release\""));
	assert_non_null(strstr(j, "\"outcome\":\"done\""));
	assert_non_null(strstr(j, "\"outcome\":\"failed\""));
	assert_non_null(strstr(j, "CPU 0 is the boot CPU"));
	assert_non_null(strstr(j, "\"by\":\"uid 0 pid 0\""));
}

/* A mintd that died in the middle: the next one finishes or undoes what was in flight. */
static void test_crash_recovery(void **state)
{
	struct fixture *f = *state;
	struct mintd d2 = {.state_dir = f->state_dir, .socket_path = "/nonexistent"};
	const char *j;

	/* Died after CPU 3 went offline, before the release was recorded: finished. */
	fakesys_write("/sys/devices/system/cpu/cpu3/online", "0");
	fakesys_write("/sys/devices/system/cpu/online", "0-2");
	/* Died reclaiming CPU 2 after it came online: finished (no longer released). */
	fakesys_write("/var/lib/mint/state.json",
		      "{\"version\":1,\"released_cpus\":[2],\"released_memory_blocks\":[],"
		      "\"released_devices\":[],\"apic_ids\":[]}");
	fakesys_write("/var/lib/mint/journal",
		      "{\"id\":40,\"phase\":\"begin\",\"op\":\"cpu-release\",\"by\":\"uid 0 pid 9\","
		      "\"intent\":{\"cpus\":[3],\"apic_ids\":[3]}}\n"
		      "{\"id\":41,\"phase\":\"begin\",\"op\":\"cpu-reclaim\",\"by\":\"uid 0 pid 9\","
		      "\"intent\":{\"cpus\":[2],\"apic_ids\":[2]}}\n"
		      "{\"id\":42,\"phase\":\"begin\",\"op\":\"cpu-rel");
	assert_int_equal(mintd_init(&d2, NULL), 0);
	assert_true(mint_cpuset_has(&d2.state.cpus, 3));
	assert_false(mint_cpuset_has(&d2.state.cpus, 2));
	assert_string_equal(fakesys_read("/sys/devices/system/cpu/cpu2/online"), "1");
	j = fakesys_read("/var/lib/mint/journal");
	assert_non_null(strstr(j, "\"id\":40,\"phase\":\"end\""));
	assert_non_null(strstr(j, "\"outcome\":\"recovered\""));
	assert_non_null(strstr(j, "CPU 3 is released"));
	{
		bool warned = false, damaged = false;

		for (size_t i = 0; i < d2.nwarnings; i++) {
			warned |= strstr(d2.warnings[i], "mintd had stopped during cpu-release") != NULL;
			damaged |= strstr(d2.warnings[i], "damaged") != NULL;
		}
		assert_true(warned);
		assert_true(damaged);
	}
	mintd_fini(&d2);
	/* Nothing is in flight any more: a third start recovers nothing. */
	{
		struct mintd d3 = {.state_dir = f->state_dir, .socket_path = "/nonexistent"};

		assert_int_equal(mintd_init(&d3, NULL), 0);
		for (size_t i = 0; i < d3.nwarnings; i++)
			assert_null(strstr(d3.warnings[i], "mintd had stopped"));
		mintd_fini(&d3);
	}
	fakesys_write("/sys/devices/system/cpu/cpu3/online", "1");
	fakesys_write("/sys/devices/system/cpu/online", "0-3");
}

/* ---- stopping ---- */

/*
 * mintd stops while another node runs: the heartbeat watcher is woken from
 * its sleep and joined before the table is unmapped. (It used to run on and
 * read the unmapped table: a crash at exit, and under ASan a hang, as the
 * crash report and the exit-time leak check deadlocked.)
 */
static void test_fini_stops_the_watcher_first(void **state)
{
	struct fixture *f = *state;
	struct mintd d2 = {.state_dir = f->state_dir, .socket_path = "/nonexistent"};
	struct mint_table *t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	void *guard;
	long long start, took;

	assert_true(t != MAP_FAILED);
	t->magic = MINT_TABLE_MAGIC;
	t->node[1].state = MINT_NODE_RUNNING;
	t->node[1].epoch = 1;
	t->node[1].heartbeat = 1;
	assert_int_equal(mintd_init(&d2, NULL), 0);
	/* As mint_dev_open() would map /dev/mint's table. */
	mint_dev_attach_table(&d2.dev, t, 0);
	d2.mint_kernel = true;
	assert_int_equal(watch_start(&d2, NULL), 0);
	mint_sleep_ms(2 * MINT_HEARTBEAT_MS);
	assert_true(watch_silence_ms(&d2, 1) >= 0); /* it watches node1 */
	start = mint_now_ms();
	mintd_fini(&d2); /* unmaps t */
	took = mint_now_ms() - start;
	if (took >= MINT_HEARTBEAT_MS)
		fail_msg("mintd_fini took %lld ms: the watcher was not woken", took);
	/* The watcher is gone: a table it read now would fault. */
	guard = mmap(NULL, sizeof(*t), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(guard != MAP_FAILED);
	d2.dev.table = guard;
	mint_sleep_ms(3 * MINT_HEARTBEAT_MS);
	d2.dev.table = NULL;
	munmap(guard, sizeof(*t));
}

/* One message from the channel's other end, as /dev/mint's read() gives it. */
static void chan_read(int fd, struct mint_chan_msg *hdr, struct mint_peer_hdr *ph, json_object **msg)
{
	char *buf = malloc(MINT_CHAN_BUF_SIZE);
	ssize_t n;

	assert_non_null(buf);
	n = recv(fd, buf, MINT_CHAN_BUF_SIZE, 0);
	assert_true(n >= (ssize_t)sizeof(*hdr));
	memcpy(hdr, buf, sizeof(*hdr));
	assert_int_equal(hdr->len, (size_t)n - sizeof(*hdr));
	assert_int_equal(mint_peer_decode(buf + sizeof(*hdr), hdr->len, ph, msg, NULL), 0);
	free(buf);
}

/*
 * The channel threads over a socket standing in for /dev/mint: a call from
 * node1 is answered over it; then mintd_fini() wakes the reader (waiting in
 * poll(), not stuck in read()) and the keepalive (in a 2 s sleep) at once,
 * joins them and closes the channel.
 */
static void test_fini_stops_the_channel_threads(void **state)
{
	struct fixture *f = *state;
	struct mintd d2 = {.state_dir = f->state_dir, .socket_path = "/nonexistent"};
	struct timeval tv = {.tv_sec = 10};
	struct mint_chan ch = {.port = MINT_PORT_MINTD, .self = 0};
	struct mint_chan_msg hdr;
	struct mint_peer_hdr ph;
	json_object *call_msg, *reply = NULL, *v;
	long long start, took;
	char *out, byte;
	void *payload;
	size_t len;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	assert_int_equal(mintd_init(&d2, NULL), 0);
	ch.fd = sv[0];
	assert_int_equal(peer_start_on(&d2, &ch, NULL), 0);
	/* node1 calls GetInfo. */
	call_msg = json_tokener_parse("{\"method\":\"org.varlink.service.GetInfo\"}");
	assert_int_equal(mint_peer_encode(MINT_PEER_CALL, 7, 0, call_msg, &payload, &len, NULL), 0);
	json_object_put(call_msg);
	hdr = (struct mint_chan_msg){.node = 1, .port = MINT_PORT_MINTD, .len = (uint32_t)len,
				     .epoch = 1};
	out = malloc(sizeof(hdr) + len);
	assert_non_null(out);
	memcpy(out, &hdr, sizeof(hdr));
	memcpy(out + sizeof(hdr), payload, len);
	assert_int_equal(send(sv[1], out, sizeof(hdr) + len, 0), (ssize_t)(sizeof(hdr) + len));
	free(out);
	free(payload);
	/* The reply goes back to node1 (keepalives may come first). */
	do {
		json_object_put(reply);
		chan_read(sv[1], &hdr, &ph, &reply);
	} while (ph.kind == MINT_PEER_KEEPALIVE);
	assert_int_equal(hdr.node, 1);
	assert_int_equal(hdr.port, MINT_PORT_MINTD);
	assert_int_equal(ph.kind, MINT_PEER_REPLY);
	assert_int_equal(ph.id, 7);
	assert_true(json_object_object_get_ex(reply, "parameters", &v));
	assert_string_equal(json_object_get_string(json_object_object_get(v, "product")), "mintd");
	json_object_put(reply);
	/* Stopping is prompt; the channel is closed (node1's end reads EOF). */
	start = mint_now_ms();
	mintd_fini(&d2);
	took = mint_now_ms() - start;
	if (took >= 1000)
		fail_msg("mintd_fini took %lld ms: the channel threads were not woken", took);
	assert_int_equal(recv(sv[1], &byte, 1, 0), 0);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_description_lists_every_method_and_parameter),
	    cmocka_unit_test(test_description_reachable_over_varlink),
	    cmocka_unit_test(test_unknown_method_and_interface),
	    cmocka_unit_test(test_modifying_needs_permission),
	    cmocka_unit_test(test_parameter_errors),
	    cmocka_unit_test(test_status),
	    cmocka_unit_test(test_cpu_release_and_reclaim),
	    cmocka_unit_test(test_memory_release_and_reclaim),
	    cmocka_unit_test(test_device_in_use_is_refused),
	    cmocka_unit_test(test_reconcile_warns_about_stale_state),
	    cmocka_unit_test(test_forward),
	    cmocka_unit_test(test_node_life_cycle_errors),
	    cmocka_unit_test(test_move_errors),
	    cmocka_unit_test(test_audit_trail),
	    cmocka_unit_test(test_crash_recovery),
	    cmocka_unit_test(test_fini_stops_the_watcher_first),
	    cmocka_unit_test(test_fini_stops_the_channel_threads),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
