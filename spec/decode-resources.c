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

static int get_i64(struct dec *d, struct dec_obj *o, const char *key, int64_t min, int64_t max,
		   struct spec_i64 *out)
{
	const struct json_node *n = dec_member(o, key);
	if (!n)
		return 0;
	size_t old = dec_push_key(d, key);
	if (dec_int(d, n, min, max, &out->v) < 0)
		return -1;
	out->set = true;
	out->pos = dec_pos(n);
	dec_pop(d, old);
	return 0;
}

static int get_u64(struct dec *d, struct dec_obj *o, const char *key, uint64_t max, struct spec_u64 *out)
{
	const struct json_node *n = dec_member(o, key);
	if (!n)
		return 0;
	size_t old = dec_push_key(d, key);
	if (dec_uint(d, n, max, &out->v) < 0)
		return -1;
	out->set = true;
	out->pos = dec_pos(n);
	dec_pop(d, old);
	return 0;
}

static int get_bool(struct dec *d, struct dec_obj *o, const char *key, struct spec_bool *out)
{
	const struct json_node *n = dec_member(o, key);
	if (!n)
		return 0;
	size_t old = dec_push_key(d, key);
	if (dec_bool(d, n, &out->v) < 0)
		return -1;
	out->set = true;
	out->pos = dec_pos(n);
	dec_pop(d, old);
	return 0;
}

/* Fail at a member of the current object, with its pointer. */
static int fail_member(struct dec *d, const char *key, struct spec_pos pos, const char *msg)
{
	size_t old = dec_push_key(d, key);
	dec_fail_at(d, pos, d->ptr, "%s", msg);
	dec_pop(d, old);
	return -1;
}

/* -1 (unlimited) or a byte count of at least `min`. */
static int get_bytes(struct dec *d, struct dec_obj *o, const char *key, int64_t min, struct spec_i64 *out)
{
	const struct json_node *n = dec_member(o, key);
	if (!n)
		return 0;
	size_t old = dec_push_key(d, key);
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
	dec_pop(d, old);
	return 0;
}

static int dec_memory(struct dec *d, struct spec_resources *r, const struct json_node *n)
{
	struct dec_obj o;
	if (dec_object(d, n, &o) < 0)
		return -1;
	r->memory.present = true;
	if (get_bytes(d, &o, "limit", 1, &r->memory.limit) < 0 ||
	    get_bytes(d, &o, "reservation", 0, &r->memory.reservation) < 0 ||
	    get_bytes(d, &o, "swap", 1, &r->memory.swap) < 0 ||
	    get_bytes(d, &o, "kernel", 1, &r->memory.kernel) < 0 ||
	    get_bytes(d, &o, "kernelTCP", 1, &r->memory.kernel_tcp) < 0 ||
	    get_u64(d, &o, "swappiness", 100, &r->memory.swappiness) < 0 ||
	    get_bool(d, &o, "disableOOMKiller", &r->memory.disable_oom_killer) < 0 ||
	    get_bool(d, &o, "useHierarchy", &r->memory.use_hierarchy) < 0 ||
	    get_bool(d, &o, "checkBeforeUpdate", &r->memory.check_before_update) < 0)
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

static int get_cpu_list(struct dec *d, struct dec_obj *o, const char *key, char **out, struct spec_pos *pos)
{
	const struct json_node *n = dec_member(o, key);
	if (!n)
		return 0;
	size_t old = dec_push_key(d, key);
	if (dec_string(d, n, out) < 0)
		return -1;
	*pos = dec_pos(n);
	const char *why = check_cpu_list(*out);
	if (why)
		return dec_fail(d, n, "%s, got \"%s\"", why, n->text);
	dec_pop(d, old);
	return 0;
}

static int dec_cpu(struct dec *d, struct spec_resources *r, const struct json_node *n)
{
	struct dec_obj o;
	if (dec_object(d, n, &o) < 0)
		return -1;
	r->cpu.present = true;
	const struct json_node *m = dec_member(&o, "shares");
	if (m) {
		size_t old = dec_push_key(d, "shares");
		uint64_t v;
		/* the kernel's range (2 .. 2^18); cgroup v2 weights are converted from it */
		if (dec_uint(d, m, 262144, &v) < 0)
			return -1;
		if (v < 2)
			return dec_fail(d, m, "expected an integer from 2 to 262144, got %s", m->text);
		r->cpu.shares = (struct spec_u64){ true, v, dec_pos(m) };
		dec_pop(d, old);
	}
	if (get_i64(d, &o, "quota", -1, INT64_MAX, &r->cpu.quota) < 0 ||
	    get_u64(d, &o, "burst", INT64_MAX, &r->cpu.burst) < 0 ||
	    get_u64(d, &o, "period", 1000000, &r->cpu.period) < 0 ||
	    get_i64(d, &o, "realtimeRuntime", -1, INT64_MAX, &r->cpu.realtime_runtime) < 0 ||
	    get_u64(d, &o, "realtimePeriod", INT64_MAX, &r->cpu.realtime_period) < 0 ||
	    get_cpu_list(d, &o, "cpus", &r->cpu.cpus, &r->cpu.cpus_pos) < 0 ||
	    get_cpu_list(d, &o, "mems", &r->cpu.mems, &r->cpu.mems_pos) < 0 ||
	    get_i64(d, &o, "idle", 0, 1, &r->cpu.idle) < 0)
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

static int dec_pids(struct dec *d, struct spec_resources *r, const struct json_node *n)
{
	struct dec_obj o;
	if (dec_object(d, n, &o) < 0)
		return -1;
	r->pids.present = true;
	/* -1 and 0 both mean "no limit", as with runc and crun */
	if (get_i64(d, &o, "limit", -1, INT64_MAX, &r->pids.limit) < 0)
		return -1;
	dec_object_done(d, &o);
	return 0;
}

static int dec_dev_number(struct dec *d, struct dec_obj *o, const struct json_node *n, int64_t *major,
			  int64_t *minor)
{
	struct spec_i64 ma = { 0 }, mi = { 0 };
	if (get_i64(d, o, "major", 0, DEV_MAJOR_MAX, &ma) < 0 ||
	    get_i64(d, o, "minor", 0, DEV_MINOR_MAX, &mi) < 0)
		return -1;
	if (!ma.set || !mi.set)
		return dec_fail(d, n, "\"major\" and \"minor\" are required");
	*major = ma.v;
	*minor = mi.v;
	return 0;
}

static int dec_blkio_devices(struct dec *d, const struct json_node *n, bool weights,
			     struct spec_blkio_device **out, size_t *count)
{
	if (dec_array(d, n) < 0)
		return -1;
	/* The duplicate check below is quadratic: 90k entries took 12 s. */
	if (n->count > SPEC_DEVICES_MAX)
		return dec_fail(d, n, "more than %d devices", SPEC_DEVICES_MAX);
	*out = xcalloc(n->count, sizeof(**out));
	for (size_t i = 0; i < n->count; i++) {
		size_t old = dec_push_index(d, i);
		struct spec_blkio_device *b = &(*out)[i];
		struct dec_obj o;
		if (dec_object(d, n->items[i], &o) < 0)
			return -1;
		*count = i + 1;
		b->pos = dec_pos(n->items[i]);
		if (dec_dev_number(d, &o, n->items[i], &b->major, &b->minor) < 0)
			return -1;
		if (weights) {
			if (get_u64(d, &o, "weight", 1000, &b->weight) < 0 ||
			    get_u64(d, &o, "leafWeight", 1000, &b->leaf_weight) < 0)
				return -1;
			if (!b->weight.set && !b->leaf_weight.set)
				return dec_fail(d, n->items[i], "give \"weight\" or \"leafWeight\" (or both)");
			if ((b->weight.set && b->weight.v < 10) || (b->leaf_weight.set && b->leaf_weight.v < 10))
				return dec_fail(d, n->items[i], "weights go from 10 to 1000");
		} else {
			struct spec_u64 rate = { 0 };
			if (get_u64(d, &o, "rate", UINT64_MAX, &rate) < 0)
				return -1;
			if (!rate.set)
				return dec_fail(d, n->items[i], "\"rate\" is required");
			b->rate = rate.v;
		}
		for (size_t k = 0; k < i; k++)
			if ((*out)[k].major == b->major && (*out)[k].minor == b->minor)
				return dec_fail(d, n->items[i], "device %lld:%lld is listed twice (first at %u:%u)",
						(long long)b->major, (long long)b->minor, (*out)[k].pos.line,
						(*out)[k].pos.col);
		dec_object_done(d, &o);
		dec_pop(d, old);
	}
	return 0;
}

static const char *const throttle_keys[4] = { "throttleReadBpsDevice", "throttleWriteBpsDevice",
					      "throttleReadIOPSDevice", "throttleWriteIOPSDevice" };

static int dec_block_io(struct dec *d, struct spec_resources *r, const struct json_node *n)
{
	struct dec_obj o;
	if (dec_object(d, n, &o) < 0)
		return -1;
	r->block_io.present = true;
	if (get_u64(d, &o, "weight", 1000, &r->block_io.weight) < 0 ||
	    get_u64(d, &o, "leafWeight", 1000, &r->block_io.leaf_weight) < 0)
		return -1;
	if (r->block_io.weight.set && r->block_io.weight.v < 10)
		return fail_member(d, "weight", r->block_io.weight.pos, "weights go from 10 to 1000");
	if (r->block_io.leaf_weight.set && r->block_io.leaf_weight.v < 10)
		return fail_member(d, "leafWeight", r->block_io.leaf_weight.pos,
				   "weights go from 10 to 1000");
	const struct json_node *m = dec_member(&o, "weightDevice");
	if (m) {
		size_t old = dec_push_key(d, "weightDevice");
		if (dec_blkio_devices(d, m, true, &r->block_io.weight_device, &r->block_io.n_weight_device) < 0)
			return -1;
		dec_pop(d, old);
	}
	for (size_t k = 0; k < 4; k++) {
		if (!(m = dec_member(&o, throttle_keys[k])))
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

static int dec_hugepages(struct dec *d, struct spec_resources *r, const struct json_node *n)
{
	if (dec_array(d, n) < 0)
		return -1;
	r->hugepage_limits = xcalloc(n->count, sizeof(*r->hugepage_limits));
	for (size_t i = 0; i < n->count; i++) {
		size_t old = dec_push_index(d, i);
		struct spec_hugepage_limit *h = &r->hugepage_limits[i];
		struct dec_obj o;
		struct spec_u64 limit = { 0 };
		if (dec_object(d, n->items[i], &o) < 0)
			return -1;
		r->n_hugepage_limits = i + 1;
		h->pos = dec_pos(n->items[i]);
		const struct json_node *ps = dec_member(&o, "pageSize");
		if (!ps)
			return dec_fail(d, n->items[i], "\"pageSize\" is required");
		size_t old2 = dec_push_key(d, "pageSize");
		if (dec_string(d, ps, &h->page_size) < 0)
			return -1;
		if (!valid_page_size(h->page_size))
			return dec_fail(d, ps, "expected a size like \"2MB\", \"64KB\" or \"1GB\", got \"%s\"",
					ps->text);
		dec_pop(d, old2);
		if (get_u64(d, &o, "limit", UINT64_MAX, &limit) < 0)
			return -1;
		if (!limit.set)
			return dec_fail(d, n->items[i], "\"limit\" is required");
		h->limit = limit.v;
		for (size_t k = 0; k < i; k++)
			if (strcmp(r->hugepage_limits[k].page_size, h->page_size) == 0)
				return dec_fail(d, ps, "page size %s is listed twice (first at %u:%u)",
						h->page_size, r->hugepage_limits[k].pos.line,
						r->hugepage_limits[k].pos.col);
		dec_object_done(d, &o);
		dec_pop(d, old);
	}
	return 0;
}

static int dec_cgroup_devices(struct dec *d, struct spec_resources *r, const struct json_node *n)
{
	if (dec_array(d, n) < 0)
		return -1;
	r->devices_given = true;
	r->devices = xcalloc(n->count, sizeof(*r->devices));
	for (size_t i = 0; i < n->count; i++) {
		size_t old = dec_push_index(d, i);
		struct spec_cgroup_device *dv = &r->devices[i];
		struct dec_obj o;
		struct spec_bool allow = { 0 };
		struct spec_i64 major = { 0 }, minor = { 0 };
		if (dec_object(d, n->items[i], &o) < 0)
			return -1;
		r->n_devices = i + 1;
		dv->pos = dec_pos(n->items[i]);
		if (get_bool(d, &o, "allow", &allow) < 0)
			return -1;
		if (!allow.set)
			return dec_fail(d, n->items[i], "\"allow\" is required");
		dv->allow = allow.v;
		dv->type = 'a';
		const struct json_node *t = dec_member(&o, "type");
		if (t) {
			size_t old2 = dec_push_key(d, "type");
			if (t->type != JSON_STRING || strlen(t->text) != 1 || !strchr("acb", t->text[0]))
				return dec_fail(d, t, "expected \"a\" (all), \"c\" (char) or \"b\" (block), got %s%s%s",
						t->type == JSON_STRING ? "\"" : "",
						t->type == JSON_STRING ? t->text : json_type_name(t->type),
						t->type == JSON_STRING ? "\"" : "");
			dv->type = t->text[0];
			dec_pop(d, old2);
		}
		/* unset or -1: all ("*") */
		if (get_i64(d, &o, "major", -1, DEV_MAJOR_MAX, &major) < 0 ||
		    get_i64(d, &o, "minor", -1, DEV_MINOR_MAX, &minor) < 0)
			return -1;
		dv->major = major.set ? major.v : -1;
		dv->minor = minor.set ? minor.v : -1;
		strcpy(dv->access, "rwm");
		const struct json_node *a = dec_member(&o, "access");
		if (a) {
			size_t old2 = dec_push_key(d, "access");
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
						"most once), got %s%s%s", a->type == JSON_STRING ? "\"" : "",
						a->type == JSON_STRING ? a->text : json_type_name(a->type),
						a->type == JSON_STRING ? "\"" : "");
			size_t k = 0;
			for (size_t j = 0; j < 3; j++)
				if (seen[j])
					dv->access[k++] = "rwm"[j];
			dv->access[k] = '\0';
			dec_pop(d, old2);
		}
		/* The kernel's "a" rule means every device and every access. */
		if (dv->type == 'a' && (dv->major >= 0 || dv->minor >= 0))
			return dec_fail(d, n->items[i], "type \"a\" (all devices) cannot name a major or minor "
					"number; give \"c\" or \"b\"");
		if (dv->type == 'a' && strcmp(dv->access, "rwm") != 0)
			return dec_fail(d, n->items[i], "type \"a\" (all devices) always means all access "
					"(\"rwm\"); give \"c\" or \"b\" to allow or deny \"%s\" only", dv->access);
		dec_object_done(d, &o);
		dec_pop(d, old);
	}
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

static int dec_network(struct dec *d, struct spec_resources *r, const struct json_node *n)
{
	struct dec_obj o;
	if (dec_object(d, n, &o) < 0)
		return -1;
	r->network.present = true;
	if (get_u64(d, &o, "classID", UINT32_MAX, &r->network.class_id) < 0)
		return -1;
	const struct json_node *m = dec_member(&o, "priorities");
	if (m) {
		size_t old = dec_push_key(d, "priorities");
		if (dec_array(d, m) < 0)
			return -1;
		r->network.priorities = xcalloc(m->count, sizeof(*r->network.priorities));
		for (size_t i = 0; i < m->count; i++) {
			size_t old2 = dec_push_index(d, i);
			struct spec_net_priority *np = &r->network.priorities[i];
			struct dec_obj po;
			struct spec_u64 prio = { 0 };
			if (dec_object(d, m->items[i], &po) < 0)
				return -1;
			r->network.n_priorities = i + 1;
			np->pos = dec_pos(m->items[i]);
			const struct json_node *nm = dec_member(&po, "name");
			if (!nm)
				return dec_fail(d, m->items[i], "\"name\" is required");
			size_t old3 = dec_push_key(d, "name");
			if (dec_string(d, nm, &np->name) < 0)
				return -1;
			if (!valid_ifname(np->name))
				return dec_fail(d, nm, "expected a network interface name (1 to 15 bytes, no '/', "
						"':' or blanks), got \"%s\"", nm->text);
			dec_pop(d, old3);
			if (get_u64(d, &po, "priority", UINT32_MAX, &prio) < 0)
				return -1;
			if (!prio.set)
				return dec_fail(d, m->items[i], "\"priority\" is required");
			np->priority = (uint32_t)prio.v;
			dec_object_done(d, &po);
			dec_pop(d, old2);
		}
		dec_pop(d, old);
	}
	dec_object_done(d, &o);
	return 0;
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

static int dec_rdma(struct dec *d, struct spec_resources *r, const struct json_node *n)
{
	struct dec_obj o;
	if (dec_object(d, n, &o) < 0)
		return -1;
	r->rdma = xcalloc(n->count, sizeof(*r->rdma));
	for (size_t i = 0; i < n->count; i++) {
		struct json_member *m = &n->members[i];
		m->used = true;
		size_t old = dec_push_key(d, m->key);
		struct spec_rdma_limit *rl = &r->rdma[i];
		struct dec_obj ro;
		rl->device = xstrdup(m->key);
		rl->pos = (struct spec_pos){ m->line, m->col };
		r->n_rdma = i + 1;
		if (!valid_word(m->key))
			return dec_fail_at(d, rl->pos, d->ptr, "expected an RDMA device name (no blanks or '/')");
		if (dec_object(d, m->value, &ro) < 0 ||
		    get_u64(d, &ro, "hcaHandles", UINT32_MAX, &rl->hca_handles) < 0 ||
		    get_u64(d, &ro, "hcaObjects", UINT32_MAX, &rl->hca_objects) < 0)
			return -1;
		if (!rl->hca_handles.set && !rl->hca_objects.set)
			return dec_fail(d, m->value, "give \"hcaHandles\" or \"hcaObjects\" (or both)");
		dec_object_done(d, &ro);
		dec_pop(d, old);
	}
	return 0;
}

/* Files nsrun itself manages: membership and the container's life. */
static const char *const unified_refused[] = { "cgroup.procs", "cgroup.threads", "cgroup.kill" };

static int dec_unified(struct dec *d, struct spec_resources *r, const struct json_node *n)
{
	struct dec_obj o;
	if (dec_object(d, n, &o) < 0)
		return -1;
	r->unified = xcalloc(n->count, sizeof(*r->unified));
	for (size_t i = 0; i < n->count; i++) {
		struct json_member *m = &n->members[i];
		m->used = true;
		size_t old = dec_push_key(d, m->key);
		struct spec_unified *u = &r->unified[i];
		u->key = xstrdup(m->key);
		u->pos = (struct spec_pos){ m->line, m->col };
		r->n_unified = i + 1;
		const char *k = m->key, *dot = strchr(k, '.');
		if (strchr(k, '/') || strstr(k, ".."))
			return dec_fail_at(d, u->pos, d->ptr, "a unified key names one file of the "
					   "container's cgroup: no '/' and no \"..\"");
		if (!valid_word(k) || !dot || dot == k || !dot[1])
			return dec_fail_at(d, u->pos, d->ptr, "expected a cgroup v2 file name like "
					   "\"memory.high\" (CONTROLLER.FILE, no blanks)");
		for (size_t j = 0; j < ARRAY_SIZE(unified_refused); j++)
			if (strcmp(k, unified_refused[j]) == 0)
				return dec_fail_at(d, u->pos, d->ptr, "%s is managed by nsrun and cannot be "
						   "set", k);
		if (dec_string(d, m->value, &u->value) < 0)
			return -1;
		dec_pop(d, old);
	}
	return 0;
}

int dec_resources(struct dec *d, struct spec_resources *r, const struct json_node *n)
{
	struct dec_obj o;
	const struct json_node *m;
	size_t old;
	if (dec_object(d, n, &o) < 0)
		return -1;
	r->present = true;
	r->pos = dec_pos(n);
#define SUB(key, call) \
	if ((m = dec_member(&o, key))) { \
		old = dec_push_key(d, key); \
		if ((call) < 0) \
			return -1; \
		dec_pop(d, old); \
	}
	SUB("devices", dec_cgroup_devices(d, r, m));
	SUB("memory", dec_memory(d, r, m));
	SUB("cpu", dec_cpu(d, r, m));
	SUB("pids", dec_pids(d, r, m));
	SUB("blockIO", dec_block_io(d, r, m));
	SUB("hugepageLimits", dec_hugepages(d, r, m));
	SUB("network", dec_network(d, r, m));
	SUB("rdma", dec_rdma(d, r, m));
	SUB("unified", dec_unified(d, r, m));
#undef SUB
	dec_object_done(d, &o);
	return 0;
}

/* linux.cgroupsPath: "/abs/path" (from each hierarchy's root) or
 * "rel/path" (under nsrun's own cgroup).  Every component is one plain
 * directory name; the state file keeps paths one per line, tab-separated. */
int dec_cgroups_path(struct dec *d, struct spec_linux *l, const struct json_node *n)
{
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
	for (size_t i = 0; i < r->n_hugepage_limits; i++)
		free(r->hugepage_limits[i].page_size);
	free(r->hugepage_limits);
	free(r->devices);
	for (size_t i = 0; i < r->network.n_priorities; i++)
		free(r->network.priorities[i].name);
	free(r->network.priorities);
	for (size_t i = 0; i < r->n_rdma; i++)
		free(r->rdma[i].device);
	free(r->rdma);
	for (size_t i = 0; i < r->n_unified; i++) {
		free(r->unified[i].key);
		free(r->unified[i].value);
	}
	free(r->unified);
	memset(r, 0, sizeof(*r));
}

int spec_load_resources_file(const char *path, FILE *warn, struct spec **out, struct nsrun_error *err)
{
	_cleanup_json_ struct json_node *root = NULL;
	if (json_parse_file(path, &root, err) < 0)
		return -1;
	_cleanup_spec_ struct spec *s = xcalloc(1, sizeof(*s));
	struct dec d = { .file = path, .err = err, .warn = warn, .n_warnings = &s->n_warnings };
	s->file = xstrdup(path);
	if (dec_resources(&d, &s->linux_.resources, root) < 0)
		return -1;
	*out = TAKE_PTR(s);
	return 0;
}
