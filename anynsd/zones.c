/* SPDX-License-Identifier: MIT */
/*
 * DOC: zones, RCU publishing and reload
 *
 * struct zones has one slot per configured zone: the slot holds the zone's
 * current snapshot (immutable, lib/zone/zone.h) and the stat key (device,
 * inode, size, mtime) of the file it came from. Over the loaded snapshots
 * an ans_zoneset is built and published in `published` with
 * rcu_assign_pointer(); workers read it with rcu_dereference() under
 * urcu_memb_read_lock() (once per batch of packets).
 *
 * zones_load() serves start-up and SIGHUP alike, in the main thread:
 *  1. each file is parsed into a NEW snapshot beside the old one; a file
 *     whose stat key is unchanged is skipped (as Knot skips a zone file
 *     whose mtime did not change);
 *  2. a zone that fails keeps its old snapshot (at start-up: it is not
 *     served, the others are, as Knot does); its diagnostics are logged
 *     with file:line;
 *  3. a new set over the current snapshots is built and published with
 *     one pointer swap;
 *  4. urcu_memb_synchronize_rcu() waits until no worker can still hold
 *     the old set, then the old set and the replaced snapshots are freed.
 * If the new set cannot be built (out of memory), the new snapshots are
 * dropped and everything stays as it was: nothing half-published.
 *
 * Holds: an outgoing AXFR/IXFR lasts far longer than one RCU read section
 * (which must stay short for reloads to finish), so the TCP worker takes a
 * hold on the snapshot inside the read section where it found it. A hold
 * is a counter in `holds` (a short list under a mutex: a few transfers at
 * a time). Step 4 retires a replaced snapshot only after the grace period,
 * so any hold taken in a read section is visible by then: a held snapshot
 * is marked retired and freed by the last zones_release(), others at once.
 */
#include "anynsd/zones.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <urcu/urcu-memb.h>

#include "anynsd/log.h"
#include "lib/zone/parser.h"

struct file_key {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

struct zone_slot {
	const struct conf_zone *cz;
	struct ans_zone *zone;       /* current snapshot, NULL: not loaded */
	struct ans_zone *next;       /* new snapshot being published */
	struct file_key key;         /* of the file `zone` came from */
	struct file_key next_key;
};

struct zone_hold {
	const struct ans_zone *zone;
	unsigned count;
	bool is_retired;
	struct zone_hold *next;
};

struct zones {
	pthread_mutex_t hold_lock;
	struct zone_hold *holds;
	struct zone_slot *slots;
	size_t count;
	struct ans_zoneset *published;   /* RCU-protected */
	const char *conf_path;           /* for messages */
};

int zones_new(struct zones **out, const struct conf *conf)
{
	struct zones *z = calloc(1, sizeof(*z));
	if (!z)
		return ANS_ENOMEM;
	z->count = conf->zone_count;
	z->conf_path = conf->path;
	z->slots = calloc(z->count ? z->count : 1, sizeof(*z->slots));
	if (!z->slots) {
		free(z);
		return ANS_ENOMEM;
	}
	for (size_t i = 0; i < z->count; i++)
		z->slots[i].cz = &conf->zones[i];
	pthread_mutex_init(&z->hold_lock, NULL);
	*out = z;
	return ANS_OK;
}

static bool stat_key(const char *path, struct file_key *k)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return false;
	*k = (struct file_key){ .dev = st.st_dev, .ino = st.st_ino,
				.size = st.st_size, .mtime = st.st_mtim };
	return true;
}

static bool same_key(const struct file_key *a, const struct file_key *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/* Parses one zone file; logs every diagnostic under "zone NAME". */
static int load_one(const char *conf_path, const struct conf_zone *cz,
		    struct ans_zone **out)
{
	char subject[ANS_NAME_TEXT_MAX + 8];
	snprintf(subject, sizeof(subject), "zone %s", cz->domain.text);
	struct ans_diag diag = { .fn = log_diag, .ctx = subject };
	int rc = ans_zone_load(cz->file, cz->domain.wire, &diag, out);
	if (rc != ANS_OK)
		log_error("zone %s, load failed, %s (zone entry at %s:%u), %u errors (%s)",
			  cz->domain.text, cz->file, conf_path, cz->line, diag.errors,
			  ans_strerror(rc));
	return rc;
}

static void log_loaded(const struct zone_slot *s)
{
	const struct ans_zone *n = s->next;
	if (s->zone)
		log_info("zone %s, reloaded, serial %u -> %u, %zu records",
			 s->cz->domain.text, s->zone->serial, n->serial, n->rr_count);
	else
		log_info("zone %s, loaded, serial %u, %zu records",
			 s->cz->domain.text, n->serial, n->rr_count);
}

/* Step 1 and 2: new snapshots into slot->next. Returns failures. */
static size_t load_changed(struct zones *z)
{
	size_t failed = 0;
	for (size_t i = 0; i < z->count; i++) {
		struct zone_slot *s = &z->slots[i];
		s->next = NULL;
		if (!s->cz->file)
			continue;   /* a secondary without a file: transfers fill it */
		bool have_key = stat_key(s->cz->file, &s->next_key);
		if (s->zone && have_key && same_key(&s->key, &s->next_key)) {
			log_debug("zone %s, unchanged, skipped", s->cz->domain.text);
			continue;
		}
		if (load_one(z->conf_path, s->cz, &s->next) != ANS_OK) {
			failed++;
			s->next = NULL;
			if (s->zone)
				log_warning("zone %s, keeping serial %u", s->cz->domain.text,
					    s->zone->serial);
			continue;
		}
		log_loaded(s);
	}
	return failed;
}

/* Step 3: the set over current snapshots, new ones where loaded. */
static int build_set(struct zones *z, struct ans_zoneset **out)
{
	struct ans_zone **list = calloc(z->count ? z->count : 1, sizeof(*list));
	if (!list)
		return ANS_ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < z->count; i++) {
		struct zone_slot *s = &z->slots[i];
		if (s->next || s->zone)
			list[n++] = s->next ? s->next : s->zone;
	}
	int rc = ans_zoneset_new(out, list, n);
	free(list);
	return rc;
}

static void drop_next(struct zones *z)
{
	for (size_t i = 0; i < z->count; i++) {
		ans_zone_free(z->slots[i].next);
		z->slots[i].next = NULL;
	}
}

static struct zone_hold **find_hold(struct zones *z, const struct ans_zone *zone)
{
	struct zone_hold **h = &z->holds;
	while (*h && (*h)->zone != zone)
		h = &(*h)->next;
	return h;
}

int zones_hold(struct zones *z, const struct ans_zone *zone)
{
	int rc = ANS_OK;
	pthread_mutex_lock(&z->hold_lock);
	struct zone_hold **h = find_hold(z, zone);
	if (!*h) {
		*h = calloc(1, sizeof(**h));
		if (*h)
			(*h)->zone = zone;
	}
	if (*h)
		(*h)->count++;
	else
		rc = ANS_ENOMEM;
	pthread_mutex_unlock(&z->hold_lock);
	return rc;
}

void zones_release(struct zones *z, const struct ans_zone *zone)
{
	struct ans_zone *dead = NULL;
	pthread_mutex_lock(&z->hold_lock);
	struct zone_hold **h = find_hold(z, zone);
	struct zone_hold *e = *h;
	if (e && --e->count == 0) {
		if (e->is_retired)
			dead = (struct ans_zone *)e->zone;
		*h = e->next;
		free(e);
	}
	pthread_mutex_unlock(&z->hold_lock);
	ans_zone_free(dead);
}

/* A replaced snapshot after its grace period: freed now or by the last
 * holder. */
static void retire(struct zones *z, struct ans_zone *zone)
{
	if (!zone)
		return;
	pthread_mutex_lock(&z->hold_lock);
	struct zone_hold *e = *find_hold(z, zone);
	if (e)
		e->is_retired = true;
	pthread_mutex_unlock(&z->hold_lock);
	if (!e)
		ans_zone_free(zone);
}

size_t zones_load(struct zones *z)
{
	size_t failed = load_changed(z);
	struct ans_zoneset *set = NULL;
	int rc = build_set(z, &set);
	if (rc != ANS_OK) {
		log_error("server, zone set not published (%s)", ans_strerror(rc));
		drop_next(z);
		return z->count;
	}
	struct ans_zoneset *old = z->published;
	rcu_assign_pointer(z->published, set);
	/* Step 4: after this no worker can see `old` or a replaced zone. */
	urcu_memb_synchronize_rcu();
	ans_zoneset_free(old);
	for (size_t i = 0; i < z->count; i++) {
		struct zone_slot *s = &z->slots[i];
		if (!s->next)
			continue;
		retire(z, s->zone);
		s->zone = s->next;
		s->key = s->next_key;
		s->next = NULL;
	}
	return failed;
}

const struct ans_zoneset *zones_read(struct zones *z)
{
	return rcu_dereference(z->published);
}

void zones_free(struct zones *z)
{
	if (!z)
		return;
	ans_zoneset_free(z->published);
	for (size_t i = 0; i < z->count; i++)
		ans_zone_free(z->slots[i].zone);
	/* Workers are joined: their holds were released with their
	 * connections, so no retired snapshot is left. */
	pthread_mutex_destroy(&z->hold_lock);
	free(z->slots);
	free(z);
}

size_t zones_check(const struct conf *conf)
{
	size_t failed = 0;
	for (size_t i = 0; i < conf->zone_count; i++) {
		const struct conf_zone *cz = &conf->zones[i];
		struct ans_zone *zone = NULL;
		if (!cz->file)
			continue;
		if (load_one(conf->path, cz, &zone) != ANS_OK) {
			failed++;
			continue;
		}
		log_info("zone %s, checked, serial %u, %zu records", cz->domain.text,
			 zone->serial, zone->rr_count);
		ans_zone_free(zone);
	}
	return failed;
}
