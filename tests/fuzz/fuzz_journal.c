// SPDX-License-Identifier: GPL-2.0
/*
 * mintd's journal loader (libmint/journal.c): whatever a crash or a damaged
 * disk left in <state dir>/journal. Every intent it keeps in flight must be
 * well formed (an op name that fits, an object as its intent), the counts
 * must add up, and no id may repeat among the open ones.
 */
#include "fuzz.h"

#include "journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mint_journal_load *l = calloc(1, sizeof(*l));
	char *text = malloc(size ? size : 1);

	FUZZ_CHECK(l && text, "out of memory");
	/* Exactly the input's bytes, no NUL: ASan sees any read past them. */
	memcpy(text, data, size);
	mint_journal_parse(text, size, l);
	FUZZ_CHECK(l->nopen <= MINT_JOURNAL_MAX_OPEN, "%zu open", l->nopen);
	FUZZ_CHECK(l->nopen <= l->records, "%zu open of %zu records", l->nopen, l->records);
	for (size_t i = 0; i < l->nopen; i++) {
		const struct mint_journal_entry *e = &l->open[i];

		FUZZ_CHECK(e->op[0] && strlen(e->op) < sizeof(e->op), "op");
		FUZZ_CHECK(e->intent && json_object_is_type(e->intent, json_type_object), "intent");
		FUZZ_CHECK(e->id <= l->max_id, "id %llu above %llu", (unsigned long long)e->id,
			   (unsigned long long)l->max_id);
		for (size_t k = 0; k < i; k++)
			FUZZ_CHECK(l->open[k].id != e->id, "id %llu twice", (unsigned long long)e->id);
	}
	mint_journal_load_free(l);
	free(l);
	free(text);
	return 0;
}
