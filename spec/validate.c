/* Rules that relate several members, and the defaults of a minimal spec.
 *
 * The rule (README "Minimal specs"): a file WITH "ociVersion" is an OCI
 * config and means exactly what the runtime-spec says; nothing is added.  A
 * file WITHOUT "ociVersion" is an nsrun spec: every member it leaves out
 * gets an nspawn-like default (private mount/pid/uts/ipc/cgroup namespaces,
 * the host network, nspawn's capability set less SYS_ADMIN without a user
 * namespace, nspawn's syscall filter, /proc /sys /dev /run /tmp mounts,
 * masked and read-only /proc paths, PATH in the environment, cwd /; and
 * plan-cgroup.c gives it a cgroup allowing only the default devices). */
#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <string.h>

#include "config.h"
#include "decode.h"
#include "plan.h"
#include "network.h"

/* A NEW namespace of this type.  Settings that write into a namespace
 * (hostname, ipc sysctls) need one: in a namespace joined by path they
 * would change someone else's, the host's for /proc/1/ns/uts. */
static bool has_ns(const struct spec *s, int type)
{
	for (size_t i = 0; i < s->linux_.n_namespaces; i++)
		if (s->linux_.namespaces[i].type == type && !s->linux_.namespaces[i].path)
			return true;
	return false;
}

static const struct spec_namespace *find_ns(const struct spec *s, int type)
{
	for (size_t i = 0; i < s->linux_.n_namespaces; i++)
		if (s->linux_.namespaces[i].type == type)
			return &s->linux_.namespaces[i];
	return NULL;
}

/* RFC 1123 labels: letters, digits, '-', separated by single dots. */
static const char *check_hostname(const char *h)
{
	size_t len = strlen(h);
	if (len == 0)
		return "must not be empty";
	if (len > SPEC_HOSTNAME_MAX)
		return "is longer than 64 bytes";
	if (h[0] == '-' || h[0] == '.' || h[len - 1] == '-' || h[len - 1] == '.')
		return "must not start or end with '-' or '.'";
	for (const char *p = h; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
			return "may hold only letters, digits, '-' and '.'";
		if (p[0] == '.' && p[1] == '.')
			return "must not hold empty labels (\"..\")";
	}
	return NULL;
}

static int check_oci_version(struct dec *d, const struct spec *s)
{
	const char *v = s->oci_version;
	unsigned major, minor;
	char rest;
	if (!v)
		return 0;
	if (sscanf(v, "%u.%u%c", &major, &minor, &rest) < 2 || major != 1 || minor > 3)
		return dec_fail_at(d, s->oci_version_pos, "/ociVersion",
				   "unsupported version \"%s\", expected 1.0.x to 1.3.x", v);
	return 0;
}

/* Sysctls must be namespaced (SECURITY.md rule 10 and issue 4): a key
 * that names a host-wide setting is refused, as is anything that could
 * walk out of /proc/sys. */
static int check_sysctl(struct dec *d, const struct spec *s, const struct spec_sysctl *sc)
{
	char ptr[sizeof(d->ptr)];
	size_t old = dec_push_key(d, "linux");
	dec_push_key(d, "sysctl");
	dec_push_key(d, sc->key);   /* escapes '/' and '~' */
	snprintf(ptr, sizeof(ptr), "%s", d->ptr);
	dec_pop(d, old);
	const char *k = sc->key;
	if (!*k || strchr(k, '/') || strstr(k, "..") || k[0] == '.' || k[strlen(k) - 1] == '.')
		return dec_fail_at(d, sc->pos, ptr, "invalid sysctl key (no '/', no empty components)");
	for (const char *p = k; *p; p++)
		if (isspace((unsigned char)*p) || !isprint((unsigned char)*p))
			return dec_fail_at(d, sc->pos, ptr, "invalid sysctl key: whitespace or control character");
	if (strchr(sc->value, '\n') || strchr(sc->value, '\r'))
		return dec_fail_at(d, sc->pos, ptr, "the value must not contain a newline");
	static const char *const ipc_prefixes[] = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
		"kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced" };
	for (size_t i = 0; i < ARRAY_SIZE(ipc_prefixes); i++)
		if (strcmp(k, ipc_prefixes[i]) == 0) {
			if (!has_ns(s, CLONE_NEWIPC))
				return dec_fail_at(d, sc->pos, ptr, "needs a new ipc namespace");
			return 0;
		}
	if (strncmp(k, "fs.mqueue.", 10) == 0) {
		if (!has_ns(s, CLONE_NEWIPC))
			return dec_fail_at(d, sc->pos, ptr, "needs a new ipc namespace");
		return 0;
	}
	if (strncmp(k, "net.", 4) == 0) {
		const struct spec_namespace *ns = find_ns(s, CLONE_NEWNET);
		if (!ns || ns->path)
			return dec_fail_at(d, sc->pos, ptr, "needs a new network namespace");
		return 0;
	}
	if (strcmp(k, "kernel.hostname") == 0 || strcmp(k, "kernel.domainname") == 0) {
		if (!has_ns(s, CLONE_NEWUTS))
			return dec_fail_at(d, sc->pos, ptr, "needs a new uts namespace");
		return 0;
	}
	return dec_fail_at(d, sc->pos, ptr, "not a namespaced sysctl: only kernel.shm*, kernel.msg*, "
			   "kernel.sem, fs.mqueue.*, net.* (with a network namespace), "
			   "kernel.hostname and kernel.domainname can be set");
}

static bool id_mapped(const struct spec_idmap *m, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].container_id && id - m[i].container_id < m[i].size)
			return true;
	return false;
}

/* In a new user namespace the process's ids must be mapped: the kernel
 * refuses setuid/setgid/setgroups to an unmapped id. */
static int check_user_mapped(struct dec *d, const struct spec *s)
{
	const struct spec_linux *l = &s->linux_;
	const struct spec_user *u = &s->process.user;
	if (!id_mapped(l->uid_mappings, l->n_uid_mappings, u->uid))
		return dec_fail_at(d, s->process.pos, "/process/user/uid", "%u is not mapped by "
				   "/linux/uidMappings (container ids), so the process cannot run as it",
				   u->uid);
	if (!id_mapped(l->gid_mappings, l->n_gid_mappings, u->gid))
		return dec_fail_at(d, s->process.pos, "/process/user/gid", "%u is not mapped by "
				   "/linux/gidMappings (container ids), so the process cannot run as it",
				   u->gid);
	for (size_t i = 0; i < u->n_additional_gids; i++)
		if (!id_mapped(l->gid_mappings, l->n_gid_mappings, u->additional_gids[i])) {
			char ptr[64];
			snprintf(ptr, sizeof(ptr), "/process/user/additionalGids/%zu", i);
			return dec_fail_at(d, s->process.pos, ptr, "%u is not mapped by /linux/gidMappings "
					   "(container ids)", u->additional_gids[i]);
		}
	return 0;
}

static int check_namespaces(struct dec *d, const struct spec *s)
{
	const struct spec_linux *l = &s->linux_;
	const struct spec_namespace *user = find_ns(s, CLONE_NEWUSER);
	if ((l->n_uid_mappings || l->n_gid_mappings) && (!user || user->path))
		return dec_fail_at(d, l->n_uid_mappings ? l->uid_mappings_pos : l->gid_mappings_pos,
				   l->n_uid_mappings ? "/linux/uidMappings" : "/linux/gidMappings",
				   "mappings need a new user namespace in /linux/namespaces");
	if (user && !user->path && (!l->n_uid_mappings || !l->n_gid_mappings))
		return dec_fail_at(d, user->pos, "/linux/namespaces",
				   "a new user namespace needs both /linux/uidMappings and /linux/gidMappings");
	if (user && !user->path && check_user_mapped(d, s) < 0)
		return -1;
	if (l->n_time_offsets) {
		const struct spec_namespace *t = find_ns(s, CLONE_NEWTIME);
		if (!t || t->path)
			return dec_fail_at(d, l->time_offsets_pos, "/linux/timeOffsets",
					   "offsets need a new time namespace in /linux/namespaces");
	}
	if (user && user->path) {
		for (size_t i = 0; i < l->n_namespaces; i++)
			if (l->namespaces[i].type == CLONE_NEWPID && !l->namespaces[i].path)
				return dec_fail_at(d, user->pos, "/linux/namespaces",
						   "joining a user namespace by path together with a new pid "
						   "namespace is not supported yet");
	}
	return 0;
}

static int check_names(struct dec *d, const struct spec *s)
{
	const char *why;
	if (s->hostname) {
		if ((why = check_hostname(s->hostname)))
			return dec_fail_at(d, s->hostname_pos, "/hostname", "%s, got \"%s\"", why, s->hostname);
		if (!find_ns(s, CLONE_NEWUTS))
			return dec_fail_at(d, s->hostname_pos, "/hostname",
					   "setting the hostname needs a uts namespace in /linux/namespaces "
					   "(a new one, or one joined by \"path\" that is not the host's)");
	}
	if (s->domainname) {
		if ((why = check_hostname(s->domainname)))
			return dec_fail_at(d, s->domainname_pos, "/domainname", "%s, got \"%s\"", why,
					   s->domainname);
		if (!find_ns(s, CLONE_NEWUTS))
			return dec_fail_at(d, s->domainname_pos, "/domainname",
					   "setting the domain name needs a uts namespace in /linux/namespaces "
					   "(a new one, or one joined by \"path\" that is not the host's)");
	}
	return 0;
}

static void add_ns(struct spec *s, int type)
{
	struct spec_linux *l = &s->linux_;
	l->namespaces = xrealloc(l->namespaces, (l->n_namespaces + 1) * sizeof(*l->namespaces));
	l->namespaces[l->n_namespaces++] = (struct spec_namespace){ .type = type,
		.name = spec_namespace_name(type) };
}

static void strv_add(struct spec_strv *v, const char *s)
{
	v->v = xrealloc(v->v, (v->n + 2) * sizeof(char *));
	v->v[v->n++] = xstrdup(s);
	v->v[v->n] = NULL;
}

static void add_mount(struct spec *s, const char *dst, const char *type, const char *src,
		      const char *const *opts)
{
	s->mounts = xrealloc(s->mounts, (s->n_mounts + 1) * sizeof(*s->mounts));
	struct spec_mount *m = &s->mounts[s->n_mounts++];
	*m = (struct spec_mount){ .destination = xstrdup(dst), .type = xstrdup(type),
				  .source = xstrdup(src) };
	for (; *opts; opts++)
		strv_add(&m->options, *opts);
}

/* nspawn's default capability set (systemd 252). */
static const int nspawn_caps[] = {
	1 /* DAC_OVERRIDE */, 0 /* CHOWN */, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 18, 19, 22,
	23, 24, 26, 27, 28, 29, 30, 31, 21 /* SYS_ADMIN */,
};

static const char *const default_masked[] = { "/proc/acpi", "/proc/kcore", "/proc/keys",
	"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
	"/proc/scsi", "/sys/firmware", NULL };
static const char *const default_readonly[] = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
	"/proc/sysrq-trigger", NULL };

/* The syscall filter of minimal specs (boot or not): systemd-nspawn 252's allow list
 * (nspawn-seccomp.c), with the entries it adds for capabilities in its
 * default set (ptrace, reboot, vhangup).  Knowingly left out, as nspawn
 * does: @cpu-emulation, @keyring (not namespaced), @obsolete, @pkey, @swap,
 * bpf, fanotify_*, kexec_*, lookup_dcookie, nfsservctl, open_by_handle_at,
 * perf_event_open, quotactl. */
static const char *const boot_syscall_filter[] = {
	"@aio", "@basic-io", "@chown", "@default", "@file-system", "@io-event", "@ipc", "@mount",
	"@network-io", "@process", "@resources", "@setuid", "@signal", "@sync", "@timer",
	"brk", "capget", "capset", "copy_file_range", "fadvise64", "fadvise64_64", "flock",
	"get_mempolicy", "getcpu", "getpriority", "ioctl", "ioprio_get", "kcmp", "madvise", "mremap",
	"name_to_handle_at", "oldolduname", "olduname", "personality", "readahead", "readdir",
	"remap_file_pages", "sched_get_priority_max", "sched_get_priority_min", "sched_getaffinity",
	"sched_getattr", "sched_getparam", "sched_getscheduler", "sched_rr_get_interval",
	"sched_rr_get_interval_time64", "sched_yield", "seccomp", "sendfile", "sendfile64",
	"setdomainname", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "sethostname", "setpgid",
	"setsid", "splice", "sysinfo", "tee", "umask", "uname", "userfaultfd", "vmsplice",
};
/* ... and those nspawn adds only with the capability that makes them work. */
static const struct { int cap; const char *name; } boot_syscall_filter_caps[] = {
	{ 25 /* SYS_TIME */, "@clock" }, { 16 /* SYS_MODULE */, "@module" },
	{ 17 /* SYS_RAWIO */, "@raw-io" }, { 14 /* IPC_LOCK */, "@memlock" },
	{ 20 /* SYS_PACCT */, "acct" }, { 19 /* SYS_PTRACE */, "process_vm_readv" },
	{ 19, "process_vm_writev" }, { 19, "ptrace" }, { 22 /* SYS_BOOT */, "reboot" },
	{ 34 /* SYSLOG */, "syslog" }, { 26 /* SYS_TTY_CONFIG */, "vhangup" },
};

static void filter_add(struct spec_syscall_filter *f, const char *name)
{
	f->v = xrealloc(f->v, (f->n + 1) * sizeof(*f->v));
	f->v[f->n++] = (struct spec_syscall_entry){ .name = xstrdup(name) };
}

/* A minimal spec without "seccomp" or "syscallFilter" gets nspawn's allow
 * list, with the extra entries for the capabilities in `caps`; an empty
 * "syscallFilter": [] says "no filter". */
static void fill_nspawn_filter(struct spec *s, uint64_t caps)
{
	struct spec_linux *l = &s->linux_;
	if (l->syscall_filter.given || l->seccomp.present)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(boot_syscall_filter); i++)
		filter_add(&l->syscall_filter, boot_syscall_filter[i]);
	for (size_t i = 0; i < ARRAY_SIZE(boot_syscall_filter_caps); i++)
		if (caps & (1ULL << boot_syscall_filter_caps[i].cap))
			filter_add(&l->syscall_filter, boot_syscall_filter_caps[i].name);
	l->syscall_filter.errnum = EPERM;
}

static void fill_minimal_defaults(struct spec *s)
{
	struct spec_linux *l = &s->linux_;
	if (!l->namespaces_given) {
		add_ns(s, CLONE_NEWNS);
		add_ns(s, CLONE_NEWPID);
		add_ns(s, CLONE_NEWUTS);
		add_ns(s, CLONE_NEWIPC);
		add_ns(s, CLONE_NEWCGROUP);
	}
	if (!s->mounts_given) {
		add_mount(s, "/proc", "proc", "proc", (const char *[]){ "nosuid", "noexec", "nodev", NULL });
		add_mount(s, "/dev", "tmpfs", "tmpfs", (const char *[]){ "nosuid", "strictatime",
			  "mode=755", "size=65536k", NULL });
		add_mount(s, "/dev/pts", "devpts", "devpts", (const char *[]){ "nosuid", "noexec",
			  "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL });
		add_mount(s, "/dev/shm", "tmpfs", "shm", (const char *[]){ "nosuid", "noexec", "nodev",
			  "mode=1777", "size=65536k", NULL });
		add_mount(s, "/dev/mqueue", "mqueue", "mqueue", (const char *[]){ "nosuid", "noexec",
			  "nodev", NULL });
		add_mount(s, "/sys", "sysfs", "sysfs", (const char *[]){ "nosuid", "noexec", "nodev",
			  "ro", NULL });
		add_mount(s, "/run", "tmpfs", "tmpfs", (const char *[]){ "nosuid", "nodev", "mode=755",
			  NULL });
		add_mount(s, "/tmp", "tmpfs", "tmpfs", (const char *[]){ "nosuid", "nodev", "mode=1777",
			  NULL });
	}
	struct spec_process *p = &s->process;
	if (!p->caps.given) {
		for (size_t i = 0; i < ARRAY_SIZE(nspawn_caps); i++)
			p->caps.bounding |= 1ULL << nspawn_caps[i];
		p->caps.effective = p->caps.permitted = p->caps.bounding;
		p->caps.given = true;
		p->caps.defaulted = true;
		/* Without a user namespace of its own the container's root is
		 * the host's, and CAP_SYS_ADMIN in the host's user namespace
		 * makes every read-only path a suggestion (umount /proc/sys, a
		 * fresh procfs, a cgroup hierarchy): leave it out. */
		if (!has_ns(s, CLONE_NEWUSER)) {
			p->caps.bounding &= ~(1ULL << 21 /* SYS_ADMIN */);
			p->caps.effective = p->caps.permitted = p->caps.bounding;
			p->caps.no_sys_admin = true;
		}
	}
	/* nspawn's syscall filter (no open_by_handle_at, @keyring, bpf, ...) */
	fill_nspawn_filter(s, p->caps.bounding);
	if (!l->masked_given)
		for (const char *const *m = default_masked; *m; m++)
			strv_add(&l->masked_paths, *m);
	if (!l->readonly_given)
		for (const char *const *m = default_readonly; *m; m++)
			strv_add(&l->readonly_paths, *m);
	if (!p->env.n) {
		strv_add(&p->env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
		strv_add(&p->env, "container=nsrun");
		if (p->terminal)
			strv_add(&p->env, "TERM=xterm");
	}
	if (!p->cwd)
		p->cwd = xstrdup("/");
	const struct spec_namespace *uts = find_ns(s, CLONE_NEWUTS);
	if (!s->hostname && uts && !uts->path) {
		const char *base = s->machine_name;
		if (!base && s->root_path) {
			base = strrchr(s->root_path, '/');
			base = base && base[1] ? base + 1 : s->root_path;
		}
		if (base && !check_hostname(base))
			s->hostname = xstrdup(base);
	}
}

static bool env_has(const struct spec_strv *env, const char *name)
{
	size_t len = strlen(name);
	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->v[i], name, len) == 0 && env->v[i][len] == '=')
			return true;
	return false;
}

/* "boot": true.  For both kinds of spec: PID 1 gets a console (a pty on
 * /dev/console, see README "Boot mode"), container=nsrun, and
 * container_uuid (filled in at start) in its environment unless the spec
 * sets them.  A minimal spec also gets what the container's systemd needs
 * of the members it leaves out: a cgroup namespace and the "cgroup" mount
 * on /sys/fs/cgroup (nspawn's syscall filter, a cgroup with the default
 * devices only come with every minimal spec).  Called before
 * fill_minimal_defaults, which adds TERM for the console. */
static void fill_boot_defaults(struct spec *s)
{
	struct spec_process *p = &s->process;
	struct spec_linux *l = &s->linux_;
	p->terminal = true;
	if (!s->minimal)
		return;
	if (!l->namespaces_given) {
		add_ns(s, CLONE_NEWNS);
		add_ns(s, CLONE_NEWPID);
		add_ns(s, CLONE_NEWUTS);
		add_ns(s, CLONE_NEWIPC);
		add_ns(s, CLONE_NEWCGROUP);
		l->namespaces_given = true; /* fill_minimal_defaults adds no others */
	}
}

/* After the minimal defaults: the environment and the cgroup mount. */
static void fill_boot_env_and_mounts(struct spec *s)
{
	struct spec_process *p = &s->process;
	if (!env_has(&p->env, "container"))
		strv_add(&p->env, "container=nsrun");
	if (!env_has(&p->env, "container_uuid"))
		strv_add(&p->env, "container_uuid=");
	/* nspawn --private-network adds CAP_NET_ADMIN: the network namespace
	 * is the container's own, and writing /proc/sys/net needs it. */
	if (p->caps.defaulted && has_ns(s, CLONE_NEWNET)) {
		p->caps.bounding |= 1ULL << 12 /* NET_ADMIN */;
		p->caps.effective = p->caps.permitted = p->caps.bounding;
	}
	if (s->minimal && !s->mounts_given) { /* the mounts are the defaults */
		add_mount(s, "/sys/fs/cgroup", "cgroup", "cgroup", (const char *[]){ "nosuid", "noexec",
			  "nodev", NULL });
		/* systemd mounts it itself, which takes CAP_SYS_ADMIN */
		if (p->caps.no_sys_admin)
			add_mount(s, "/run/lock", "tmpfs", "tmpfs", (const char *[]){ "nosuid", "nodev",
				  "noexec", "mode=1777", "size=5m", NULL });
	}
}

/* LSM labels are written to /proc attributes and handed to mounts as
 * context=: one label, nothing that could be read as a second value. */
static const char *check_label(const char *l, bool selinux)
{
	size_t colons = 0;
	if (!*l)
		return "must not be empty";
	if (strlen(l) > 4096)
		return "is longer than 4096 bytes";
	for (const char *p = l; *p; p++) {
		if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p))
			return "must not contain whitespace or control characters";
		if (*p == '"' || *p == '\\')
			return "must not contain '\"' or '\\'";
		colons += *p == ':';
	}
	if (selinux && colons < 2)
		return "expected an SELinux context user:role:type[:level]";
	return NULL;
}

static int check_labels(struct dec *d, const struct spec *s)
{
	const char *why;
	const struct spec_process *p = &s->process;
	if (p->selinux_label && (why = check_label(p->selinux_label, true)))
		return dec_fail_at(d, p->pos, "/process/selinuxLabel", "%s, got \"%s\"", why,
				   p->selinux_label);
	if (p->apparmor_profile && (why = check_label(p->apparmor_profile, false)))
		return dec_fail_at(d, p->pos, "/process/apparmorProfile", "%s, got \"%s\"", why,
				   p->apparmor_profile);
	if (s->linux_.mount_label && (why = check_label(s->linux_.mount_label, true)))
		return dec_fail_at(d, (struct spec_pos){ 0, 0 }, "/linux/mountLabel", "%s, got \"%s\"",
				   why, s->linux_.mount_label);
	return 0;
}

/* runc hands a bind mount's filesystem options ("mode=755", "size=1k") to
 * mount(2), which ignores them for a bind, and bundles written for it have
 * them: a warning, and the plan leaves them out. */
static void warn_bind_data(struct dec *d, const struct spec *s)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct spec_mount *m = &s->mounts[i];
		struct plan_step st = { .mount_kind = MOUNT_FS };
		struct nsrun_error ignored;
		bool bind_type = m->type && (strcmp(m->type, "bind") == 0 || strcmp(m->type, "rbind") == 0);
		if (plan_parse_mount_options(&m->options, &st, &ignored) == 0 && st.data &&
		    (bind_type || st.mount_kind == MOUNT_BIND))
			dec_warn(d, m->pos.line, m->pos.col, "/mounts/%zu/options: \"%s\" has no meaning "
				 "for a bind mount; ignored (as mount(2) does)", i, st.data);
		free(st.data);
	}
}

int spec_validate(struct dec *d, struct spec *s);
int spec_validate(struct dec *d, struct spec *s)
{
	if (check_oci_version(d, s) < 0)
		return -1;
	if (!s->root_path)
		return dec_fail_at(d, (struct spec_pos){ 0, 0 }, "/root/path", "is required: the "
				   "directory holding the container's root filesystem");
	if (s->n_unsupported)
		return dec_fail_at(d, s->unsupported[0].pos, s->unsupported[0].pointer,
				   "not supported yet by nsrun %s", NSRUN_VERSION);
	s->minimal = s->oci_version == NULL;
	/* first: the defaults below depend on whether there is a user
	 * namespace (CAP_SYS_ADMIN only inside one) */
	if (spec_private_users_apply(d, s) < 0)
		return -1;
	if (s->boot)
		fill_boot_defaults(s);
	if (s->minimal)
		fill_minimal_defaults(s);
	if (spec_network_validate(d, s) < 0) /* spec/decode-network.c */
		return -1;
	if (s->boot)
		fill_boot_env_and_mounts(s);
	if (spec_apply_add(d, s) < 0)
		return -1;
	/* A boot spec needs no args: PID 1 is then the image's init. */
	if (!s->process.present && !(s->boot && s->minimal))
		return dec_fail_at(d, (struct spec_pos){ 0, 0 }, "/process", "is required (at least "
				   "\"args\")");
	if (!s->process.args.n && !s->boot)
		return dec_fail_at(d, s->process.args.v ? s->process.args_pos : s->process.pos,
				   "/process/args", "must hold at least the program to run");
	if (s->process.args.n && !s->process.args.v[0][0])
		return dec_fail_at(d, s->process.args_pos, "/process/args/0", "the program must not be empty");
	if (!s->process.cwd)
		return dec_fail_at(d, s->process.pos, "/process/cwd", "is required by the OCI runtime-spec");
	if (check_namespaces(d, s) < 0 || check_names(d, s) < 0)
		return -1;
	/* The container's systemd writes its own cgroups: only below a cgroup
	 * namespace of its own is that its own subtree and not the host's. */
	if (s->boot && !has_ns(s, CLONE_NEWCGROUP))
		return dec_fail_at(d, (struct spec_pos){ 0, 0 }, "/linux/namespaces", "\"boot\": true "
				   "needs a new cgroup namespace (add {\"type\": \"cgroup\"})");
	if (s->boot && !has_ns(s, CLONE_NEWPID))
		return dec_fail_at(d, (struct spec_pos){ 0, 0 }, "/linux/namespaces", "\"boot\": true "
				   "needs a new pid namespace (add {\"type\": \"pid\"}): init must be PID 1");
	for (size_t i = 0; i < s->linux_.n_sysctl; i++)
		if (check_sysctl(d, s, &s->linux_.sysctl[i]) < 0)
			return -1;
	/* The kernel keeps an ambient capability only while it is permitted and
	 * inheritable; `runc spec` writes ambient sets without inheritable ones,
	 * so this is a warning (the plan shows the ambient set that results). */
	struct spec_caps *caps = &s->process.caps;
	uint64_t dropped = caps->ambient & ~(caps->permitted & caps->inheritable);
	for (int cap = 0; cap <= SPEC_CAP_LAST; cap++)
		if (dropped & (1ULL << cap))
			dec_warn(d, s->process.pos.line, s->process.pos.col, "/process/capabilities/ambient: "
				 "%s is not both permitted and inheritable, so it cannot be ambient; "
				 "dropped", spec_cap_name(cap));
	caps->ambient &= ~dropped;
	warn_bind_data(d, s);
	if (s->process.caps.effective & ~s->process.caps.permitted)
		return dec_fail_at(d, s->process.pos, "/process/capabilities/effective",
				   "an effective capability must also be permitted");
	if (check_labels(d, s) < 0)
		return -1;
	if (s->process.has_console_size && !s->process.terminal)
		return dec_fail_at(d, s->process.pos, "/process/consoleSize",
				   "only applies with \"terminal\": true");
	return 0;
}
