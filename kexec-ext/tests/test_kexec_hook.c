// SPDX-License-Identifier: GPL-2.0
/*
 * cmocka tests for mint_kexec_boot_hooked(), the seam through which tests
 * hand a node lies: the hook sees the built boot_params, setup_data and
 * layout before anything reaches /dev/mint, what it changes is what gets
 * loaded and started, and without a hook the loaded bytes are exactly what
 * mint_kexec_build() makes.
 *
 * /dev/mint is faked: the test links with -Wl,--wrap=ioctl, so every ioctl()
 * of kexec-ext lands in __wrap_ioctl() below, which answers INFO and NODE and
 * records SET_STATE, LOAD (with a copy of the bytes) and START in order. The
 * device opened is /dev/null.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <asm/bootparam.h>

#include "mint_kexec.h"

int __wrap_ioctl(int fd, unsigned long req, ...);

#define TABLE_PHYS 0x1fff0000ULL
#define SLOT_PHYS  0x80000ULL
#define MAX_EVENTS 16

/* ---------------------------------------------------------------- fake /dev/mint */

struct event {
	unsigned long req;
	struct mint_load load;		 /* LOAD: buf points to a copy */
	struct mint_start start;	 /* START */
	struct mint_state_change change; /* SET_STATE */
};

static struct event events[MAX_EVENTS];
static unsigned int nr_events;

static void reset_events(void)
{
	for (unsigned int i = 0; i < nr_events; i++)
		if (events[i].req == MINT_IOC_LOAD)
			free((void *)(uintptr_t)events[i].load.buf);
	memset(events, 0, sizeof(events));
	nr_events = 0;
}

static struct event *record(unsigned long req)
{
	assert_true(nr_events < MAX_EVENTS);
	events[nr_events].req = req;
	return &events[nr_events++];
}

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	(void)fd;
	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (req == MINT_IOC_INFO) {
		struct mint_info *i = arg;

		memset(i, 0, sizeof(*i));
		i->version = MINT_VERSION;
		i->table_phys = TABLE_PHYS;
		i->table_size = MINT_TABLE_SIZE;
		i->mem_block_size = 128 << 20;
		i->tsc_khz = 2000000;
		i->lapic_khz = 1000000;
		return 0;
	}
	if (req == MINT_IOC_NODE) {
		struct mint_node_query *q = arg;

		q->state = MINT_NODE_UNUSED;
		q->low_slot_phys = SLOT_PHYS;
		q->low_slot_size = MINT_LOW_SLOT_SIZE;
		return 0;
	}
	if (req == MINT_IOC_SET_STATE) {
		record(req)->change = *(struct mint_state_change *)arg;
		return 0;
	}
	if (req == MINT_IOC_LOAD) {
		struct event *e = record(req);
		void *copy = malloc(((struct mint_load *)arg)->len);

		assert_non_null(copy);
		e->load = *(struct mint_load *)arg;
		memcpy(copy, (void *)(uintptr_t)e->load.buf, e->load.len);
		e->load.buf = (uintptr_t)copy;
		return 0;
	}
	if (req == MINT_IOC_START) {
		record(req)->start = *(struct mint_start *)arg;
		return 0;
	}
	errno = ENOTTY;
	return -1;
}

/* The LOAD of the segment at @dest, or NULL. */
static const struct mint_load *load_at(uint64_t dest)
{
	for (unsigned int i = 0; i < nr_events; i++)
		if (events[i].req == MINT_IOC_LOAD && events[i].load.dest == dest)
			return &events[i].load;
	return NULL;
}

static const struct mint_start *started(void)
{
	for (unsigned int i = 0; i < nr_events; i++)
		if (events[i].req == MINT_IOC_START)
			return &events[i].start;
	return NULL;
}

/* ---------------------------------------------------------------- a bzImage in memory */

#define PAYLOAD 8192
#define IMG_LEN (2 * 512 + PAYLOAD)

static uint8_t img[IMG_LEN];
static struct mint_kexec_image im;

static void put32(size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		img[off + i] = (uint8_t)(v >> (8 * i));
}

/* A minimal valid bzImage (boot protocol 2.15), as tests/test_kexec.c builds it. */
static int setup(void **state)
{
	(void)state;
	memset(img, 0, sizeof(img));
	img[0x1f1] = 1;		    /* setup_sects */
	put32(0x1f4, PAYLOAD / 16); /* syssize */
	img[0x1fe] = 0x55;
	img[0x1ff] = 0xaa;
	img[0x200] = 0xeb; /* jmp: header ends at 0x26c */
	img[0x201] = 0x6a;
	put32(0x202, 0x53726448); /* HdrS */
	img[0x206] = 0x0f;	  /* version 2.15 */
	img[0x207] = 0x02;
	img[0x211] = 0x01;	  /* LOADED_HIGH */
	put32(0x22c, 0x7fffffff); /* initrd_addr_max */
	put32(0x230, 0x200000);	  /* kernel_alignment */
	img[0x234] = 1;		  /* relocatable */
	img[0x236] = 0x3;	  /* XLF_KERNEL_64 | CAN_BE_LOADED_ABOVE_4G */
	put32(0x238, 2047);	  /* cmdline_size */
	put32(0x260, 0x1000000);  /* init_size */
	memset(&im, 0, sizeof(im));
	im.kernel = img;
	im.kernel_len = IMG_LEN;
	assert_int_equal(mint_bzimage_parse(img, IMG_LEN, "test.img", &im.bz, NULL), 0);
	reset_events();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	reset_events();
	return 0;
}

static struct mint_kexec_spec spec_node1(void)
{
	struct mint_kexec_spec s;

	memset(&s, 0, sizeof(s));
	s.node_id = 1;
	s.name = "node1";
	s.kernel_path = "test.img";
	s.cmdline = "console=ttyS1";
	s.apic_ids[0] = 2;
	s.apic_ids[1] = 3;
	s.nr_cpus = 2;
	s.mem_base = 0x60000000;
	s.mem_size = 512ULL << 20;
	s.uart_port = 0x2f8;
	s.dev_path = "/dev/null";
	return s;
}

/* What mint_kexec_build() makes for @s with the fake /dev/mint's answers. */
static void expected(const struct mint_kexec_spec *s, uint8_t *bp, uint8_t *sd,
		     struct mint_layout *lay)
{
	const struct mint_node_env env = {
	    .table_phys = TABLE_PHYS,
	    .table_size = MINT_TABLE_SIZE,
	    .slot_phys = SLOT_PHYS,
	    .slot_size = MINT_LOW_SLOT_SIZE,
	    .mem_block_size = 128 << 20,
	    .tsc_khz = 2000000,
	    .lapic_khz = 1000000,
	};

	assert_int_equal(mint_kexec_layout(s, &im.bz, 0, lay, NULL), 0);
	assert_int_equal(mint_kexec_build(s, &im.bz, lay, &env, bp, sd, NULL), 0);
}

/* ---------------------------------------------------------------- hooks */

struct hook_seen {
	unsigned int calls;
	unsigned int events_before; /* /dev/mint calls recorded when the hook ran */
	uint16_t e820_entries;	    /* as built */
	uint32_t node_id;	    /* as built */
	uint64_t setup_data;	    /* layout as built */
	uint64_t move_boot_params;  /* != 0: move boot_params there */
	int fail;		    /* return -1 */
};

/* Add a RAM entry, change the record's node id: what mint-liar does. */
static int lying_hook(uint8_t *boot_params, uint8_t *setup_data, struct mint_layout *lay,
		      void *user, struct mint_error *err)
{
	struct boot_params *bp = (struct boot_params *)boot_params;
	struct mint_boot_info *info =
	    (struct mint_boot_info *)((struct setup_data *)setup_data)->data;
	struct hook_seen *seen = user;

	seen->calls++;
	seen->events_before = nr_events;
	seen->e820_entries = bp->e820_entries;
	seen->node_id = info->node_id;
	seen->setup_data = lay->setup_data;
	if (seen->fail)
		return mint_fail(err, MINT_E_INVALID, "hook says no");
	bp->e820_table[bp->e820_entries].addr = 0x40000000;
	bp->e820_table[bp->e820_entries].size = 128 << 20;
	bp->e820_table[bp->e820_entries].type = 1;
	bp->e820_entries++;
	info->node_id = 7;
	if (seen->move_boot_params)
		lay->boot_params = seen->move_boot_params;
	return 0;
}

/* ---------------------------------------------------------------- tests */

/* Without a hook, the loaded boot_params and setup_data are mint_kexec_build()'s, byte for byte. */
static void test_no_hook_loads_the_built_bytes(void **state)
{
	static uint8_t bp[MINT_BOOT_PARAMS_SIZE], sd[MINT_SETUP_DATA_SIZE];
	struct mint_kexec_spec s = spec_node1();
	const struct mint_load *l;
	struct mint_layout lay;
	struct mint_error err = {0};

	(void)state;
	expected(&s, bp, sd, &lay);
	assert_int_equal(mint_kexec_boot(&s, &im, &err), 0);

	l = load_at(lay.boot_params);
	assert_non_null(l);
	assert_int_equal(l->len, MINT_BOOT_PARAMS_SIZE);
	assert_memory_equal((void *)(uintptr_t)l->buf, bp, MINT_BOOT_PARAMS_SIZE);
	l = load_at(lay.setup_data);
	assert_non_null(l);
	assert_int_equal(l->len, MINT_SETUP_DATA_SIZE);
	assert_memory_equal((void *)(uintptr_t)l->buf, sd, MINT_SETUP_DATA_SIZE);
	assert_non_null(started());
	assert_int_equal(started()->boot_params, lay.boot_params);
	assert_int_equal(started()->entry, lay.kernel + 0x200);
	assert_int_equal(started()->apic_id, 2);
}

/* A NULL hook is mint_kexec_boot(): the same calls with the same bytes. */
static void test_null_hook_is_plain_boot(void **state)
{
	struct mint_kexec_spec s = spec_node1();
	struct event plain[MAX_EVENTS];
	unsigned int n;
	struct mint_error err = {0};

	(void)state;
	assert_int_equal(mint_kexec_boot(&s, &im, &err), 0);
	n = nr_events;
	memcpy(plain, events, sizeof(plain));
	nr_events = 0; /* keep the copies of the first run alive for the comparison */
	assert_int_equal(mint_kexec_boot_hooked(&s, &im, NULL, NULL, &err), 0);
	assert_int_equal(nr_events, n);
	for (unsigned int i = 0; i < n; i++) {
		assert_int_equal(events[i].req, plain[i].req);
		if (plain[i].req != MINT_IOC_LOAD)
			continue;
		assert_int_equal(events[i].load.dest, plain[i].load.dest);
		assert_int_equal(events[i].load.len, plain[i].load.len);
		assert_memory_equal((void *)(uintptr_t)events[i].load.buf,
				    (void *)(uintptr_t)plain[i].load.buf, plain[i].load.len);
		free((void *)(uintptr_t)plain[i].load.buf);
	}
}

/* The hook runs on the built bytes before any /dev/mint change, and its changes are loaded. */
static void test_hook_changes_are_loaded(void **state)
{
	static uint8_t bp[MINT_BOOT_PARAMS_SIZE], sd[MINT_SETUP_DATA_SIZE];
	struct mint_kexec_spec s = spec_node1();
	struct hook_seen seen = {0};
	const struct boot_params *got;
	const struct mint_boot_info *info;
	const struct mint_load *l;
	struct mint_layout lay;
	struct mint_error err = {0};

	(void)state;
	expected(&s, bp, sd, &lay);
	assert_int_equal(mint_kexec_boot_hooked(&s, &im, lying_hook, &seen, &err), 0);

	/* It saw what mint_kexec_build() made, before the state change and the first load. */
	assert_int_equal(seen.calls, 1);
	assert_int_equal(seen.events_before, 0);
	assert_int_equal(seen.e820_entries, ((struct boot_params *)bp)->e820_entries);
	assert_int_equal(seen.node_id, 1);
	assert_int_equal(seen.setup_data, lay.setup_data);
	assert_int_equal(events[0].req, MINT_IOC_SET_STATE);

	/* What the node got is the lie. */
	l = load_at(lay.boot_params);
	assert_non_null(l);
	got = (const struct boot_params *)(uintptr_t)l->buf;
	assert_int_equal(got->e820_entries, seen.e820_entries + 1);
	assert_int_equal(got->e820_table[seen.e820_entries].addr, 0x40000000);
	assert_int_equal(got->e820_table[seen.e820_entries].type, 1);
	/* ... and nothing else changed in boot_params. */
	((struct boot_params *)bp)->e820_table[seen.e820_entries] =
	    got->e820_table[seen.e820_entries];
	((struct boot_params *)bp)->e820_entries++;
	assert_memory_equal(got, bp, MINT_BOOT_PARAMS_SIZE);
	l = load_at(lay.setup_data);
	assert_non_null(l);
	info = (const struct mint_boot_info *)((const struct setup_data *)(uintptr_t)l->buf)->data;
	assert_int_equal(info->node_id, 7);
	assert_int_equal(info->apic_ids[0], 2);
}

/* A changed layout moves the segment and what MINT_IOC_START is told. */
static void test_hook_changes_the_layout(void **state)
{
	static uint8_t bp[MINT_BOOT_PARAMS_SIZE], sd[MINT_SETUP_DATA_SIZE];
	struct mint_kexec_spec s = spec_node1();
	struct hook_seen seen = {.move_boot_params = 0x7fff0000};
	struct mint_layout lay;
	struct mint_error err = {0};

	(void)state;
	expected(&s, bp, sd, &lay);
	assert_int_equal(mint_kexec_boot_hooked(&s, &im, lying_hook, &seen, &err), 0);
	assert_null(load_at(lay.boot_params));
	assert_non_null(load_at(0x7fff0000));
	assert_non_null(started());
	assert_int_equal(started()->boot_params, 0x7fff0000);
}

/* A hook that fails stops the boot before /dev/mint changed anything, with its message. */
static void test_failing_hook_touches_nothing(void **state)
{
	struct mint_kexec_spec s = spec_node1();
	struct hook_seen seen = {.fail = 1};
	struct mint_error err = {0};

	(void)state;
	assert_int_equal(mint_kexec_boot_hooked(&s, &im, lying_hook, &seen, &err), -1);
	assert_int_equal(seen.calls, 1);
	assert_string_equal(err.msg, "hook says no");
	assert_int_equal(nr_events, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_no_hook_loads_the_built_bytes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_null_hook_is_plain_boot, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hook_changes_are_loaded, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hook_changes_the_layout, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failing_hook_touches_nothing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
