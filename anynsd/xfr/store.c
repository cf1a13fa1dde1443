/* SPDX-License-Identifier: MIT */
/*
 * DOC: the LMDB store (layout in store.h)
 *
 * One environment for all zones, opened once by the main thread before the
 * workers and the transfer thread start; LMDB serialises write
 * transactions, so the main thread (reload journal) and the transfer thread
 * (received zones, timers) may both write. Reads happen at start-up only:
 * the serving path works from memory (the journal chain, journal.c).
 *
 * A journal chain is rebuilt by linking entries (serial_from -> serial_to)
 * backwards from the current serial, because keys sort by serial bytes and
 * serials wrap (RFC 1982): the order of the keys is not the chain's.
 */
#include "anynsd/xfr/store.h"

#include <errno.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/base/wire.h"
#include "lib/name/name.h"
#include "lib/wire/rdata.h"
#include "lib/zone/check.h"

#define MAP_SIZE ((size_t)1 << 32)   /* 4 GiB of address space, sparse */
#define TIMERS_VERSION 1
#define TIMERS_LEN 32

struct store {
	MDB_env *env;
	MDB_dbi journal, zone, timers;
};

static void put_u64(uint8_t *p, uint64_t v)
{
	ans_put_u32(p, (uint32_t)(v >> 32));
	ans_put_u32(p + 4, (uint32_t)v);
}

static uint64_t get_u64(const uint8_t *p)
{
	return (uint64_t)ans_get_u32(p) << 32 | ans_get_u32(p + 4);
}

static int open_dbs(struct store *s)
{
	MDB_txn *t;
	int rc = mdb_txn_begin(s->env, NULL, 0, &t);
	if (rc)
		return rc;
	rc = mdb_dbi_open(t, "journal", MDB_CREATE, &s->journal);
	if (!rc)
		rc = mdb_dbi_open(t, "zone", MDB_CREATE, &s->zone);
	if (!rc)
		rc = mdb_dbi_open(t, "timers", MDB_CREATE, &s->timers);
	if (rc) {
		mdb_txn_abort(t);
		return rc;
	}
	return mdb_txn_commit(t);
}

int store_open(struct store **out, const char *dir, char *why, size_t why_size)
{
	char path[4096];
	struct store *s = calloc(1, sizeof(*s));
	if (!s)
		return ANS_ENOMEM;
	if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
		snprintf(why, why_size, "%s: %s", dir, strerror(errno));
		free(s);
		return ANS_EIO;
	}
	snprintf(path, sizeof(path), "%s/anyns.mdb", dir);
	int rc = mdb_env_create(&s->env);
	if (!rc)
		rc = mdb_env_set_maxdbs(s->env, 4);
	if (!rc)
		rc = mdb_env_set_mapsize(s->env, MAP_SIZE);
	if (!rc)
		rc = mdb_env_open(s->env, path, MDB_NOSUBDIR | MDB_NOTLS, 0640);
	if (!rc)
		rc = open_dbs(s);
	if (rc) {
		snprintf(why, why_size, "%s: %s", path, mdb_strerror(rc));
		if (s->env)
			mdb_env_close(s->env);
		free(s);
		return ANS_EIO;
	}
	*out = s;
	return ANS_OK;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	mdb_env_close(s->env);
	free(s);
}

static size_t jkey(uint8_t *key, const uint8_t *apex, uint32_t serial)
{
	size_t n = ans_name_copy(key, apex);
	ans_put_u32(key + n, serial);
	return n + 4;
}

static int put_entry(MDB_txn *t, MDB_dbi dbi, const uint8_t *k, size_t klen,
		     const struct ans_changeset *cs)
{
	MDB_val key = { klen, (void *)k }, val = { ans_changeset_size(cs), NULL };
	int rc = mdb_put(t, dbi, &key, &val, MDB_RESERVE);
	if (rc)
		return ANS_EIO;
	size_t len;
	return ans_changeset_write(cs, val.mv_data, val.mv_size, &len);
}

static int commit(MDB_txn *t, int rc)
{
	if (rc != ANS_OK) {
		mdb_txn_abort(t);
		return rc;
	}
	return mdb_txn_commit(t) ? ANS_EIO : ANS_OK;
}

int store_journal_put(struct store *s, const uint8_t *apex, const struct ans_changeset *cs,
		      const uint32_t *drop, size_t ndrop)
{
	uint8_t k[ANS_NAME_MAX + 4];
	MDB_txn *t;
	if (mdb_txn_begin(s->env, NULL, 0, &t))
		return ANS_EIO;
	int rc = ANS_OK;
	for (size_t i = 0; i < ndrop && rc == ANS_OK; i++) {
		MDB_val key = { jkey(k, apex, drop[i]), k };
		int m = mdb_del(t, s->journal, &key, NULL);
		rc = m == 0 || m == MDB_NOTFOUND ? ANS_OK : ANS_EIO;
	}
	if (rc == ANS_OK)
		rc = put_entry(t, s->journal, k, jkey(k, apex, ans_changeset_serial_from(cs)), cs);
	return commit(t, rc);
}

/* Calls fn on every journal entry of the zone inside transaction t. */
static int each_entry(struct store *s, MDB_txn *t, const uint8_t *apex,
		      int (*fn)(void *ctx, MDB_cursor *c, MDB_val *v), void *ctx)
{
	size_t alen = ans_name_len(apex);
	MDB_cursor *c;
	if (mdb_cursor_open(t, s->journal, &c))
		return ANS_EIO;
	MDB_val key = { alen, (void *)apex }, val;
	int m = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE);
	int rc = ANS_OK;
	while (m == 0 && rc == ANS_OK && key.mv_size == alen + 4 &&
	       memcmp(key.mv_data, apex, alen) == 0) {
		rc = fn(ctx, c, &val);
		m = mdb_cursor_get(c, &key, &val, MDB_NEXT);
	}
	mdb_cursor_close(c);
	return rc;
}

static int del_cb(void *ctx, MDB_cursor *c, MDB_val *v)
{
	(void)ctx;
	(void)v;
	return mdb_cursor_del(c, 0) ? ANS_EIO : ANS_OK;
}

int store_journal_clear(struct store *s, const uint8_t *apex)
{
	MDB_txn *t;
	if (mdb_txn_begin(s->env, NULL, 0, &t))
		return ANS_EIO;
	return commit(t, each_entry(s, t, apex, del_cb, NULL));
}

struct load_ctx {
	struct ans_changeset **all;
	size_t n, cap;
};

static int load_cb(void *ctx, MDB_cursor *c, MDB_val *v)
{
	(void)c;
	struct load_ctx *l = ctx;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct ans_changeset **a = realloc(l->all, cap * sizeof(*a));
		if (!a)
			return ANS_ENOMEM;
		l->all = a;
		l->cap = cap;
	}
	int rc = ans_changeset_read(v->mv_data, v->mv_size, &l->all[l->n]);
	if (rc == ANS_OK)
		l->n++;
	return rc;
}

/* Orders l->all into the chain ending at `serial` (kept at the front,
 * oldest first); returns its length. Entries off the chain are freed. */
static size_t link_chain(struct load_ctx *l, uint32_t serial)
{
	size_t len = 0;
	uint32_t want = serial;
	for (size_t step = 0; step < l->n; step++) {
		size_t i = len;
		while (i < l->n && ans_changeset_serial_to(l->all[i]) != want)
			i++;
		if (i == l->n)
			break;
		struct ans_changeset *e = l->all[i];
		l->all[i] = l->all[len];
		l->all[len++] = e;
		want = ans_changeset_serial_from(e);
	}
	for (size_t i = len; i < l->n; i++)
		ans_changeset_free(l->all[i]);
	/* Found newest first: reverse. */
	for (size_t i = 0; i < len / 2; i++) {
		struct ans_changeset *e = l->all[i];
		l->all[i] = l->all[len - 1 - i];
		l->all[len - 1 - i] = e;
	}
	return len;
}

int store_journal_load(struct store *s, const uint8_t *apex, uint32_t serial,
		       struct ans_changeset ***out, size_t *n)
{
	struct load_ctx l = { 0 };
	MDB_txn *t;
	*out = NULL;
	*n = 0;
	if (mdb_txn_begin(s->env, NULL, MDB_RDONLY, &t))
		return ANS_EIO;
	int rc = each_entry(s, t, apex, load_cb, &l);
	mdb_txn_abort(t);
	size_t total = l.n;
	if (rc == ANS_OK) {
		*n = link_chain(&l, serial);
		*out = l.all;
	} else {
		for (size_t i = 0; i < l.n; i++)
			ans_changeset_free(l.all[i]);
		free(l.all);
	}
	if (rc == ANS_EMALF || (rc == ANS_OK && *n != total)) {
		/* Rewrite: drop the corrupt or unlinked entries. */
		if (store_journal_clear(s, apex) == ANS_OK && rc == ANS_OK)
			for (size_t i = 0; i < *n; i++)
				if (store_journal_put(s, apex, (*out)[i], NULL, 0) != ANS_OK)
					break;
	}
	return rc;
}

/* --- whole zones ------------------------------------------------------- */

int store_zone_encode(const struct ans_zone *z, uint8_t **buf, size_t *len)
{
	struct ans_changeset *cs;
	int rc = ans_changeset_new(&cs);
	if (rc != ANS_OK)
		return rc;
	struct ans_zone_cursor it;
	struct ans_xfr_rr rr;
	ans_zone_cursor_init(&it, z);
	while (rc == ANS_OK && ans_zone_cursor_next(&it, &rr)) {
		if (rr.type == ANS_TYPE_SOA && ans_name_equal(rr.owner, z->apex)) {
			rc = ans_changeset_set_soa(cs, false, &rr);
			if (rc == ANS_OK)
				rc = ans_changeset_set_soa(cs, true, &rr);
		} else {
			rc = ans_changeset_add(cs, ANS_CS_ADD, &rr);
		}
	}
	*buf = NULL;
	if (rc == ANS_OK) {
		*len = ans_changeset_size(cs);
		*buf = malloc(*len);
		rc = *buf ? ans_changeset_write(cs, *buf, *len, len) : ANS_ENOMEM;
	}
	ans_changeset_free(cs);
	if (rc != ANS_OK) {
		free(*buf);
		*buf = NULL;
	}
	return rc;
}

static int build_from(const uint8_t *apex, const struct ans_changeset *cs,
		      struct ans_diag *diag, struct ans_zone **out)
{
	if (!ans_name_equal(cs->soa_to.owner, apex) || cs->removed.count)
		return ANS_EMALF;
	struct ans_zone_builder *b;
	int rc = ans_zone_builder_new(&b, apex);
	if (rc != ANS_OK)
		return rc;
	const struct ans_xfr_rr *soa = &cs->soa_to;
	rc = ans_zone_builder_add(b, soa->owner, soa->type, soa->ttl, soa->rdata,
				  soa->rdlen, -1, 0);
	for (size_t i = 0; i < cs->added.count && rc == ANS_OK; i++) {
		const struct ans_xfr_rr *r = &cs->added.rr[i];
		if (!ans_name_is_sub(r->owner, apex))
			rc = ANS_EMALF;
		else
			rc = ans_zone_builder_add(b, r->owner, r->type, r->ttl, r->rdata,
						  r->rdlen, -1, 0);
	}
	if (rc != ANS_OK) {
		ans_zone_builder_free(b);
		return rc;
	}
	rc = ans_zone_builder_finish(b, diag, out);
	if (rc == ANS_OK && ans_zone_check(*out, diag) != ANS_OK) {
		ans_zone_free(*out);
		*out = NULL;
		rc = ANS_ESEMANTIC;
	}
	return rc;
}

int store_zone_decode(const uint8_t *apex, const uint8_t *buf, size_t len,
		      struct ans_diag *diag, struct ans_zone **out)
{
	struct ans_changeset *cs;
	*out = NULL;
	int rc = ans_changeset_read(buf, len, &cs);
	if (rc != ANS_OK)
		return rc;
	rc = build_from(apex, cs, diag, out);
	ans_changeset_free(cs);
	return rc;
}

int store_zone_put(struct store *s, const struct ans_zone *z)
{
	uint8_t *buf;
	size_t len;
	int rc = store_zone_encode(z, &buf, &len);
	if (rc != ANS_OK)
		return rc;
	MDB_txn *t;
	if (mdb_txn_begin(s->env, NULL, 0, &t)) {
		free(buf);
		return ANS_EIO;
	}
	MDB_val key = { ans_name_len(z->apex), (void *)z->apex }, val = { len, buf };
	rc = mdb_put(t, s->zone, &key, &val, 0) ? ANS_EIO : ANS_OK;
	free(buf);
	return commit(t, rc);
}

/* The note's key: the apex and one byte past its root label, which no
 * other zone's key (a whole name, ended by its root label) can equal. */
static MDB_val note_key(const uint8_t *apex, uint8_t *buf)
{
	size_t len = ans_name_len(apex);
	memcpy(buf, apex, len);
	buf[len] = 1;
	return (MDB_val){ len + 1, buf };
}

int store_zone_del(struct store *s, const uint8_t *apex)
{
	uint8_t kb[ANS_NAME_MAX + 1];
	MDB_txn *t;
	if (mdb_txn_begin(s->env, NULL, 0, &t))
		return ANS_EIO;
	MDB_val key = { ans_name_len(apex), (void *)apex }, note = note_key(apex, kb);
	int a = mdb_del(t, s->zone, &key, NULL), b = mdb_del(t, s->zone, &note, NULL);
	bool ok = (a == 0 || a == MDB_NOTFOUND) && (b == 0 || b == MDB_NOTFOUND);
	return commit(t, ok ? ANS_OK : ANS_EIO);
}

/* Reads one value by apex into a malloc'd copy. */
static int get_copy(struct store *s, MDB_dbi dbi, const uint8_t *apex,
		    uint8_t **buf, size_t *len)
{
	MDB_txn *t;
	if (mdb_txn_begin(s->env, NULL, MDB_RDONLY, &t))
		return ANS_EIO;
	MDB_val key = { ans_name_len(apex), (void *)apex }, val;
	int m = mdb_get(t, dbi, &key, &val);
	int rc = m == MDB_NOTFOUND ? ANS_ENOENT : m ? ANS_EIO : ANS_OK;
	*buf = NULL;
	if (rc == ANS_OK) {
		*buf = malloc(val.mv_size ? val.mv_size : 1);
		if (*buf) {
			memcpy(*buf, val.mv_data, val.mv_size);
			*len = val.mv_size;
		} else {
			rc = ANS_ENOMEM;
		}
	}
	mdb_txn_abort(t);
	return rc;
}

int store_zone_load(struct store *s, const uint8_t *apex, struct ans_diag *diag,
		    struct ans_zone **out)
{
	uint8_t *buf;
	size_t len;
	*out = NULL;
	int rc = get_copy(s, s->zone, apex, &buf, &len);
	if (rc != ANS_OK)
		return rc;
	rc = store_zone_decode(apex, buf, len, diag, out);
	free(buf);
	return rc;
}

/* The serial of a stored zone entry without decoding it: the entry starts
 * with a 20-byte header and soa_from (owner, type, TTL, rdlen, rdata), the
 * serial 20 bytes before the end of the SOA rdata (changeset.c layout). */
static int entry_serial(const uint8_t *apex, const MDB_val *v, uint32_t *serial)
{
	struct ans_wire w = ans_wire_init(v->mv_data, v->mv_size);
	size_t alen = ans_name_len(apex);
	ans_wire_skip(&w, 20);
	size_t owner_at = w.pos;
	ans_wire_skip(&w, alen);
	uint16_t type = ans_wire_read_u16(&w);
	ans_wire_skip(&w, 4);
	uint16_t rdlen = ans_wire_read_u16(&w);
	size_t rd_at = w.pos;
	ans_wire_skip(&w, rdlen);
	if (w.err || !ans_name_equal(w.base + owner_at, apex) || type != ANS_TYPE_SOA ||
	    rdlen < 22)
		return ANS_EMALF;
	*serial = ans_get_u32(w.base + rd_at + rdlen - 20);
	return ANS_OK;
}

int store_zone_serial(struct store *s, const uint8_t *apex, uint32_t *serial)
{
	MDB_txn *t;
	if (mdb_txn_begin(s->env, NULL, MDB_RDONLY, &t))
		return ANS_EIO;
	MDB_val key = { ans_name_len(apex), (void *)apex }, val;
	int m = mdb_get(t, s->zone, &key, &val);
	int rc = m == MDB_NOTFOUND ? ANS_ENOENT : m ? ANS_EIO : entry_serial(apex, &val, serial);
	mdb_txn_abort(t);
	return rc;
}

int store_note_put(struct store *s, const uint8_t *apex, const void *note, size_t len)
{
	uint8_t kb[ANS_NAME_MAX + 1];
	MDB_txn *t;
	if (mdb_txn_begin(s->env, NULL, 0, &t))
		return ANS_EIO;
	MDB_val key = note_key(apex, kb), val = { len, (void *)note };
	return commit(t, mdb_put(t, s->zone, &key, &val, 0) ? ANS_EIO : ANS_OK);
}

int store_note_get(struct store *s, const uint8_t *apex, void *note, size_t len)
{
	uint8_t kb[ANS_NAME_MAX + 1];
	MDB_txn *t;
	if (mdb_txn_begin(s->env, NULL, MDB_RDONLY, &t))
		return ANS_EIO;
	MDB_val key = note_key(apex, kb), val;
	int m = mdb_get(t, s->zone, &key, &val);
	int rc = m == MDB_NOTFOUND ? ANS_ENOENT : m ? ANS_EIO :
		 val.mv_size != len ? ANS_EMALF : ANS_OK;
	if (rc == ANS_OK)
		memcpy(note, val.mv_data, len);
	mdb_txn_abort(t);
	return rc;
}

int store_timers_put(struct store *s, const uint8_t *apex, const struct store_timers *tm)
{
	uint8_t v[TIMERS_LEN];
	ans_put_u32(v, TIMERS_VERSION);
	ans_put_u32(v + 4, tm->serial);
	put_u64(v + 8, (uint64_t)tm->last_refresh);
	put_u64(v + 16, (uint64_t)tm->expire_at);
	put_u64(v + 24, (uint64_t)tm->next_refresh);
	MDB_txn *t;
	if (mdb_txn_begin(s->env, NULL, 0, &t))
		return ANS_EIO;
	MDB_val key = { ans_name_len(apex), (void *)apex }, val = { sizeof(v), v };
	return commit(t, mdb_put(t, s->timers, &key, &val, 0) ? ANS_EIO : ANS_OK);
}

int store_timers_load(struct store *s, const uint8_t *apex, struct store_timers *tm)
{
	uint8_t *v;
	size_t len;
	int rc = get_copy(s, s->timers, apex, &v, &len);
	if (rc != ANS_OK)
		return rc;
	if (len != TIMERS_LEN || ans_get_u32(v) != TIMERS_VERSION) {
		free(v);
		return ANS_EMALF;
	}
	tm->serial = ans_get_u32(v + 4);
	tm->last_refresh = (int64_t)get_u64(v + 8);
	tm->expire_at = (int64_t)get_u64(v + 16);
	tm->next_refresh = (int64_t)get_u64(v + 24);
	free(v);
	return ANS_OK;
}
