/* SPDX-License-Identifier: MIT */
/*
 * DOC: references between sections, and ACL matching
 *
 * Sections refer to each other by id: a remote names a key, an acl names
 * keys, a zone names remotes (primary, notify) and acls. The walk (conf.c)
 * only reads strings; conf_resolve() then turns every id into a pointer to
 * its entry, parses the TSIG keys (lib/wire/tsig.h) and the acl address
 * ranges, so that nothing is looked up by name at run time. An unknown id
 * is an error naming the line of the entry that uses it.
 *
 * ACL matching (conf_acl_allows) follows Knot: a request is allowed when
 * one acl of the zone lists its action, covers its source address and,
 * when the acl names keys, was signed (and verified) with one of them. A
 * zone without acls allows nothing: transfers are opt-in.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anynsd/conf/conf.h"
#include "lib/conf/schema.h"

static const struct conf_key *find_key(const struct conf *c, const char *id)
{
	for (size_t i = 0; i < c->key_count; i++)
		if (strcmp(c->keys[i].id, id) == 0)
			return &c->keys[i];
	return NULL;
}

static const struct conf_remote *find_remote(const struct conf *c, const char *id)
{
	for (size_t i = 0; i < c->remote_count; i++)
		if (strcmp(c->remotes[i].id, id) == 0)
			return &c->remotes[i];
	return NULL;
}

static const struct conf_acl *find_acl(const struct conf *c, const char *id)
{
	for (size_t i = 0; i < c->acl_count; i++)
		if (strcmp(c->acls[i].id, id) == 0)
			return &c->acls[i];
	return NULL;
}

static int resolve_keys(struct conf *c, char *err, size_t size)
{
	for (size_t i = 0; i < c->key_count; i++) {
		struct conf_key *k = &c->keys[i];
		const char *why = "bad key";
		if (ans_tsig_key_init(&k->tsig, k->id, k->algorithm, k->secret, &why) != ANS_OK)
			return ans_conf_error_buf(err, size, c->path, k->line, "key '%s': %s", k->id, why);
	}
	return ANS_OK;
}

static int resolve_remotes(struct conf *c, char *err, size_t size)
{
	for (size_t i = 0; i < c->remote_count; i++) {
		struct conf_remote *r = &c->remotes[i];
		if (!r->key)
			continue;
		r->key_ref = find_key(c, r->key);
		if (!r->key_ref)
			return ans_conf_error_buf(err, size, c->path, r->line,
				    "remote.key: no key '%s'", r->key);
	}
	return ANS_OK;
}

static int resolve_acl_lists(struct conf *c, struct conf_acl *a, char *err, size_t size)
{
	for (size_t j = 0; j < a->address.count; j++)
		if (ans_conf_parse_net(a->address.items[j], false,
				       &a->nets[a->net_count++]) != ANS_OK)
			return ans_conf_error_buf(err, size, c->path, a->line, "acl.address: expected "
				    "an address or a CIDR prefix, got '%s'", a->address.items[j]);
	for (size_t j = 0; j < a->key.count; j++) {
		a->keys[j] = find_key(c, a->key.items[j]);
		if (!a->keys[j])
			return ans_conf_error_buf(err, size, c->path, a->line, "acl.key: no key '%s'",
				    a->key.items[j]);
		a->key_count++;
	}
	for (size_t j = 0; j < a->action.count; j++) {
		const char *s = a->action.items[j];
		if (strcmp(s, "transfer") == 0)
			a->actions |= CONF_ACTION_TRANSFER;
		else if (strcmp(s, "notify") == 0)
			a->actions |= CONF_ACTION_NOTIFY;
		else
			return ans_conf_error_buf(err, size, c->path, a->line, "acl.action: expected "
				    "transfer or notify, got '%s'", s);
	}
	return ANS_OK;
}

static int resolve_acls(struct conf *c, char *err, size_t size)
{
	for (size_t i = 0; i < c->acl_count; i++) {
		struct conf_acl *a = &c->acls[i];
		a->nets = ans_arena_alloc(&c->arena, (a->address.count + 1) * sizeof(*a->nets));
		a->keys = ans_arena_alloc(&c->arena, (a->key.count + 1) * sizeof(*a->keys));
		if (!a->nets || !a->keys)
			return ANS_ENOMEM;
		int rc = resolve_acl_lists(c, a, err, size);
		if (rc != ANS_OK)
			return rc;
	}
	return ANS_OK;
}

/* Fills out[0..list->count) with pointers found by `find`. */
static int resolve_ids(struct conf *c, const struct conf_zone *z,
		       const struct ans_conf_str_list *list, const char *what,
		       const void *(*find)(const struct conf *, const char *),
		       const void ***out, size_t *count, char *err, size_t size)
{
	*out = ans_arena_alloc(&c->arena, (list->count + 1) * sizeof(**out));
	if (!*out)
		return ANS_ENOMEM;
	for (*count = 0; *count < list->count; (*count)++) {
		(*out)[*count] = find(c, list->items[*count]);
		if (!(*out)[*count])
			return ans_conf_error_buf(err, size, c->path, z->line, "zone.%s: no %s '%s'", what,
				    strcmp(what, "acl") == 0 ? "acl" : "remote",
				    list->items[*count]);
	}
	return ANS_OK;
}

static const void *find_remote_v(const struct conf *c, const char *id)
{
	return find_remote(c, id);
}

static const void *find_acl_v(const struct conf *c, const char *id)
{
	return find_acl(c, id);
}

static int resolve_zone(struct conf *c, struct conf_zone *z, char *err, size_t size)
{
	if (!z->file && z->primary.count == 0)
		return ans_conf_error_buf(err, size, c->path, z->line,
			    "zone.file: missing (required for a zone without primary)");
	if (z->refresh_min_ms > z->refresh_max_ms)
		return ans_conf_error_buf(err, size, c->path, z->line,
			    "zone.refresh-min: larger than zone.refresh-max");
	if (strcmp(z->journal_content, "all") != 0 && strcmp(z->journal_content, "changes") != 0)
		return ans_conf_error_buf(err, size, c->path, z->line,
			    "zone.journal-content: expected changes or all, got '%s'",
			    z->journal_content);
	z->keeps_copy = strcmp(z->journal_content, "all") == 0;
	int rc = resolve_ids(c, z, &z->primary, "primary", find_remote_v,
			     (const void ***)&z->primaries, &z->primary_count, err, size);
	if (rc == ANS_OK)
		rc = resolve_ids(c, z, &z->notify, "notify", find_remote_v,
				 (const void ***)&z->notifies, &z->notify_count, err, size);
	if (rc == ANS_OK)
		rc = resolve_ids(c, z, &z->acl, "acl", find_acl_v,
				 (const void ***)&z->acls, &z->acl_count, err, size);
	return rc;
}

int conf_resolve(struct conf *c, char *err, size_t size)
{
	int rc = resolve_keys(c, err, size);
	if (rc == ANS_OK)
		rc = resolve_remotes(c, err, size);
	if (rc == ANS_OK)
		rc = resolve_acls(c, err, size);
	for (size_t i = 0; rc == ANS_OK && i < c->zone_count; i++)
		rc = resolve_zone(c, &c->zones[i], err, size);
	return rc;
}

static bool net_has(const struct ans_conf_net *n, const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ans_conf_net_has(n, AF_INET,
			(const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr);
	if (sa->sa_family == AF_INET6)
		return ans_conf_net_has(n, AF_INET6,
			((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr);
	return false;
}

static bool acl_matches(const struct conf_acl *a, const struct sockaddr *addr,
			const struct ans_tsig_key *key, unsigned action)
{
	if (!(a->actions & action))
		return false;
	bool in = false;
	for (size_t i = 0; !in && i < a->net_count; i++)
		in = net_has(&a->nets[i], addr);
	if (!in)
		return false;
	if (a->key_count == 0)
		return true;
	for (size_t i = 0; key && i < a->key_count; i++)
		if (a->keys[i]->tsig.alg == key->alg &&
		    ans_name_equal(a->keys[i]->tsig.name, key->name))
			return true;
	return false;
}

bool conf_acl_allows(const struct conf_zone *z, const struct sockaddr *addr,
		     const struct ans_tsig_key *key, unsigned action)
{
	for (size_t i = 0; i < z->acl_count; i++)
		if (acl_matches(z->acls[i], addr, key, action))
			return true;
	return false;
}

const struct conf_zone *conf_zone_find(const struct conf *c, const uint8_t *wire)
{
	for (size_t i = 0; i < c->zone_count; i++)
		if (ans_name_equal(c->zones[i].domain.wire, wire))
			return &c->zones[i];
	return NULL;
}
