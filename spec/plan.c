/* From a validated spec to the plan: every decision is made here. */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>

#include "config.h"
#include "plan.h"

struct mount_opt { const char *name; unsigned long set, clear, propagation; };

/* Flags with their opposites; "bind"/"rbind" are handled by name. */
static const struct mount_opt mount_opts[] = {
	{ "ro", MS_RDONLY, 0, 0 },            { "rw", 0, MS_RDONLY, 0 },
	{ "nosuid", MS_NOSUID, 0, 0 },        { "suid", 0, MS_NOSUID, 0 },
	{ "nodev", MS_NODEV, 0, 0 },          { "dev", 0, MS_NODEV, 0 },
	{ "noexec", MS_NOEXEC, 0, 0 },        { "exec", 0, MS_NOEXEC, 0 },
	{ "sync", MS_SYNCHRONOUS, 0, 0 },     { "async", 0, MS_SYNCHRONOUS, 0 },
	{ "dirsync", MS_DIRSYNC, 0, 0 },
	{ "mand", MS_MANDLOCK, 0, 0 },        { "nomand", 0, MS_MANDLOCK, 0 },
	{ "noatime", MS_NOATIME, 0, 0 },      { "atime", 0, MS_NOATIME, 0 },
	{ "nodiratime", MS_NODIRATIME, 0, 0 },{ "diratime", 0, MS_NODIRATIME, 0 },
	{ "relatime", MS_RELATIME, 0, 0 },    { "norelatime", 0, MS_RELATIME, 0 },
	{ "strictatime", MS_STRICTATIME, 0, 0 }, { "nostrictatime", 0, MS_STRICTATIME, 0 },
	{ "lazytime", MS_LAZYTIME, 0, 0 },    { "nolazytime", 0, MS_LAZYTIME, 0 },
	{ "nosymfollow", MS_NOSYMFOLLOW, 0, 0 },
	{ "silent", MS_SILENT, 0, 0 },        { "loud", 0, MS_SILENT, 0 },
	{ "private", 0, 0, MS_PRIVATE },      { "rprivate", 0, 0, MS_PRIVATE | MS_REC },
	{ "shared", 0, 0, MS_SHARED },        { "rshared", 0, 0, MS_SHARED | MS_REC },
	{ "slave", 0, 0, MS_SLAVE },          { "rslave", 0, 0, MS_SLAVE | MS_REC },
	{ "unbindable", 0, 0, MS_UNBINDABLE },{ "runbindable", 0, 0, MS_UNBINDABLE | MS_REC },
	{ "defaults", 0, 0, 0 },
};

static const char *const refused_opts[] = { "remount", "move",
					    "copy-symlink", "z", "Z", "userxattr" };

int plan_parse_mount_options(const struct spec_strv *opts, struct plan_step *step,
			     struct nsrun_error *err)
{
	unsigned long set = 0, clear = 0;
	size_t data_len = 0;
	for (size_t i = 0; i < opts->n; i++) {
		const char *o = opts->v[i];
		if (strcmp(o, "tmpcopyup") == 0) {
			step->copy_up = true;
			continue;
		}
		if (strcmp(o, "idmap") == 0 || strcmp(o, "ridmap") == 0) {
			step->idmap = true;
			step->recursive |= o[0] == 'r';
			continue;
		}
		if (strcmp(o, "bind") == 0 || strcmp(o, "rbind") == 0) {
			step->mount_kind = MOUNT_BIND;
			step->recursive |= o[0] == 'r';
			continue;
		}
		for (size_t k = 0; k < ARRAY_SIZE(refused_opts); k++)
			if (strcmp(o, refused_opts[k]) == 0)
				return nsrun_error_set(err, 0, "option \"%s\" is not supported", o);
		size_t k;
		for (k = 0; k < ARRAY_SIZE(mount_opts); k++)
			if (strcmp(o, mount_opts[k].name) == 0)
				break;
		if (k < ARRAY_SIZE(mount_opts)) {
			const struct mount_opt *m = &mount_opts[k];
			if ((m->set & clear) || (m->clear & set))
				return nsrun_error_set(err, 0, "option \"%s\" contradicts an earlier one", o);
			if (m->propagation && step->propagation && step->propagation != m->propagation)
				return nsrun_error_set(err, 0, "option \"%s\" contradicts an earlier "
						       "propagation option", o);
			set |= m->set;
			clear |= m->clear;
			step->propagation |= m->propagation;
			continue;
		}
		if (!*o || strchr(o, ','))
			return nsrun_error_set(err, 0, "option \"%s\" is empty or holds a comma", o);
		/* Anything else is a filesystem option passed through (mode=, size=, gid=, ...). */
		size_t len = strlen(o);
		step->data = xrealloc(step->data, data_len + len + 2);
		if (data_len)
			step->data[data_len++] = ',';
		memcpy(step->data + data_len, o, len + 1);
		data_len += len;
	}
	step->flags = set;
	step->clear_flags = clear;
	return 0;
}

struct plan_step *plan_insert_step(struct plan *p, size_t at, enum plan_step_kind kind)
{
	p->steps = xrealloc(p->steps, (p->n_steps + 1) * sizeof(*p->steps));
	memmove(&p->steps[at + 1], &p->steps[at], (p->n_steps - at) * sizeof(*p->steps));
	p->n_steps++;
	struct plan_step *s = &p->steps[at];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->in_parent = plan_step_where(kind) != PLAN_CHILD; /* spec/steps.def */
	return s;
}

static struct plan_step *add_step(struct plan *p, enum plan_step_kind kind)
{
	return plan_insert_step(p, p->n_steps, kind);
}

struct plan_step *plan_add_step(struct plan *p, enum plan_step_kind kind)
{
	return add_step(p, kind);
}

static void add_hooks(struct plan *p, enum spec_hook_kind kind, bool in_parent)
{
	if (!p->spec->hooks.n[kind])
		return;
	struct plan_step *st = add_step(p, STEP_HOOKS);
	st->hook = kind;
	st->in_parent = in_parent;
}

/* OCI: prestart and createRuntime run in the runtime's namespaces once the
 * container's exist, createContainer in the container's, all before
 * pivot_root.  The child stops and waits while nsrun runs its part. */
static void plan_create_hooks(struct plan *p)
{
	const struct spec_hooks *h = &p->spec->hooks;
	if (h->n[HOOK_PRESTART] || h->n[HOOK_CREATE_RUNTIME]) {
		add_step(p, STEP_NOTIFY_PARENT);
		add_step(p, STEP_WAIT_CHILD);
		add_hooks(p, HOOK_PRESTART, true);
		add_hooks(p, HOOK_CREATE_RUNTIME, true);
		add_step(p, STEP_RELEASE);
		add_step(p, STEP_WAIT_PARENT);
	}
	add_hooks(p, HOOK_CREATE_CONTAINER, false);
}

static char *join_path(const char *dir, const char *rel)
{
	if (rel[0] == '/')
		return xstrdup(rel);
	if (strcmp(dir, ".") == 0)
		return xstrdup(rel);
	return xasprintf("%s/%s", dir, rel);
}

/* Lexically normalise an absolute container path: collapse "//" and "/./",
 * drop a trailing '/'.  ".." was refused by the validator. */
static char *normalise(const char *path)
{
	char *out = xmalloc(strlen(path) + 2);
	size_t n = 0;
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *end = strchrnul(p, '/');
		if (!(end - p == 1 && p[0] == '.')) {
			out[n++] = '/';
			memcpy(out + n, p, (size_t)(end - p));
			n += (size_t)(end - p);
		}
		p = end;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return out;
}

static void plan_namespaces(struct plan *p, const struct spec *s)
{
	const struct spec_namespace *user = spec_find_namespace(s, CLONE_NEWUSER);
	bool join_user = user && user->path;
	int new_flags = 0;
	/* pid and time are joined "for children": the parent does it before clone. */
	for (size_t i = 0; i < s->linux_.n_namespaces; i++) {
		const struct spec_namespace *ns = &s->linux_.namespaces[i];
		if (ns->path && (ns->type == CLONE_NEWPID || ns->type == CLONE_NEWTIME)) {
			struct plan_step *st = add_step(p, STEP_JOIN_NS_EARLY);
			st->ns_flags = ns->type;
			st->path = xstrdup(ns->path);
		} else if (!ns->path && ns->type != CLONE_NEWTIME) {
			new_flags |= ns->type;
		}
	}
	p->new_userns = (new_flags & CLONE_NEWUSER) != 0;
	p->new_pidns = (new_flags & CLONE_NEWPID) != 0;
	/* After joining a user namespace, new namespaces must be owned by it,
	 * so they are made by unshare() in the child instead of by clone(). */
	p->clone_flags = join_user ? 0 : new_flags;
	/* With a cgroup, PID 1 waits until nsrun has moved it in; a new cgroup
	 * namespace is made after that, so that its root is the container's
	 * cgroup and not nsrun's (as runc does). */
	bool cgroup = plan_wants_cgroup(s);
	bool cgroupns_late = cgroup && (p->clone_flags & CLONE_NEWCGROUP);
	p->clone_flags &= cgroupns_late ? ~CLONE_NEWCGROUP : ~0;
	if (cgroup)
		add_step(p, STEP_CGROUP);
	struct plan_step *st = add_step(p, STEP_CLONE);
	st->ns_flags = p->clone_flags;
	if (p->new_userns)
		add_step(p, STEP_ID_MAPS);
	/* (the idmapped bind mounts are added to it once the mounts are planned) */
	if (p->new_userns && plan_wants_idmap_root(s))
		add_step(p, STEP_IDMAP_ROOT)->path = xstrdup(p->rootfs);
	bool net = plan_network_parent_steps(p);
	if (p->new_userns || cgroup || net) {
		add_step(p, STEP_RELEASE);
		add_step(p, STEP_WAIT_PARENT);
	}
	if (join_user) {
		st = add_step(p, STEP_JOIN_NS);
		st->ns_flags = CLONE_NEWUSER;
		st->path = xstrdup(user->path);
	}
	for (size_t i = 0; i < s->linux_.n_namespaces; i++) {
		const struct spec_namespace *ns = &s->linux_.namespaces[i];
		if (ns->path && ns->type != CLONE_NEWUSER && ns->type != CLONE_NEWPID &&
		    ns->type != CLONE_NEWTIME) {
			st = add_step(p, STEP_JOIN_NS);
			st->ns_flags = ns->type;
			st->path = xstrdup(ns->path);
		}
	}
	if (join_user && new_flags) {
		st = add_step(p, STEP_UNSHARE);
		st->ns_flags = new_flags;
	} else if (cgroupns_late) {
		add_step(p, STEP_UNSHARE)->ns_flags = CLONE_NEWCGROUP;
	}
	if (spec_has_new_namespace(s, CLONE_NEWTIME)) {
		st = add_step(p, STEP_TIME_OFFSETS);
		st->n_offsets = s->linux_.n_time_offsets;
		memcpy(st->offsets, s->linux_.time_offsets, sizeof(st->offsets));
	}
}

static bool mounts_dev(const struct spec *s, bool *is_tmpfs)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		_cleanup_free_ char *d = normalise(s->mounts[i].destination);
		if (strcmp(d, "/dev") == 0) {
			*is_tmpfs = s->mounts[i].type && strcmp(s->mounts[i].type, "tmpfs") == 0;
			return true;
		}
	}
	return false;
}

static int plan_mount(struct plan *p, const struct spec *s, const struct spec_mount *m, size_t idx,
		      struct nsrun_error *err)
{
	struct plan_step *st = add_step(p, STEP_MOUNT);
	st->path = normalise(m->destination);
	st->mount_kind = MOUNT_FS;
	if (plan_parse_mount_options(&m->options, st, err) < 0)
		return spec_fail_at(err, s, m->pos, "/mounts/%zu/options: %s", idx, err->msg);
	const char *type = m->type;
	if (type && (strcmp(type, "bind") == 0 || strcmp(type, "rbind") == 0)) {
		st->mount_kind = MOUNT_BIND;
		st->recursive |= type[0] == 'r';
	} else if (type && strcmp(type, "none") == 0 && st->mount_kind != MOUNT_BIND) {
		return spec_fail_at(err, s, m->pos, "/mounts/%zu/type: \"none\" needs a \"bind\" "
				    "or \"rbind\" option", idx);
	}
	if (st->mount_kind == MOUNT_BIND) {
		if (!m->source || !m->source[0])
			return spec_fail_at(err, s, m->pos, "/mounts/%zu/source: a bind mount needs "
					    "a source", idx);
		if (st->copy_up)
			return spec_fail_at(err, s, m->pos, "/mounts/%zu/options: \"tmpcopyup\" has "
					    "no meaning for a bind mount", idx);
		/* mount(2) ignores a bind's filesystem options (runc passes them);
		 * the validator warned */
		free(st->data);
		st->data = NULL;
		st->source = join_path(s->dir, m->source);
		return 0;
	}
	if (!type || !type[0])
		return spec_fail_at(err, s, m->pos, "/mounts/%zu/type: a filesystem type is "
				    "required (or the \"bind\" option)", idx);
	if (st->copy_up && strcmp(type, "tmpfs") != 0)
		return spec_fail_at(err, s, m->pos, "/mounts/%zu/options: \"tmpcopyup\" only "
				    "applies to tmpfs", idx);
	st->fstype = xstrdup(type);
	st->source = xstrdup(m->source && m->source[0] ? m->source : type);
	if (strcmp(type, "cgroup") == 0) {
		st->mount_kind = MOUNT_CGROUP;
		/* boot: below its own cgroup namespace (the validator requires
		 * one) the container's systemd manages its own subtree */
		st->delegate = s->boot;
	}
	if (plan_userns_mount(p, s, st, idx, err) < 0)
		return -1;
	/* sysfs can only be mounted by the owner of the network namespace:
	 * in a new user namespace without a new network namespace, bind the
	 * host's /sys instead, read-only. */
	if (strcmp(type, "sysfs") == 0 && p->new_userns && !(p->clone_flags & CLONE_NEWNET)) {
		free(st->fstype);
		free(st->source);
		st->fstype = NULL;
		st->source = xstrdup("/sys");
		st->mount_kind = MOUNT_BIND;
		st->recursive = true;
		st->flags |= MS_RDONLY;
		free(st->data);
		st->data = NULL;
	}
	return 0;
}

static void plan_devices(struct plan *p, const struct spec *s)
{
	static const struct { const char *path; uint32_t major, minor; } defaults[] = {
		{ "/dev/null", 1, 3 }, { "/dev/zero", 1, 5 }, { "/dev/full", 1, 7 },
		{ "/dev/random", 1, 8 }, { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(defaults); i++) {
		bool overridden = false;
		for (size_t k = 0; k < s->linux_.n_devices; k++)
			overridden |= strcmp(s->linux_.devices[k].path, defaults[i].path) == 0;
		if (overridden)
			continue;
		struct plan_step *st = add_step(p, STEP_DEVICE);
		st->path = xstrdup(defaults[i].path);
		st->dev_type = 'c';
		st->dev_major = defaults[i].major;
		st->dev_minor = defaults[i].minor;
		st->mode = 0666;
		st->dev_bind = p->new_userns;
	}
	for (size_t k = 0; k < s->linux_.n_devices; k++) {
		const struct spec_device *d = &s->linux_.devices[k];
		struct plan_step *st = add_step(p, STEP_DEVICE);
		st->path = normalise(d->path);
		st->dev_type = d->type == 'u' ? 'c' : d->type;
		st->dev_major = (uint32_t)(d->major < 0 ? 0 : d->major);
		st->dev_minor = (uint32_t)(d->minor < 0 ? 0 : d->minor);
		st->mode = d->has_mode ? d->mode : 0666;
		st->uid = d->has_uid ? d->uid : 0;
		st->gid = d->has_gid ? d->gid : 0;
		st->dev_bind = p->new_userns;
	}
	add_step(p, STEP_DEV_SYMLINKS);
}

/* Every host mount becomes a slave in the container's copy, so nothing
 * made inside leaks out; unless rootfsPropagation asks for shared (as
 * Kubernetes' Bidirectional mounts do): then "/" gets that propagation and
 * the host's shared mounts stay peers of the container's copies (what runc
 * does).  pivot_root refuses a shared new root or a shared parent of it:
 * the rootfs bind makes the mounts around it private first, and the root
 * gets its propagation after pivot_root. */
static void plan_filesystem(struct plan *p, const struct spec *s)
{
	unsigned long root = s->linux_.rootfs_propagation ? s->linux_.rootfs_propagation_flags : 0;
	bool shared = root & MS_SHARED;
	add_step(p, STEP_PROPAGATION)->propagation = shared ? root : MS_SLAVE | MS_REC;
	struct plan_step *st = add_step(p, STEP_ROOTFS_BIND);
	st->path = xstrdup(p->rootfs);
	st->propagation = shared ? MS_PRIVATE : 0; /* of the mounts it sits on */
}

/* After setsid() the container has no controlling terminal, so TIOCSTI
 * on the caller's terminal (its stdio when "terminal" is false) fails,
 * except with CAP_SYS_ADMIN in the host's user namespace (SECURITY.md
 * rule 7): then a filter refuses it.  In a user namespace it cannot work. */
static bool needs_tiocsti_guard(const struct plan *p, const struct spec *s)
{
	const struct spec_namespace *user = spec_find_namespace(s, CLONE_NEWUSER);
	return !s->process.terminal && !user && (p->caps.bounding & (1ULL << 21 /* SYS_ADMIN */));
}

/* A masked, read-only or read-write path strictly inside a procfs or sysfs
 * the plan mounts (the deepest mount above it): the executor then requires
 * its parent to be that filesystem (fstype, mounted at source). */
static void expect_pseudo_fs(struct plan *p, struct plan_step *st)
{
	const struct plan_step *best = NULL;
	size_t best_len = 0;
	for (size_t i = 0; i < p->n_steps; i++) {
		const struct plan_step *m = &p->steps[i];
		if (m->kind != STEP_MOUNT || !m->path)
			continue;
		size_t len = strcmp(m->path, "/") == 0 ? 0 : strlen(m->path);
		if (strncmp(st->path, m->path, len) == 0 && st->path[len] == '/' && st->path[len + 1] &&
		    (!best || len >= best_len)) {
			best = m;
			best_len = len;
		}
	}
	if (best && best->mount_kind == MOUNT_FS &&
	    (strcmp(best->fstype, "proc") == 0 || strcmp(best->fstype, "sysfs") == 0)) {
		st->fstype = xstrdup(best->fstype);
		st->source = xstrdup(best->path);
	}
}

/* The root filesystem up to the container's own mounts: propagation, the
 * rootfs bind, /dev (a tmpfs of its own unless the spec mounts one) and the
 * spec's mounts, with the device nodes right after /dev. */
static int plan_mounts(struct plan *p, const struct spec *s, struct nsrun_error *err)
{
	bool dev_tmpfs = false, has_dev = mounts_dev(s, &dev_tmpfs);
	bool has_mntns = p->clone_flags & CLONE_NEWNS || spec_find_namespace(s, CLONE_NEWNS);
	if (!has_mntns)
		return spec_fail_at(err, s, (struct spec_pos){ 0 }, "/linux/namespaces: nsrun needs a "
				    "mount namespace (add {\"type\": \"mount\"}) to set up the root filesystem");
	plan_filesystem(p, s);
	if (!has_dev) {
		/* OCI requires the default devices; nsrun never writes them into the
		 * image, so /dev gets a tmpfs of its own. */
		struct plan_step *st = add_step(p, STEP_MOUNT);
		st->path = xstrdup("/dev");
		st->mount_kind = MOUNT_FS;
		st->fstype = xstrdup("tmpfs");
		st->source = xstrdup("tmpfs");
		st->flags = MS_NOSUID | MS_STRICTATIME;
		st->data = xstrdup("mode=755,size=65536k");
		dev_tmpfs = true;
	}
	bool devices_done = false;
	for (size_t i = 0; i < s->n_mounts; i++) {
		if (plan_mount(p, s, &s->mounts[i], i, err) < 0)
			return -1;
		/* Nodes go in right after /dev and before anything mounted below it
		 * that is not devpts/shm/mqueue: simplest is right after /dev itself. */
		if (dev_tmpfs && !devices_done && strcmp(p->steps[p->n_steps - 1].path, "/dev") == 0) {
			plan_devices(p, s);
			devices_done = true;
		}
	}
	if (dev_tmpfs && !devices_done)
		plan_devices(p, s);
	if (plan_userns_idmap_binds(p, err) < 0)
		return -1;
	if (s->boot)
		add_step(p, STEP_RUN_HOST)->path = xstrdup("/run/host");
	return 0;
}

/* Everything under the root is resolved through its fd, so masks and
 * read-only paths come before pivot_root, the last filesystem step. */
static void plan_paths(struct plan *p, const struct spec *s)
{
	for (size_t i = 0; i < s->linux_.masked_paths.n; i++) {
		struct plan_step *st = add_step(p, STEP_MASK_PATH);
		st->path = normalise(s->linux_.masked_paths.v[i]);
		expect_pseudo_fs(p, st);
	}
	bool proc_sys_ro = false;
	for (size_t i = 0; i < s->linux_.readonly_paths.n; i++) {
		struct plan_step *st = add_step(p, STEP_READONLY_PATH);
		st->path = normalise(s->linux_.readonly_paths.v[i]);
		proc_sys_ro |= strcmp(st->path, "/proc/sys") == 0 || strcmp(st->path, "/proc") == 0;
		expect_pseudo_fs(p, st);
	}
	/* systemd's container interface: with a network namespace of its own
	 * the container may write /proc/sys/net (nspawn does the same). */
	if (s->boot && proc_sys_ro && (p->clone_flags & CLONE_NEWNET)) {
		struct plan_step *st = add_step(p, STEP_READWRITE_PATH);
		st->path = xstrdup("/proc/sys/net");
		expect_pseudo_fs(p, st);
	}
	if (s->root_readonly)
		add_step(p, STEP_ROOT_READONLY);
	add_step(p, STEP_PIVOT_ROOT);
	if (s->linux_.rootfs_propagation)
		add_step(p, STEP_ROOT_PROPAGATION)->propagation = s->linux_.rootfs_propagation_flags;
}

static void plan_limits(struct plan *p, const struct spec *s)
{
	const struct spec_process *proc = &s->process;
	for (size_t i = 0; i < s->linux_.n_sysctl; i++) {
		struct plan_step *st = add_step(p, STEP_SYSCTL);
		st->path = xstrdup(s->linux_.sysctl[i].key);
		st->value = xstrdup(s->linux_.sysctl[i].value);
	}
	if (proc->has_oom_score_adj)
		add_step(p, STEP_OOM_SCORE_ADJ)->num = proc->oom_score_adj;
	for (size_t i = 0; i < proc->n_rlimits; i++) {
		struct plan_step *st = add_step(p, STEP_RLIMIT);
		st->resource = proc->rlimits[i].resource;
		st->soft = proc->rlimits[i].soft;
		st->hard = proc->rlimits[i].hard;
	}
	if (s->linux_.has_personality)
		add_step(p, STEP_PERSONALITY)->num = (int64_t)s->linux_.personality;
}

/* Capabilities are exactly the spec's (SECURITY.md rule 6): an OCI spec
 * without "capabilities" gets none at all, not nsrun's own.  nspawn's
 * default set (a short spec without them) loses what nsrun itself lacks. */
static void plan_caps(struct plan *p, const struct spec *s)
{
	p->caps = s->process.caps;
	p->caps_from_defaults = s->process.caps.defaulted;
	if (p->caps_from_defaults) {
		p->caps.bounding &= p->host.bounding;
		p->caps.effective &= p->host.bounding;
		p->caps.permitted &= p->host.bounding;
	}
}

/* An AppArmor profile the host cannot apply is skipped only when the spec
 * says so: annotation "run.nsrun.apparmor": "optional" (README); else the
 * executor refuses to run the container unconfined (exec_check_apparmor). */
static bool apparmor_optional(const struct spec *s)
{
	for (size_t i = 0; i < s->n_annotations; i++)
		if (strcmp(s->annotations[i].key, "run.nsrun.apparmor") == 0)
			return strcmp(s->annotations[i].value, "optional") == 0;
	return false;
}

static void warn_not_applied(FILE *warn, const struct spec *s, const char *member, const char *value,
			     const char *why)
{
	if (warn)
		fprintf(warn, "nsrun: warning: %s: %s \"%s\" is not applied: %s\n", s->file, member,
			value, why);
}

static void add_lsm_step(struct plan *p, enum plan_step_kind kind, const char *value,
			 const char *member, const char *skip, FILE *warn)
{
	struct plan_step *st = add_step(p, kind);
	st->value = xstrdup(value);
	if (!skip)
		return;
	st->skip_reason = xstrdup(skip);
	warn_not_applied(warn, p->spec, member, value, skip);
}

static void add_filters(struct plan *p, struct plan_seccomp *const *filters, size_t n)
{
	for (size_t i = 0; i < n; i++)
		add_step(p, STEP_SECCOMP)->seccomp = filters[i];
}

/* The process after its limits: credentials, labels, `nsrun create`'s
 * wait for start, the syscall filters and exec.  The filters are the last
 * thing before execve (SECURITY.md rule 8), unless they must be loaded
 * while nsrun still holds CAP_SYS_ADMIN (spec/plan-seccomp.c resolves
 * them), or, with create, one passes a listener (SCMP_ACT_NOTIFY): that
 * must reach the agent while `nsrun create` still runs, so the filters
 * load before the wait (as runc does) and what follows runs under them. */
static int plan_process_steps(struct plan *p, const struct spec *s, const struct plan_invocation *inv,
			      struct nsrun_error *err)
{
	const struct spec_process *proc = &s->process;
	plan_caps(p, s);
	if (needs_tiocsti_guard(p, s))
		add_step(p, STEP_NO_TIOCSTI);
	add_step(p, STEP_CAPS_BOUNDING);
	add_step(p, STEP_USER);
	struct plan_seccomp *filters[2];
	size_t n_filters;
	if (plan_seccomp_build(s, p->caps.effective, proc->no_new_privileges, filters, &n_filters, err) < 0)
		return -1;
	bool listener = false;
	for (size_t i = 0; i < n_filters; i++)
		listener |= filters[i]->listener;
	enum { AFTER_USER, BEFORE_WAIT_START, BEFORE_EXEC } at =
		n_filters && filters[0]->early ? AFTER_USER :
		inv->wait_for_start && listener ? BEFORE_WAIT_START : BEFORE_EXEC;
	if (at == AFTER_USER)
		add_filters(p, filters, n_filters);
	add_step(p, STEP_CAPS);
	if (proc->no_new_privileges)
		add_step(p, STEP_NO_NEW_PRIVS);
	add_step(p, STEP_CWD)->path = normalise(proc->cwd);
	if (proc->selinux_label)
		add_lsm_step(p, STEP_SELINUX_LABEL, proc->selinux_label, "/process/selinuxLabel",
			     p->host.selinux ? NULL : PLAN_NO_SELINUX, inv->warn);
	if (proc->apparmor_profile)
		add_lsm_step(p, STEP_APPARMOR_PROFILE, proc->apparmor_profile, "/process/apparmorProfile",
			     p->host.apparmor || !apparmor_optional(s) ? NULL : PLAN_NO_APPARMOR, inv->warn);
	if (inv->wait_for_start) {
		if (at == BEFORE_WAIT_START)
			add_filters(p, filters, n_filters);
		add_step(p, STEP_WAIT_START);
	}
	add_hooks(p, HOOK_START_CONTAINER, false);
	if (inv->wait_for_start) /* poststart comes after startContainer */
		add_step(p, STEP_ANSWER_START);
	add_step(p, STEP_STDIO);
	if (at == BEFORE_EXEC)
		add_filters(p, filters, n_filters);
	add_step(p, STEP_EXEC);
	return 0;
}

/* What execve gets, and the credentials STEP_USER sets. */
static void plan_process(struct plan *p, const struct spec *s, const struct plan_invocation *inv)
{
	const struct spec_process *proc = &s->process;
	p->boot = s->boot;
	if (inv->argc > 0) {
		p->argv = spec_argv_dup(inv->args, (size_t)inv->argc);
	} else if (proc->args.n) {
		p->argv = spec_argv_dup(proc->args.v, proc->args.n);
	} else {
		/* boot without args: the image's init, looked up inside the root
		 * when the container execs (which one exists is a fact of the
		 * image, not something nsrun reads beforehand) */
		static char *const inits[] = { "/usr/lib/systemd/systemd", "/lib/systemd/systemd",
					       "/sbin/init" };
		p->init_candidates = spec_argv_dup(inits, ARRAY_SIZE(inits));
		p->argv = spec_argv_dup(inits, 1);
	}
	p->uuid_env = -1;
	p->envp = spec_argv_dup(proc->env.v, proc->env.n);
	for (size_t i = 0; s->boot && i < proc->env.n; i++)
		if (strcmp(p->envp[i], "container_uuid=") == 0)
			p->uuid_env = (ssize_t)i;
	p->uid = proc->user.uid;
	p->gid = proc->user.gid;
	p->n_gids = proc->user.n_additional_gids;
	p->gids = xcalloc(p->n_gids, sizeof(uint32_t));
	if (p->n_gids)
		memcpy(p->gids, proc->user.additional_gids, p->n_gids * sizeof(uint32_t));
	p->has_umask = proc->user.has_umask;
	p->umask = proc->user.umask;
	p->terminal = proc->terminal;
	p->console_height = proc->console_height;
	p->console_width = proc->console_width;
	p->no_new_privileges = proc->no_new_privileges;
}

static bool takes_label(const struct plan_step *s)
{
	static const char *const types[] = { "tmpfs", "devpts", "mqueue", "ramfs" };
	if (s->kind == STEP_MASK_PATH)
		return true;
	if (s->kind != STEP_MOUNT || s->mount_kind != MOUNT_FS || !s->fstype)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (strcmp(s->fstype, types[i]) == 0)
			return true;
	return false;
}

/* linux.mountLabel: context= on the tmpfs, devpts, mqueue and ramfs mounts
 * nsrun makes and on the masks' tmpfs, when SELinux is enabled. */
static void plan_mount_label(struct plan *p, const struct spec *s, FILE *warn)
{
	if (!s->linux_.mount_label)
		return;
	p->mount_label = xstrdup(s->linux_.mount_label);
	const char *skip = plan_mount_label_skip(p);
	if (skip) {
		warn_not_applied(warn, s, "/linux/mountLabel", p->mount_label, skip);
		return;
	}
	for (size_t i = 0; i < p->n_steps; i++)
		p->steps[i].label = takes_label(&p->steps[i]);
}

const struct plan_host plan_host_permissive = {
	.bounding = (2ULL << SPEC_CAP_LAST) - 1,
	.effective = (2ULL << SPEC_CAP_LAST) - 1,
	.selinux = true,
	.apparmor = true,
};

int plan_build(struct spec *spec, const struct plan_invocation *inv, const struct plan_host *host,
	       struct plan **out, struct nsrun_error *err)
{
	static const struct plan_invocation plain = { 0 };
	_cleanup_plan_ struct plan *p = xcalloc(1, sizeof(*p));
	p->spec = spec;
	const struct spec *s = spec;
	inv = inv ? inv : &plain;
	p->host = *host;
	p->container_id = inv->container_id ? xstrdup(inv->container_id) : NULL;
	p->rootfs = join_path(s->dir, s->root_path);
	p->cgroup = plan_cgroup_build(s);

	plan_namespaces(p, s);
	if (s->hostname)
		add_step(p, STEP_HOSTNAME)->value = xstrdup(s->hostname);
	if (s->domainname)
		add_step(p, STEP_DOMAINNAME)->value = xstrdup(s->domainname);
	if (plan_mounts(p, s, err) < 0)
		return -1;
	plan_network_child_steps(p);
	if (s->process.terminal)
		add_step(p, STEP_CONSOLE)->path = xstrdup("/dev/console");
	plan_create_hooks(p);
	plan_paths(p, s);
	plan_limits(p, s);
	if (plan_process_steps(p, s, inv, err) < 0)
		return -1;
	plan_process(p, s, inv);
	plan_mount_label(p, s, inv->warn);
	if (inv->exec_pid > 0)
		plan_exec_steps(p, inv->exec_pid);
	*out = TAKE_PTR(p);
	return 0;
}

void plan_caps_after_exec(const struct plan *p, uint64_t *effective, uint64_t *permitted)
{
	const struct spec_caps *c = &p->caps;
	uint64_t prm = c->ambient;
	/* execve() of a file without file capabilities: uid 0 gets bounding
	 * and inheritable (capabilities(7), "root" rules); others keep only
	 * the ambient set.  no_new_privs keeps uid 0 within what it had. */
	if (p->uid == 0) {
		prm |= c->bounding | c->inheritable;
		if (p->no_new_privileges)
			prm &= c->permitted | c->ambient;
	}
	*permitted = prm;
	*effective = prm;
}

void plan_step_clear(struct plan_step *s)
{
	free(s->skip_reason);
	free(s->path);
	free(s->source);
	free(s->fstype);
	free(s->data);
	free(s->value);
	plan_seccomp_free(s->seccomp);
	memset(s, 0, sizeof(*s));
}

void plan_free(struct plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_steps; i++)
		plan_step_clear(&p->steps[i]);
	free(p->steps);
	spec_argv_free(p->argv);
	spec_argv_free(p->envp);
	spec_argv_free(p->init_candidates);
	free(p->gids);
	free(p->rootfs);
	free(p->mount_label);
	plan_cgroup_free(p->cgroup);
	free(p->container_id);
	spec_free(p->spec);
	free(p);
}
