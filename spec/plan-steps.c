/* The spec side of the step list (spec/steps.def): each kind's name, where
 * it runs, its flags and its line in `nsrun plan`.  One describe function
 * per kind (or per family of kinds), named in the list's DESCRIBE column. */
#include <sched.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <time.h>

#include "plan.h"

static void print_ns_flags(FILE *f, int flags)
{
	static const int order[] = { CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWUTS,
				     CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWCGROUP, CLONE_NEWTIME };
	bool any = false;
	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		if (flags & order[i]) {
			fprintf(f, "%s%s", any ? " " : "", spec_namespace_name(order[i]));
			any = true;
		}
	if (!any)
		fputs("(none)", f);
}

/* Comma-separated option words; *sep is "" before the first one. */
static void print_flags(FILE *f, unsigned long set, unsigned long clear, unsigned long prop,
			const char **sep)
{
	static const struct { unsigned long flag; const char *on, *off; } names[] = {
		{ MS_RDONLY, "ro", "rw" }, { MS_NOSUID, "nosuid", "suid" }, { MS_NODEV, "nodev", "dev" },
		{ MS_NOEXEC, "noexec", "exec" }, { MS_SYNCHRONOUS, "sync", "async" },
		{ MS_DIRSYNC, "dirsync", NULL }, { MS_MANDLOCK, "mand", "nomand" },
		{ MS_NOATIME, "noatime", "atime" }, { MS_NODIRATIME, "nodiratime", "diratime" },
		{ MS_RELATIME, "relatime", "norelatime" }, { MS_STRICTATIME, "strictatime", "nostrictatime" },
		{ MS_LAZYTIME, "lazytime", "nolazytime" }, { MS_NOSYMFOLLOW, "nosymfollow", NULL },
		{ MS_SILENT, "silent", "loud" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (set & names[i].flag) {
			fprintf(f, "%s%s", *sep, names[i].on);
			*sep = ",";
		}
		if ((clear & names[i].flag) && names[i].off) {
			fprintf(f, "%s%s", *sep, names[i].off);
			*sep = ",";
		}
	}
	if (prop) {
		const char *r = prop & MS_REC ? "r" : "";
		const char *k = prop & MS_SHARED ? "shared" : prop & MS_SLAVE ? "slave" :
				prop & MS_PRIVATE ? "private" : "unbindable";
		fprintf(f, "%s%s%s", *sep, r, k);
		*sep = ",";
	}
}

static void print_caps(FILE *f, uint64_t mask)
{
	if (!mask) {
		fputs("(none)", f);
		return;
	}
	bool first = true;
	for (int c = 0; c <= SPEC_CAP_LAST; c++)
		if (mask & (1ULL << c)) {
			fprintf(f, "%s%s", first ? "" : ",", spec_cap_name(c) + 4);
			first = false;
		}
}

static void print_caps_after_exec(const struct plan *p, FILE *f)
{
	uint64_t eff, prm;
	plan_caps_after_exec(p, &eff, &prm);
	if (eff == p->caps.effective && prm == p->caps.permitted)
		return;
	fprintf(f, "; after exec (uid %u, kernel rules): effective and permitted ", p->uid);
	print_caps(f, prm);
}

static void print_strv(FILE *f, char *const *v)
{
	for (size_t i = 0; v && v[i]; i++) {
		fputs(i ? " " : "", f);
		json_write_string(f, v[i]);
	}
}

/* Masked, read-only and read-write paths inside a procfs or sysfs the plan
 * mounts: a missing leaf is skipped, a wrong parent fails. */
static void print_expected_fs(FILE *f, const struct plan_step *s)
{
	if (s->fstype)
		fprintf(f, "; inside the %s on %s: skipped if missing, refused if its parent is not "
			"that %s (no symlinks)", s->fstype, s->source, s->fstype);
	else
		fputs("; skipped if missing", f);
}

/* The kinds whose text is fixed. */
#define DESCRIBE_TEXT(fn, text)                                                      \
	static void fn(const struct plan *p, const struct plan_step *s, FILE *f)     \
	{                                                                            \
		(void)p;                                                             \
		(void)s;                                                             \
		fputs(text, f);                                                      \
	}
DESCRIBE_TEXT(describe_enter, "close every fd of the host, then fork into the joined pid namespace: "
	      "the first process the container can see")
DESCRIBE_TEXT(describe_release, "let the container's PID 1 go on")
DESCRIBE_TEXT(describe_root_readonly, "remount / read-only")
DESCRIBE_TEXT(describe_dev_symlinks, "/dev/fd /dev/stdin /dev/stdout /dev/stderr /dev/core /dev/ptmx")
DESCRIBE_TEXT(describe_no_tiocsti, "seccomp: ioctl TIOCSTI and TIOCLINUX fail with EPERM when stdin, "
	      "stdout or stderr is a terminal (CAP_SYS_ADMIN could type into the caller's)")
DESCRIBE_TEXT(describe_no_new_privs, "prctl(PR_SET_NO_NEW_PRIVS)")
DESCRIBE_TEXT(describe_notify_parent, "tell nsrun the container's namespaces and mounts are ready")
DESCRIBE_TEXT(describe_wait_child, "wait until the container's namespaces and mounts are ready")
DESCRIBE_TEXT(describe_wait_start, "close every fd of the host, wait until `nsrun start` connects to "
	      "the exec socket")
DESCRIBE_TEXT(describe_answer_start, "the startContainer hooks have run: answer `nsrun start` (with the "
	      "notify socket), which then runs poststart")

/* Namespaces, ids, the cgroup. */
static void describe_join_ns(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)p;
	fprintf(f, "setns %s %s%s", spec_namespace_name(s->ns_flags), s->path,
		plan_step_where(s->kind) == PLAN_BEFORE_CLONE ?
		" (for the container's PID 1, before clone)" : "");
}

static void describe_cgroup(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)s;
	plan_cgroup_describe(p, f);
}

static void describe_clone(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)p;
	fputs("new namespaces: ", f);
	print_ns_flags(f, s->ns_flags);
}

static void describe_unshare(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)p;
	fputs("unshare ", f);
	print_ns_flags(f, s->ns_flags);
}

static void describe_id_maps(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)s;
	const struct spec_linux *l = &p->spec->linux_;
	if (plan_userns_describe_maps(p, f))
		return;
	fputs("uid_map", f);
	for (size_t i = 0; i < l->n_uid_mappings; i++)
		fprintf(f, " %u:%u:%u", l->uid_mappings[i].container_id, l->uid_mappings[i].host_id,
			l->uid_mappings[i].size);
	fputs(", gid_map", f);
	for (size_t i = 0; i < l->n_gid_mappings; i++)
		fprintf(f, " %u:%u:%u", l->gid_mappings[i].container_id, l->gid_mappings[i].host_id,
			l->gid_mappings[i].size);
	fputs(" (container:host:size)", f);
}

static void describe_wait_parent(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)s;
	fputs(p->new_userns && p->cgroup ? "wait until the id maps are written and the cgroup is joined" :
	      p->new_userns ? "wait until the id maps are written" :
	      p->cgroup ? "wait until nsrun has moved it into the cgroup" :
	      "wait until nsrun has set up its network", f);
}

static void describe_time_offsets(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)p;
	fputs("new time namespace", f);
	for (size_t i = 0; i < s->n_offsets; i++)
		fprintf(f, ", %s %+llds %uns", s->offsets[i].clock == CLOCK_MONOTONIC ?
			"monotonic" : "boottime", (long long)s->offsets[i].secs,
			s->offsets[i].nanosecs);
}

/* hostname, domainname, the SELinux label, the AppArmor profile */
static void describe_value(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)p;
	fputs(s->value, f);
}

/* Mounts. */
static void describe_propagation(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)p;
	if (s->propagation & MS_SHARED)
		fprintf(f, "make / %sshared (rootfsPropagation: mounts of the host's shared "
			"mounts propagate both ways)", s->propagation & MS_REC ? "r" : "");
	else
		fputs("make / rslave (mounts never propagate to the host)", f);
}

static void describe_rootfs_bind(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)p;
	fprintf(f, "bind %s onto itself%s", s->path, s->propagation & MS_PRIVATE ?
		" (the mount it is on and / made private first, for pivot_root)" : "");
}

static void describe_mount(const struct plan *p, const struct plan_step *s, FILE *f)
{
	if (s->mount_kind == MOUNT_BIND)
		fprintf(f, "%s %s -> %s%s", s->recursive ? "rbind" : "bind", s->source, s->path,
			s->idmap ? " (idmapped by nsrun, step idmap-root)" : "");
	else if (s->mount_kind == MOUNT_CGROUP && s->delegate)
		fprintf(f, "cgroup -> %s (cgroup2, or each v1 hierarchy of the host; boot: the "
			"cgroup2 and name=systemd hierarchies writable, the controllers and the "
			"tmpfs read-only)", s->path);
	else if (s->mount_kind == MOUNT_CGROUP)
		fprintf(f, "cgroup -> %s (cgroup2, or each v1 hierarchy of the host)", s->path);
	else
		fprintf(f, "%s %s -> %s", s->fstype, s->source, s->path);
	if (s->flags || s->clear_flags || s->propagation || s->data || s->copy_up) {
		const char *sep = "";
		fputs(" [", f);
		print_flags(f, s->flags, s->clear_flags, s->propagation, &sep);
		if (s->data)
			fprintf(f, "%s%s", sep, s->data);
		if (s->copy_up)
			fprintf(f, "%stmpcopyup", s->data || *sep ? "," : "");
		fputs("]", f);
	}
	if (s->label)
		fprintf(f, " context=\"%s\"", p->mount_label);
}

static void describe_device(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)p;
	fprintf(f, "%s %c %u:%u mode %04o uid %u gid %u%s", s->path, s->dev_type, s->dev_major,
		s->dev_minor, s->mode, s->uid, s->gid, s->dev_bind ? " (bind the host's node)" : "");
}

static void describe_console(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)p;
	fprintf(f, "new pty from /dev/pts/ptmx; slave on stdio%s", s->path ? " and /dev/console" : "");
}

static void describe_pivot_root(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)s;
	fprintf(f, "%s becomes /, the old root is detached", p->rootfs);
}

static void describe_mask_path(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)p;
	fprintf(f, "%s (files: an empty read-only file, directories: an empty read-only tmpfs)",
		s->path);
	print_expected_fs(f, s);
}

static void describe_readonly_path(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)p;
	fprintf(f, "%s", s->path);
	print_expected_fs(f, s);
}

static void describe_readwrite_path(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)p;
	fprintf(f, "%s (bound on itself read-write: the network namespace is the container's)",
		s->path);
	print_expected_fs(f, s);
}

static void describe_run_host(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)p;
	fprintf(f, "read-only tmpfs on %s: os-release (a copy of the host's /etc/os-release), "
		"container-manager (\"nsrun\"), container-uuid", s->path);
}

static void describe_root_propagation(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)p;
	const char *sep = "";
	fputs("/ ", f);
	print_flags(f, 0, 0, s->propagation, &sep);
}

/* The process. */
static void describe_sysctl(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)p;
	fprintf(f, "%s = %s", s->path, s->value);
}

static void describe_oom_score_adj(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)p;
	fprintf(f, "%lld", (long long)s->num);
}

static void describe_rlimit(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)p;
	fprintf(f, "%s soft %llu hard %llu", spec_rlimit_name(s->resource),
		(unsigned long long)s->soft, (unsigned long long)s->hard);
}

static void describe_personality(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)p;
	fputs(s->num == PER_LINUX32 ? "LINUX32" : "LINUX", f);
}

static void describe_caps_bounding(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)s;
	fputs("keep ", f);
	print_caps(f, p->caps.bounding);
	if (p->caps_from_defaults && p->spec->process.caps.no_sys_admin)
		fputs(" (nspawn's default set less SYS_ADMIN, which without a user namespace would "
		      "be the host's, and less what nsrun itself lacks)", f);
	else if (p->caps_from_defaults)
		fputs(" (nspawn's default set, less what nsrun itself lacks)", f);
	else if (!p->spec->process.caps.given)
		fputs(" (no \"capabilities\" in the spec: none)", f);
}

static void describe_user(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)s;
	fprintf(f, "uid %u gid %u groups", p->uid, p->gid);
	if (!p->n_gids)
		fputs(" (none)", f);
	for (size_t i = 0; i < p->n_gids; i++)
		fprintf(f, "%s%u", i ? "," : " ", p->gids[i]);
	if (p->has_umask)
		fprintf(f, " umask %04o", p->umask);
}

static void describe_caps(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)s;
	fputs("effective ", f);
	print_caps(f, p->caps.effective);
	fputs("; permitted ", f);
	print_caps(f, p->caps.permitted);
	fputs("; inheritable ", f);
	print_caps(f, p->caps.inheritable);
	fputs("; ambient ", f);
	print_caps(f, p->caps.ambient);
	print_caps_after_exec(p, f);
}

static void describe_cwd(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)p;
	fputs(s->path, f);
}

static void describe_hooks(const struct plan *p, const struct plan_step *s, FILE *f)
{
	const struct spec_hook *h = p->spec->hooks.v[s->hook];
	fprintf(f, "%s:", spec_hook_name((enum spec_hook_kind)s->hook));
	for (size_t i = 0; i < p->spec->hooks.n[s->hook]; i++) {
		fprintf(f, " %s", h[i].path);
		if (h[i].has_timeout)
			fprintf(f, " (timeout %ds)", h[i].timeout);
	}
	fputs(s->in_parent ? " [in nsrun's namespaces]" : " [in the container's namespaces]", f);
}

static void describe_stdio(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)s;
	fprintf(f, "new session; %s; fds above 2 closed at exec",
		p->terminal ? "the pty is stdin, stdout, stderr and the controlling terminal" :
		"stdin, stdout, stderr passed through");
}

static void describe_seccomp(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)p;
	plan_seccomp_describe(s->seccomp, f);
}

static void describe_exec(const struct plan *p, const struct plan_step *s, FILE *f)
{
	(void)s;
	if (p->init_candidates) {
		fputs("the first of ", f);
		print_strv(f, p->init_candidates);
		fputs(" that exists in the root", f);
	} else {
		print_strv(f, p->argv);
	}
	fputs(" env ", f);
	print_strv(f, p->envp);
	if (p->terminal)
		fputs(" (terminal)", f);
}

/* The list's spec columns, by kind. */
static const struct {
	const char *name;
	enum plan_step_where where;
	unsigned flags;
	void (*describe)(const struct plan *p, const struct plan_step *s, FILE *f);
} steps[STEP__MAX] = {
#define STEP(kind, name, where, flags, run, early, describe) \
	[STEP_##kind] = { name, PLAN_##where, flags, describe },
#include "steps.def"
#undef STEP
};

const char *plan_step_name(enum plan_step_kind kind)
{
	return kind < STEP__MAX ? steps[kind].name : "?";
}

enum plan_step_where plan_step_where(enum plan_step_kind kind)
{
	return kind < STEP__MAX ? steps[kind].where : PLAN_CHILD;
}

unsigned plan_step_flags(enum plan_step_kind kind)
{
	return kind < STEP__MAX ? steps[kind].flags : 0;
}

void plan_step_describe(const struct plan *p, const struct plan_step *s, FILE *f)
{
	fprintf(f, "%-16s ", plan_step_name(s->kind));
	if (s->kind < STEP__MAX)
		steps[s->kind].describe(p, s, f);
	if (s->skip_reason)
		fprintf(f, " -- skipped: %s", s->skip_reason);
}
