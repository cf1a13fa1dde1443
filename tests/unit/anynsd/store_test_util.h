/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the anynsd journal and store tests: zones of a chain of
 * serials (each a small, distinct change) and their changesets, a
 * temporary storage directory, and raw writes into the LMDB file to plant
 * corrupt values.
 */
#ifndef ANYNSD_TEST_STORE_UTIL_H
#define ANYNSD_TEST_STORE_UTIL_H

#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/xfr/diff.h"
#include "tests/unit/xfr/xfr_test_util.h"

/* The zone at `serial`: a fixed part and one host per serial step, so
 * every step adds one A and changes one TXT. */
static inline struct ans_zone *chain_zone(uint32_t serial)
{
	char text[4096];
	int n = snprintf(text, sizeof(text),
			 "$TTL 300\n@ SOA ns hm %u 3600 600 86400 60\n@ NS ns\nns A 192.0.2.1\n"
			 "v TXT \"v%u\"\n", serial, serial);
	for (uint32_t i = 10; i < serial && n < 3900; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "h%u A 10.0.0.%u\n", i, i % 250);
	return zone_from_text(text);
}

/* The changeset from the zone at `from` to the zone at `to`. */
static inline struct ans_changeset *chain_cs(uint32_t from, uint32_t to)
{
	struct ans_zone *a = chain_zone(from), *b = chain_zone(to);
	struct ans_changeset *cs = NULL;
	if (!a || !b || ans_zone_diff(a, b, &cs) != ANS_OK)
		abort();
	ans_zone_free(a);
	ans_zone_free(b);
	return cs;
}

/* A fresh directory under /tmp (removed by tmp_dir_remove). */
static inline void tmp_dir_make(char *dir, size_t size)
{
	snprintf(dir, size, "/tmp/anyns-store-XXXXXX");
	if (!mkdtemp(dir))
		abort();
}

static inline void tmp_dir_remove(const char *dir)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/anyns.mdb", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/anyns.mdb-lock", dir);
	unlink(path);
	rmdir(dir);
}

/* Writes key -> value into the named DB of dir/anyns.mdb, bypassing the
 * store (which must be closed: one environment per process). */
static inline void raw_put(const char *dir, const char *db, const void *key, size_t klen,
			   const void *val, size_t vlen)
{
	char path[512];
	MDB_env *env;
	MDB_txn *t;
	MDB_dbi dbi;
	snprintf(path, sizeof(path), "%s/anyns.mdb", dir);
	if (mdb_env_create(&env) || mdb_env_set_maxdbs(env, 4) ||
	    mdb_env_set_mapsize(env, (size_t)1 << 32) ||
	    mdb_env_open(env, path, MDB_NOSUBDIR, 0600) || mdb_txn_begin(env, NULL, 0, &t) ||
	    mdb_dbi_open(t, db, MDB_CREATE, &dbi))
		abort();
	MDB_val k = { klen, (void *)key }, v = { vlen, (void *)val };
	if (mdb_put(t, dbi, &k, &v, 0) || mdb_txn_commit(t))
		abort();
	mdb_env_close(env);
}

#endif
