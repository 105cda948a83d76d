/* STEP_CGROUP: linux.resources spelled as the files to write, for cgroup
 * v1 and v2 both, in the order they must be written.  The conversions
 * follow runc and crun (documented in crun(1), "CGROUP v2"):
 *   cpu.shares [2, 262144] -> cpu.weight = 1 + (shares - 2) * 9999 / 262142
 *   blkio weight [10, 1000] -> io.weight = 1 + (weight - 10) * 9999 / 990
 *     (io.bfq.weight, which takes the v1 range, is preferred where it exists)
 *   memory.swap (memory+swap, v1's memsw) -> memory.swap.max = swap - limit
 *   cpu quota/period -> cpu.max "QUOTA PERIOD" ("max" for -1)
 * Settings one version cannot express say why, and the executor fails
 * with that reason if the host would need that version. */
#include <inttypes.h>
#include <string.h>

#include "plan.h"

bool plan_wants_cgroup(const struct spec *s)
{
	/* boot: the container's systemd needs a cgroup of its own to manage;
	 * a minimal spec: its device rules allow only the default devices */
	return s->linux_.resources.present || s->linux_.cgroups_path || s->boot || s->minimal;
}

static struct plan_cgroup_write *add_write(struct plan_cgroup *c, const char *pointer)
{
	c->writes = xrealloc(c->writes, (c->n_writes + 1) * sizeof(*c->writes));
	struct plan_cgroup_write *w = &c->writes[c->n_writes++];
	memset(w, 0, sizeof(*w));
	w->pointer = xstrdup(pointer);
	return w;
}

static void set(struct plan_cgroup_file *f, const char *controller, const char *file, char *value)
{
	f->controller = controller;
	f->file = xstrdup(file);
	f->value = value;
}

static void none(struct plan_cgroup_file *f, const char *why)
{
	f->controller = NULL;
	f->why = why;
}

/* A setting with the same file and value in both versions. */
static void both(struct plan_cgroup *c, const char *pointer, const char *controller, const char *file,
		 char *value)
{
	struct plan_cgroup_write *w = add_write(c, pointer);
	set(&w->v1, controller, file, xstrdup(value));
	set(&w->v2, controller, file, value);
}

static char *bytes_v1(int64_t v)
{
	return xasprintf("%" PRId64, v); /* v1 takes -1 for unlimited */
}

static char *bytes_v2(int64_t v)
{
	return v < 0 ? xstrdup("max") : xasprintf("%" PRId64, v);
}

static void plan_memory(struct plan_cgroup *c, const struct spec_resources *r)
{
	const char *const ptr = "/linux/resources/memory";
	char p[128];
	struct plan_cgroup_write *w;
	if (!r->memory.present)
		return;
	const struct spec_i64 *lim = &r->memory.limit, *swap = &r->memory.swap;
	if (lim->set) {
		snprintf(p, sizeof(p), "%s/limit", ptr);
		w = add_write(c, p);
		set(&w->v1, "memory", "memory.limit_in_bytes", bytes_v1(lim->v));
		set(&w->v2, "memory", "memory.max", bytes_v2(lim->v));
	}
	if (swap->set) {
		/* the decoder made sure swap >= limit > 0 when swap > 0 */
		snprintf(p, sizeof(p), "%s/swap", ptr);
		w = add_write(c, p);
		set(&w->v1, "memory", "memory.memsw.limit_in_bytes", bytes_v1(swap->v));
		set(&w->v2, "memory", "memory.swap.max", swap->v < 0 ? xstrdup("max") :
		    xasprintf("%" PRId64, swap->v - lim->v));
	}
	if (r->memory.reservation.set) {
		snprintf(p, sizeof(p), "%s/reservation", ptr);
		w = add_write(c, p);
		set(&w->v1, "memory", "memory.soft_limit_in_bytes", bytes_v1(r->memory.reservation.v));
		set(&w->v2, "memory", "memory.low", bytes_v2(r->memory.reservation.v));
	}
	if (r->memory.kernel.set) {
		snprintf(p, sizeof(p), "%s/kernel", ptr);
		w = add_write(c, p);
		set(&w->v1, "memory", "memory.kmem.limit_in_bytes", bytes_v1(r->memory.kernel.v));
		none(&w->v2, "cgroup v2 counts kernel memory in memory.max and has no separate limit");
	}
	if (r->memory.kernel_tcp.set) {
		snprintf(p, sizeof(p), "%s/kernelTCP", ptr);
		w = add_write(c, p);
		set(&w->v1, "memory", "memory.kmem.tcp.limit_in_bytes", bytes_v1(r->memory.kernel_tcp.v));
		none(&w->v2, "cgroup v2 has no separate limit for TCP buffers");
	}
	if (r->memory.swappiness.set) {
		snprintf(p, sizeof(p), "%s/swappiness", ptr);
		w = add_write(c, p);
		set(&w->v1, "memory", "memory.swappiness", xasprintf("%" PRIu64, r->memory.swappiness.v));
		none(&w->v2, "cgroup v2 has no per-cgroup swappiness");
	}
	if (r->memory.disable_oom_killer.set) {
		snprintf(p, sizeof(p), "%s/disableOOMKiller", ptr);
		w = add_write(c, p);
		set(&w->v1, "memory", "memory.oom_control", xstrdup(r->memory.disable_oom_killer.v ? "1" : "0"));
		none(&w->v2, r->memory.disable_oom_killer.v ? "cgroup v2 cannot turn the OOM killer off" : NULL);
	}
	if (r->memory.use_hierarchy.set) {
		snprintf(p, sizeof(p), "%s/useHierarchy", ptr);
		w = add_write(c, p);
		set(&w->v1, "memory", "memory.use_hierarchy", xstrdup(r->memory.use_hierarchy.v ? "1" : "0"));
		none(&w->v2, r->memory.use_hierarchy.v ? NULL : "cgroup v2 accounting is always hierarchical");
	}
}

static void plan_cpu(struct plan_cgroup *c, const struct spec_resources *r)
{
	char p[128];
	struct plan_cgroup_write *w;
	if (!r->cpu.present)
		return;
	if (r->cpu.shares.set) {
		uint64_t sh = r->cpu.shares.v;
		w = add_write(c, "/linux/resources/cpu/shares");
		set(&w->v1, "cpu", "cpu.shares", xasprintf("%" PRIu64, sh));
		set(&w->v2, "cpu", "cpu.weight", xasprintf("%" PRIu64, 1 + (sh - 2) * 9999 / 262142));
	}
	/* v1: the period first, as the quota is counted in it; v2: one cpu.max */
	const struct spec_i64 *q = &r->cpu.quota;
	const struct spec_u64 *per = &r->cpu.period;
	if (per->set) {
		w = add_write(c, "/linux/resources/cpu/period");
		set(&w->v1, "cpu", "cpu.cfs_period_us", xasprintf("%" PRIu64, per->v));
		if (q->set)
			none(&w->v2, NULL); /* written with the quota */
		else
			set(&w->v2, "cpu", "cpu.max", xasprintf("max %" PRIu64, per->v));
	}
	if (q->set) {
		w = add_write(c, "/linux/resources/cpu/quota");
		set(&w->v1, "cpu", "cpu.cfs_quota_us", xasprintf("%" PRId64, q->v));
		char *quota = q->v < 0 ? xstrdup("max") : xasprintf("%" PRId64, q->v);
		if (per->set) {
			set(&w->v2, "cpu", "cpu.max", xasprintf("%s %" PRIu64, quota, per->v));
			free(quota);
		} else {
			set(&w->v2, "cpu", "cpu.max", quota);
		}
	}
	if (r->cpu.burst.set) {
		w = add_write(c, "/linux/resources/cpu/burst");
		set(&w->v1, "cpu", "cpu.cfs_burst_us", xasprintf("%" PRIu64, r->cpu.burst.v));
		set(&w->v2, "cpu", "cpu.max.burst", xasprintf("%" PRIu64, r->cpu.burst.v));
	}
	/* the runtime must fit in the period: period first */
	if (r->cpu.realtime_period.set) {
		w = add_write(c, "/linux/resources/cpu/realtimePeriod");
		set(&w->v1, "cpu", "cpu.rt_period_us", xasprintf("%" PRIu64, r->cpu.realtime_period.v));
		none(&w->v2, "cgroup v2 has no realtime scheduling limits");
	}
	if (r->cpu.realtime_runtime.set) {
		w = add_write(c, "/linux/resources/cpu/realtimeRuntime");
		set(&w->v1, "cpu", "cpu.rt_runtime_us", xasprintf("%" PRId64, r->cpu.realtime_runtime.v));
		none(&w->v2, "cgroup v2 has no realtime scheduling limits");
	}
	/* "" means "not given", as with runc and crun */
	if (r->cpu.cpus && r->cpu.cpus[0])
		both(c, "/linux/resources/cpu/cpus", "cpuset", "cpuset.cpus", xstrdup(r->cpu.cpus));
	if (r->cpu.mems && r->cpu.mems[0])
		both(c, "/linux/resources/cpu/mems", "cpuset", "cpuset.mems", xstrdup(r->cpu.mems));
	if (r->cpu.idle.set) {
		snprintf(p, sizeof(p), "%" PRId64, r->cpu.idle.v);
		both(c, "/linux/resources/cpu/idle", "cpu", "cpu.idle", xstrdup(p));
	}
}

static uint64_t io_weight(uint64_t blkio)
{
	return 1 + (blkio - 10) * 9999 / 990;
}

static void plan_block_io(struct plan_cgroup *c, const struct spec_resources *r)
{
	static const char *const throttle_v1[4] = { "blkio.throttle.read_bps_device",
		"blkio.throttle.write_bps_device", "blkio.throttle.read_iops_device",
		"blkio.throttle.write_iops_device" };
	static const char *const throttle_v2[4] = { "rbps", "wbps", "riops", "wiops" };
	static const char *const throttle_keys[4] = { "throttleReadBpsDevice", "throttleWriteBpsDevice",
		"throttleReadIOPSDevice", "throttleWriteIOPSDevice" };
	char p[160];
	struct plan_cgroup_write *w;
	if (!r->block_io.present)
		return;
	if (r->block_io.weight.set) {
		uint64_t v = r->block_io.weight.v;
		w = add_write(c, "/linux/resources/blockIO/weight");
		set(&w->v1, "blkio", "blkio.weight", xasprintf("%" PRIu64, v));
		w->v1.alt_file = xstrdup("blkio.bfq.weight");
		w->v1.alt_value = xasprintf("%" PRIu64, v);
		set(&w->v2, "io", "io.bfq.weight", xasprintf("%" PRIu64, v));
		w->v2.alt_file = xstrdup("io.weight");
		w->v2.alt_value = xasprintf("default %" PRIu64, io_weight(v));
	}
	if (r->block_io.leaf_weight.set) {
		w = add_write(c, "/linux/resources/blockIO/leafWeight");
		set(&w->v1, "blkio", "blkio.leaf_weight", xasprintf("%" PRIu64, r->block_io.leaf_weight.v));
		none(&w->v2, "cgroup v2 has no leaf weights");
	}
	for (size_t i = 0; i < r->block_io.n_weight_device; i++) {
		const struct spec_blkio_device *b = &r->block_io.weight_device[i];
		long long ma = (long long)b->major, mi = (long long)b->minor;
		if (b->weight.set) {
			snprintf(p, sizeof(p), "/linux/resources/blockIO/weightDevice/%zu/weight", i);
			w = add_write(c, p);
			set(&w->v1, "blkio", "blkio.weight_device", xasprintf("%lld:%lld %" PRIu64, ma, mi,
			    b->weight.v));
			w->v1.alt_file = xstrdup("blkio.bfq.weight_device");
			w->v1.alt_value = xstrdup(w->v1.value);
			set(&w->v2, "io", "io.bfq.weight", xasprintf("%lld:%lld %" PRIu64, ma, mi, b->weight.v));
			w->v2.alt_file = xstrdup("io.weight");
			w->v2.alt_value = xasprintf("%lld:%lld %" PRIu64, ma, mi, io_weight(b->weight.v));
		}
		if (b->leaf_weight.set) {
			snprintf(p, sizeof(p), "/linux/resources/blockIO/weightDevice/%zu/leafWeight", i);
			w = add_write(c, p);
			set(&w->v1, "blkio", "blkio.leaf_weight_device", xasprintf("%lld:%lld %" PRIu64, ma,
			    mi, b->leaf_weight.v));
			none(&w->v2, "cgroup v2 has no leaf weights");
		}
	}
	for (size_t k = 0; k < 4; k++)
		for (size_t i = 0; i < r->block_io.n_throttle[k]; i++) {
			const struct spec_blkio_device *b = &r->block_io.throttle[k][i];
			snprintf(p, sizeof(p), "/linux/resources/blockIO/%s/%zu", throttle_keys[k], i);
			w = add_write(c, p);
			set(&w->v1, "blkio", throttle_v1[k], xasprintf("%lld:%lld %" PRIu64, (long long)b->major,
			    (long long)b->minor, b->rate));
			set(&w->v2, "io", "io.max", xasprintf("%lld:%lld %s=%" PRIu64, (long long)b->major,
			    (long long)b->minor, throttle_v2[k], b->rate));
		}
}

static void plan_hugepages(struct plan_cgroup *c, const struct spec_resources *r)
{
	char p[128], f1[96], f2[96];
	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		const struct spec_hugepage_limit *h = &r->hugepage_limits[i];
		snprintf(p, sizeof(p), "/linux/resources/hugepageLimits/%zu", i);
		struct plan_cgroup_write *w = add_write(c, p);
		snprintf(f1, sizeof(f1), "hugetlb.%s.limit_in_bytes", h->page_size);
		snprintf(f2, sizeof(f2), "hugetlb.%s.max", h->page_size);
		set(&w->v1, "hugetlb", f1, xasprintf("%" PRIu64, h->limit));
		set(&w->v2, "hugetlb", f2, xasprintf("%" PRIu64, h->limit));
		/* reservations too, where the kernel accounts them */
		w = add_write(c, p);
		snprintf(f1, sizeof(f1), "hugetlb.%s.rsvd.limit_in_bytes", h->page_size);
		snprintf(f2, sizeof(f2), "hugetlb.%s.rsvd.max", h->page_size);
		set(&w->v1, "hugetlb", f1, xasprintf("%" PRIu64, h->limit));
		set(&w->v2, "hugetlb", f2, xasprintf("%" PRIu64, h->limit));
		w->v1.optional = w->v2.optional = true;
	}
}

static void plan_network(struct plan_cgroup *c, const struct spec_resources *r)
{
	char p[128];
	struct plan_cgroup_write *w;
	if (!r->network.present)
		return;
	if (r->network.class_id.set) {
		w = add_write(c, "/linux/resources/network/classID");
		set(&w->v1, "net_cls", "net_cls.classid", xasprintf("%" PRIu64, r->network.class_id.v));
		none(&w->v2, "cgroup v2 has no net_cls controller");
	}
	for (size_t i = 0; i < r->network.n_priorities; i++) {
		const struct spec_net_priority *np = &r->network.priorities[i];
		snprintf(p, sizeof(p), "/linux/resources/network/priorities/%zu", i);
		w = add_write(c, p);
		set(&w->v1, "net_prio", "net_prio.ifpriomap", xasprintf("%s %u", np->name, np->priority));
		none(&w->v2, "cgroup v2 has no net_prio controller");
	}
}

static void plan_rdma(struct plan_cgroup *c, const struct spec_resources *r)
{
	char p[512];
	for (size_t i = 0; i < r->n_rdma; i++) {
		const struct spec_rdma_limit *rl = &r->rdma[i];
		snprintf(p, sizeof(p), "/linux/resources/rdma/%s", rl->device);
		char *v = xasprintf("%s", rl->device), *t;
		if (rl->hca_handles.set) {
			t = xasprintf("%s hca_handle=%" PRIu64, v, rl->hca_handles.v);
			free(v);
			v = t;
		}
		if (rl->hca_objects.set) {
			t = xasprintf("%s hca_object=%" PRIu64, v, rl->hca_objects.v);
			free(v);
			v = t;
		}
		both(c, p, "rdma", "rdma.max", v);
	}
}

static void plan_unified(struct plan_cgroup *c, const struct spec_resources *r)
{
	static const char *const known[] = { "cpu", "cpuset", "io", "memory", "hugetlb", "pids", "rdma",
					     "misc", "perf_event", "freezer" };
	char p[512];
	for (size_t i = 0; i < r->n_unified; i++) {
		const struct spec_kv *u = &r->unified[i];
		snprintf(p, sizeof(p), "/linux/resources/unified/%s", u->key);
		struct plan_cgroup_write *w = add_write(c, p);
		none(&w->v1, "is a cgroup v2 setting");
		/* the controller is the prefix; cgroup.* files are core; an unknown
		 * prefix is written as it is and the kernel decides */
		size_t len = (size_t)(strchr(u->key, '.') - u->key);
		const char *ctl = "";
		for (size_t k = 0; k < ARRAY_SIZE(known); k++)
			if (strlen(known[k]) == len && strncmp(u->key, known[k], len) == 0)
				ctl = known[k];
		set(&w->v2, ctl, u->key, xstrdup(u->value));
	}
}

static void add_device(struct plan_cgroup *c, bool allow, char type, int64_t major, int64_t minor,
		       const char *access, const char *origin)
{
	c->devices = xrealloc(c->devices, (c->n_devices + 1) * sizeof(*c->devices));
	struct plan_cgroup_device *d = &c->devices[c->n_devices++];
	*d = (struct plan_cgroup_device){ .allow = allow, .type = type, .major = major, .minor = minor,
					  .origin = origin };
	snprintf(d->access, sizeof(d->access), "%s", access);
}

/* After the spec's rules, what runc allows in every container: mknod of
 * any node (the nodes are useless without the rules below), /dev/null,
 * zero, full, random, urandom, tty, ptmx and the ptys of /dev/pts; then
 * the nodes linux.devices asks nsrun to make.  Appended last, as runc
 * does, so a deny-all in the spec never breaks them. */
static void plan_devices_rules(struct plan_cgroup *c, const struct spec *s)
{
	static const struct { char type; int64_t major, minor; const char *access; } defaults[] = {
		{ 'c', -1, -1, "m" }, { 'b', -1, -1, "m" },
		{ 'c', 1, 3, "rwm" }, { 'c', 1, 5, "rwm" }, { 'c', 1, 7, "rwm" }, { 'c', 1, 8, "rwm" },
		{ 'c', 1, 9, "rwm" }, { 'c', 5, 0, "rwm" }, { 'c', 5, 2, "rwm" }, { 'c', 136, -1, "rwm" },
	};
	const struct spec_resources *r = &s->linux_.resources;
	c->spec_devices = r->devices_given;
	for (size_t i = 0; i < r->n_devices; i++) {
		const struct spec_cgroup_device *d = &r->devices[i];
		add_device(c, d->allow, d->type, d->major, d->minor, d->access, NULL);
	}
	for (size_t i = 0; i < ARRAY_SIZE(defaults); i++)
		add_device(c, true, defaults[i].type, defaults[i].major, defaults[i].minor,
			   defaults[i].access, "default");
	for (size_t i = 0; i < s->linux_.n_devices; i++) {
		const struct spec_device *d = &s->linux_.devices[i];
		if (d->type == 'p')
			continue; /* fifos are not devices */
		add_device(c, true, d->type == 'u' ? 'c' : d->type, d->major, d->minor, "rwm",
			   "linux.devices");
	}
}

struct plan_cgroup *plan_cgroup_build(const struct spec *s)
{
	if (!plan_wants_cgroup(s))
		return NULL;
	struct plan_cgroup *c = xcalloc(1, sizeof(*c));
	const struct spec_resources *r = &s->linux_.resources;
	if (s->linux_.cgroups_path)
		c->path = xstrdup(s->linux_.cgroups_path);
	plan_memory(c, r);
	plan_cpu(c, r);
	if (r->pids.present && r->pids.limit.set) {
		int64_t v = r->pids.limit.v;
		both(c, "/linux/resources/pids/limit", "pids", "pids.max",
		     v > 0 ? xasprintf("%" PRId64, v) : xstrdup("max"));
	}
	plan_block_io(c, r);
	plan_hugepages(c, r);
	plan_network(c, r);
	plan_rdma(c, r);
	plan_unified(c, r); /* last: it may refine what the typed members set */
	plan_devices_rules(c, s);
	return c;
}

static void file_free(struct plan_cgroup_file *f)
{
	free(f->file);
	free(f->value);
	free(f->alt_file);
	free(f->alt_value);
}

void plan_cgroup_free(struct plan_cgroup *c)
{
	if (!c)
		return;
	free(c->path);
	for (size_t i = 0; i < c->n_writes; i++) {
		free(c->writes[i].pointer);
		file_free(&c->writes[i].v1);
		file_free(&c->writes[i].v2);
	}
	free(c->writes);
	free(c->devices);
	free(c);
}

char *plan_cgroup_default_name(const struct plan *p, int pid)
{
	if (p->container_id)
		return xasprintf("nsrun-%s", p->container_id);
	return xasprintf("nsrun-%d", pid);
}

/* Values may hold newlines (io.max lines): shown escaped. */
static void print_value(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

static void print_file(FILE *f, const char *version, const struct plan_cgroup_file *pf)
{
	fprintf(f, "%s ", version);
	if (!pf->controller) {
		if (pf->why)
			fprintf(f, "none (%s)", pf->why);
		else
			fputs("(not needed)", f);
		return;
	}
	fprintf(f, "%s=", pf->file);
	print_value(f, pf->value);
	if (pf->alt_file) {
		fprintf(f, " or %s=", pf->alt_file);
		print_value(f, pf->alt_value);
	}
	if (pf->optional)
		fputs(" if present", f);
}

static void print_dev_number(FILE *f, int64_t n)
{
	if (n < 0)
		fputc('*', f);
	else
		fprintf(f, "%lld", (long long)n);
}

void plan_cgroup_describe(const struct plan *p, FILE *f)
{
	const struct plan_cgroup *c = p->cgroup;
	if (!c)
		return;
	if (!c->path) {
		_cleanup_free_ char *name = p->container_id ? plan_cgroup_default_name(p, 0) : NULL;
		fprintf(f, "create (nsrun's cgroup)/%s", name ? name : "nsrun-$PID");
	} else if (c->path[0] == '/') {
		fprintf(f, "create %s", c->path);
	} else {
		fprintf(f, "create (nsrun's cgroup)/%s", c->path);
	}
	fputs(" in each hierarchy; PID 1 enters it before it goes on (v2: clone3 CLONE_INTO_CGROUP, "
	      "v1: cgroup.procs)", f);
	for (size_t i = 0; i < c->n_writes; i++) {
		const struct plan_cgroup_write *w = &c->writes[i];
		fprintf(f, "; %s: ", w->pointer + strlen("/linux/resources/"));
		print_file(f, "v1", &w->v1);
		fputs(", ", f);
		print_file(f, "v2", &w->v2);
	}
	fputs("; devices (v1 devices.deny/devices.allow, v2 eBPF): deny a", f);
	for (size_t i = 0; i < c->n_devices; i++) {
		const struct plan_cgroup_device *d = &c->devices[i];
		fprintf(f, ", %s %c", d->allow ? "allow" : "deny", d->type);
		if (d->type != 'a') {
			fputc(' ', f);
			print_dev_number(f, d->major);
			fputc(':', f);
			print_dev_number(f, d->minor);
			fprintf(f, " %s", d->access);
		}
	}
}
