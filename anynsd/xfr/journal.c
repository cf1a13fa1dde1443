/* SPDX-License-Identifier: MIT */
/*
 * In-memory journal chains (journal.h). Counts are atomics because a
 * worker drops the last reference of a chain it used for an IXFR while
 * the main or transfer thread may be dropping another one.
 */
#include "anynsd/xfr/journal.h"

#include <stdlib.h>

static struct jchain *chain_alloc(size_t n)
{
	struct jchain *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->e = calloc(n ? n : 1, sizeof(*c->e));
	c->cs = calloc(n ? n : 1, sizeof(*c->cs));
	if (!c->e || !c->cs) {
		free(c->e);
		free(c->cs);
		free(c);
		return NULL;
	}
	atomic_init(&c->ref, 1);
	return c;
}

static void entry_unref(struct jentry *e)
{
	if (e && atomic_fetch_sub(&e->ref, 1) == 1) {
		ans_changeset_free(e->cs);
		free(e);
	}
}

static struct jentry *entry_new(struct ans_changeset *cs)
{
	struct jentry *e = calloc(1, sizeof(*e));
	if (!e) {
		ans_changeset_free(cs);
		return NULL;
	}
	atomic_init(&e->ref, 1);
	e->cs = cs;
	e->size = ans_changeset_size(cs);
	return e;
}

static void chain_push(struct jchain *c, struct jentry *e)
{
	c->e[c->n] = e;
	c->cs[c->n] = e->cs;
	c->bytes += e->size;
	c->n++;
}

int jchain_new(struct ans_changeset **cs, size_t n, struct jchain **out)
{
	struct jchain *c = chain_alloc(n);
	for (size_t i = 0; i < n; i++) {
		struct jentry *e = c ? entry_new(cs[i]) : NULL;
		if (!e) {
			if (!c)
				ans_changeset_free(cs[i]);
			for (size_t j = i + 1; j < n; j++)
				ans_changeset_free(cs[j]);
			jchain_unref(c);
			return ANS_ENOMEM;
		}
		chain_push(c, e);
	}
	if (!c)
		return ANS_ENOMEM;
	*out = c;
	return ANS_OK;
}

int jchain_append(const struct jchain *old, struct ans_changeset *cs,
		  size_t max_entries, size_t max_bytes, struct jchain **out,
		  uint32_t *drop, size_t *ndrop)
{
	size_t on = old ? old->n : 0;
	struct jchain *c = chain_alloc(on + 1);
	struct jentry *ne = c ? entry_new(cs) : NULL;
	if (!ne) {
		if (!c)
			ans_changeset_free(cs);
		jchain_unref(c);
		return ANS_ENOMEM;
	}
	size_t first = 0;
	if (on && jchain_serial(old) != ans_changeset_serial_from(cs))
		first = on;     /* does not link: start over */
	size_t bytes = ne->size, count = 1;
	for (size_t i = on; i > first; i--) {
		size_t sz = old->e[i - 1]->size;
		if ((max_entries && count + 1 > max_entries) ||
		    (max_bytes && bytes + sz > max_bytes)) {
			first = i;
			break;
		}
		bytes += sz;
		count++;
	}
	*ndrop = 0;
	for (size_t i = 0; i < first; i++)
		drop[(*ndrop)++] = ans_changeset_serial_from(old->e[i]->cs);
	for (size_t i = first; i < on; i++) {
		atomic_fetch_add(&old->e[i]->ref, 1);
		chain_push(c, old->e[i]);
	}
	chain_push(c, ne);
	*out = c;
	return ANS_OK;
}

uint32_t jchain_serial(const struct jchain *c)
{
	return c && c->n ? ans_changeset_serial_to(c->cs[c->n - 1]) : 0;
}

void jchain_ref(struct jchain *c)
{
	atomic_fetch_add(&c->ref, 1);
}

void jchain_unref(struct jchain *c)
{
	if (!c || atomic_fetch_sub(&c->ref, 1) != 1)
		return;
	for (size_t i = 0; i < c->n; i++)
		entry_unref(c->e[i]);
	free(c->e);
	free(c->cs);
	free(c);
}
