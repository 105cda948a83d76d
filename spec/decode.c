/* Decoding the spec tree into struct spec: one small function per member
 * group, each checking types and per-value rules with the exact position.
 * Rules that relate several members live in validate.c. */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <time.h>

#include "decode.h"
#include "network.h"

/* Record a member that is parsed and recognised but not carried out yet;
 * validation refuses the spec with "not supported yet". */
static void dec_unsupported(struct dec *d, struct spec *s, struct dec_obj *o, const char *key)
{
	const struct json_node *n = dec_member(o, key);
	if (!n)
		return;
	size_t old = dec_push_key(d, key);
	struct spec_pos pos = dec_pos(n);
	/* Name what is asked for: "/linux/resources/memory", not "/linux/resources". */
	if (n->type == JSON_OBJECT && n->count) {
		dec_push_key(d, n->members[0].key);
		pos = (struct spec_pos){ n->members[0].line, n->members[0].col };
	}
	s->unsupported = xrealloc(s->unsupported, (s->n_unsupported + 1) * sizeof(*s->unsupported));
	s->unsupported[s->n_unsupported++] = (struct spec_unsupported){ xstrdup(d->ptr), pos };
	dec_pop(d, old);
}

static int check_abs_path(struct dec *d, const struct json_node *n, const char *path, const char *what)
{
	if (path[0] != '/')
		return dec_fail(d, n, "%s must be an absolute path, got \"%s\"", what, path);
	if (spec_path_has_dotdot(path))
		return dec_fail(d, n, "%s must not contain \"..\" components, got \"%s\"", what, path);
	return 0;
}

static int dec_root(struct dec *d, struct spec *s, const struct json_node *n)
{
	struct dec_obj o;
	if (dec_object(d, n, &o) < 0)
		return -1;
	s->root_pos = dec_pos(n);
	size_t old;
	const struct json_node *p = dec_require_string(d, &o, n, "path", &s->root_path, &old);
	if (!p)
		return -1;
	if (!s->root_path[0])
		return dec_fail(d, p, "must not be empty");
	s->root_pos = dec_pos(p);
	dec_pop(d, old);
	if (dec_get_bool(d, &o, "readonly", &s->root_readonly) < 0)
		return -1;
	dec_object_done(d, &o);
	return 0;
}

int dec_mount(struct dec *d, struct spec *s, struct spec_mount *m, const struct json_node *n)
{
	struct dec_obj o;
	if (dec_object(d, n, &o) < 0)
		return -1;
	m->pos = dec_pos(n);
	size_t old;
	const struct json_node *dst = dec_require_string(d, &o, n, "destination", &m->destination,
							       &old);
	if (!dst || check_abs_path(d, dst, m->destination, "a mount destination") < 0)
		return -1;
	dec_pop(d, old);
	if (dec_get_string(d, &o, "type", &m->type) < 0 ||
	    dec_get_string(d, &o, "source", &m->source) < 0 ||
	    dec_get_strv(d, &o, "options", &m->options) < 0)
		return -1;
	dec_unsupported(d, s, &o, "uidMappings");
	dec_unsupported(d, s, &o, "gidMappings");
	dec_object_done(d, &o);
	return 0;
}

static int dec_mounts(struct dec *d, struct spec *s, const struct json_node *n)
{
	if (dec_array(d, n) < 0)
		return -1;
	s->mounts_given = true;
	s->mounts = xcalloc(n->count, sizeof(*s->mounts));
	for (size_t i = 0; i < n->count; i++) {
		size_t old = dec_push_index(d, i);
		s->n_mounts = i + 1;
		if (dec_mount(d, s, &s->mounts[i], n->items[i]) < 0)
			return -1;
		dec_pop(d, old);
	}
	return 0;
}

int dec_cap_set(struct dec *d, const struct json_node *n, uint64_t *mask)
{
	if (dec_array(d, n) < 0)
		return -1;
	for (size_t i = 0; i < n->count; i++) {
		size_t old = dec_push_index(d, i);
		const struct json_node *c = n->items[i];
		if (c->type != JSON_STRING)
			return dec_fail(d, c, "expected a capability name, got %s", json_type_name(c->type));
		int cap = spec_cap_from_name(c->text);
		if (cap < 0) {
			const char *names[SPEC_CAP_LAST + 1];
			for (int k = 0; k <= SPEC_CAP_LAST; k++)
				names[k] = spec_cap_name(k);
			const char *sug = spec_suggest(c->text, names, ARRAY_SIZE(names));
			return dec_fail(d, c, "unknown capability \"%s\"%s%s%s", c->text,
					sug ? " (did you mean \"" : "", sug ? sug : "", sug ? "\"?)" : "");
		}
		if (*mask & (1ULL << cap))
			return dec_fail(d, c, "capability \"%s\" is listed twice", c->text);
		*mask |= 1ULL << cap;
		dec_pop(d, old);
	}
	return 0;
}

static int dec_capabilities(struct dec *d, struct spec_caps *caps, const struct json_node *n)
{
	struct dec_obj o;
	if (dec_object(d, n, &o) < 0)
		return -1;
	caps->given = true;
	static const char *const sets[] = { "bounding", "effective", "inheritable", "permitted", "ambient" };
	uint64_t *masks[] = { &caps->bounding, &caps->effective, &caps->inheritable,
			      &caps->permitted, &caps->ambient };
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
		const struct json_node *m = dec_member(&o, sets[i]);
		if (!m)
			continue;
		size_t old = dec_push_key(d, sets[i]);
		if (dec_cap_set(d, m, masks[i]) < 0)
			return -1;
		dec_pop(d, old);
	}
	dec_object_done(d, &o);
	return 0;
}

static int dec_rlimits(struct dec *d, struct spec_process *p, const struct json_node *n)
{
	if (dec_array(d, n) < 0)
		return -1;
	p->rlimits = xcalloc(n->count, sizeof(*p->rlimits));
	for (size_t i = 0; i < n->count; i++) {
		size_t old = dec_push_index(d, i);
		struct spec_rlimit *r = &p->rlimits[i];
		struct dec_obj o;
		char *type = NULL;
		if (dec_object(d, n->items[i], &o) < 0)
			return -1;
		r->pos = dec_pos(n->items[i]);
		size_t old2;
		const struct json_node *t = dec_require_string(d, &o, n->items[i], "type", &type,
								       &old2);
		if (!t)
			return -1;
		r->resource = spec_rlimit_from_name(type);
		free(type);
		if (r->resource < 0) {
			const char *names[RLIM_NLIMITS];
			size_t nn = 0;
			for (int k = 0; k < RLIM_NLIMITS; k++)
				if (spec_rlimit_name(k))
					names[nn++] = spec_rlimit_name(k);
			const char *sug = spec_suggest(t->text, names, nn);
			if (sug)
				return dec_fail(d, t, "unknown rlimit type \"%s\" (did you mean \"%s\"?)",
						t->text, sug);
			return dec_fail(d, t, "unknown rlimit type \"%s\", expected one like RLIMIT_NOFILE",
					t->text);
		}
		r->name = spec_rlimit_name(r->resource);
		dec_pop(d, old2);
		for (size_t k = 0; k < i; k++)
			if (p->rlimits[k].resource == r->resource)
				return dec_fail(d, t, "%s is set twice (first at %u:%u)", r->name,
						p->rlimits[k].pos.line, p->rlimits[k].pos.col);
		bool has_soft, has_hard;
		if (dec_get_uint(d, &o, "soft", UINT64_MAX, &r->soft, &has_soft) < 0 ||
		    dec_get_uint(d, &o, "hard", UINT64_MAX, &r->hard, &has_hard) < 0)
			return -1;
		if (!has_soft || !has_hard)
			return dec_fail(d, n->items[i], "both \"soft\" and \"hard\" are required");
		if (r->soft > r->hard)
			return dec_fail(d, n->items[i], "soft limit %llu is above the hard limit %llu",
					(unsigned long long)r->soft, (unsigned long long)r->hard);
		p->n_rlimits = i + 1;
		dec_object_done(d, &o);
		dec_pop(d, old);
	}
	return 0;
}

static int dec_user(struct dec *d, struct spec_user *u, const struct json_node *n)
{
	struct dec_obj o;
	uint64_t v;
	bool found;
	if (dec_object(d, n, &o) < 0)
		return -1;
	v = 0;
	if (dec_get_uint(d, &o, "uid", SPEC_ID_MAX, &v, &found) < 0)
		return -1;
	u->uid = (uint32_t)v;
	v = 0;
	if (dec_get_uint(d, &o, "gid", SPEC_ID_MAX, &v, &found) < 0)
		return -1;
	u->gid = (uint32_t)v;
	if (dec_get_uint(d, &o, "umask", 07777, &v, &u->has_umask) < 0)
		return -1;
	u->umask = (uint32_t)v;
	const struct json_node *g = dec_member(&o, "additionalGids");
	if (g) {
		size_t old = dec_push_key(d, "additionalGids");
		if (dec_array(d, g) < 0)
			return -1;
		if (g->count > 65536)
			return dec_fail(d, g, "more than 65536 groups");
		u->additional_gids = xcalloc(g->count, sizeof(uint32_t));
		for (size_t i = 0; i < g->count; i++) {
			size_t old2 = dec_push_index(d, i);
			if (dec_uint(d, g->items[i], SPEC_ID_MAX, &v) < 0)
				return -1;
			u->additional_gids[i] = (uint32_t)v;
			u->n_additional_gids = i + 1;
			dec_pop(d, old2);
		}
		dec_pop(d, old);
	}
	const struct json_node *un = dec_member(&o, "username");
	if (un) {
		dec_push_key(d, "username");
		if (dec_string(d, un, &u->username) < 0)
			return -1;
		return dec_fail(d, un, "is for Windows containers; on Linux give a numeric uid");
	}
	dec_object_done(d, &o);
	return 0;
}

int dec_check_env(struct dec *d, const struct json_node *n)
{
	for (size_t i = 0; i < n->count; i++) {
		const char *e = n->items[i]->text, *eq = strchr(e, '=');
		if (!eq || eq == e) {
			size_t old = dec_push_index(d, i);
			dec_fail(d, n->items[i], "expected KEY=VALUE, got \"%s\"", e);
			dec_pop(d, old);
			return -1;
		}
	}
	return 0;
}

static int dec_console_size(struct dec *d, struct spec_process *p, const struct json_node *n)
{
	struct dec_obj o;
	uint64_t v;
	bool found;
	if (dec_object(d, n, &o) < 0)
		return -1;
	p->has_console_size = true;
	if (dec_get_uint(d, &o, "height", 65535, &v, &found) < 0)
		return -1;
	if (!found)
		return dec_fail(d, n, "\"height\" is required");
	p->console_height = (unsigned)v;
	if (dec_get_uint(d, &o, "width", 65535, &v, &found) < 0)
		return -1;
	if (!found)
		return dec_fail(d, n, "\"width\" is required");
	p->console_width = (unsigned)v;
	dec_object_done(d, &o);
	return 0;
}

static int dec_process(struct dec *d, struct spec *s, const struct json_node *n)
{
	struct spec_process *p = &s->process;
	struct dec_obj o;
	const struct json_node *m;
	if (dec_object(d, n, &o) < 0)
		return -1;
	p->present = true;
	p->pos = dec_pos(n);
	size_t old;
	if (dec_get_bool(d, &o, "terminal", &p->terminal) < 0)
		return -1;
	if ((m = dec_member(&o, "consoleSize"))) {
		old = dec_push_key(d, "consoleSize");
		if (dec_console_size(d, p, m) < 0)
			return -1;
		dec_pop(d, old);
	}
	if ((m = dec_member(&o, "args"))) {
		p->args_pos = dec_pos(m);
		old = dec_push_key(d, "args");
		if (dec_strv(d, m, &p->args) < 0)
			return -1;
		dec_pop(d, old);
	}
	if ((m = dec_member(&o, "env"))) {
		old = dec_push_key(d, "env");
		if (dec_strv(d, m, &p->env) < 0 || dec_check_env(d, m) < 0)
			return -1;
		dec_pop(d, old);
	}
	if ((m = dec_member(&o, "cwd"))) {
		old = dec_push_key(d, "cwd");
		if (dec_string(d, m, &p->cwd) < 0 ||
		    check_abs_path(d, m, p->cwd, "the working directory") < 0)
			return -1;
		dec_pop(d, old);
	}
	if ((m = dec_member(&o, "user"))) {
		old = dec_push_key(d, "user");
		if (dec_user(d, &p->user, m) < 0)
			return -1;
		dec_pop(d, old);
	}
	if ((m = dec_member(&o, "capabilities"))) {
		old = dec_push_key(d, "capabilities");
		if (dec_capabilities(d, &p->caps, m) < 0)
			return -1;
		dec_pop(d, old);
	}
	if ((m = dec_member(&o, "rlimits"))) {
		old = dec_push_key(d, "rlimits");
		if (dec_rlimits(d, p, m) < 0)
			return -1;
		dec_pop(d, old);
	}
	if (dec_get_bool(d, &o, "noNewPrivileges", &p->no_new_privileges) < 0)
		return -1;
	if ((m = dec_member(&o, "oomScoreAdj"))) {
		int64_t v;
		old = dec_push_key(d, "oomScoreAdj");
		if (dec_int(d, m, -1000, 1000, &v) < 0)
			return -1;
		p->has_oom_score_adj = true;
		p->oom_score_adj = (int)v;
		dec_pop(d, old);
	}
	if (dec_get_string(d, &o, "selinuxLabel", &p->selinux_label) < 0 ||
	    dec_get_string(d, &o, "apparmorProfile", &p->apparmor_profile) < 0)
		return -1;
	dec_unsupported(d, s, &o, "ioPriority");
	dec_unsupported(d, s, &o, "scheduler");
	dec_unsupported(d, s, &o, "execCPUAffinity");
	dec_unsupported(d, s, &o, "commandLine");
	dec_object_done(d, &o);
	return 0;
}

static int dec_namespaces(struct dec *d, struct spec_linux *l, const struct json_node *n)
{
	if (dec_array(d, n) < 0)
		return -1;
	l->namespaces_given = true;
	l->namespaces = xcalloc(n->count, sizeof(*l->namespaces));
	for (size_t i = 0; i < n->count; i++) {
		size_t old = dec_push_index(d, i);
		struct spec_namespace *ns = &l->namespaces[i];
		struct dec_obj o;
		char *type = NULL;
		if (dec_object(d, n->items[i], &o) < 0)
			return -1;
		ns->pos = dec_pos(n->items[i]);
		size_t old2;
		const struct json_node *t = dec_require_string(d, &o, n->items[i], "type", &type,
								       &old2);
		if (!t)
			return -1;
		ns->type = spec_namespace_from_name(type);
		free(type);
		if (ns->type < 0)
			return dec_fail(d, t, "unknown namespace type \"%s\", expected one of mount, pid, "
					"uts, ipc, network, cgroup, user, time", t->text);
		ns->name = spec_namespace_name(ns->type);
		dec_pop(d, old2);
		for (size_t k = 0; k < i; k++)
			if (l->namespaces[k].type == ns->type)
				return dec_fail(d, t, "namespace \"%s\" is listed twice (first at %u:%u)",
						ns->name, l->namespaces[k].pos.line, l->namespaces[k].pos.col);
		l->n_namespaces = i + 1;
		const struct json_node *p = dec_member(&o, "path");
		if (p) {
			old2 = dec_push_key(d, "path");
			if (dec_string(d, p, &ns->path) < 0 ||
			    check_abs_path(d, p, ns->path, "a namespace path") < 0)
				return -1;
			dec_pop(d, old2);
		}
		dec_object_done(d, &o);
		dec_pop(d, old);
	}
	return 0;
}

static int dec_idmaps(struct dec *d, const struct json_node *n, struct spec_idmap **out, size_t *count)
{
	if (dec_array(d, n) < 0)
		return -1;
	if (n->count > 340)
		return dec_fail(d, n, "at most 340 mappings are allowed by the kernel, got %zu", n->count);
	*out = xcalloc(n->count, sizeof(**out));
	for (size_t i = 0; i < n->count; i++) {
		size_t old = dec_push_index(d, i);
		struct spec_idmap *m = &(*out)[i];
		struct dec_obj o;
		uint64_t c, h, sz;
		bool fc, fh, fs;
		if (dec_object(d, n->items[i], &o) < 0 ||
		    dec_get_uint(d, &o, "containerID", UINT32_MAX, &c, &fc) < 0 ||
		    dec_get_uint(d, &o, "hostID", UINT32_MAX, &h, &fh) < 0 ||
		    dec_get_uint(d, &o, "size", UINT32_MAX, &sz, &fs) < 0)
			return -1;
		if (!fc || !fh || !fs)
			return dec_fail(d, n->items[i], "\"containerID\", \"hostID\" and \"size\" are required");
		if (sz == 0)
			return dec_fail(d, n->items[i], "\"size\" must be at least 1");
		/* ids are 0..4294967294: (uid_t)-1 means "no id" */
		if (c + sz - 1 > UINT32_MAX - 1 || h + sz - 1 > UINT32_MAX - 1) {
			bool cont = c + sz - 1 > UINT32_MAX - 1;
			return dec_fail(d, n->items[i], "the %s range %llu..%llu goes past the "
					"largest id 4294967294", cont ? "container" : "host",
					(unsigned long long)(cont ? c : h),
					(unsigned long long)((cont ? c : h) + sz - 1));
		}
		*m = (struct spec_idmap){ (uint32_t)c, (uint32_t)h, (uint32_t)sz, dec_pos(n->items[i]) };
		for (size_t k = 0; k < i; k++) {
			const struct spec_idmap *q = &(*out)[k];
			bool cont = m->container_id < q->container_id + (uint64_t)q->size &&
				    q->container_id < m->container_id + (uint64_t)m->size;
			bool host = m->host_id < q->host_id + (uint64_t)q->size &&
				    q->host_id < m->host_id + (uint64_t)m->size;
			if (cont || host)
				return dec_fail(d, n->items[i], "the %s range overlaps mapping %zu (at %u:%u)",
						cont ? "container" : "host", k, q->pos.line, q->pos.col);
		}
		*count = i + 1;
		dec_object_done(d, &o);
		dec_pop(d, old);
	}
	return 0;
}

static int dec_devices(struct dec *d, struct spec_linux *l, const struct json_node *n)
{
	if (dec_array(d, n) < 0)
		return -1;
	/* The duplicate check below is quadratic: a 4 MiB file holds ~100k entries. */
	if (n->count > SPEC_DEVICES_MAX)
		return dec_fail(d, n, "more than %d devices", SPEC_DEVICES_MAX);
	l->devices = xcalloc(n->count, sizeof(*l->devices));
	for (size_t i = 0; i < n->count; i++) {
		size_t old = dec_push_index(d, i);
		struct spec_device *dv = &l->devices[i];
		struct dec_obj o;
		char *type = NULL;
		uint64_t v;
		bool found;
		if (dec_object(d, n->items[i], &o) < 0)
			return -1;
		l->n_devices = i + 1;
		dv->pos = dec_pos(n->items[i]);
		const struct json_node *p = dec_member(&o, "path"), *t = dec_member(&o, "type");
		if (!p || !t)
			return dec_fail(d, n->items[i], "\"path\" and \"type\" are required");
		size_t old2 = dec_push_key(d, "path");
		if (dec_string(d, p, &dv->path) < 0 || check_abs_path(d, p, dv->path, "a device path") < 0)
			return -1;
		if (strncmp(dv->path, "/dev/", 5) != 0)
			return dec_fail(d, p, "device nodes go under /dev, got \"%s\"", dv->path);
		dec_pop(d, old2);
		old2 = dec_push_key(d, "type");
		if (dec_string(d, t, &type) < 0)
			return -1;
		bool ok = strlen(type) == 1 && strchr("cbup", type[0]);
		dv->type = type[0];
		free(type);
		if (!ok)
			return dec_fail(d, t, "expected \"c\", \"b\", \"u\" or \"p\", got \"%s\"", t->text);
		dec_pop(d, old2);
		if (dec_get_uint(d, &o, "major", 0xfff, &v, &found) < 0)
			return -1;
		dv->major = found ? (int64_t)v : -1;
		if (dec_get_uint(d, &o, "minor", 0xfffff, &v, &found) < 0)
			return -1;
		dv->minor = found ? (int64_t)v : -1;
		if (dv->type != 'p' && (dv->major < 0 || dv->minor < 0))
			return dec_fail(d, n->items[i], "\"major\" and \"minor\" are required for type %c",
					dv->type);
		if (dec_get_uint(d, &o, "fileMode", 07777, &v, &dv->has_mode) < 0)
			return -1;
		dv->mode = (uint32_t)v;
		if (dec_get_uint(d, &o, "uid", SPEC_ID_MAX, &v, &dv->has_uid) < 0)
			return -1;
		dv->uid = (uint32_t)v;
		if (dec_get_uint(d, &o, "gid", SPEC_ID_MAX, &v, &dv->has_gid) < 0)
			return -1;
		dv->gid = (uint32_t)v;
		for (size_t k = 0; k < i; k++)
			if (strcmp(l->devices[k].path, dv->path) == 0)
				return dec_fail(d, p, "device \"%s\" is listed twice", dv->path);
		dec_object_done(d, &o);
		dec_pop(d, old);
	}
	return 0;
}

static int dec_sysctl(struct dec *d, struct spec_linux *l, const struct json_node *n)
{
	struct dec_obj o;
	if (dec_object(d, n, &o) < 0)
		return -1;
	l->sysctl = xcalloc(n->count, sizeof(*l->sysctl));
	for (size_t i = 0; i < n->count; i++) {
		struct json_member *m = &n->members[i];
		m->used = true;
		size_t old = dec_push_key(d, m->key);
		struct spec_sysctl *sc = &l->sysctl[i];
		sc->key = xstrdup(m->key);
		sc->pos = (struct spec_pos){ m->line, m->col };
		l->n_sysctl = i + 1;
		if (dec_string(d, m->value, &sc->value) < 0)
			return -1;
		dec_pop(d, old);
	}
	return 0;
}

static int dec_time_offsets(struct dec *d, struct spec_linux *l, const struct json_node *n)
{
	struct dec_obj o;
	if (dec_object(d, n, &o) < 0)
		return -1;
	l->time_offsets_pos = dec_pos(n);
	static const char *const clocks[] = { "monotonic", "boottime" };
	static const int ids[] = { CLOCK_MONOTONIC, CLOCK_BOOTTIME };
	for (size_t i = 0; i < 2; i++) {
		const struct json_node *c = dec_member(&o, clocks[i]);
		if (!c)
			continue;
		size_t old = dec_push_key(d, clocks[i]);
		struct dec_obj co;
		const struct json_node *sn, *nn;
		struct spec_time_offset *t = &l->time_offsets[l->n_time_offsets++];
		t->clock = ids[i];
		if (dec_object(d, c, &co) < 0)
			return -1;
		if ((sn = dec_member(&co, "secs"))) {
			size_t old2 = dec_push_key(d, "secs");
			if (dec_int(d, sn, INT64_MIN / 2, INT64_MAX / 2, &t->secs) < 0)
				return -1;
			dec_pop(d, old2);
		}
		if ((nn = dec_member(&co, "nanosecs"))) {
			uint64_t v;
			size_t old2 = dec_push_key(d, "nanosecs");
			if (dec_uint(d, nn, 999999999, &v) < 0)
				return -1;
			t->nanosecs = (uint32_t)v;
			dec_pop(d, old2);
		}
		dec_object_done(d, &co);
		dec_pop(d, old);
	}
	dec_object_done(d, &o);
	return 0;
}

static int dec_personality(struct dec *d, struct spec_linux *l, const struct json_node *n)
{
	struct dec_obj o;
	char *domain = NULL;
	if (dec_object(d, n, &o) < 0)
		return -1;
	l->personality_pos = dec_pos(n);
	size_t old;
	const struct json_node *dm = dec_require_string(d, &o, n, "domain", &domain, &old);
	if (!dm)
		return -1;
	if (strcmp(domain, "LINUX") == 0)
		l->personality = PER_LINUX;
	else if (strcmp(domain, "LINUX32") == 0)
		l->personality = PER_LINUX32;
	else {
		free(domain);
		return dec_fail(d, dm, "expected \"LINUX\" or \"LINUX32\", got \"%s\"", dm->text);
	}
	free(domain);
	dec_pop(d, old);
	const struct json_node *fl = dec_member(&o, "flags");
	if (fl) {
		old = dec_push_key(d, "flags");
		if (dec_array(d, fl) < 0)
			return -1;
		if (fl->count)
			return dec_fail(d, fl, "personality flags are not supported yet");
		dec_pop(d, old);
	}
	l->has_personality = true;
	dec_object_done(d, &o);
	return 0;
}

static const struct { const char *name; unsigned long flags; } propagations[] = {
	{ "private", MS_PRIVATE }, { "rprivate", MS_PRIVATE | MS_REC },
	{ "slave", MS_SLAVE }, { "rslave", MS_SLAVE | MS_REC },
	{ "shared", MS_SHARED }, { "rshared", MS_SHARED | MS_REC },
	{ "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

static int dec_linux(struct dec *d, struct spec *s, const struct json_node *n)
{
	struct spec_linux *l = &s->linux_;
	struct dec_obj o;
	const struct json_node *m;
	size_t old;
	if (dec_object(d, n, &o) < 0)
		return -1;
	l->present = true;
#define SUB(key, call) \
	if ((m = dec_member(&o, key))) { \
		old = dec_push_key(d, key); \
		if ((call) < 0) \
			return -1; \
		dec_pop(d, old); \
	}
	SUB("namespaces", dec_namespaces(d, l, m));
	SUB("uidMappings", (l->uid_mappings_pos = dec_pos(m),
			    dec_idmaps(d, m, &l->uid_mappings, &l->n_uid_mappings)));
	SUB("gidMappings", (l->gid_mappings_pos = dec_pos(m),
			    dec_idmaps(d, m, &l->gid_mappings, &l->n_gid_mappings)));
	SUB("timeOffsets", dec_time_offsets(d, l, m));
	SUB("devices", dec_devices(d, l, m));
	SUB("sysctl", dec_sysctl(d, l, m));
	SUB("personality", dec_personality(d, l, m));
	SUB("maskedPaths", (l->masked_given = true, dec_strv(d, m, &l->masked_paths)));
	SUB("readonlyPaths", (l->readonly_given = true, dec_strv(d, m, &l->readonly_paths)));
	if ((m = dec_member(&o, "rootfsPropagation"))) {
		old = dec_push_key(d, "rootfsPropagation");
		if (dec_string(d, m, &l->rootfs_propagation) < 0)
			return -1;
		size_t k;
		for (k = 0; k < ARRAY_SIZE(propagations); k++)
			if (strcmp(propagations[k].name, l->rootfs_propagation) == 0)
				break;
		if (k == ARRAY_SIZE(propagations))
			return dec_fail(d, m, "expected one of private, rprivate, slave, rslave, shared, "
					"rshared, unbindable, runbindable; got \"%s\"", m->text);
		l->rootfs_propagation_flags = propagations[k].flags;
		dec_pop(d, old);
	}
#undef SUB
	struct spec_strv *lists[] = { &l->masked_paths, &l->readonly_paths };
	static const char *const list_keys[] = { "maskedPaths", "readonlyPaths" };
	for (size_t k = 0; k < 2; k++) {
		const struct json_node *arr = json_object_member(n, list_keys[k]) ?
			json_object_member(n, list_keys[k])->value : NULL;
		for (size_t i = 0; i < lists[k]->n; i++) {
			old = dec_push_key(d, list_keys[k]);
			size_t old2 = dec_push_index(d, i);
			if (check_abs_path(d, arr->items[i], lists[k]->v[i],
					   k == 0 ? "a masked path" : "a read-only path") < 0)
				return -1;
			dec_pop(d, old2);
			dec_pop(d, old);
		}
	}
	if (dec_get_string(d, &o, "mountLabel", &l->mount_label) < 0)
		return -1;
	if ((m = dec_member(&o, "cgroupsPath"))) {
		old = dec_push_key(d, "cgroupsPath");
		if (dec_cgroups_path(d, l, m) < 0)
			return -1;
		dec_pop(d, old);
	}
	if ((m = dec_member(&o, "resources"))) {
		old = dec_push_key(d, "resources");
		if (dec_resources(d, &l->resources, m) < 0)
			return -1;
		dec_pop(d, old);
	}
	if (dec_linux_syscalls(d, l, &o) < 0) /* seccomp, syscallFilter, syscallErrno */
		return -1;
	dec_unsupported(d, s, &o, "intelRdt");
	dec_unsupported(d, s, &o, "memoryPolicy");
	dec_unsupported(d, s, &o, "netDevices");
	dec_object_done(d, &o);
	return 0;
}

/* "timeout": seconds, an int in the runtime-spec: 1 to INT32_MAX (about
 * 68 years).  The executor waits in a 64-bit type, so any of these works. */
static int dec_hook_timeout(struct dec *d, struct dec_obj *o, struct spec_hook *h)
{
	const struct json_node *t = dec_member(o, "timeout");
	h->has_timeout = t != NULL;
	if (!t)
		return 0;
	size_t old = dec_push_key(d, "timeout");
	int64_t v;
	if (dec_int(d, t, 1, INT32_MAX, &v) < 0)
		return -1;
	h->timeout = (int)v;
	dec_pop(d, old);
	return 0;
}

static int dec_hook_list(struct dec *d, struct spec *s, enum spec_hook_kind kind, const struct json_node *n)
{
	if (dec_array(d, n) < 0)
		return -1;
	s->hooks.v[kind] = xcalloc(n->count, sizeof(struct spec_hook));
	for (size_t i = 0; i < n->count; i++) {
		size_t old = dec_push_index(d, i);
		struct spec_hook *h = &s->hooks.v[kind][i];
		struct dec_obj o;
		if (dec_object(d, n->items[i], &o) < 0)
			return -1;
		s->hooks.n[kind] = i + 1;
		h->pos = dec_pos(n->items[i]);
		size_t old2;
		const struct json_node *p = dec_require_string(d, &o, n->items[i], "path", &h->path,
								       &old2);
		if (!p || check_abs_path(d, p, h->path, "a hook path") < 0)
			return -1;
		dec_pop(d, old2);
		if (dec_get_strv(d, &o, "args", &h->args) < 0 || dec_get_strv(d, &o, "env", &h->env) < 0 ||
		    dec_hook_timeout(d, &o, h) < 0)
			return -1;
		dec_object_done(d, &o);
		dec_pop(d, old);
	}
	return 0;
}

static int dec_hooks(struct dec *d, struct spec *s, const struct json_node *n)
{
	static const char *const names[] = { "prestart", "createRuntime", "createContainer",
					     "startContainer", "poststart", "poststop" };
	struct dec_obj o;
	if (dec_object(d, n, &o) < 0)
		return -1;
	for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
		const struct json_node *m = dec_member(&o, names[k]);
		if (!m)
			continue;
		size_t old = dec_push_key(d, names[k]);
		if (dec_hook_list(d, s, (enum spec_hook_kind)k, m) < 0)
			return -1;
		dec_pop(d, old);
	}
	dec_object_done(d, &o);
	return 0;
}

static int dec_annotations(struct dec *d, struct spec *s, const struct json_node *n)
{
	struct dec_obj o;
	if (dec_object(d, n, &o) < 0)
		return -1;
	s->annotations = xcalloc(n->count, sizeof(*s->annotations));
	for (size_t i = 0; i < n->count; i++) {
		struct json_member *m = &n->members[i];
		m->used = true;
		size_t old = dec_push_key(d, m->key);
		s->annotations[i].key = xstrdup(m->key);
		s->n_annotations = i + 1;
		if (dec_string(d, m->value, &s->annotations[i].value) < 0)
			return -1;
		dec_pop(d, old);
	}
	return 0;
}

static int dec_top(struct dec *d, struct spec *s, const struct json_node *root)
{
	struct dec_obj o;
	const struct json_node *m;
	size_t old;
	if (dec_object(d, root, &o) < 0)
		return -1;
	if (dec_get_string(d, &o, "ociVersion", &s->oci_version) < 0)
		return -1;
	s->oci_version_pos = dec_pos(dec_member(&o, "ociVersion"));
	if ((m = dec_member(&o, "root"))) {
		old = dec_push_key(d, "root");
		if (dec_root(d, s, m) < 0)
			return -1;
		dec_pop(d, old);
	}
	if ((m = dec_member(&o, "mounts"))) {
		old = dec_push_key(d, "mounts");
		if (dec_mounts(d, s, m) < 0)
			return -1;
		dec_pop(d, old);
	}
	if ((m = dec_member(&o, "process"))) {
		old = dec_push_key(d, "process");
		if (dec_process(d, s, m) < 0)
			return -1;
		dec_pop(d, old);
	}
	if ((m = dec_member(&o, "hostname"))) {
		s->hostname_pos = dec_pos(m);
		old = dec_push_key(d, "hostname");
		if (dec_string(d, m, &s->hostname) < 0)
			return -1;
		dec_pop(d, old);
	}
	if ((m = dec_member(&o, "domainname"))) {
		s->domainname_pos = dec_pos(m);
		old = dec_push_key(d, "domainname");
		if (dec_string(d, m, &s->domainname) < 0)
			return -1;
		dec_pop(d, old);
	}
	if ((m = dec_member(&o, "hooks"))) {
		old = dec_push_key(d, "hooks");
		if (dec_hooks(d, s, m) < 0)
			return -1;
		dec_pop(d, old);
	}
	if ((m = dec_member(&o, "annotations"))) {
		old = dec_push_key(d, "annotations");
		if (dec_annotations(d, s, m) < 0)
			return -1;
		dec_pop(d, old);
	}
	if ((m = dec_member(&o, "linux"))) {
		old = dec_push_key(d, "linux");
		if (dec_linux(d, s, m) < 0)
			return -1;
		dec_pop(d, old);
	}
	if (dec_get_bool(d, &o, "boot", &s->boot) < 0 ||
	    dec_get_string(d, &o, "machine", &s->machine_name) < 0 ||
	    dec_private_users(d, s, &o) < 0)
		return -1;
	if ((m = dec_member(&o, "network"))) {
		old = dec_push_key(d, "network");
		if (dec_network_member(d, s, m) < 0)
			return -1;
		dec_pop(d, old);
	}
	bool reg = true;
	if (dec_get_bool(d, &o, "register", &reg) < 0)
		return -1;
	s->no_register = !reg;
	if ((m = dec_member(&o, "add"))) {
		old = dec_push_key(d, "add");
		if (dec_add(d, s, m) < 0)
			return -1;
		dec_pop(d, old);
	}
	/* Members of other platforms: known to OCI, meaningless here. */
	static const char *const other_os[] = { "solaris", "windows", "vm", "zos" };
	for (size_t i = 0; i < ARRAY_SIZE(other_os); i++)
		if ((m = dec_member(&o, other_os[i])))
			dec_warn(d, m->line, m->col, "/%s: for another platform, ignored", other_os[i]);
	dec_object_done(d, &o);
	return 0;
}

static void spec_process_free(struct spec_process *p)
{
	spec_strv_free(&p->args);
	spec_strv_free(&p->env);
	free(p->cwd);
	free(p->user.additional_gids);
	free(p->user.username);
	free(p->rlimits);
	free(p->selinux_label);
	free(p->apparmor_profile);
	memset(p, 0, sizeof(*p));
}

void spec_free(struct spec *s)
{
	if (!s)
		return;
	free(s->file);
	free(s->dir);
	free(s->oci_version);
	free(s->root_path);
	for (size_t i = 0; i < s->n_mounts; i++) {
		free(s->mounts[i].destination);
		free(s->mounts[i].type);
		free(s->mounts[i].source);
		spec_strv_free(&s->mounts[i].options);
	}
	free(s->mounts);
	spec_process_free(&s->process);
	free(s->hostname);
	free(s->domainname);
	for (size_t k = 0; k < 6; k++) {
		for (size_t i = 0; i < s->hooks.n[k]; i++) {
			free(s->hooks.v[k][i].path);
			spec_strv_free(&s->hooks.v[k][i].args);
			spec_strv_free(&s->hooks.v[k][i].env);
		}
		free(s->hooks.v[k]);
	}
	for (size_t i = 0; i < s->n_annotations; i++) {
		free(s->annotations[i].key);
		free(s->annotations[i].value);
	}
	free(s->annotations);
	struct spec_linux *l = &s->linux_;
	for (size_t i = 0; i < l->n_namespaces; i++)
		free(l->namespaces[i].path);
	free(l->namespaces);
	free(l->uid_mappings);
	free(l->gid_mappings);
	for (size_t i = 0; i < l->n_devices; i++)
		free(l->devices[i].path);
	free(l->devices);
	free(l->cgroups_path);
	spec_resources_free(&l->resources);
	for (size_t i = 0; i < l->n_sysctl; i++) {
		free(l->sysctl[i].key);
		free(l->sysctl[i].value);
	}
	free(l->sysctl);
	free(l->rootfs_propagation);
	spec_strv_free(&l->masked_paths);
	spec_strv_free(&l->readonly_paths);
	free(l->mount_label);
	spec_linux_syscalls_free(l);
	free(s->machine_name);
	spec_network_free(s->network);
	spec_add_free(&s->add);
	for (size_t i = 0; i < s->n_unsupported; i++)
		free(s->unsupported[i].pointer);
	free(s->unsupported);
	for (size_t i = 0; i < s->n_origins; i++)
		free(s->origins[i]);
	free(s->origins);
	free(s);
}

int spec_load_tree(struct json_node *root, const char *name, FILE *warn, struct spec **out,
		   struct nsrun_error *err)
{
	return spec_load_tree_opts(root, name, warn, NULL, out, err);
}

int spec_load_tree_opts(struct json_node *root, const char *name, FILE *warn,
			const struct spec_load_opts *opts, struct spec **out, struct nsrun_error *err)
{
	_cleanup_spec_ struct spec *s = xcalloc(1, sizeof(*s));
	struct dec d = { .file = name, .err = err, .warn = warn, .n_warnings = &s->n_warnings,
			 .origins = opts ? opts->origins : NULL, .n_origins = opts ? opts->n_origins : 0 };
	s->file = xstrdup(name);
	if (d.n_origins) {
		s->origins = xcalloc(d.n_origins, sizeof(char *));
		for (; s->n_origins < d.n_origins; s->n_origins++)
			s->origins[s->n_origins] = xstrdup(d.origins[s->n_origins]);
	}
	/* root.path and bind sources are relative to the spec's directory; the
	 * plan shows them absolute. */
	const char *slash = strrchr(name, '/');
	_cleanup_free_ char *dir = slash ? xstrndup(name, (size_t)(slash - name) + (slash == name))
					 : xstrdup(".");
	char cwd[4096];
	if (dir[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		s->dir = TAKE_PTR(dir);
	else if (strcmp(dir, ".") == 0)
		s->dir = xstrdup(cwd);
	else
		s->dir = xasprintf("%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, dir);
	if (dec_top(&d, s, root) < 0)
		return -1;
	if (opts && opts->boot)
		s->boot = true; /* nsrun --boot */
	if (spec_private_users_from_opts(&d, s, opts) < 0)
		return -1;
	d.ptr_len = 0;
	d.ptr[0] = '\0';
	if (spec_check_given(&d, s) < 0 || spec_fill_defaults(&d, s) < 0 || spec_validate(&d, s) < 0)
		return -1;
	*out = TAKE_PTR(s);
	return 0;
}

int spec_load_file(const char *path, FILE *warn, struct spec **out, struct nsrun_error *err)
{
	_cleanup_json_ struct json_node *root = NULL;
	if (json_parse_file(path, &root, err) < 0)
		return -1;
	return spec_load_tree_opts(root, path, warn, NULL, out, err);
}

/* `nsrun exec --process FILE`: an OCI process object replaces s->process. */
int spec_load_process_file(const char *path, FILE *warn, struct spec *s, struct nsrun_error *err)
{
	_cleanup_json_ struct json_node *root = NULL;
	if (json_parse_file(path, &root, err) < 0)
		return -1;
	struct spec_process saved = s->process;
	struct dec d = { .file = path, .err = err, .warn = warn, .n_warnings = &s->n_warnings };
	memset(&s->process, 0, sizeof(s->process));
	if (dec_process(&d, s, root) < 0) {
		spec_process_free(&s->process);
		s->process = saved;
		return -1;
	}
	spec_process_free(&saved);
	if (!s->process.args.n)
		return dec_fail_at(&d, s->process.pos, "/args", "must hold at least the program to run");
	if (!s->process.cwd)
		s->process.cwd = xstrdup("/");
	return 0;
}
