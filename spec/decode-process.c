/* The "process" member (and `nsrun exec --process FILE`): arguments,
 * environment, user, capabilities, rlimits and the rest, each with the
 * position of a wrong value. */
#include <string.h>
#include <sys/resource.h>

#include "decode.h"

int dec_cap_set(struct dec *d, void *target, const struct json_node *n)
{
	uint64_t *mask = target;
	if (dec_array(d, n) < 0)
		return -1;
	for (size_t i = 0; i < n->count; i++) {
		size_t old = dec_push_index(d, i);
		const struct json_node *c = n->items[i];
		if (dec_want_string(d, c, "a capability name") < 0)
			return -1;
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

static int dec_capabilities(struct dec *d, void *target, const struct json_node *n)
{
	static const struct dec_field fields[] = {
		{ .key = "bounding", .kind = DEC_CALL, DEC_AT(struct spec_caps, bounding), dec_cap_set },
		{ .key = "effective", .kind = DEC_CALL, DEC_AT(struct spec_caps, effective), dec_cap_set },
		{ .key = "inheritable", .kind = DEC_CALL, DEC_AT(struct spec_caps, inheritable), dec_cap_set },
		{ .key = "permitted", .kind = DEC_CALL, DEC_AT(struct spec_caps, permitted), dec_cap_set },
		{ .key = "ambient", .kind = DEC_CALL, DEC_AT(struct spec_caps, ambient), dec_cap_set },
	};
	struct spec_caps *caps = target;
	return dec_object_at(d, n, &caps->given, NULL, caps, fields, ARRAY_SIZE(fields));
}

static int rlimit_type(struct dec *d, const struct json_node *t, int *resource)
{
	*resource = spec_rlimit_from_name(t->text);
	if (*resource >= 0)
		return 0;
	const char *names[RLIM_NLIMITS];
	size_t nn = 0;
	for (int k = 0; k < RLIM_NLIMITS; k++)
		if (spec_rlimit_name(k))
			names[nn++] = spec_rlimit_name(k);
	const char *sug = spec_suggest(t->text, names, nn);
	if (sug)
		return dec_fail(d, t, "unknown rlimit type \"%s\" (did you mean \"%s\"?)", t->text, sug);
	return dec_fail(d, t, "unknown rlimit type \"%s\", expected one like RLIMIT_NOFILE", t->text);
}

static int dec_rlimit(struct dec *d, void *arg, size_t i, const struct json_node *n)
{
	struct spec_process *p = arg;
	struct spec_rlimit *r = &p->rlimits[i];
	struct dec_obj o;
	bool has_soft, has_hard;
	const struct json_node *t = dec_typed_item(d, n, &o, &r->pos, rlimit_type, &r->resource);
	if (!t)
		return -1;
	r->name = spec_rlimit_name(r->resource);
	for (size_t k = 0; k < i; k++)
		if (p->rlimits[k].resource == r->resource)
			return dec_fail(d, t, "%s is set twice (first at %u:%u)", r->name,
					p->rlimits[k].pos.line, p->rlimits[k].pos.col);
	if (dec_get_uint(d, &o, "soft", UINT64_MAX, &r->soft, &has_soft) < 0 ||
	    dec_get_uint(d, &o, "hard", UINT64_MAX, &r->hard, &has_hard) < 0)
		return -1;
	if (!has_soft || !has_hard)
		return dec_fail(d, n, "both \"soft\" and \"hard\" are required");
	if (r->soft > r->hard)
		return dec_fail(d, n, "soft limit %llu is above the hard limit %llu",
				(unsigned long long)r->soft, (unsigned long long)r->hard);
	p->n_rlimits = i + 1;
	dec_object_done(d, &o);
	return 0;
}

static int dec_gid(struct dec *d, void *arg, size_t i, const struct json_node *n)
{
	struct spec_user *u = arg;
	uint64_t v;
	if (dec_uint(d, n, SPEC_ID_MAX, &v) < 0)
		return -1;
	u->additional_gids[i] = (uint32_t)v;
	u->n_additional_gids = i + 1;
	return 0;
}

static int dec_umask(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_user *u = target;
	uint64_t v;
	if (dec_uint(d, n, 07777, &v) < 0)
		return -1;
	u->has_umask = true;
	u->umask = (uint32_t)v;
	return 0;
}

static int dec_username(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_user *u = target;
	if (dec_string(d, n, &u->username) < 0)
		return -1;
	return dec_fail(d, n, "is for Windows containers; on Linux give a numeric uid");
}

static int dec_user(struct dec *d, void *target, const struct json_node *n)
{
	static const struct dec_field fields[] = {
		{ .key = "uid", .kind = DEC_U32, DEC_AT(struct spec_user, uid), .max = SPEC_ID_MAX },
		{ .key = "gid", .kind = DEC_U32, DEC_AT(struct spec_user, gid), .max = SPEC_ID_MAX },
		{ .key = "umask", .kind = DEC_CALL, .fn = dec_umask },
		{ .key = "additionalGids", DEC_ARRAY_OF(struct spec_user, additional_gids, dec_gid), .max = 65536,
		  .too_many = "more than %d groups" },
		{ .key = "username", .kind = DEC_CALL, .fn = dec_username },
	};
	return DEC_OBJECT(d, n, target, fields);
}

static int dec_check_env(struct dec *d, const struct json_node *n)
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

int dec_env(struct dec *d, void *target, const struct json_node *n)
{
	return dec_strv(d, n, target) < 0 || dec_check_env(d, n) < 0 ? -1 : 0;
}

static int dec_console_size(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_process *p = target;
	struct dec_obj o;
	uint64_t v;
	if (dec_object(d, n, &o) < 0)
		return -1;
	p->has_console_size = true;
	if (dec_require_uint(d, &o, "height", 65535, &v) < 0)
		return -1;
	p->console_height = (unsigned)v;
	if (dec_require_uint(d, &o, "width", 65535, &v) < 0)
		return -1;
	p->console_width = (unsigned)v;
	dec_object_done(d, &o);
	return 0;
}

static int dec_cwd(struct dec *d, void *target, const struct json_node *n)
{
	char **cwd = target;
	if (dec_string(d, n, cwd) < 0)
		return -1;
	return dec_check_abs_path(d, n, *cwd, "the working directory");
}

static int dec_oom_score_adj(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_process *p = target;
	int64_t v;
	if (dec_int(d, n, -1000, 1000, &v) < 0)
		return -1;
	p->has_oom_score_adj = true;
	p->oom_score_adj = (int)v;
	return 0;
}

static const struct dec_field process_fields[] = {
	{ .key = "terminal", .kind = DEC_BOOL, DEC_AT(struct spec_process, terminal) },
	{ .key = "consoleSize", .kind = DEC_CALL, .fn = dec_console_size },
	{ .key = "args", .kind = DEC_STRV, DEC_AT(struct spec_process, args), DEC_POS(struct spec_process, args_pos) },
	{ .key = "env", .kind = DEC_CALL, DEC_AT(struct spec_process, env), dec_env },
	{ .key = "cwd", .kind = DEC_CALL, DEC_AT(struct spec_process, cwd), dec_cwd },
	{ .key = "user", .kind = DEC_CALL, DEC_AT(struct spec_process, user), dec_user },
	{ .key = "capabilities", .kind = DEC_CALL, DEC_AT(struct spec_process, caps), dec_capabilities },
	{ .key = "rlimits", DEC_ARRAY_OF(struct spec_process, rlimits, dec_rlimit) },
	{ .key = "noNewPrivileges", .kind = DEC_BOOL, DEC_AT(struct spec_process, no_new_privileges) },
	{ .key = "oomScoreAdj", .kind = DEC_CALL, .fn = dec_oom_score_adj },
	{ .key = "selinuxLabel", .kind = DEC_STRING, DEC_AT(struct spec_process, selinux_label) },
	{ .key = "apparmorProfile", .kind = DEC_STRING, DEC_AT(struct spec_process, apparmor_profile) },
	{ .key = "ioPriority", .kind = DEC_UNSUPPORTED },
	{ .key = "scheduler", .kind = DEC_UNSUPPORTED },
	{ .key = "execCPUAffinity", .kind = DEC_UNSUPPORTED },
	{ .key = "commandLine", .kind = DEC_UNSUPPORTED },
};

int dec_process(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_process *p = target;
	return dec_object_at(d, n, &p->present, &p->pos, p, process_fields, ARRAY_SIZE(process_fields));
}

void spec_process_free(struct spec_process *p)
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

/* `nsrun exec --process FILE`: an OCI process object replaces s->process. */
int spec_load_process_file(const char *path, FILE *warn, struct spec *s, struct nsrun_error *err)
{
	_cleanup_json_ struct json_node *root = NULL;
	if (json_parse_file(path, &root, err) < 0)
		return -1;
	struct spec_process saved = s->process;
	struct dec d = { .file = path, .err = err, .warn = warn, .n_warnings = &s->n_warnings, .spec = s };
	memset(&s->process, 0, sizeof(s->process));
	if (dec_process(&d, &s->process, root) < 0) {
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
