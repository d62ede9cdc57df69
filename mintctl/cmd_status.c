// SPDX-License-Identifier: GPL-2.0
/* mintctl status: this node, its CPUs, memory ranges and PCI devices. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cpuset.h"
#include "mintctl.h"
#include "parse.h"
#include "table.h"

#define str  ctl_str
#define num  ctl_int
#define flag ctl_bool
#define member ctl_member

static const struct column node_cols[] = {
    {"NODE", COL_STR},	 {"ID", COL_INT},      {"STATE", COL_STR},     {"APIC IDS", COL_STR},
    {"MEMORY", COL_STR}, {"DEVICES", COL_STR}, {"PARENT", COL_STR},   {"HEALTH", COL_STR},
};

static void node_table(json_object *nodes, struct table *t)
{
	char id[16], apics[256], mem[32], devs[256], state[96], health[48];

	table_init(t, node_cols, 8);
	for (size_t i = 0; nodes && i < json_object_array_length(nodes); i++) {
		json_object *n = json_object_array_get_idx(nodes, i), *a = member(n, "apic_ids");
		json_object *d = member(n, "devices");
		struct mint_cpuset set;
		size_t len = 0;

		mint_cpuset_clear(&set);
		for (size_t k = 0; a && k < json_object_array_length(a); k++)
			mint_cpuset_add(
			    &set, (unsigned)json_object_get_int(json_object_array_get_idx(a, k)));
		mint_cpuset_format(&set, apics, sizeof(apics));
		devs[0] = '\0';
		for (size_t k = 0; d && k < json_object_array_length(d) && len < sizeof(devs); k++)
			len += (size_t)snprintf(
			    devs + len, sizeof(devs) - len, "%s%s", k ? "," : "",
			    json_object_get_string(json_object_array_get_idx(d, k)));
		snprintf(id, sizeof(id), "%" PRId64, num(n, "id"));
		mint_format_size((uint64_t)num(n, "memory_bytes"), mem, sizeof(mem));
		snprintf(state, sizeof(state), "%s%s%s%s", str(n, "state"),
			 member(n, "reason") ? " (" : "", str(n, "reason"),
			 member(n, "reason") ? ")" : "");
		if (member(n, "heartbeat_age_ms"))
			snprintf(health, sizeof(health), "beat %.1fs ago",
				 (double)num(n, "heartbeat_age_ms") / 1000);
		else
			snprintf(health, sizeof(health), "-");
		table_add(t, str(n, "name"), id, state, apics[0] ? apics : "-", mem,
			  devs[0] ? devs : "-", member(n, "parent") ? str(n, "parent") : "-", health);
	}
}

static const struct column cpu_cols[] = {
    {"CPU", COL_INT},
    {"APIC ID", COL_INT},
    {"STATE", COL_STR},
    {"OWNER", COL_STR},
};

static void cpu_table(json_object *cpus, struct table *t)
{
	char id[16], apic[16];

	table_init(t, cpu_cols, 4);
	for (size_t i = 0; cpus && i < json_object_array_length(cpus); i++) {
		json_object *c = json_object_array_get_idx(cpus, i);

		snprintf(id, sizeof(id), "%" PRId64, num(c, "id"));
		if (member(c, "apic_id"))
			snprintf(apic, sizeof(apic), "%" PRId64, num(c, "apic_id"));
		else
			snprintf(apic, sizeof(apic), "-");
		table_add(t, id, apic, flag(c, "online") ? "online" : "offline", str(c, "owner"));
	}
}

static const struct column mem_cols[] = {
    {"START", COL_STR}, {"END", COL_STR},  {"SIZE", COL_STR},  {"BLOCKS", COL_STR},
    {"STATE", COL_STR}, {"ZONE", COL_STR}, {"OWNER", COL_STR},
};

static bool same_kind(json_object *a, json_object *b)
{
	return flag(a, "online") == flag(b, "online") && flag(a, "movable") == flag(b, "movable") &&
	       !strcmp(str(a, "owner"), str(b, "owner")) && num(b, "index") == num(a, "index") + 1;
}

/* Consecutive blocks in the same state are shown as one range. */
static void mem_table(json_object *mem, struct table *t)
{
	json_object *blocks = member(mem, "blocks");
	uint64_t bs = (uint64_t)num(mem, "block_size");
	size_t n = blocks ? json_object_array_length(blocks) : 0;
	char start[24], end[24], size[24], range[32];

	table_init(t, mem_cols, 7);
	for (size_t i = 0; i < n;) {
		json_object *first = json_object_array_get_idx(blocks, i);
		size_t j = i + 1;

		while (j < n && same_kind(json_object_array_get_idx(blocks, j - 1),
					  json_object_array_get_idx(blocks, j)))
			j++;
		snprintf(start, sizeof(start), "0x%" PRIx64, (uint64_t)num(first, "base"));
		snprintf(end, sizeof(end), "0x%" PRIx64,
			 (uint64_t)num(first, "base") + (j - i) * bs - 1);
		mint_format_size((j - i) * bs, size, sizeof(size));
		snprintf(range, sizeof(range), "%" PRId64 "-%" PRId64, num(first, "index"),
			 num(first, "index") + (int64_t)(j - i) - 1);
		table_add(t, start, end, size, range, flag(first, "online") ? "online" : "offline",
			  flag(first, "online") ? (flag(first, "movable") ? "movable" : "normal")
						: "-",
			  str(first, "owner"));
		i = j;
	}
}

static const struct column dev_cols[] = {
    {"DEVICE", COL_STR}, {"DRIVER", COL_STR}, {"MODULE", COL_STR}, {"MSI", COL_BOOL},
    {"OWNER", COL_STR},	 {"IN USE", COL_STR}, {"NAME", COL_STR},
};

static void dev_table(json_object *devs, struct table *t)
{
	table_init(t, dev_cols, 7);
	for (size_t i = 0; devs && i < json_object_array_length(devs); i++) {
		json_object *d = json_object_array_get_idx(devs, i);
		const char *drv = str(d, "driver"), *mod = str(d, "module"),
			   *use = str(d, "in_use");

		table_add(t, str(d, "address"), drv[0] ? drv : "-", mod[0] ? mod : "-",
			  flag(d, "msi") ? "yes" : "no", str(d, "owner"), use[0] ? use : "-",
			  str(d, "name"));
	}
}

static void print_human(json_object *reply, struct table *nodes, struct table *cpus,
			struct table *mem, struct table *devs)
{
	json_object *node = member(reply, "node"), *memory = member(reply, "memory");
	json_object *warnings = member(reply, "warnings");
	char online[24], released[24], bs[24];

	mint_format_size((uint64_t)num(memory, "online_bytes"), online, sizeof(online));
	mint_format_size((uint64_t)num(memory, "released_bytes"), released, sizeof(released));
	mint_format_size((uint64_t)num(memory, "block_size"), bs, sizeof(bs));
	printf("%s: %s%s\n\n", str(node, "name"), str(node, "state"),
	       flag(node, "mint_kernel") ? "" : " (kernel without Mint support)");
	if (nodes->nrows) {
		json_object *list = member(reply, "nodes");

		table_print(nodes, stdout);
		putchar('\n');
		for (size_t i = 0; list && i < json_object_array_length(list); i++) {
			json_object *n = json_object_array_get_idx(list, i);

			if (member(n, "console"))
				printf("%s's console ended with:\n%s\n\n", str(n, "name"),
				       str(n, "console"));
		}
	}
	table_print(cpus, stdout);
	printf("\nMemory: %s online, %s released, block size %s\n", online, released, bs);
	table_print(mem, stdout);
	putchar('\n');
	table_print(devs, stdout);
	if (member(reply, "guests")) {
		printf("\nGuests:\n");
		ctl_print_guests(member(reply, "guests"));
	}
	for (size_t i = 0; warnings && i < json_object_array_length(warnings); i++)
		printf("%swarning: %s\n", i ? "" : "\n",
		       json_object_get_string(json_object_array_get_idx(warnings, i)));
}

static int run_status(struct ctl *ctl, char **operands, int n, void *data)
{
	struct table nodes, cpus, mem, devs;
	json_object *reply;
	int ret = ctl_call(ctl, MINT_INTERFACE ".Status", NULL, NULL, &reply);

	if (ret)
		return ret;
	if (ctl->json) {
		ctl_print_json(reply);
		json_object_put(reply);
		return EXIT_OK;
	}
	node_table(member(reply, "nodes"), &nodes);
	cpu_table(member(reply, "cpus"), &cpus);
	mem_table(member(reply, "memory"), &mem);
	dev_table(member(reply, "devices"), &devs);
	print_human(reply, &nodes, &cpus, &mem, &devs);
	table_free(&nodes);
	table_free(&cpus);
	table_free(&mem);
	table_free(&devs);
	json_object_put(reply);
	return EXIT_OK;
}

const struct verb verb_status = {
    .name = "status",
    .operands = "",
    .summary = "show the nodes, this node's CPUs, memory and devices, and who holds them",
    .help = "Shows every node of the resource table (with a Mint kernel), this node's CPUs,\n"
	    "memory ranges and PCI devices, and which node owns each of them. With --json,\n"
	    "the Status reply of io.mint.Node as mintd sent it.",
    .run = run_status,
};
