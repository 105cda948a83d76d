/* Decoding the spec tree into struct spec: each object's members from a
 * table (decode.h), each value checked for its type and its own rules
 * with the exact position.  The top level, root, mounts and hooks are
 * here; process, linux, resources, seccomp, network, privateUsers and add
 * have files of their own.  Rules that relate several members live in
 * validate.c, the defaults in defaults.c. */
#include <string.h>

#include "decode.h"
#include "network.h"

static int dec_root(struct dec *d, void *target, const struct json_node *n)
{
	struct spec *s = target;
	struct dec_obj o;
	if (dec_object(d, n, &o) < 0)
		return -1;
	s->root_pos = dec_pos(n);
	size_t old;
	const struct json_node *p = dec_require_string(d, &o, "path", &s->root_path, &old);
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

static const struct dec_field mount_fields[] = {
	{ .key = "type", .kind = DEC_STRING, DEC_AT(struct spec_mount, type) },
	{ .key = "source", .kind = DEC_STRING, DEC_AT(struct spec_mount, source) },
	{ .key = "options", .kind = DEC_STRV, DEC_AT(struct spec_mount, options) },
	{ .key = "uidMappings", .kind = DEC_UNSUPPORTED },
	{ .key = "gidMappings", .kind = DEC_UNSUPPORTED },
};

/* A mount or a hook: an object with a required absolute path (`key`),
 * then the members of its table. */
static int dec_path_object(struct dec *d, const struct json_node *n, struct spec_pos *pos, const char *key,
			   char **path, const char *what, void *obj, const struct dec_field *f, size_t nf)
{
	struct dec_obj o;
	if (dec_object(d, n, &o) < 0)
		return -1;
	*pos = dec_pos(n);
	size_t old;
	const struct json_node *p = dec_require_string(d, &o, key, path, &old);
	if (!p || dec_check_abs_path(d, p, *path, what) < 0)
		return -1;
	dec_pop(d, old);
	if (dec_fields(d, &o, obj, f, nf) < 0)
		return -1;
	dec_object_done(d, &o);
	return 0;
}

static int dec_mount(struct dec *d, struct spec_mount *m, const struct json_node *n)
{
	return dec_path_object(d, n, &m->pos, "destination", &m->destination, "a mount destination",
			       m, mount_fields, ARRAY_SIZE(mount_fields));
}

struct mount_list { struct spec_mount *v; size_t *n; };

static int dec_mount_item(struct dec *d, void *arg, size_t i, const struct json_node *n)
{
	struct mount_list *l = arg;
	*l->n = i + 1;
	return dec_mount(d, &l->v[i], n);
}

int dec_mount_list(struct dec *d, const struct json_node *n, struct spec_mount **out, size_t *count)
{
	if (dec_array(d, n) < 0)
		return -1;
	*out = xcalloc(n->count, sizeof(**out));
	return dec_items(d, n, dec_mount_item, &(struct mount_list){ *out, count });
}

static int dec_mounts(struct dec *d, void *target, const struct json_node *n)
{
	struct spec *s = target;
	if (n->type == JSON_ARRAY)
		s->mounts_given = true;
	return dec_mount_list(d, n, &s->mounts, &s->n_mounts);
}

/* "timeout": seconds, an int in the runtime-spec: 1 to INT32_MAX (about
 * 68 years).  The executor waits in a 64-bit type, so any of these works. */
static int dec_hook_timeout(struct dec *d, void *target, const struct json_node *t)
{
	struct spec_hook *h = target;
	int64_t v;
	h->has_timeout = true;
	if (dec_int(d, t, 1, INT32_MAX, &v) < 0)
		return -1;
	h->timeout = (int)v;
	return 0;
}

static const struct dec_field hook_fields[] = {
	{ .key = "args", .kind = DEC_STRV, DEC_AT(struct spec_hook, args) },
	{ .key = "env", .kind = DEC_STRV, DEC_AT(struct spec_hook, env) },
	{ .key = "timeout", .kind = DEC_CALL, .fn = dec_hook_timeout },
};

struct hook_list { struct spec_hook *v; size_t *n; };

static int dec_hook(struct dec *d, void *arg, size_t i, const struct json_node *n)
{
	struct hook_list *l = arg;
	struct spec_hook *h = &l->v[i];
	*l->n = i + 1;
	return dec_path_object(d, n, &h->pos, "path", &h->path, "a hook path", h, hook_fields,
			       ARRAY_SIZE(hook_fields));
}

static int dec_hooks(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_hooks *hooks = target;
	struct dec_obj o;
	if (dec_object(d, n, &o) < 0)
		return -1;
	for (size_t k = 0; k < ARRAY_SIZE(hooks->v); k++) {
		const char *name = spec_hook_name((enum spec_hook_kind)k);
		const struct json_node *m = dec_member(&o, name);
		if (!m)
			continue;
		size_t old = dec_push_key(d, name);
		if (dec_array(d, m) < 0)
			return -1;
		hooks->v[k] = xcalloc(m->count, sizeof(struct spec_hook));
		if (dec_items(d, m, dec_hook, &(struct hook_list){ hooks->v[k], &hooks->n[k] }) < 0)
			return -1;
		dec_pop(d, old);
	}
	dec_object_done(d, &o);
	return 0;
}

static int dec_register(struct dec *d, void *target, const struct json_node *n)
{
	struct spec *s = target;
	bool reg = true;
	if (dec_bool(d, n, &reg) < 0)
		return -1;
	s->no_register = !reg;
	return 0;
}

static const struct dec_field top_fields[] = {
	{ .key = "ociVersion", .kind = DEC_STRING, DEC_AT(struct spec, oci_version), DEC_POS(struct spec, oci_version_pos) },
	{ .key = "root", .kind = DEC_CALL, .fn = dec_root },
	{ .key = "mounts", .kind = DEC_CALL, .fn = dec_mounts },
	{ .key = "process", .kind = DEC_CALL, DEC_AT(struct spec, process), dec_process },
	{ .key = "hostname", .kind = DEC_STRING, DEC_AT(struct spec, hostname), DEC_POS(struct spec, hostname_pos) },
	{ .key = "domainname", .kind = DEC_STRING, DEC_AT(struct spec, domainname), DEC_POS(struct spec, domainname_pos) },
	{ .key = "hooks", .kind = DEC_CALL, DEC_AT(struct spec, hooks), dec_hooks },
	{ .key = "annotations", .kind = DEC_KV, DEC_AT(struct spec, annotations),
	  .count_offset = offsetof(struct spec, n_annotations) },
	{ .key = "linux", .kind = DEC_CALL, DEC_AT(struct spec, linux_), dec_linux },
	{ .key = "boot", .kind = DEC_BOOL, DEC_AT(struct spec, boot) },
	{ .key = "machine", .kind = DEC_STRING, DEC_AT(struct spec, machine_name) },
	{ .key = "privateUsers", .kind = DEC_CALL, .fn = dec_private_users },
	{ .key = "network", .kind = DEC_CALL, .fn = dec_network_member },
	{ .key = "register", .kind = DEC_CALL, .fn = dec_register },
	{ .key = "add", .kind = DEC_CALL, .fn = dec_add },
	/* members of other platforms: known to OCI, meaningless here */
	{ .key = "solaris", .kind = DEC_FOREIGN }, { .key = "windows", .kind = DEC_FOREIGN }, { .key = "vm", .kind = DEC_FOREIGN }, { .key = "zos", .kind = DEC_FOREIGN },
};

void spec_mounts_free(struct spec_mount *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].destination);
		free(v[i].type);
		free(v[i].source);
		spec_strv_free(&v[i].options);
	}
	free(v);
}

void spec_free(struct spec *s)
{
	if (!s)
		return;
	free(s->file);
	free(s->dir);
	free(s->oci_version);
	free(s->root_path);
	spec_mounts_free(s->mounts, s->n_mounts);
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
	spec_kv_free(s->annotations, s->n_annotations);
	spec_linux_free(&s->linux_);
	free(s->machine_name);
	if (s->network)
		spec_network_free(s->network);
	spec_add_free(&s->add);
	SPEC_ITEMS_FREE(s->unsupported, s->n_unsupported, pointer);
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
	struct dec d = { .file = name, .err = err, .warn = warn, .n_warnings = &s->n_warnings, .spec = s };
	s->file = xstrdup(name);
	if (opts && opts->n_origins) {
		s->origins = xcalloc(opts->n_origins, sizeof(char *));
		for (; s->n_origins < opts->n_origins; s->n_origins++)
			s->origins[s->n_origins] = xstrdup(opts->origins[s->n_origins]);
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
	if (DEC_OBJECT(&d, root, s, top_fields) < 0)
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

