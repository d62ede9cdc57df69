// SPDX-License-Identifier: GPL-2.0
/*
 * KVM guests of this node: VmStart, VmStop, VmList, VmConsole (vm.c does the
 * work). Like every method they also run on another node through Forward
 * (`mintctl -n node1 vm start ...`); paths are then that node's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "methods.h"
#include "util.h"
#include "vm.h"

static const struct vtype *const vm_types[] = {&vm_guest_type, NULL};

static int param_vm_name(const struct param_spec *p, json_object *v, void *target,
			 struct mint_error *err)
{
	const char *name = json_object_get_string(v);

	if (vm_check_name(name, err))
		return -1;
	*(const char **)target = name;
	return 0;
}

static int param_vcpus(const struct param_spec *p, json_object *v, void *target,
		       struct mint_error *err)
{
	int64_t n = json_object_get_int64(v);

	if (n < 1 || n > VM_MAX_VCPUS)
		return mint_fail(err, MINT_E_INVALID, "parameter %s must be 1 to %d", p->name,
				 VM_MAX_VCPUS);
	*(unsigned *)target = (unsigned)n;
	return 0;
}

/* ---- VmStart ---- */

struct start_args {
	const char *name;
	unsigned vcpus;
	uint64_t memory_bytes;
	const char *kernel, *initrd, *disk, *append;
};

static const struct param_spec start_params[] = {
    PARAM("name", PARAM_STRING, false, struct start_args, name, param_vm_name),
    PARAM("vcpus", PARAM_INT, false, struct start_args, vcpus, param_vcpus),
    PARAM("memory_bytes", PARAM_INT, false, struct start_args, memory_bytes, param_bytes),
    PARAM("kernel", PARAM_STRING, false, struct start_args, kernel, param_path),
    PARAM("initrd", PARAM_STRING, true, struct start_args, initrd, param_path),
    PARAM("disk", PARAM_STRING, true, struct start_args, disk, param_path),
    PARAM("append", PARAM_STRING, true, struct start_args, append, param_text),
};

static void vm_start_method(struct call *c, void *args)
{
	const struct start_args *a = args;
	const struct vm_start_request req = {
	    .name = a->name,
	    .vcpus = a->vcpus,
	    .memory_bytes = a->memory_bytes,
	    .kernel = a->kernel,
	    .initrd = a->initrd,
	    .disk = a->disk,
	    .append = a->append,
	};
	struct vm_guest *g = calloc(1, sizeof(*g));
	struct mint_error err = {0};
	char console[PATH_MAX];

	if (!g)
		call_failf(c, MINT_E_SYSTEM, "out of memory");
	else if (vm_start(c->d, &req, g, console, sizeof(console), &err))
		call_fail(c, &err);
	else
		call_reply(c, vm_guest_json(g, console));
	free(g);
}

const struct method method_vm_start = {
    .interface = MINT_INTERFACE,
    .name = "VmStart",
    .doc = "Start a KVM guest on this node (libvirt, qemu:///system) that boots kernel\n"
	   "(and initrd) with append added to its command line and disk as its virtio\n"
	   "disk. Each vCPU is pinned to its own CPU of this node, QEMU's other threads\n"
	   "to all of them; a guest gets at most one vCPU per CPU, and its memory with\n"
	   "that of the other guests must leave 256M of MemTotal to the node. The guest's\n"
	   "serial console is written to console.",
    .params = start_params,
    .nparams = ARRAY_SIZE(start_params),
    .returns = "(name: string, id: int, vcpus: int, memory_bytes: int, vcpu_pins: []string, "
	       "emulator_pin: string, console: ?string)",
    .types = vm_types,
    .args_size = sizeof(struct start_args),
    .modifies = true,
    .run = vm_start_method,
};

/* ---- VmStop ---- */

struct stop_args {
	const char *name;
	bool force;
	unsigned timeout;
};

static const struct param_spec stop_params[] = {
    PARAM("name", PARAM_STRING, false, struct stop_args, name, param_vm_name),
    PARAM("force", PARAM_BOOL, true, struct stop_args, force, param_flag),
    PARAM("timeout", PARAM_INT, true, struct stop_args, timeout, param_seconds),
};

static void vm_stop_method(struct call *c, void *args)
{
	const struct stop_args *a = args;
	struct mint_error err = {0};
	char how[128];
	json_object *reply;

	if (vm_stop(c->d, a->name, a->force, a->timeout ? a->timeout : VM_STOP_TIMEOUT, how,
		    sizeof(how), &err)) {
		call_fail(c, &err);
		return;
	}
	reply = json_object_new_object();
	json_object_object_add(reply, "name", json_object_new_string(a->name));
	json_object_object_add(reply, "how", json_object_new_string(how));
	call_reply(c, reply);
}

const struct method method_vm_stop = {
    .interface = MINT_INTERFACE,
    .name = "VmStop",
    .doc = "Stop a guest of this node: ask it to shut down (ACPI power button), stop it\n"
	   "by force after timeout seconds (default 10), or at once with force.",
    .params = stop_params,
    .nparams = ARRAY_SIZE(stop_params),
    .returns = "(name: string, how: string)",
    .args_size = sizeof(struct stop_args),
    .modifies = true,
    .run = vm_stop_method,
};

/* ---- VmList ---- */

static void vm_list_method(struct call *c, void *args)
{
	struct mint_error err = {0};
	json_object *guests;

	guests = vm_status_guests(c->d);
	if (!guests) {
		struct vm_guests *g;

		/* Say why there is no list. */
		if (vm_list(c->d, &g, &err)) {
			call_fail(c, &err);
			return;
		}
		free(g);
		guests = json_object_new_array();
	}
	{
		json_object *reply = json_object_new_object();

		json_object_object_add(reply, "guests", guests);
		call_reply(c, reply);
	}
}

const struct method method_vm_list = {
    .interface = MINT_INTERFACE,
    .name = "VmList",
    .doc = "The KVM guests running on this node.",
    .returns = "(guests: []Guest)",
    .types = vm_types,
    .run = vm_list_method,
};

/* ---- VmConsole ---- */

struct console_args {
	const char *name;
};

static const struct param_spec console_params[] = {
    PARAM("name", PARAM_STRING, false, struct console_args, name, param_vm_name),
};

/* The last VM_CONSOLE_TAIL bytes of @path. */
static int read_tail(const char *path, char *buf, size_t len, struct mint_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return mint_fail_errno(err, errno == ENOENT ? MINT_E_NOTFOUND : MINT_E_SYSTEM,
				       errno, "no console log %s: %s", path, strerror(errno));
	if (fstat(fd, &st) == 0 && st.st_size > (off_t)(len - 1))
		lseek(fd, st.st_size - (off_t)(len - 1), SEEK_SET);
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return mint_fail_errno(err, MINT_E_SYSTEM, errno, "cannot read %s", path);
	buf[n] = '\0';
	/* Guests print anything; varlink carries text. */
	for (ssize_t i = 0; i < n; i++)
		if ((unsigned char)buf[i] >= 0x80 || (buf[i] < 0x20 && buf[i] != '\n'))
			buf[i] = buf[i] == '\r' ? ' ' : '?';
	return 0;
}

static void vm_console_method(struct call *c, void *args)
{
	const struct console_args *a = args;
	struct mint_error err = {0};
	char path[PATH_MAX], text[VM_CONSOLE_TAIL + 1];
	json_object *reply;

	/* A guest's console may show anything it prints: as privileged as starting it. */
	if (!c->may_modify) {
		call_failf(c, MINT_E_PERM,
			   "a guest's console is for root and members of the mint group");
		return;
	}
	if (vm_console_path(c->d, a->name, path, sizeof(path), &err) ||
	    read_tail(path, text, sizeof(text), &err)) {
		call_fail(c, &err);
		return;
	}
	reply = json_object_new_object();
	json_object_object_add(reply, "name", json_object_new_string(a->name));
	json_object_object_add(reply, "path", json_object_new_string(path));
	json_object_object_add(reply, "text", json_object_new_string(text));
	call_reply(c, reply);
}

const struct method method_vm_console = {
    .interface = MINT_INTERFACE,
    .name = "VmConsole",
    .doc = "The end (up to 4096 bytes) of a guest's console log and its path on this\n"
	   "node; for root and the mint group. The log stays after the guest stopped.",
    .params = console_params,
    .nparams = ARRAY_SIZE(console_params),
    .returns = "(name: string, path: string, text: string)",
    .args_size = sizeof(struct console_args),
    .run = vm_console_method,
};
