/* The "linux" member: namespaces, id mappings, devices, sysctls, time
 * offsets, personality, paths and propagation; its resources, cgroupsPath
 * and syscall members have files of their own (decode-resources.c,
 * decode-seccomp.c). */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <time.h>

#include "decode.h"

static int namespace_type(struct dec *d, const struct json_node *t, int *type)
{
	*type = spec_namespace_from_name(t->text);
	if (*type < 0)
		return dec_fail(d, t, "unknown namespace type \"%s\", expected one of mount, pid, "
				"uts, ipc, network, cgroup, user, time", t->text);
	return 0;
}

static int dec_namespace(struct dec *d, void *arg, size_t i, const struct json_node *n)
{
	struct spec_linux *l = arg;
	struct spec_namespace *ns = &l->namespaces[i];
	struct dec_obj o;
	const struct json_node *t = dec_typed_item(d, n, &o, &ns->pos, namespace_type, &ns->type);
	if (!t)
		return -1;
	ns->name = spec_namespace_name(ns->type);
	size_t old;
	for (size_t k = 0; k < i; k++)
		if (l->namespaces[k].type == ns->type)
			return dec_fail(d, t, "namespace \"%s\" is listed twice (first at %u:%u)",
					ns->name, l->namespaces[k].pos.line, l->namespaces[k].pos.col);
	l->n_namespaces = i + 1;
	const struct json_node *p = dec_member(&o, "path");
	if (p) {
		old = dec_push_key(d, "path");
		if (dec_string(d, p, &ns->path) < 0 ||
		    dec_check_abs_path(d, p, ns->path, "a namespace path") < 0)
			return -1;
		dec_pop(d, old);
	}
	dec_object_done(d, &o);
	return 0;
}

struct idmaps { struct spec_idmap *v; size_t *n; };

static int dec_idmap(struct dec *d, void *arg, size_t i, const struct json_node *n)
{
	struct idmaps *maps = arg;
	struct spec_idmap *m = &maps->v[i];
	struct dec_obj o;
	uint64_t c, h, sz;
	bool fc, fh, fs;
	if (dec_object(d, n, &o) < 0 ||
	    dec_get_uint(d, &o, "containerID", UINT32_MAX, &c, &fc) < 0 ||
	    dec_get_uint(d, &o, "hostID", UINT32_MAX, &h, &fh) < 0 ||
	    dec_get_uint(d, &o, "size", UINT32_MAX, &sz, &fs) < 0)
		return -1;
	if (!fc || !fh || !fs)
		return dec_fail(d, n, "\"containerID\", \"hostID\" and \"size\" are required");
	if (sz == 0)
		return dec_fail(d, n, "\"size\" must be at least 1");
	/* ids are 0..4294967294: (uid_t)-1 means "no id" */
	if (c + sz - 1 > UINT32_MAX - 1 || h + sz - 1 > UINT32_MAX - 1) {
		bool cont = c + sz - 1 > UINT32_MAX - 1;
		return dec_fail(d, n, "the %s range %llu..%llu goes past the largest id 4294967294",
				cont ? "container" : "host", (unsigned long long)(cont ? c : h),
				(unsigned long long)((cont ? c : h) + sz - 1));
	}
	*m = (struct spec_idmap){ (uint32_t)c, (uint32_t)h, (uint32_t)sz, dec_pos(n) };
	for (size_t k = 0; k < i; k++) {
		const struct spec_idmap *q = &maps->v[k];
		bool cont = m->container_id < q->container_id + (uint64_t)q->size &&
			    q->container_id < m->container_id + (uint64_t)m->size;
		bool host = m->host_id < q->host_id + (uint64_t)q->size &&
			    q->host_id < m->host_id + (uint64_t)m->size;
		if (cont || host)
			return dec_fail(d, n, "the %s range overlaps mapping %zu (at %u:%u)",
					cont ? "container" : "host", k, q->pos.line, q->pos.col);
	}
	*maps->n = i + 1;
	dec_object_done(d, &o);
	return 0;
}

static int dec_idmaps(struct dec *d, const struct json_node *n, struct spec_idmap **out, size_t *count)
{
	if (dec_array(d, n) < 0)
		return -1;
	if (n->count > 340)
		return dec_fail(d, n, "at most 340 mappings are allowed by the kernel, got %zu", n->count);
	*out = xcalloc(n->count, sizeof(**out));
	return dec_items(d, n, dec_idmap, &(struct idmaps){ *out, count });
}

static int dec_uid_mappings(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_linux *l = target;
	return dec_idmaps(d, n, &l->uid_mappings, &l->n_uid_mappings);
}

static int dec_gid_mappings(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_linux *l = target;
	return dec_idmaps(d, n, &l->gid_mappings, &l->n_gid_mappings);
}

static int dec_device_type(struct dec *d, void *target, const struct json_node *t)
{
	struct spec_device *dv = target;
	_cleanup_free_ char *type = NULL;
	if (dec_string(d, t, &type) < 0)
		return -1;
	dv->type = type[0];
	if (strlen(type) != 1 || !strchr("cbup", type[0]))
		return dec_fail(d, t, "expected \"c\", \"b\", \"u\" or \"p\", got \"%s\"", t->text);
	return 0;
}

static int dec_device_numbers(struct dec *d, struct dec_obj *o, struct spec_device *dv)
{
	uint64_t v;
	bool found;
	if (dec_get_uint(d, o, "major", 0xfff, &v, &found) < 0)
		return -1;
	dv->major = found ? (int64_t)v : -1;
	if (dec_get_uint(d, o, "minor", 0xfffff, &v, &found) < 0)
		return -1;
	dv->minor = found ? (int64_t)v : -1;
	if (dv->type != 'p' && (dv->major < 0 || dv->minor < 0))
		return dec_fail(d, o->node, "\"major\" and \"minor\" are required for type %c", dv->type);
	if (dec_get_uint(d, o, "fileMode", 07777, &v, &dv->has_mode) < 0)
		return -1;
	dv->mode = (uint32_t)v;
	if (dec_get_uint(d, o, "uid", SPEC_ID_MAX, &v, &dv->has_uid) < 0)
		return -1;
	dv->uid = (uint32_t)v;
	if (dec_get_uint(d, o, "gid", SPEC_ID_MAX, &v, &dv->has_gid) < 0)
		return -1;
	dv->gid = (uint32_t)v;
	return 0;
}

static int dec_device(struct dec *d, void *arg, size_t i, const struct json_node *n)
{
	struct spec_linux *l = arg;
	struct spec_device *dv = &l->devices[i];
	struct dec_obj o;
	if (dec_item_object(d, n, &o, &l->n_devices, i, &dv->pos) < 0)
		return -1;
	const struct json_node *p = dec_member(&o, "path"), *t = dec_member(&o, "type");
	if (!p || !t)
		return dec_fail(d, n, "\"path\" and \"type\" are required");
	size_t old = dec_push_key(d, "path");
	if (dec_string(d, p, &dv->path) < 0 || dec_check_abs_path(d, p, dv->path, "a device path") < 0)
		return -1;
	if (strncmp(dv->path, "/dev/", 5) != 0)
		return dec_fail(d, p, "device nodes go under /dev, got \"%s\"", dv->path);
	dec_pop(d, old);
	old = dec_push_key(d, "type");
	if (dec_device_type(d, dv, t) < 0)
		return -1;
	dec_pop(d, old);
	if (dec_device_numbers(d, &o, dv) < 0)
		return -1;
	for (size_t k = 0; k < i; k++)
		if (strcmp(l->devices[k].path, dv->path) == 0)
			return dec_fail(d, p, "device \"%s\" is listed twice", dv->path);
	dec_object_done(d, &o);
	return 0;
}

static int dec_secs(struct dec *d, void *target, const struct json_node *n)
{
	return dec_int(d, n, INT64_MIN / 2, INT64_MAX / 2, target);
}

static const struct dec_field time_offset_fields[] = {
	{ .key = "secs", .kind = DEC_CALL, DEC_AT(struct spec_time_offset, secs), dec_secs },
	{ .key = "nanosecs", .kind = DEC_U32, DEC_AT(struct spec_time_offset, nanosecs), .max = 999999999 },
};

static int dec_clock(struct dec *d, struct spec_linux *l, int clock, const struct json_node *c)
{
	struct spec_time_offset *t = &l->time_offsets[l->n_time_offsets++];
	t->clock = clock;
	return DEC_OBJECT(d, c, t, time_offset_fields);
}

static int dec_monotonic(struct dec *d, void *target, const struct json_node *c)
{
	return dec_clock(d, target, CLOCK_MONOTONIC, c);
}

static int dec_boottime(struct dec *d, void *target, const struct json_node *c)
{
	return dec_clock(d, target, CLOCK_BOOTTIME, c);
}

static int dec_time_offsets(struct dec *d, void *target, const struct json_node *n)
{
	static const struct dec_field fields[] = {
		{ .key = "monotonic", .kind = DEC_CALL, .fn = dec_monotonic },
		{ .key = "boottime", .kind = DEC_CALL, .fn = dec_boottime },
	};
	return DEC_OBJECT(d, n, target, fields);
}

static int dec_personality_flags(struct dec *d, void *target, const struct json_node *fl)
{
	(void)target;
	if (dec_array(d, fl) < 0)
		return -1;
	if (fl->count)
		return dec_fail(d, fl, "personality flags are not supported yet");
	return 0;
}

static int dec_personality(struct dec *d, void *target, const struct json_node *n)
{
	static const struct dec_field fields[] = { { .key = "flags", .kind = DEC_CALL, .fn = dec_personality_flags } };
	struct spec_linux *l = target;
	struct dec_obj o;
	_cleanup_free_ char *domain = NULL;
	if (dec_object(d, n, &o) < 0)
		return -1;
	l->personality_pos = dec_pos(n);
	size_t old;
	const struct json_node *dm = dec_require_string(d, &o, "domain", &domain, &old);
	if (!dm)
		return -1;
	if (strcmp(domain, "LINUX") == 0)
		l->personality = PER_LINUX;
	else if (strcmp(domain, "LINUX32") == 0)
		l->personality = PER_LINUX32;
	else
		return dec_fail(d, dm, "expected \"LINUX\" or \"LINUX32\", got \"%s\"", dm->text);
	dec_pop(d, old);
	if (DEC_FIELDS(d, &o, l, fields) < 0)
		return -1;
	l->has_personality = true;
	dec_object_done(d, &o);
	return 0;
}

static int dec_paths(struct dec *d, const struct json_node *n, struct spec_strv *v, const char *what)
{
	if (dec_strv(d, n, v) < 0)
		return -1;
	for (size_t i = 0; i < v->n; i++) {
		size_t old = dec_push_index(d, i);
		if (dec_check_abs_path(d, n->items[i], v->v[i], what) < 0)
			return -1;
		dec_pop(d, old);
	}
	return 0;
}

static int dec_masked_paths(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_linux *l = target;
	l->masked_given = true;
	return dec_paths(d, n, &l->masked_paths, "a masked path");
}

static int dec_readonly_paths(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_linux *l = target;
	l->readonly_given = true;
	return dec_paths(d, n, &l->readonly_paths, "a read-only path");
}

static const struct { const char *name; unsigned long flags; } propagations[] = {
	{ "private", MS_PRIVATE }, { "rprivate", MS_PRIVATE | MS_REC },
	{ "slave", MS_SLAVE }, { "rslave", MS_SLAVE | MS_REC },
	{ "shared", MS_SHARED }, { "rshared", MS_SHARED | MS_REC },
	{ "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

static int dec_rootfs_propagation(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_linux *l = target;
	if (dec_string(d, n, &l->rootfs_propagation) < 0)
		return -1;
	for (size_t k = 0; k < ARRAY_SIZE(propagations); k++)
		if (strcmp(propagations[k].name, l->rootfs_propagation) == 0) {
			l->rootfs_propagation_flags = propagations[k].flags;
			return 0;
		}
	return dec_fail(d, n, "expected one of private, rprivate, slave, rslave, shared, "
			"rshared, unbindable, runbindable; got \"%s\"", n->text);
}

static const struct dec_field linux_fields[] = {
	{ .key = "namespaces", DEC_ARRAY_OF(struct spec_linux, namespaces, dec_namespace),
	  DEC_GIVEN(struct spec_linux, namespaces_given) },
	{ .key = "uidMappings", .kind = DEC_CALL, .fn = dec_uid_mappings, DEC_POS(struct spec_linux, uid_mappings_pos) },
	{ .key = "gidMappings", .kind = DEC_CALL, .fn = dec_gid_mappings, DEC_POS(struct spec_linux, gid_mappings_pos) },
	{ .key = "timeOffsets", .kind = DEC_CALL, .fn = dec_time_offsets,
	  DEC_POS(struct spec_linux, time_offsets_pos) },
	/* the duplicate check is quadratic: a 4 MiB file holds ~100k entries */
	{ .key = "devices", DEC_ARRAY_OF(struct spec_linux, devices, dec_device), .max = SPEC_DEVICES_MAX,
	  .too_many = "more than %d devices" },
	{ .key = "sysctl", .kind = DEC_KV, DEC_AT(struct spec_linux, sysctl),
	  .count_offset = offsetof(struct spec_linux, n_sysctl) },
	{ .key = "personality", .kind = DEC_CALL, .fn = dec_personality },
	{ .key = "maskedPaths", .kind = DEC_CALL, .fn = dec_masked_paths },
	{ .key = "readonlyPaths", .kind = DEC_CALL, .fn = dec_readonly_paths },
	{ .key = "rootfsPropagation", .kind = DEC_CALL, .fn = dec_rootfs_propagation },
	{ .key = "mountLabel", .kind = DEC_STRING, DEC_AT(struct spec_linux, mount_label) },
	{ .key = "cgroupsPath", .kind = DEC_CALL, .fn = dec_cgroups_path },
	{ .key = "resources", .kind = DEC_CALL, DEC_AT(struct spec_linux, resources), dec_resources },
	{ .key = "syscallFilter", .kind = DEC_CALL, .fn = dec_linux_syscall_filter },
	{ .key = "syscallErrno", .kind = DEC_CALL, .fn = dec_linux_syscall_errno },
	{ .key = "seccomp", .kind = DEC_CALL, DEC_AT(struct spec_linux, seccomp), dec_seccomp },
	{ .key = "intelRdt", .kind = DEC_UNSUPPORTED },
	{ .key = "memoryPolicy", .kind = DEC_UNSUPPORTED },
	{ .key = "netDevices", .kind = DEC_UNSUPPORTED },
};

int dec_linux(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_linux *l = target;
	l->syscall_filter.errnum = EPERM;
	return dec_object_at(d, n, &l->present, NULL, l, linux_fields, ARRAY_SIZE(linux_fields));
}

void spec_linux_free(struct spec_linux *l)
{
	SPEC_ITEMS_FREE(l->namespaces, l->n_namespaces, path);
	free(l->uid_mappings);
	free(l->gid_mappings);
	SPEC_ITEMS_FREE(l->devices, l->n_devices, path);
	free(l->cgroups_path);
	spec_resources_free(&l->resources);
	spec_kv_free(l->sysctl, l->n_sysctl);
	free(l->rootfs_propagation);
	spec_strv_free(&l->masked_paths);
	spec_strv_free(&l->readonly_paths);
	free(l->mount_label);
	spec_linux_syscalls_free(l);
}
