/* The defaults, filled in here and nowhere else: what a short spec (one
 * without "ociVersion") leaves out, what "boot" adds, the network's mode,
 * link name and namespace, and the "add" member on top.  The checks of
 * the result are validate.c's.
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

#include "decode.h"
#include "network.h"

/* nspawn's: new mount, pid, uts, ipc and cgroup namespaces. */
static void add_default_namespaces(struct spec *s)
{
	static const int types[] = { CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWCGROUP };
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		spec_add_namespace(s, types[i], (struct spec_pos){ 0, 0 });
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
	if (!l->namespaces_given)
		add_default_namespaces(s);
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
		if (!spec_has_new_namespace(s, CLONE_NEWUSER)) {
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
	if (!s->hostname && spec_has_new_namespace(s, CLONE_NEWUTS)) {
		const char *base = s->machine_name;
		if (!base && s->root_path) {
			base = strrchr(s->root_path, '/');
			base = base && base[1] ? base + 1 : s->root_path;
		}
		if (base && !spec_check_hostname(base))
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
 * of the members it leaves out: the "cgroup" mount on /sys/fs/cgroup
 * (fill_boot_env_and_mounts; a cgroup namespace, nspawn's syscall filter
 * and a cgroup with the default devices come with every minimal spec).
 * Called before fill_minimal_defaults, which adds TERM for the console. */
static void fill_boot_defaults(struct spec *s)
{
	s->process.terminal = true;
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
	if (p->caps.defaulted && spec_has_new_namespace(s, CLONE_NEWNET)) {
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

/* "ve-" + name, or when that is longer than 15 bytes "ve-" + its first 7
 * bytes + "-" + 4 hex digits of a hash of the whole name (two long names
 * that share a prefix get different links). */
static void net_host_ifname(const char *name, char buf[NET_IFNAME_MAX + 1])
{
	char clean[256];
	size_t n = 0;
	for (const char *p = name; *p && n < sizeof(clean) - 1; p++)
		clean[n++] = isalnum((unsigned char)*p) || *p == '-' || *p == '_' ? *p : '_';
	clean[n] = '\0';
	if (n + 3 <= NET_IFNAME_MAX) {
		snprintf(buf, NET_IFNAME_MAX + 1, "ve-%s", clean);
		return;
	}
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const char *p = name; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	snprintf(buf, NET_IFNAME_MAX + 1, "ve-%.7s-%04x", clean, (unsigned)(h & 0xffff));
}

/* Without "mode": veth, or bridge when "bridge" names one. */
static void fill_network_mode(struct spec_network *net)
{
	if (net->mode == NET_NONE)
		net->mode = net->bridge ? NET_BRIDGE : NET_VETH;
}

/* After the network's checks: the host side's link name (machine, else
 * hostname, else the root directory's name), and the new network
 * namespace every mode but host needs when linux.namespaces has none. */
static void fill_network_link(struct spec *s)
{
	struct spec_network *net = s->network;
	bool link = net->mode == NET_VETH || net->mode == NET_BRIDGE;
	if (link && !net->host_ifname) {
		char buf[NET_IFNAME_MAX + 1];
		const char *name = s->machine_name ? s->machine_name : s->hostname;
		if (!name) {
			const char *slash = s->root_path ? strrchr(s->root_path, '/') : NULL;
			name = slash && slash[1] ? slash + 1 : s->root_path ? s->root_path : "nsrun";
		}
		net_host_ifname(name, buf);
		net->host_ifname = xstrdup(buf);
	}
	if (net->mode != NET_HOST && !spec_find_namespace(s, CLONE_NEWNET))
		spec_add_namespace(s, CLONE_NEWNET, (struct spec_pos){ 0, 0 });
}

/* In this order, which matters: the private user range first (the
 * capability default depends on a user namespace: CAP_SYS_ADMIN only
 * inside one), then boot's and the short spec's defaults, the network
 * (whose namespace boot's NET_ADMIN depends on), boot's environment and
 * mounts, and "add" last, so that the result is checked as if the spec
 * had said it all.  The checks that need a default filled in first run
 * between them (spec_private_users_apply, spec_network_validate). */
int spec_fill_defaults(struct dec *d, struct spec *s)
{
	s->minimal = s->oci_version == NULL;
	if (spec_private_users_apply(d, s) < 0)
		return -1;
	if (s->boot)
		fill_boot_defaults(s);
	if (s->minimal)
		fill_minimal_defaults(s);
	if (s->network) {
		fill_network_mode(s->network);
		if (spec_network_validate(d, s) < 0) /* spec/decode-network.c */
			return -1;
		fill_network_link(s);
	}
	if (s->boot)
		fill_boot_env_and_mounts(s);
	return spec_apply_add(d, s);
}
