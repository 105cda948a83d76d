/* The "add" member: what is added to a spec after its defaults are filled
 * in.  systemd-nspawn's options add to nspawn's defaults (--bind keeps
 * /proc, --setenv keeps PATH, --capability adds to the default set,
 * --system-call-filter edits the default filter); a short spec's members
 * replace their defaults as a whole.  So the command line (cmd/options.c)
 * writes those options here, and a spec file may too:
 *
 *   "add": { "mounts": [ ... ], "env": [ "K=V" ], "capabilities": [ "CAP_X" ],
 *            "dropCapabilities": [ "CAP_Y" ], "syscallFilter": [ "~mkdir" ] } */
#include <errno.h>
#include <string.h>

#include "decode.h"

static int dec_add_mounts(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_add *a = target;
	return dec_mount_list(d, n, &a->mounts, &a->n_mounts);
}

static const struct dec_field add_fields[] = {
	{ .key = "mounts", .kind = DEC_CALL, .fn = dec_add_mounts },
	{ .key = "env", .kind = DEC_CALL, DEC_AT(struct spec_add, env), dec_env },
	{ .key = "capabilities", .kind = DEC_CALL, DEC_AT(struct spec_add, caps), dec_cap_set },
	{ .key = "dropCapabilities", .kind = DEC_CALL, DEC_AT(struct spec_add, drop_caps), dec_cap_set },
	{ .key = "syscallFilter", .kind = DEC_CALL, DEC_AT(struct spec_add, syscall_filter), dec_syscall_filter },
};

int dec_add(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_add *a = &((struct spec *)target)->add;
	return dec_object_at(d, n, &a->present, &a->pos, a, add_fields, ARRAY_SIZE(add_fields));
}

static void env_set(struct spec_strv *env, const char *kv)
{
	size_t klen = (size_t)(strchr(kv, '=') - kv) + 1;
	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->v[i], kv, klen) == 0) {
			free(env->v[i]);
			env->v[i] = xstrdup(kv);
			return;
		}
	env->v = xrealloc(env->v, (env->n + 2) * sizeof(char *));
	env->v[env->n++] = xstrdup(kv);
	env->v[env->n] = NULL;
}

/* dst (*n_dst items of `size` bytes) with src's n_src items added at its end. */
static void *append_items(void *dst, size_t *n_dst, const void *src, size_t n_src, size_t size)
{
	if (!n_src)
		return dst;
	dst = xrealloc(dst, (*n_dst + n_src) * size);
	memcpy((char *)dst + *n_dst * size, src, n_src * size);
	*n_dst += n_src;
	return dst;
}

/* Called by spec_fill_defaults after the defaults, before the checks, so the
 * result is checked as if the spec had said it all. */
int spec_apply_add(struct dec *d, struct spec *s)
{
	struct spec_add *a = &s->add;
	if (!a->present)
		return 0;
	/* the items move: the mounts' strings are the spec's now */
	s->mounts = append_items(s->mounts, &s->n_mounts, a->mounts, a->n_mounts, sizeof(*a->mounts));
	free(TAKE_PTR(a->mounts));
	a->n_mounts = 0;
	for (size_t i = 0; i < a->env.n; i++)
		env_set(&s->process.env, a->env.v[i]);
	struct spec_caps *c = &s->process.caps;
	if (a->caps & a->drop_caps) {
		for (int cap = 0; cap <= SPEC_CAP_LAST; cap++)
			if (a->caps & a->drop_caps & (1ULL << cap))
				return dec_fail_at(d, a->pos, "/add/dropCapabilities", "%s is both added "
						   "and dropped", spec_cap_name(cap));
	}
	if (a->caps || a->drop_caps) {
		c->given = true;
		c->bounding |= a->caps;
		c->effective |= a->caps;
		c->permitted |= a->caps;
		c->bounding &= ~a->drop_caps;
		c->effective &= ~a->drop_caps;
		c->permitted &= ~a->drop_caps;
		c->inheritable &= ~a->drop_caps;
		c->ambient &= ~a->drop_caps;
	}
	struct spec_syscall_filter *f = &s->linux_.syscall_filter, *af = &a->syscall_filter;
	if (af->n) {
		if (!f->n) {
			f->errnum = f->errnum ? f->errnum : EPERM;
			f->pos = af->pos;
		}
		f->v = append_items(f->v, &f->n, af->v, af->n, sizeof(*af->v));
		free(TAKE_PTR(af->v));
		af->n = 0;
	}
	return 0;
}

void spec_add_free(struct spec_add *a)
{
	spec_mounts_free(a->mounts, a->n_mounts);
	spec_strv_free(&a->env);
	SPEC_ITEMS_FREE(a->syscall_filter.v, a->syscall_filter.n, name);
	memset(a, 0, sizeof(*a));
}
