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

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <urcu/urcu-memb.h>

#include "anynsd/log.h"
#include "anynsd/xfr/journal.h"
#include "anynsd/xfr/store.h"
#include "anynsd/xfr/zonefile.h"
#include "lib/xfr/diff.h"
#include "lib/xfr/serial.h"
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
	struct jchain *chain;        /* RCU: journal ending at zone's serial */
	struct jchain *next_chain;   /* replaces `chain` with `next` */
	bool has_next_chain;
	bool is_secondary;           /* filled by transfers, not by its file */
	struct ans_zone *placeholder;  /* empty, published expired while a
					* secondary has no copy: SERVFAIL */
	bool expired;                /* answer SERVFAIL */
	bool changed;                /* serial changed in this publication */
	bool needs_settle;           /* stored-copy work left (zonefile_settle) */
	bool defer_report;           /* report `changed` once settled */
};

struct zone_hold {
	const struct ans_zone *zone;
	unsigned count;
	bool is_retired;
	struct zone_hold *next;
};

struct zones {
	pthread_mutex_t hold_lock;
	pthread_mutex_t pub_lock;        /* one publication at a time */
	struct store *store;             /* NULL: no journal, no copies */
	zones_change_fn on_change;
	void *on_change_ctx;
	struct zone_hold *holds;
	struct zone_slot *slots;
	size_t count;
	struct ans_zoneset *published;   /* RCU-protected */
	const char *conf_path;           /* for messages */
	pthread_t settler;               /* settles the start-up zones */
	bool has_settler;
	bool is_stopping;                /* under pub_lock: settler, stop */
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
	for (size_t i = 0; i < z->count; i++) {
		z->slots[i].cz = &conf->zones[i];
		z->slots[i].is_secondary = conf->zones[i].primary_count > 0;
	}
	pthread_mutex_init(&z->hold_lock, NULL);
	pthread_mutex_init(&z->pub_lock, NULL);
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

static struct zonefile_source source_of(const struct file_key *k)
{
	return (struct zonefile_source){ (uint64_t)k->dev, (uint64_t)k->ino, (uint64_t)k->size,
					 k->mtime.tv_sec, k->mtime.tv_nsec };
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
		log_error("zone %s, load failed, %s (zone.file of the entry at %s:%u), %u errors (%s)",
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

/* The journal step of a reload (primary zones): the difference between
 * the served snapshot and the new one becomes a journal entry. A changed
 * zone whose serial did not increase (RFC 1982) is refused: secondaries
 * would never fetch it, so publishing it would split the fleet. Returns
 * false when `next` must be dropped (refused, or nothing changed). */
static bool journal_step(struct zones *z, struct zone_slot *s, bool *failed)
{
	const char *name = s->cz->domain.text;
	struct ans_changeset *cs = NULL;
	int rc = ans_zone_diff(s->zone, s->next, &cs);
	if (rc != ANS_OK) {
		log_error("zone %s, journal, difference failed (%s)", name, ans_strerror(rc));
		return true;   /* publish anyway; IXFR falls back to AXFR */
	}
	bool same = cs->removed.count == 0 && cs->added.count == 0;
	if (same && s->next->serial == s->zone->serial) {
		ans_changeset_free(cs);
		log_debug("zone %s, unchanged, serial %u", name, s->zone->serial);
		return false;
	}
	if (!ans_serial_is_newer(s->next->serial, s->zone->serial)) {
		ans_changeset_free(cs);
		log_error("zone %s, reload refused, zone changed but serial %u -> %u did not "
			  "increase, keeping serial %u", name, s->zone->serial,
			  s->next->serial, s->zone->serial);
		*failed = true;
		return false;
	}
	uint32_t *drop = calloc((s->chain ? s->chain->n : 0) + 1, sizeof(*drop));
	size_t ndrop = 0;
	struct jchain *nc = NULL;
	struct zonefile_source src = source_of(&s->next_key);
	rc = drop ? jchain_append(s->chain, cs, (size_t)s->cz->journal_max_entries,
				  (size_t)s->cz->journal_max_size, &nc, drop, &ndrop)
		  : (ans_changeset_free(cs), ANS_ENOMEM);
	if (rc == ANS_OK && z->store)
		rc = store_journal_put(z->store, s->cz->domain.wire,
				       nc->cs[nc->n - 1], drop, ndrop);
	if (rc != ANS_OK)
		log_error("zone %s, journal, not stored (%s), IXFR falls back to AXFR",
			  name, ans_strerror(rc));
	else if (z->store && s->cz->keeps_copy)
		zonefile_stored(z->store, name, s->next,   /* for the next start */
				&src);
	free(drop);
	s->next_chain = nc;
	s->has_next_chain = true;
	return true;
}

/* At start-up: the stored journal, if it ends at the loaded serial. */
static void journal_resume(struct zones *z, struct zone_slot *s, struct ans_zone *zone)
{
	struct ans_changeset **cs = NULL;
	size_t n = 0;
	if (!z->store)
		return;
	int rc = store_journal_load(z->store, s->cz->domain.wire, zone->serial, &cs, &n);
	if (rc != ANS_OK)
		log_warning("zone %s, journal, stored entries dropped (%s)",
			    s->cz->domain.text, ans_strerror(rc));
	if (rc == ANS_OK && n && jchain_new(cs, n, &s->next_chain) == ANS_OK) {
		s->has_next_chain = true;
		log_info("zone %s, journal, %zu changes, serial %u -> %u", s->cz->domain.text,
			 n, ans_changeset_serial_from(s->next_chain->cs[0]), zone->serial);
	}
	free(cs);
}

static struct zonefile_limits limits_of(const struct zone_slot *s)
{
	return (struct zonefile_limits){ (size_t)s->cz->journal_max_entries,
					 (size_t)s->cz->journal_max_size };
}

/* A primary at start-up: the stored journal, continued by what changed in
 * the file while anynsd was stopped (xfr/zonefile.c). Only the stored
 * copy's serial is read here; the file's zone is served first and the
 * copy compared and written later (settle_one), unless the file's serial
 * went back: then the stored copy may be served instead, decided now. */
static void primary_resume(struct zones *z, struct zone_slot *s)
{
	if (!z->store)
		return;
	const char *name = s->cz->domain.text;
	if (!s->cz->keeps_copy) {
		/* journal-content: changes. A copy left by an earlier `all`
		 * would go stale while the journal moves on: dropped. */
		if (store_zone_del(z->store, s->cz->domain.wire) != ANS_OK)
			log_warning("zone %s, stored copy not removed", name);
		journal_resume(z, s, s->next);
		return;
	}
	struct zonefile_source src = source_of(&s->next_key);
	enum zonefile_start how = zonefile_start(z->store, name, s->next, &src, &s->next_chain);
	if (how == ZONEFILE_RESUME_NOW) {
		struct zonefile_limits lim = limits_of(s);
		zonefile_resume(z->store, name, &lim, &src, &s->next, &s->next_chain);
	} else if (how == ZONEFILE_UNCHANGED) {
		log_info("zone %s, stored copy made from this file, serial %u, not compared",
			 name, s->next->serial);
	} else {
		s->needs_settle = true;
		/* NOTIFY only once the file's difference is journaled, so the
		 * secondaries it brings get IXFR (Knot also journals the
		 * difference before it serves and notifies). */
		s->defer_report = how == ZONEFILE_SETTLE_JOURNAL;
	}
	s->has_next_chain = s->next_chain != NULL;
}

/* A secondary at start-up: its stored copy, served before any primary is
 * reached; a copy past its expire time is marked expired. */
static void load_stored(struct zones *z, struct zone_slot *s)
{
	char subject[ANS_NAME_TEXT_MAX + 8];
	snprintf(subject, sizeof(subject), "zone %s", s->cz->domain.text);
	struct ans_diag diag = { .fn = log_diag, .ctx = subject };
	struct store_timers t;
	int rc = store_zone_load(z->store, s->cz->domain.wire, &diag, &s->next);
	if (rc == ANS_ENOENT)
		return;
	if (rc != ANS_OK) {
		log_error("zone %s, stored copy ignored (%s), refreshing from the primary",
			  s->cz->domain.text, ans_strerror(rc));
		return;
	}
	s->expired = store_timers_load(z->store, s->cz->domain.wire, &t) == ANS_OK &&
		     t.serial == s->next->serial && t.expire_at <= (int64_t)time(NULL);
	log_info("zone %s, loaded from storage, serial %u, %zu records%s", s->cz->domain.text,
		 s->next->serial, s->next->rr_count, s->expired ? ", expired" : "");
	journal_resume(z, s, s->next);
}

/* Step 1 and 2 for one zone with a file. */
static bool load_file_zone(struct zones *z, struct zone_slot *s)
{
	bool failed = false;
	bool have_key = stat_key(s->cz->file, &s->next_key);
	if (!have_key)
		s->next_key = (struct file_key){ 0 };   /* matches no stored note */
	if (s->zone && have_key && same_key(&s->key, &s->next_key)) {
		log_debug("zone %s, unchanged, skipped", s->cz->domain.text);
		return false;
	}
	if (load_one(z->conf_path, s->cz, &s->next) != ANS_OK) {
		s->next = NULL;
		if (s->zone)
			log_warning("zone %s, keeping serial %u", s->cz->domain.text,
				    s->zone->serial);
		return true;
	}
	if (s->zone && !journal_step(z, s, &failed)) {
		ans_zone_free(s->next);
		s->next = NULL;
		if (!failed)
			s->key = s->next_key;   /* touched, same content */
		return failed;
	}
	if (!s->zone)
		primary_resume(z, s);
	log_loaded(s);
	return false;
}

/* Step 1 and 2: new snapshots into slot->next. Returns failures. */
static size_t load_changed(struct zones *z)
{
	size_t failed = 0;
	for (size_t i = 0; i < z->count; i++) {
		struct zone_slot *s = &z->slots[i];
		s->next = NULL;
		if (s->is_secondary) {
			if (!s->zone && z->store)
				load_stored(z, s);
			continue;   /* transfers fill it */
		}
		if (load_file_zone(z, s))
			failed++;
	}
	return failed;
}

/* A secondary zone with no copy yet is in the set as an empty zone marked
 * expired, so its names get SERVFAIL (as Knot and BIND answer for a zone
 * they are configured for but cannot serve), not REFUSED (a zone we do not
 * serve at all). Built once per slot, freed with the zones. */
static struct ans_zone *placeholder(struct zone_slot *s)
{
	struct ans_zone_builder *b = NULL;
	if (!s->placeholder && ans_zone_builder_new(&b, s->cz->domain.wire) == ANS_OK &&
	    ans_zone_builder_finish(b, NULL, &s->placeholder) != ANS_OK)
		s->placeholder = NULL;
	return s->placeholder;
}

/* Step 3: the set over current snapshots, new ones where loaded; expired
 * zones marked, placeholders of secondaries without a copy too. */
static int build_set(struct zones *z, struct ans_zoneset **out)
{
	struct ans_zone **list = calloc(z->count ? z->count : 1, sizeof(*list));
	size_t *slot_of = calloc(z->count ? z->count : 1, sizeof(*slot_of));
	int rc = list && slot_of ? ANS_OK : ANS_ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < z->count && rc == ANS_OK; i++) {
		struct zone_slot *s = &z->slots[i];
		struct ans_zone *zone = s->next ? s->next : s->zone;
		if (!zone && s->is_secondary)
			zone = placeholder(s);
		if (zone) {
			slot_of[n] = i;
			list[n++] = zone;
		}
	}
	if (rc == ANS_OK)
		rc = ans_zoneset_new(out, list, n);
	for (size_t k = 0; k < n && rc == ANS_OK; k++) {
		const struct zone_slot *s = &z->slots[slot_of[k]];
		if (s->expired || list[k] == s->placeholder)
			rc = ans_zoneset_set_expired(*out, k);
	}
	if (rc != ANS_OK && *out) {
		ans_zoneset_free(*out);
		*out = NULL;
	}
	free(list);
	free(slot_of);
	return rc;
}

static void drop_next(struct zones *z)
{
	for (size_t i = 0; i < z->count; i++) {
		struct zone_slot *s = &z->slots[i];
		ans_zone_free(s->next);
		s->next = NULL;
		if (s->has_next_chain)
			jchain_unref(s->next_chain);
		s->next_chain = NULL;
		s->has_next_chain = false;
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

/* Steps 3 and 4 under pub_lock: publishes the set over the slots' next
 * (or current) snapshots and chains, then retires what was replaced. */
static int publish(struct zones *z)
{
	struct ans_zoneset *set = NULL;
	int rc = build_set(z, &set);
	if (rc != ANS_OK) {
		log_error("server, zone set not published (%s)", ans_strerror(rc));
		drop_next(z);
		return rc;
	}
	struct jchain **old_chain = calloc(z->count ? z->count : 1, sizeof(*old_chain));
	struct ans_zoneset *old = z->published;
	for (size_t i = 0; i < z->count; i++) {
		struct zone_slot *s = &z->slots[i];
		if (!s->has_next_chain && !s->next)
			continue;
		if (old_chain)
			old_chain[i] = s->chain;
		rcu_assign_pointer(s->chain, s->next_chain);
		s->next_chain = NULL;
		s->has_next_chain = false;
	}
	rcu_assign_pointer(z->published, set);
	/* Step 4: after this no worker can see `old` or a replaced zone,
	 * and every reference a worker took on an old chain is counted. */
	urcu_memb_synchronize_rcu();
	ans_zoneset_free(old);
	for (size_t i = 0; i < z->count; i++) {
		struct zone_slot *s = &z->slots[i];
		if (old_chain)
			jchain_unref(old_chain[i]);
		if (!s->next)
			continue;
		s->changed = !s->zone || s->zone->serial != s->next->serial;
		retire(z, s->zone);
		s->zone = s->next;
		s->key = s->next_key;
		s->next = NULL;
	}
	free(old_chain);
	return ANS_OK;
}

static void report_changes(struct zones *z)
{
	for (size_t i = 0; i < z->count; i++) {
		struct zone_slot *s = &z->slots[i];
		if (s->defer_report)
			continue;
		if (s->changed && z->on_change)
			z->on_change(z->on_change_ctx, i, s->zone->serial);
		s->changed = false;
	}
}

/* Under pub_lock: the stored-copy work of a served primary (zonefile_settle):
 * a new journal and, when the file changed under an unchanged serial, the
 * stored copy are published; a deferred change is reported. */
static void settle_one(struct zones *z, struct zone_slot *s)
{
	struct zonefile_limits lim = limits_of(s);
	struct jchain *chain = NULL;
	struct ans_zone *stored = NULL;
	s->needs_settle = false;
	s->defer_report = false;
	struct zonefile_source src = source_of(&s->key);
	if (s->zone)
		zonefile_settle(z->store, s->cz->domain.text, &lim, s->zone, &src, &chain,
				&stored);
	if (chain || stored) {
		s->next = stored;
		s->next_key = s->key;   /* the file is unchanged: reloads skip it */
		s->next_chain = chain;
		s->has_next_chain = true;
		publish(z);
	}
	report_changes(z);
}

/* The settler thread: one zone at a time under pub_lock, so a reload or a
 * transfer's publication waits for at most one zone's comparison. */
static void *settler_main(void *arg)
{
	struct zones *z = arg;
	for (size_t i = 0; i < z->count; i++) {
		pthread_mutex_lock(&z->pub_lock);
		if (z->slots[i].needs_settle && !z->is_stopping)
			settle_one(z, &z->slots[i]);
		pthread_mutex_unlock(&z->pub_lock);
	}
	/* The stored copies decoded for the comparisons are freed: give
	 * their pages back, so the resident size after start-up is that
	 * of the served zones. */
	malloc_trim(0);
	return NULL;
}

/* Under pub_lock: what the settler has not reached yet, done now (a reload
 * must diff against a zone whose stopped-time change is journaled). */
static void settle_now(struct zones *z)
{
	for (size_t i = 0; i < z->count; i++)
		if (z->slots[i].needs_settle)
			settle_one(z, &z->slots[i]);
}

/* Under pub_lock, after a publication: the start-up load hands the
 * stored-copy work to the settler thread; a zone loaded for the first
 * time later (it failed at start) is settled at once. */
static void settle_pending(struct zones *z)
{
	bool pending = false;
	for (size_t i = 0; i < z->count; i++)
		pending |= z->slots[i].needs_settle;
	if (!pending)
		return;
	if (!z->has_settler) {
		z->has_settler = pthread_create(&z->settler, NULL, settler_main, z) == 0;
		if (z->has_settler)
			return;
	}
	settle_now(z);
}

size_t zones_load(struct zones *z)
{
	pthread_mutex_lock(&z->pub_lock);
	settle_now(z);
	size_t failed = load_changed(z);
	if (publish(z) != ANS_OK)
		failed = z->count;
	report_changes(z);
	settle_pending(z);
	pthread_mutex_unlock(&z->pub_lock);
	return failed;
}

bool zones_load_one(struct zones *z, size_t idx)
{
	pthread_mutex_lock(&z->pub_lock);
	settle_now(z);
	struct zone_slot *s = &z->slots[idx];
	s->next = NULL;
	bool failed = !s->is_secondary && load_file_zone(z, s);
	if (publish(z) != ANS_OK)
		failed = true;
	report_changes(z);
	settle_pending(z);
	pthread_mutex_unlock(&z->pub_lock);
	return !failed;
}

/* The slot's chain extended by cs[0..n) (ownership taken); n == 0 starts
 * the journal over. Returns a new reference, or NULL. */
static struct jchain *extend_chain(struct zones *z, struct zone_slot *s,
				   struct ans_changeset **cs, size_t n)
{
	struct jchain *c = s->chain;
	if (c)
		jchain_ref(c);
	size_t i = 0;
	for (; i < n; i++) {
		uint32_t *drop = calloc((c ? c->n : 0) + 1, sizeof(*drop));
		size_t ndrop = 0;
		struct jchain *nc = NULL;
		int rc = drop ? jchain_append(c, cs[i], (size_t)s->cz->journal_max_entries,
					      (size_t)s->cz->journal_max_size, &nc, drop, &ndrop)
			      : (ans_changeset_free(cs[i]), ANS_ENOMEM);
		if (rc == ANS_OK && z->store &&
		    store_journal_put(z->store, s->cz->domain.wire, nc->cs[nc->n - 1],
				      drop, ndrop) != ANS_OK)
			log_error("zone %s, journal, not stored", s->cz->domain.text);
		free(drop);
		jchain_unref(c);
		c = nc;
		if (rc != ANS_OK)
			break;
	}
	for (i = i < n ? i + 1 : n; i < n; i++)
		ans_changeset_free(cs[i]);
	if (n == 0) {
		jchain_unref(c);
		c = NULL;
		if (z->store && store_journal_clear(z->store, s->cz->domain.wire) != ANS_OK)
			log_error("zone %s, journal, not cleared", s->cz->domain.text);
	}
	return c;
}

int zones_publish(struct zones *z, size_t idx, struct ans_zone *zone,
		  struct ans_changeset **cs, size_t n)
{
	struct zone_slot *s = &z->slots[idx];
	pthread_mutex_lock(&z->pub_lock);
	s->next_chain = extend_chain(z, s, cs, n);
	s->has_next_chain = true;
	s->next = zone;
	s->expired = false;
	int rc = publish(z);
	report_changes(z);
	pthread_mutex_unlock(&z->pub_lock);
	return rc;
}

int zones_set_expired(struct zones *z, size_t idx, bool expired)
{
	pthread_mutex_lock(&z->pub_lock);
	z->slots[idx].expired = expired;
	int rc = publish(z);
	pthread_mutex_unlock(&z->pub_lock);
	return rc;
}

void zones_set_store(struct zones *z, struct store *st, zones_change_fn fn, void *ctx)
{
	z->store = st;
	z->on_change = fn;
	z->on_change_ctx = ctx;
}

const struct ans_zone *zones_current(struct zones *z, size_t idx)
{
	return z->slots[idx].zone;
}

struct jchain *zones_chain(struct zones *z, const struct ans_zone *zone)
{
	for (size_t i = 0; i < z->count; i++) {
		struct zone_slot *s = &z->slots[i];
		if (!ans_name_equal(s->cz->domain.wire, zone->apex))
			continue;
		struct jchain *c = rcu_dereference(s->chain);
		if (!c || jchain_serial(c) != zone->serial)
			return NULL;
		jchain_ref(c);
		return c;
	}
	return NULL;
}

const struct ans_zoneset *zones_read(struct zones *z)
{
	return rcu_dereference(z->published);
}

void zones_free(struct zones *z)
{
	if (!z)
		return;
	pthread_mutex_lock(&z->pub_lock);
	z->is_stopping = true;
	pthread_mutex_unlock(&z->pub_lock);
	if (z->has_settler)
		pthread_join(z->settler, NULL);
	ans_zoneset_free(z->published);
	for (size_t i = 0; i < z->count; i++) {
		ans_zone_free(z->slots[i].zone);
		ans_zone_free(z->slots[i].placeholder);
		jchain_unref(z->slots[i].chain);
	}
	pthread_mutex_destroy(&z->pub_lock);
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
