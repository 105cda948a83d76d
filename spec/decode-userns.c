/* "privateUsers": a private range of host uids and gids for the container
 * (README "Private users").  A short spec gets "pick" when it says nothing
 * (and has no user namespace of its own); an OCI config gets nothing.  The
 * member becomes an ordinary new user namespace with one mapping of
 * container ids 0..count-1, so the rest of nsrun handles it as any spec's
 * user namespace; for "pick" the host side is chosen when the container
 * starts (libexec/userns.c) and the plan says so. */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

static bool parse_u32(const char *s, size_t len, uint32_t *out)
{
	if (len == 0 || len > 10)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static const char *check_range(uint32_t uid, uint32_t count)
{
	if (uid == 0)
		return "a range starting at host id 0 is the host's own root: say \"no\" instead";
	if (count == 0)
		return "the count must be at least 1";
	if ((uint64_t)uid + count - 1 >= UINT32_MAX)
		return "the range goes past the last host id (4294967294)";
	return NULL;
}

const char *spec_parse_private_users(const char *v, struct spec_private_users *out)
{
	struct spec_private_users pu = { 0 };
	if (strcmp(v, "pick") == 0) {
		pu.mode = PRIVATE_USERS_PICK;
		pu.count = SPEC_PRIVATE_USERS_COUNT;
	} else if (strcmp(v, "no") == 0) {
		pu.mode = PRIVATE_USERS_NO;
	} else {
		const char *colon = strchr(v, ':');
		pu.mode = PRIVATE_USERS_FIXED;
		pu.count = SPEC_PRIVATE_USERS_COUNT;
		if (!parse_u32(v, colon ? (size_t)(colon - v) : strlen(v), &pu.uid) ||
		    (colon && !parse_u32(colon + 1, strlen(colon + 1), &pu.count)))
			return "expected \"pick\", \"no\", a host uid N or N:COUNT";
		const char *why = check_range(pu.uid, pu.count);
		if (why)
			return why;
	}
	out->mode = pu.mode;
	out->uid = pu.uid;
	out->count = pu.count;
	return NULL;
}

static int dec_private_users_object(struct dec *d, struct spec *s, const struct json_node *n)
{
	struct dec_obj o;
	if (dec_object(d, n, &o) < 0)
		return -1;
	uint64_t uid = 0, count = SPEC_PRIVATE_USERS_COUNT;
	bool has_uid = false, has_count;
	if (dec_get_uint(d, &o, "uid", UINT32_MAX, &uid, &has_uid) < 0 ||
	    dec_get_uint(d, &o, "count", UINT32_MAX, &count, &has_count) < 0)
		return -1;
	dec_object_done(d, &o);
	if (!has_uid)
		return dec_fail(d, n, "\"uid\" is required: the host uid (and gid) of the container's root");
	const char *why = check_range((uint32_t)uid, (uint32_t)count);
	if (why)
		return dec_fail(d, n, "%s", why);
	s->private_users.mode = PRIVATE_USERS_FIXED;
	s->private_users.uid = (uint32_t)uid;
	s->private_users.count = (uint32_t)count;
	return 0;
}

int dec_private_users(struct dec *d, void *target, const struct json_node *n)
{
	struct spec *s = target;
	s->private_users.pos = dec_pos(n);
	if (n->type == JSON_OBJECT) {
		if (dec_private_users_object(d, s, n) < 0)
			return -1;
	} else if (n->type == JSON_STRING && (strcmp(n->text, "pick") == 0 || strcmp(n->text, "no") == 0)) {
		spec_parse_private_users(n->text, &s->private_users);
	} else {
		return dec_fail(d, n, "expected \"pick\", \"no\" or {\"uid\": N, \"count\": M}");
	}
	return 0;
}

int spec_private_users_from_opts(struct dec *d, struct spec *s, const struct spec_load_opts *opts)
{
	if (!opts)
		return 0;
	if (opts->ownership) {
		if (strcmp(opts->ownership, "chown") != 0 && strcmp(opts->ownership, "map") != 0)
			return nsrun_error_set(d->err, EINVAL, "--private-users-ownership=%s: expected "
					       "\"map\" (an idmapped mount, the default) or \"chown\"",
					       opts->ownership);
		s->private_users.chown = strcmp(opts->ownership, "chown") == 0;
	}
	return 0;
}

static const char *where(const struct spec_private_users *pu)
{
	(void)pu; /* an option's value names the option itself (its origin) */
	return "/privateUsers";
}

/* A private range cannot go with namespaces the spec joins: those belong
 * to the host's user namespace, and the container's root has no rights
 * over them. */
static int check_joins(struct dec *d, const struct spec *s)
{
	const struct spec_private_users *pu = &s->private_users;
	for (size_t i = 0; i < s->linux_.n_namespaces; i++) {
		const struct spec_namespace *ns = &s->linux_.namespaces[i];
		if (!ns->path)
			continue;
		char ptr[64];
		snprintf(ptr, sizeof(ptr), "/linux/namespaces/%zu/path", i);
		return dec_fail_at(d, ns->pos, ptr, "joining the %s namespace %s does not work with a "
				   "private user range (%s%s): the container's root has no rights in "
				   "the host's namespaces; give \"privateUsers\": \"no\" (the "
				   "container's root is then the host's root)", ns->name, ns->path,
				   where(pu), pu->defaulted ? ", the default of a short spec" : "");
	}
	return 0;
}

static void set_mapping(struct spec_idmap **v, size_t *n, uint32_t host, uint32_t count)
{
	free(*v); /* an empty "uidMappings": [] still left an allocation */
	*v = xcalloc(1, sizeof(**v));
	(*v)[0] = (struct spec_idmap){ .container_id = 0, .host_id = host, .size = count };
	*n = 1;
}

int spec_private_users_apply(struct dec *d, struct spec *s)
{
	struct spec_private_users *pu = &s->private_users;
	struct spec_linux *l = &s->linux_;
	bool own_userns = spec_find_namespace(s, CLONE_NEWUSER) || l->n_uid_mappings || l->n_gid_mappings;
	if (pu->mode == PRIVATE_USERS_UNSET) {
		/* an OCI config means what OCI says; a spec with its own user
		 * namespace keeps it */
		pu->mode = s->minimal && !own_userns ? PRIVATE_USERS_PICK : PRIVATE_USERS_NO;
		pu->defaulted = pu->mode == PRIVATE_USERS_PICK;
		pu->count = SPEC_PRIVATE_USERS_COUNT;
	}
	if (pu->mode == PRIVATE_USERS_NO) {
		if (pu->chown)
			return nsrun_error_set(d->err, EINVAL, "%s: --private-users-ownership=chown needs a "
					       "private user range (privateUsers \"pick\" or a range)",
					       s->file);
		return 0;
	}
	if (own_userns)
		return dec_fail_at(d, pu->pos, where(pu), "the spec has a user namespace of its own "
				   "(/linux/namespaces or /linux/uidMappings): give either that or "
				   "privateUsers, not both");
	if (check_joins(d, s) < 0)
		return -1;
	spec_add_namespace(s, CLONE_NEWUSER, pu->pos);
	/* "pick": host id 0 stands for the range chosen at start */
	uint32_t host = pu->mode == PRIVATE_USERS_FIXED ? pu->uid : 0;
	set_mapping(&l->uid_mappings, &l->n_uid_mappings, host, pu->count);
	set_mapping(&l->gid_mappings, &l->n_gid_mappings, host, pu->count);
	return 0;
}
