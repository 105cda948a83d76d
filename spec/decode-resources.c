/* linux.resources and linux.cgroupsPath: types, ranges and the syntax of
 * every value, with the position of the offending one.  What the host can
 * apply (which controllers exist, v1 or v2) is the executor's to check; the
 * rules here hold everywhere: negative numbers only where OCI gives -1 a
 * meaning, no fractions, access strings of "rwm", device types a/c/b,
 * cpuset lists, page sizes, and unified keys that name one file. */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "decode.h"

#define DEV_MAJOR_MAX 4095        /* the kernel's 12-bit major */
#define DEV_MINOR_MAX 1048575     /* and 20-bit minor */

/* Fail at a member of the current object, with its pointer. */
static int fail_member(struct dec *d, const char *key, struct spec_pos pos, const char *msg)
{
	size_t old = dec_push_key(d, key);
	dec_fail_at(d, pos, d->ptr, "%s", msg);
	dec_pop(d, old);
	return -1;
}

/* -1 (unlimited) or a byte count of at least `min`. */
static int dec_bytes(struct dec *d, const struct json_node *n, int64_t min, struct spec_i64 *out)
{
	int64_t v;
	if (n->type == JSON_NUMBER && dec_int(d, n, INT64_MIN, INT64_MAX, &v) == 0 && v != -1 && v < min) {
		if (v == 0)
			return dec_fail(d, n, "0 bytes leaves the container nothing; -1 means unlimited");
		return dec_fail(d, n, "expected -1 (unlimited) or a number of bytes, got %s", n->text);
	}
	if (dec_int(d, n, -1, INT64_MAX, &out->v) < 0)
		return dec_fail(d, n, "expected -1 (unlimited) or a number of bytes, got %s",
				n->type == JSON_NUMBER ? n->text : json_type_name(n->type));
	out->set = true;
	out->pos = dec_pos(n);
	return 0;
}

static int dec_bytes1(struct dec *d, void *target, const struct json_node *n)
{
	return dec_bytes(d, n, 1, target);
}

static int dec_bytes0(struct dec *d, void *target, const struct json_node *n)
{
	return dec_bytes(d, n, 0, target);
}

#define MEM(k_, kind_, member, ...) { .key = k_, .kind = kind_, DEC_AT(struct spec_resources, memory.member), __VA_ARGS__ }
static const struct dec_field memory_fields[] = {
	MEM("limit", DEC_CALL, limit, dec_bytes1),
	MEM("reservation", DEC_CALL, reservation, dec_bytes0),
	MEM("swap", DEC_CALL, swap, dec_bytes1),
	MEM("kernel", DEC_CALL, kernel, dec_bytes1),
	MEM("kernelTCP", DEC_CALL, kernel_tcp, dec_bytes1),
	MEM("swappiness", DEC_SET_U64, swappiness, .max = 100),
	MEM("disableOOMKiller", DEC_SET_BOOL, disable_oom_killer),
	MEM("useHierarchy", DEC_SET_BOOL, use_hierarchy),
	MEM("checkBeforeUpdate", DEC_SET_BOOL, check_before_update),
};
#undef MEM

/* memory, cpu, blockIO: the object, marked present, and its table's
 * members (o stays open for the checks across them). */
static int dec_part(struct dec *d, const struct json_node *n, struct dec_obj *o, bool *present,
		    struct spec_resources *r, const struct dec_field *f, size_t nf)
{
	if (dec_object(d, n, o) < 0)
		return -1;
	*present = true;
	return dec_fields(d, o, r, f, nf);
}

static int dec_memory(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_resources *r = target;
	struct dec_obj o;
	if (dec_part(d, n, &o, &r->memory.present, r, memory_fields, ARRAY_SIZE(memory_fields)) < 0)
		return -1;
	const struct spec_i64 *lim = &r->memory.limit, *swap = &r->memory.swap;
	/* OCI's swap is memory+swap (cgroup v1's memsw): it bounds the limit. */
	if (swap->set && swap->v > 0) {
		if (!lim->set || lim->v < 0)
			return fail_member(d, "swap", swap->pos, "a memory+swap limit needs a memory "
					   "limit (/linux/resources/memory/limit) to be counted against");
		if (swap->v < lim->v) {
			char msg[160];
			snprintf(msg, sizeof(msg), "memory+swap (%lld) must be at least the memory limit (%lld)",
				 (long long)swap->v, (long long)lim->v);
			return fail_member(d, "swap", swap->pos, msg);
		}
	}
	dec_object_done(d, &o);
	return 0;
}

/* A cpuset list: "0-3,5,7-8"; ranges ascending. */
static const char *check_cpu_list(const char *s)
{
	const char *p = s;
	while (*p) {
		unsigned long a, b;
		char *end;
		if (!isdigit((unsigned char)*p))
			return "expected a list like \"0-3,5\" (numbers and ranges separated by commas)";
		errno = 0;
		a = strtoul(p, &end, 10);
		if (errno || a > 65535)
			return "holds a number above 65535";
		p = end;
		if (*p == '-') {
			p++;
			if (!isdigit((unsigned char)*p))
				return "expected a list like \"0-3,5\" (numbers and ranges separated by commas)";
			b = strtoul(p, &end, 10);
			if (errno || b > 65535)
				return "holds a number above 65535";
			if (b < a)
				return "holds a range that goes backwards";
			p = end;
		}
		if (*p == ',' && p[1])
			p++;
		else if (*p)
			return "expected a list like \"0-3,5\" (numbers and ranges separated by commas)";
	}
	return NULL;
}

/* the kernel's range (2 .. 2^18); cgroup v2 weights are converted from it */
static int dec_shares(struct dec *d, void *target, const struct json_node *m)
{
	struct spec_u64 *shares = target;
	uint64_t v;
	if (dec_uint(d, m, 262144, &v) < 0)
		return -1;
	if (v < 2)
		return dec_fail(d, m, "expected an integer from 2 to 262144, got %s", m->text);
	*shares = (struct spec_u64){ true, v, dec_pos(m) };
	return 0;
}

#define CPU(k_, kind_, member, ...) { .key = k_, .kind = kind_, DEC_AT(struct spec_resources, cpu.member), __VA_ARGS__ }
static const struct dec_field cpu_fields[] = {
	CPU("shares", DEC_CALL, shares, dec_shares),
	CPU("quota", DEC_SET_I64, quota, .min = -1, .max = INT64_MAX),
	CPU("burst", DEC_SET_U64, burst, .max = INT64_MAX),
	CPU("period", DEC_SET_U64, period, .max = 1000000),
	CPU("realtimeRuntime", DEC_SET_I64, realtime_runtime, .min = -1, .max = INT64_MAX),
	CPU("realtimePeriod", DEC_SET_U64, realtime_period, .max = INT64_MAX),
	CPU("cpus", DEC_STRING, cpus, .check = check_cpu_list, DEC_POS(struct spec_resources, cpu.cpus_pos)),
	CPU("mems", DEC_STRING, mems, .check = check_cpu_list, DEC_POS(struct spec_resources, cpu.mems_pos)),
	CPU("idle", DEC_SET_I64, idle, .min = 0, .max = 1),
};
#undef CPU

static int dec_cpu(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_resources *r = target;
	struct dec_obj o;
	if (dec_part(d, n, &o, &r->cpu.present, r, cpu_fields, ARRAY_SIZE(cpu_fields)) < 0)
		return -1;
	if (r->cpu.quota.set && r->cpu.quota.v == 0)
		return fail_member(d, "quota", r->cpu.quota.pos, "a quota of 0 lets nothing run; "
				   "-1 means unlimited");
	if (r->cpu.period.set && r->cpu.period.v < 1000)
		return fail_member(d, "period", r->cpu.period.pos, "the kernel takes periods from "
				   "1000 to 1000000 microseconds");
	if (r->cpu.burst.set && r->cpu.quota.set && r->cpu.quota.v > 0 &&
	    r->cpu.burst.v > (uint64_t)r->cpu.quota.v)
		return fail_member(d, "burst", r->cpu.burst.pos, "must not be larger than the quota");
	dec_object_done(d, &o);
	return 0;
}

static int dec_pids(struct dec *d, void *target, const struct json_node *n)
{
	/* -1 and 0 both mean "no limit", as with runc and crun */
	static const struct dec_field fields[] = {
		{ .key = "limit", .kind = DEC_SET_I64, DEC_AT(struct spec_resources, pids.limit), .min = -1, .max = INT64_MAX },
	};
	struct spec_resources *r = target;
	return dec_object_at(d, n, &r->pids.present, NULL, r, fields, ARRAY_SIZE(fields));
}

/* A device's numbers: both required in blockIO (0..max), either may be
 * -1 or left out ("all") in devices. */
struct dev_number { struct spec_i64 major, minor; };
static const struct dec_field blkio_number_fields[] = {
	{ .key = "major", .kind = DEC_SET_I64, DEC_AT(struct dev_number, major), .min = 0, .max = DEV_MAJOR_MAX },
	{ .key = "minor", .kind = DEC_SET_I64, DEC_AT(struct dev_number, minor), .min = 0, .max = DEV_MINOR_MAX },
};
static const struct dec_field cgroup_number_fields[] = {
	{ .key = "major", .kind = DEC_SET_I64, DEC_AT(struct dev_number, major), .min = -1, .max = DEV_MAJOR_MAX },
	{ .key = "minor", .kind = DEC_SET_I64, DEC_AT(struct dev_number, minor), .min = -1, .max = DEV_MINOR_MAX },
};

static const struct dec_field blkio_weight_fields[] = {
	{ .key = "weight", .kind = DEC_SET_U64, DEC_AT(struct spec_blkio_device, weight), .max = 1000 },
	{ .key = "leafWeight", .kind = DEC_SET_U64, DEC_AT(struct spec_blkio_device, leaf_weight), .max = 1000 },
};

struct blkio_list { bool weights; struct spec_blkio_device *v; size_t *n; };

static int dec_blkio_device(struct dec *d, void *arg, size_t i, const struct json_node *n)
{
	struct blkio_list *l = arg;
	struct spec_blkio_device *b = &l->v[i];
	struct dev_number num = { 0 };
	struct dec_obj o;
	if (dec_item_object(d, n, &o, l->n, i, &b->pos) < 0)
		return -1;
	if (DEC_FIELDS(d, &o, &num, blkio_number_fields) < 0)
		return -1;
	if (!num.major.set || !num.minor.set)
		return dec_fail(d, n, "\"major\" and \"minor\" are required");
	b->major = num.major.v;
	b->minor = num.minor.v;
	if (l->weights) {
		if (DEC_FIELDS(d, &o, b, blkio_weight_fields) < 0)
			return -1;
		if (!b->weight.set && !b->leaf_weight.set)
			return dec_fail(d, n, "give \"weight\" or \"leafWeight\" (or both)");
		if ((b->weight.set && b->weight.v < 10) || (b->leaf_weight.set && b->leaf_weight.v < 10))
			return dec_fail(d, n, "weights go from 10 to 1000");
	} else if (dec_require_uint(d, &o, "rate", UINT64_MAX, &b->rate) < 0) {
		return -1;
	}
	for (size_t k = 0; k < i; k++)
		if (l->v[k].major == b->major && l->v[k].minor == b->minor)
			return dec_fail(d, n, "device %lld:%lld is listed twice (first at %u:%u)",
					(long long)b->major, (long long)b->minor, l->v[k].pos.line, l->v[k].pos.col);
	dec_object_done(d, &o);
	return 0;
}

static int dec_blkio_devices(struct dec *d, const struct json_node *n, bool weights,
			     struct spec_blkio_device **out, size_t *count)
{
	if (dec_array(d, n) < 0)
		return -1;
	/* The duplicate check is quadratic: 90k entries took 12 s. */
	if (n->count > SPEC_DEVICES_MAX)
		return dec_fail(d, n, "more than %d devices", SPEC_DEVICES_MAX);
	*out = xcalloc(n->count, sizeof(**out));
	return dec_items(d, n, dec_blkio_device, &(struct blkio_list){ weights, *out, count });
}

static int dec_weight_device(struct dec *d, void *target, const struct json_node *m)
{
	struct spec_resources *r = target;
	return dec_blkio_devices(d, m, true, &r->block_io.weight_device, &r->block_io.n_weight_device);
}

static const struct dec_field block_io_fields[] = {
	{ .key = "weight", .kind = DEC_SET_U64, DEC_AT(struct spec_resources, block_io.weight), .max = 1000 },
	{ .key = "leafWeight", .kind = DEC_SET_U64, DEC_AT(struct spec_resources, block_io.leaf_weight), .max = 1000 },
};

static const char *const throttle_keys[4] = { "throttleReadBpsDevice", "throttleWriteBpsDevice",
					      "throttleReadIOPSDevice", "throttleWriteIOPSDevice" };

static int dec_block_io(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_resources *r = target;
	struct dec_obj o;
	if (dec_part(d, n, &o, &r->block_io.present, r, block_io_fields, ARRAY_SIZE(block_io_fields)) < 0)
		return -1;
	if (r->block_io.weight.set && r->block_io.weight.v < 10)
		return fail_member(d, "weight", r->block_io.weight.pos, "weights go from 10 to 1000");
	if (r->block_io.leaf_weight.set && r->block_io.leaf_weight.v < 10)
		return fail_member(d, "leafWeight", r->block_io.leaf_weight.pos,
				   "weights go from 10 to 1000");
	if (dec_fields(d, &o, r, &(struct dec_field){ .key = "weightDevice", .kind = DEC_CALL,
						      .fn = dec_weight_device }, 1) < 0)
		return -1;
	for (size_t k = 0; k < 4; k++) {
		const struct json_node *m = dec_member(&o, throttle_keys[k]);
		if (!m)
			continue;
		size_t old = dec_push_key(d, throttle_keys[k]);
		if (dec_blkio_devices(d, m, false, &r->block_io.throttle[k], &r->block_io.n_throttle[k]) < 0)
			return -1;
		dec_pop(d, old);
	}
	dec_object_done(d, &o);
	return 0;
}

/* "2MB", "64KB", "1GB": what the kernel puts in hugetlb.<size>.* file names. */
static bool valid_page_size(const char *s)
{
	size_t n = 0;
	while (isdigit((unsigned char)s[n]))
		n++;
	if (n == 0 || n > 6 || s[0] == '0')
		return false;
	return (s[n] == 'K' || s[n] == 'M' || s[n] == 'G') && s[n + 1] == 'B' && !s[n + 2];
}

static int dec_hugepage(struct dec *d, void *arg, size_t i, const struct json_node *n)
{
	struct spec_resources *r = arg;
	struct spec_hugepage_limit *h = &r->hugepage_limits[i];
	struct dec_obj o;
	size_t old;
	if (dec_item_object(d, n, &o, &r->n_hugepage_limits, i, &h->pos) < 0)
		return -1;
	const struct json_node *ps = dec_require_string(d, &o, "pageSize", &h->page_size, &old);
	if (!ps)
		return -1;
	if (!valid_page_size(h->page_size))
		return dec_fail(d, ps, "expected a size like \"2MB\", \"64KB\" or \"1GB\", got \"%s\"",
				ps->text);
	dec_pop(d, old);
	if (dec_require_uint(d, &o, "limit", UINT64_MAX, &h->limit) < 0)
		return -1;
	for (size_t k = 0; k < i; k++)
		if (strcmp(r->hugepage_limits[k].page_size, h->page_size) == 0)
			return dec_fail(d, ps, "page size %s is listed twice (first at %u:%u)", h->page_size,
					r->hugepage_limits[k].pos.line, r->hugepage_limits[k].pos.col);
	dec_object_done(d, &o);
	return 0;
}

/* How a wrong value is quoted: a string in quotes, else its type. */
#define QUOTED(n) (n)->type == JSON_STRING ? "\"" : "", \
	(n)->type == JSON_STRING ? (n)->text : json_type_name((n)->type), (n)->type == JSON_STRING ? "\"" : ""

static int dec_cgroup_device_type(struct dec *d, void *target, const struct json_node *t)
{
	struct spec_cgroup_device *dv = target;
	if (t->type != JSON_STRING || strlen(t->text) != 1 || !strchr("acb", t->text[0]))
		return dec_fail(d, t, "expected \"a\" (all), \"c\" (char) or \"b\" (block), got %s%s%s",
				QUOTED(t));
	dv->type = t->text[0];
	return 0;
}

static int dec_cgroup_device_access(struct dec *d, void *target, const struct json_node *a)
{
	struct spec_cgroup_device *dv = target;
	bool seen[3] = { false, false, false };
	bool ok = a->type == JSON_STRING && a->text[0];
	for (const char *p = ok ? a->text : ""; *p && ok; p++) {
		const char *k = strchr("rwm", *p);
		ok = *p && k && !seen[k - "rwm"];
		if (ok)
			seen[k - "rwm"] = true;
	}
	if (!ok)
		return dec_fail(d, a, "expected a combination of \"r\", \"w\" and \"m\" (each at "
				"most once), got %s%s%s", QUOTED(a));
	size_t k = 0;
	for (size_t j = 0; j < 3; j++)
		if (seen[j])
			dv->access[k++] = "rwm"[j];
	dv->access[k] = '\0';
	return 0;
}

static int dec_cgroup_device(struct dec *d, void *arg, size_t i, const struct json_node *n)
{
	struct spec_resources *r = arg;
	struct spec_cgroup_device *dv = &r->devices[i];
	struct dec_obj o;
	struct spec_bool allow = { 0 };
	struct dev_number num = { 0 };
	if (dec_item_object(d, n, &o, &r->n_devices, i, &dv->pos) < 0)
		return -1;
	if (dec_fields(d, &o, &allow, &(struct dec_field){ .key = "allow", .kind = DEC_SET_BOOL }, 1) < 0)
		return -1;
	if (!allow.set)
		return dec_fail(d, n, "\"allow\" is required");
	dv->allow = allow.v;
	dv->type = 'a';
	if (dec_fields(d, &o, dv, &(struct dec_field){ .key = "type", .kind = DEC_CALL,
						       .fn = dec_cgroup_device_type }, 1) < 0 ||
	    DEC_FIELDS(d, &o, &num, cgroup_number_fields) < 0)
		return -1;
	/* unset or -1: all ("*") */
	dv->major = num.major.set ? num.major.v : -1;
	dv->minor = num.minor.set ? num.minor.v : -1;
	strcpy(dv->access, "rwm");
	if (dec_fields(d, &o, dv, &(struct dec_field){ .key = "access", .kind = DEC_CALL,
						       .fn = dec_cgroup_device_access }, 1) < 0)
		return -1;
	/* The kernel's "a" rule means every device and every access. */
	if (dv->type == 'a' && (dv->major >= 0 || dv->minor >= 0))
		return dec_fail(d, n, "type \"a\" (all devices) cannot name a major or minor "
				"number; give \"c\" or \"b\"");
	if (dv->type == 'a' && strcmp(dv->access, "rwm") != 0)
		return dec_fail(d, n, "type \"a\" (all devices) always means all access "
				"(\"rwm\"); give \"c\" or \"b\" to allow or deny \"%s\" only", dv->access);
	dec_object_done(d, &o);
	return 0;
}

/* Interface names: what the kernel takes (IFNAMSIZ, no '/', no blanks). */
static bool valid_ifname(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 15 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (const char *p = s; *p; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p) || iscntrl((unsigned char)*p))
			return false;
	return true;
}

static int dec_priority(struct dec *d, void *arg, size_t i, const struct json_node *n)
{
	struct spec_resources *r = arg;
	struct spec_net_priority *np = &r->network.priorities[i];
	struct dec_obj o;
	uint64_t prio = 0;
	size_t old;
	if (dec_item_object(d, n, &o, &r->network.n_priorities, i, &np->pos) < 0)
		return -1;
	const struct json_node *nm = dec_require_string(d, &o, "name", &np->name, &old);
	if (!nm)
		return -1;
	if (!valid_ifname(np->name))
		return dec_fail(d, nm, "expected a network interface name (1 to 15 bytes, no '/', "
				"':' or blanks), got \"%s\"", nm->text);
	dec_pop(d, old);
	if (dec_require_uint(d, &o, "priority", UINT32_MAX, &prio) < 0)
		return -1;
	np->priority = (uint32_t)prio;
	dec_object_done(d, &o);
	return 0;
}

static const struct dec_field net_fields[] = {
	{ .key = "classID", .kind = DEC_SET_U64, DEC_AT(struct spec_resources, network.class_id), .max = UINT32_MAX },
	{ .key = "priorities", DEC_ARRAY_OF(struct spec_resources, network.priorities, dec_priority) },
};

static int dec_network(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_resources *r = target;
	return dec_object_at(d, n, &r->network.present, NULL, r, net_fields, ARRAY_SIZE(net_fields));
}

static bool valid_word(const char *s)
{
	if (!*s)
		return false;
	for (const char *p = s; *p; p++)
		if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p) || *p == '/')
			return false;
	return true;
}

static const struct dec_field rdma_fields[] = {
	{ .key = "hcaHandles", .kind = DEC_SET_U64, DEC_AT(struct spec_rdma_limit, hca_handles), .max = UINT32_MAX },
	{ .key = "hcaObjects", .kind = DEC_SET_U64, DEC_AT(struct spec_rdma_limit, hca_objects), .max = UINT32_MAX },
};

static int dec_rdma_entry(struct dec *d, void *arg, size_t i, const struct json_member *m)
{
	struct spec_resources *r = arg;
	struct spec_rdma_limit *rl = &r->rdma[i];
	struct dec_obj ro;
	rl->device = xstrdup(m->key);
	rl->pos = (struct spec_pos){ m->line, m->col };
	r->n_rdma = i + 1;
	if (!valid_word(m->key))
		return dec_fail_at(d, rl->pos, d->ptr, "expected an RDMA device name (no blanks or '/')");
	if (dec_object(d, m->value, &ro) < 0 || DEC_FIELDS(d, &ro, rl, rdma_fields) < 0)
		return -1;
	if (!rl->hca_handles.set && !rl->hca_objects.set)
		return dec_fail(d, m->value, "give \"hcaHandles\" or \"hcaObjects\" (or both)");
	dec_object_done(d, &ro);
	return 0;
}

static int dec_rdma(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_resources *r = target;
	struct dec_obj o;
	if (dec_object(d, n, &o) < 0)
		return -1;
	r->rdma = xcalloc(n->count, sizeof(*r->rdma));
	return dec_entries(d, n, dec_rdma_entry, r);
}

/* Files nsrun itself manages: membership and the container's life. */
static const char *const unified_refused[] = { "cgroup.procs", "cgroup.threads", "cgroup.kill" };

static int check_unified_key(struct dec *d, const struct spec_kv *u)
{
	const char *k = u->key, *dot = strchr(k, '.');
	if (strchr(k, '/') || strstr(k, ".."))
		return dec_fail_at(d, u->pos, d->ptr, "a unified key names one file of the "
				   "container's cgroup: no '/' and no \"..\"");
	if (!valid_word(k) || !dot || dot == k || !dot[1])
		return dec_fail_at(d, u->pos, d->ptr, "expected a cgroup v2 file name like "
				   "\"memory.high\" (CONTROLLER.FILE, no blanks)");
	for (size_t j = 0; j < ARRAY_SIZE(unified_refused); j++)
		if (strcmp(k, unified_refused[j]) == 0)
			return dec_fail_at(d, u->pos, d->ptr, "%s is managed by nsrun and cannot be set", k);
	return 0;
}

static const struct dec_field resources_fields[] = {
	{ .key = "devices", DEC_ARRAY_OF(struct spec_resources, devices, dec_cgroup_device),
	  DEC_GIVEN(struct spec_resources, devices_given) },
	{ .key = "memory", .kind = DEC_CALL, .fn = dec_memory },
	{ .key = "cpu", .kind = DEC_CALL, .fn = dec_cpu },
	{ .key = "pids", .kind = DEC_CALL, .fn = dec_pids },
	{ .key = "blockIO", .kind = DEC_CALL, .fn = dec_block_io },
	{ .key = "hugepageLimits", DEC_ARRAY_OF(struct spec_resources, hugepage_limits, dec_hugepage) },
	{ .key = "network", .kind = DEC_CALL, .fn = dec_network },
	{ .key = "rdma", .kind = DEC_CALL, .fn = dec_rdma },
	{ .key = "unified", .kind = DEC_KV, DEC_AT(struct spec_resources, unified),
	  .count_offset = offsetof(struct spec_resources, n_unified), .check_key = check_unified_key },
};

int dec_resources(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_resources *r = target;
	return dec_object_at(d, n, &r->present, &r->pos, r, resources_fields, ARRAY_SIZE(resources_fields));
}

/* linux.cgroupsPath: "/abs/path" (from each hierarchy's root) or
 * "rel/path" (under nsrun's own cgroup).  Every component is one plain
 * directory name; the state file keeps paths one per line, tab-separated. */
int dec_cgroups_path(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_linux *l = target;
	if (dec_string(d, n, &l->cgroups_path) < 0)
		return -1;
	l->cgroups_path_pos = dec_pos(n);
	const char *p = l->cgroups_path;
	if (!*p) {
		/* runc and crun take "" as "not given" */
		free(l->cgroups_path);
		l->cgroups_path = NULL;
		return 0;
	}
	if (strchr(p, ':')) {
		/* systemd's "slice:prefix:name": a transient scope PREFIX-NAME.scope
		 * in SLICE (libexec/cgroups-systemd.c) */
		const char *c1 = strchr(p, ':'), *c2 = strchr(c1 + 1, ':');
		bool ok = c2 && !strchr(c2 + 1, ':') && c2[1] && !strchr(p, '/') && strlen(p) < 256;
		for (const char *c = p; ok && *c; c++)
			ok = isalnum((unsigned char)*c) || strchr(":-_.@\\", *c);
		if (!ok)
			return dec_fail(d, n, "\"%s\": systemd's form is \"slice:prefix:name\" (letters, digits, "
					"\"-_.@\", the slice may be empty), a cgroupfs path has no \":\"", p);
		return 0;
	}
	if (strlen(p) > 2048)
		return dec_fail(d, n, "is longer than 2048 bytes");
	bool any = false;
	for (const char *c = p; *c;) {
		while (*c == '/')
			c++;
		if (!*c)
			break;
		const char *end = strchrnul(c, '/');
		size_t len = (size_t)(end - c);
		if ((len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
			return dec_fail(d, n, "must not contain \".\" or \"..\" components, got \"%s\"", p);
		if (len > 255)
			return dec_fail(d, n, "has a component longer than 255 bytes");
		for (const char *q = c; q < end; q++)
			if (iscntrl((unsigned char)*q) || *q == ' ')
				return dec_fail(d, n, "must not contain blanks or control characters");
		any = true;
		c = end;
	}
	if (!any)
		return dec_fail(d, n, "\"%s\" names the root cgroup; give a cgroup below it", p);
	return 0;
}

void spec_resources_free(struct spec_resources *r)
{
	free(r->cpu.cpus);
	free(r->cpu.mems);
	free(r->block_io.weight_device);
	for (size_t k = 0; k < 4; k++)
		free(r->block_io.throttle[k]);
	SPEC_ITEMS_FREE(r->hugepage_limits, r->n_hugepage_limits, page_size);
	free(r->devices);
	SPEC_ITEMS_FREE(r->network.priorities, r->network.n_priorities, name);
	SPEC_ITEMS_FREE(r->rdma, r->n_rdma, device);
	spec_kv_free(r->unified, r->n_unified);
	memset(r, 0, sizeof(*r));
}

int spec_load_resources_file(const char *path, FILE *warn, struct spec **out, struct nsrun_error *err)
{
	_cleanup_json_ struct json_node *root = NULL;
	if (json_parse_file(path, &root, err) < 0)
		return -1;
	_cleanup_spec_ struct spec *s = xcalloc(1, sizeof(*s));
	struct dec d = { .file = path, .err = err, .warn = warn, .n_warnings = &s->n_warnings, .spec = s };
	s->file = xstrdup(path);
	if (dec_resources(&d, &s->linux_.resources, root) < 0)
		return -1;
	*out = TAKE_PTR(s);
	return 0;
}
