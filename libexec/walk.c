/* exec_run_plan: the walk over the plan.  The parent (nsrun) checks what
 * it can before creating anything, makes the container's PID 1 with one
 * clone3(), carries out its own steps, and then supervises.  The child
 * runs its steps in order and execs; on any failure it reports the step
 * over the sync socket and exits, taking its namespaces and every mount it
 * made with it, so the host is left as it was. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "cgroups.h"
#include "exec-internal.h"
#include "net.h"

static const step_fn step_table[STEP__MAX] = {
	[STEP_JOIN_NS_EARLY] = step_join_ns,
	[STEP_CGROUP] = step_cgroup,
	[STEP_JOIN_NS] = step_join_ns,
	[STEP_ENTER_PIDNS] = step_enter_pidns,
	[STEP_UNSHARE] = step_unshare,
	[STEP_ID_MAPS] = step_id_maps,
	[STEP_IDMAP_ROOT] = step_idmap_root,
	[STEP_TIME_OFFSETS] = step_time_offsets,
	[STEP_HOSTNAME] = step_hostname,
	[STEP_DOMAINNAME] = step_domainname,
	[STEP_PROPAGATION] = step_propagation,
	[STEP_ROOTFS_BIND] = step_rootfs_bind,
	[STEP_MOUNT] = step_mount,
	[STEP_DEVICE] = step_device,
	[STEP_DEV_SYMLINKS] = step_dev_symlinks,
	[STEP_CONSOLE] = step_console,
	[STEP_PIVOT_ROOT] = step_pivot_root,
	[STEP_MASK_PATH] = step_mask_path,
	[STEP_READONLY_PATH] = step_readonly_path,
	[STEP_READWRITE_PATH] = step_readwrite_path,
	[STEP_RUN_HOST] = step_run_host,
	[STEP_ROOT_READONLY] = step_root_readonly,
	[STEP_ROOT_PROPAGATION] = step_root_propagation,
	[STEP_SYSCTL] = step_sysctl,
	[STEP_OOM_SCORE_ADJ] = step_oom_score_adj,
	[STEP_RLIMIT] = step_rlimit,
	[STEP_PERSONALITY] = step_personality,
	[STEP_NO_TIOCSTI] = step_no_tiocsti,
	[STEP_CAPS_BOUNDING] = step_caps_bounding,
	[STEP_USER] = step_user,
	[STEP_CAPS] = step_caps,
	[STEP_NO_NEW_PRIVS] = step_no_new_privs,
	[STEP_CWD] = step_cwd,
	[STEP_SELINUX_LABEL] = step_selinux_label,
	[STEP_APPARMOR_PROFILE] = step_apparmor_profile,
	[STEP_HOOKS] = step_hooks,
	[STEP_NOTIFY_PARENT] = step_notify_parent,
	[STEP_WAIT_CHILD] = step_wait_child,
	[STEP_WAIT_START] = step_wait_start,
	[STEP_STDIO] = step_stdio,
	[STEP_SECCOMP] = step_seccomp,
	[STEP_EXEC] = step_exec,
	[STEP_NET_VETH] = step_net_veth,
	[STEP_NET_BRIDGE] = step_net_bridge,
	[STEP_NET_ADDRESS] = step_net_address,
	[STEP_NET_CONTAINER] = step_net_container,
	[STEP_NET_PORTS] = step_net_ports,
	[STEP_NET_DHCP] = step_net_dhcp,
	[STEP_NET_RESOLV] = step_net_resolv,
};

/* Fault injection for tests: NSRUN_TEST_FAIL_STEP=N makes step N fail
 * (after carrying it out, so what it set up must be undone too). */
static bool injected_failure(size_t i, struct nsrun_error *err)
{
	static long fail_step = -2;
	if (fail_step == -2) {
		const char *e = getenv("NSRUN_TEST_FAIL_STEP");
		fail_step = e ? strtol(e, NULL, 10) : -1;
	}
	if ((long)i + 1 != fail_step)
		return false;
	nsrun_error_set(err, EIO, "injected failure (NSRUN_TEST_FAIL_STEP)");
	return true;
}

static int run_step(struct exec_ctx *c, size_t i, struct nsrun_error *err)
{
	const struct plan_step *s = &c->plan->steps[i];
	if (s->skip_reason || !step_table[s->kind])
		return 0;
	c->step_index = i;
	/* exec does not come back: its injected failure comes first */
	bool fail_first = s->kind == STEP_EXEC && injected_failure(i, err);
	if (fail_first || step_table[s->kind](c, s, err) < 0 || injected_failure(i, err)) {
		/* the child's own message already names its step */
		if (c->child_reported)
			return -1;
		/* "step 7 mount /proc: ..." names the step and its target */
		const char *what = s->path ? s->path : s->kind == STEP_HOSTNAME ? s->value : NULL;
		if (what)
			return nsrun_error_prefix(err, "step %zu %s %s: ", i + 1, plan_step_name(s->kind),
						  what);
		return nsrun_error_prefix(err, "step %zu %s: ", i + 1, plan_step_name(s->kind));
	}
	return 0;
}

/* In the foreground the container dies with nsrun (SIGKILL included).
 * The kernel clears the parent-death signal whenever the effective or file
 * system ids change (wait-parent, user), and it never fires if nsrun died
 * before it was set: so set it again after each step, then check through
 * the sync socket that nsrun is still there. */
static void arm_pdeathsig(const struct exec_ctx *c)
{
	int sig = 0;
	if (c->opts->mode != EXEC_FOREGROUND ||
	    (prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0) == 0 && sig == SIGKILL))
		return;
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	struct pollfd pfd = { .fd = c->sync_fd, .events = POLLIN };
	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP))
		_exit(NSRUN_EXIT_FAILURE);
}

/* The container's PID 1 until exec. */
static __attribute__((noreturn)) void child_main(struct exec_ctx *c)
{
	struct nsrun_error err = { 0 };
	/* Nothing inside may ptrace or open /proc/PID/exe of nsrun (rule 5).
	 * Rootless, the caller must still open our uid_map (and newuidmap
	 * checks who owns /proc/PID): then it is done after wait-parent,
	 * before anything of the container runs. */
	bool rootless = userns_rootless(c->plan);
	if (!rootless)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* the state lock belongs to the nsrun command, not to the container */
	if (c->opts->lock_fd >= 0)
		close(c->opts->lock_fd);
	if (c->userns_lock_fd >= 0)
		close(c->userns_lock_fd);
	/* In the foreground the container dies with nsrun; after `create`
	 * it outlives it by design. */
	arm_pdeathsig(c);
	umask(0);
	if (exec_new_session_keyring(&err) < 0)
		goto fail;
	/* our pid as the host sees it, for hooks: kept for when the host's
	 * procfs is gone (wait-start) */
	char self[32];
	ssize_t len = readlinkat(c->proc_fd, "self", self, sizeof(self) - 1);
	if (len > 0) {
		self[len] = '\0';
		c->host_pid = (pid_t)atoi(self);
	}
	/* The fd nsrun opened belongs to the host's mount namespace; take the
	 * copy in ours, while our file system uid is still the host's root (in
	 * a new user namespace that changes at wait-parent). */
	if (c->plan->clone_flags & CLONE_NEWNS) {
		int fd = open(c->plan->rootfs, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			nsrun_error_set(&err, errno, "open %s", c->plan->rootfs);
			goto fail;
		}
		close(c->rootfs_fd);
		c->rootfs_fd = fd;
	}
	c->ns_fds = xcalloc(c->plan->n_steps, sizeof(int));
	c->bind_trees = xcalloc(c->plan->n_steps, sizeof(int));
	for (size_t i = 0; i < c->plan->n_steps; i++) {
		c->ns_fds[i] = -1;
		c->bind_trees[i] = -1;
		/* In a new user namespace our ids change at wait-parent: open
		 * bind sources now, as the host's root (below dirs only it may
		 * search); the bind itself is made in its step. */
		const struct plan_step *b = &c->plan->steps[i];
		if (c->plan->new_userns && b->kind == STEP_MOUNT && b->mount_kind == MOUNT_BIND)
			c->ns_fds[i] = open(b->source, O_PATH | O_CLOEXEC);
		if (c->plan->steps[i].kind != STEP_JOIN_NS)
			continue;
		c->ns_fds[i] = open(c->plan->steps[i].path, O_RDONLY | O_CLOEXEC);
		if (c->ns_fds[i] < 0) {
			nsrun_error_set(&err, errno, "step %zu join-namespace: open %s", i + 1,
					c->plan->steps[i].path);
			goto fail;
		}
	}
	for (size_t i = 0; i < c->plan->n_steps; i++) {
		const struct plan_step *s = &c->plan->steps[i];
		if (s->in_parent)
			continue;
		if (s->kind == STEP_WAIT_PARENT) {
			struct sync_msg m;
			int fd;
			int got;
			/* idmapped bind sources (userns.c) come first */
			while ((got = sync_recv(c->sync_fd, &m, &fd)) == 1 && m.kind == SYNC_IDMAP_TREE &&
			       fd >= 0 && m.status >= 0 && (size_t)m.status < c->plan->n_steps)
				c->bind_trees[m.status] = fd;
			if (got != 1 || m.kind != SYNC_RELEASE)
				_exit(NSRUN_EXIT_FAILURE);
			if (fd >= 0) /* the idmapped root (privateUsers) */
				c->idmap_root_fd = fd;
			if (rootless)
				prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
			/* Become root of the new user namespace, so that what the
			 * setup creates is owned by a mapped id. */
			if (c->plan->new_userns && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)) {
				nsrun_error_set(&err, errno, "step %zu wait-parent: become uid 0 in the "
						"user namespace (the mappings must map container id 0)",
						i + 1);
				break;
			}
			arm_pdeathsig(c);
			if (injected_failure(i, &err)) {
				nsrun_error_prefix(&err, "step %zu wait-parent: ", i + 1);
				break;
			}
			continue;
		}
		if (notify_before_step(c, s->kind, &err) < 0 || run_step(c, i, &err) < 0)
			break;
		arm_pdeathsig(c);
	}
fail:;
	struct sync_msg m = { .kind = SYNC_ERROR, .status = err.status ? err.status : NSRUN_EXIT_FAILURE };
	memcpy(m.msg, err.msg, sizeof(m.msg));
	/* After `create` returned nobody listens: leave it for start and state. */
	if (sync_send(c->sync_fd, &m, -1) < 0) {
		char *safe = nsrun_escape(err.msg); /* names from the image: no escapes */
		dprintf(STDERR_FILENO, "nsrun: %s\n", safe);
		if (c->late_error_fd >= 0)
			dprintf(c->late_error_fd, "nsrun: %s\n", safe);
	}
	_exit(m.status);
}

static int read_bounding(uint64_t *mask)
{
	*mask = 0;
	for (int cap = 0; cap <= SPEC_CAP_LAST; cap++) {
		int r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
		if (r > 0)
			*mask |= 1ULL << cap;
	}
	return 0;
}

int exec_preflight(struct exec_ctx *c, struct nsrun_error *err)
{
	exec_probe_host(c->plan, stderr);
	if (exec_check_apparmor(c->plan, err) < 0)
		return -1;
	const struct plan *p = c->plan;
	/* Opened here, by the host's root, so that a user-namespaced container
	 * needs no search permission on the directories above it. */
	struct stat st;
	c->rootfs_fd = open(p->rootfs, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (c->rootfs_fd < 0)
		return nsrun_error_set(err, errno, "%s: root.path %s", p->spec->file, p->rootfs);
	if (fstat(c->rootfs_fd, &st) < 0)
		return nsrun_error_set(err, errno, "%s: root.path %s", p->spec->file, p->rootfs);
	if (S_ISLNK(st.st_mode))
		return nsrun_error_set(err, 0, "%s: root.path %s is a symlink; give the directory itself",
				       p->spec->file, p->rootfs);
	if (!S_ISDIR(st.st_mode))
		return nsrun_error_set(err, 0, "%s: root.path %s is not a directory", p->spec->file,
				       p->rootfs);
	uint64_t bounding;
	read_bounding(&bounding);
	c->caps_bounding = p->caps.bounding;
	c->caps_effective = p->caps.effective;
	c->caps_permitted = p->caps.permitted;
	c->caps_inheritable = p->caps.inheritable;
	c->caps_ambient = p->caps.ambient;
	if (p->caps_from_defaults) {
		c->caps_bounding &= bounding;
		c->caps_effective &= bounding;
		c->caps_permitted &= bounding;
	} else if (p->caps.given) {
		uint64_t wanted = p->caps.permitted | p->caps.effective | p->caps.inheritable |
				  p->caps.ambient;
		uint64_t missing = wanted & ~bounding;
		for (int cap = 0; cap <= SPEC_CAP_LAST; cap++)
			if (missing & (1ULL << cap))
				return nsrun_error_set(err, 0, "%s: /process/capabilities: %s is not in "
						       "nsrun's own bounding set, so the container "
						       "cannot have it", p->spec->file, spec_cap_name(cap));
	}
	/* A hard limit above ours needs CAP_SYS_RESOURCE, which this host may
	 * not give: say so now rather than failing half-way. */
	bool can_raise = (bounding & (1ULL << CAP_SYS_RESOURCE)) && !p->new_userns;
	if (can_raise) {
		cap_t self = cap_get_proc();
		cap_flag_value_t v = CAP_CLEAR;
		if (self)
			cap_get_flag(self, CAP_SYS_RESOURCE, CAP_EFFECTIVE, &v);
		cap_free(self);
		can_raise = v == CAP_SET;
	}
	for (size_t i = 0; i < p->n_steps; i++) {
		const struct plan_step *s = &p->steps[i];
		struct rlimit cur;
		if (s->kind == STEP_OOM_SCORE_ADJ && exec_check_oom_score_adj(c, s->num, err) < 0)
			return -1;
		if (s->kind != STEP_RLIMIT || can_raise || getrlimit(s->resource, &cur) < 0)
			continue;
		if (cur.rlim_max != RLIM_INFINITY && (s->hard > cur.rlim_max || s->hard == RLIM_INFINITY))
			return nsrun_error_set(err, 0, "%s: /process/rlimits: the hard limit of %s (%llu) "
					       "is above nsrun's own (%llu), and nsrun lacks "
					       "CAP_SYS_RESOURCE to raise it", p->spec->file,
					       spec_rlimit_name(s->resource), (unsigned long long)s->hard,
					       (unsigned long long)cur.rlim_max);
	}
	if (exec_boot_prepare(c, err) < 0 || net_preflight(c, err) < 0)
		return -1;
	return seccomp_preflight(c, err);
}

/* cgroup_fd >= 0: straight into that v2 cgroup (*into_cgroup says whether
 * the kernel could; if not, cgroup_enter() moves the child). */
static pid_t clone_child(int flags, int *pidfd, int cgroup_fd, bool *into_cgroup)
{
	struct clone_args args = {
		.flags = (uint64_t)flags | CLONE_PIDFD,
		.pidfd = (uint64_t)(uintptr_t)pidfd,
		.exit_signal = SIGCHLD,
	};
	*into_cgroup = false;
	if (cgroup_fd >= 0) {
		struct clone_args a2 = args;
		a2.flags |= CLONE_INTO_CGROUP;
		a2.cgroup = (uint64_t)cgroup_fd;
		pid_t pid = (pid_t)syscall(SYS_clone3, &a2, sizeof(a2));
		if (pid >= 0 || (errno != EINVAL && errno != E2BIG && errno != EOPNOTSUPP)) {
			*into_cgroup = pid >= 0;
			return pid;
		}
	}
	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

static int write_pid_file(const char *path, pid_t pid, struct nsrun_error *err)
{
	_cleanup_free_ char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
	_cleanup_close_ int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return nsrun_error_set(err, errno, "write the pid file %s", path);
	dprintf(fd, "%d", (int)pid);
	if (rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return nsrun_error_set(err, e, "rename the pid file to %s", path);
	}
	return 0;
}

/* nsrun exec: the process that joined the namespaces forked the one that
 * entered the pid namespace and exits: wait for that one instead. */
static void take_entered(struct exec_ctx *c, pid_t pid, int pidfd)
{
	while (waitpid(c->child, NULL, 0) < 0 && errno == EINTR)
		;
	close(c->pidfd);
	c->child = pid;
	c->pidfd = pidfd;
}

/* Until the child execs (the sync socket closes), reports a failure, or,
 * for `nsrun create`, waits for `nsrun start`. */
static int wait_exec(struct exec_ctx *c, const struct exec_options *o, struct nsrun_error *err)
{
	for (;;) {
		struct sync_msg m;
		int fd;
		int r = sync_recv(c->sync_fd, &m, &fd);
		if (r == 0)
			return 0; /* exec happened */
		if (r < 0)
			return nsrun_error_set(err, errno, "read from the container's PID 1");
		if (m.kind == SYNC_CONSOLE && fd >= 0) {
			c->console_master = fd;
			continue;
		}
		if (m.kind == SYNC_ENTERED && fd >= 0) {
			take_entered(c, (pid_t)m.status, fd);
			continue;
		}
		if (m.kind == SYNC_NOTIFY && fd >= 0 && c->notify_fd < 0) {
			c->notify_fd = fd; /* notify.c */
			continue;
		}
		if (m.kind == SYNC_READY && o->mode == EXEC_CREATE)
			return 0; /* waiting for `nsrun start` */
		if (m.kind == SYNC_SECCOMP_LISTENER && fd >= 0) {
			r = seccomp_forward_listener(c, fd, err);
			close(fd);
			if (r < 0)
				return -1;
			struct sync_msg go = { .kind = SYNC_RELEASE };
			if (sync_send(c->sync_fd, &go, -1) < 0)
				return nsrun_error_set(err, errno, "the container's PID 1 is gone");
			continue;
		}
		if (fd >= 0)
			close(fd);
		if (m.kind == SYNC_ERROR) {
			nsrun_error_set(err, 0, "%s", m.msg);
			err->status = m.status;
			return -1;
		}
	}
}

/* Parent: after clone, run the parent's steps and wait for the child to
 * exec (the sync socket closes) or to report a failure. */
static int parent_setup(struct exec_ctx *c, const struct exec_options *o, struct nsrun_error *err)
{
	for (size_t i = 0; i < c->plan->n_steps; i++) {
		const struct plan_step *s = &c->plan->steps[i];
		if (!s->in_parent || s->kind == STEP_CLONE || s->kind == STEP_JOIN_NS_EARLY ||
		    s->kind == STEP_CGROUP)
			continue;
		if (s->kind == STEP_RELEASE) {
			/* with the idmapped root (privateUsers, userns.c) */
			struct sync_msg m = { .kind = SYNC_RELEASE };
			int sent = sync_send(c->sync_fd, &m, c->idmap_root_fd);
			if (c->idmap_root_fd >= 0)
				close(TAKE_FD(c->idmap_root_fd));
			if (sent < 0) {
				/* it failed before: what it said is waiting for us */
				int e = errno, fd;
				if (sync_recv(c->sync_fd, &m, &fd) == 1 && m.kind == SYNC_ERROR) {
					nsrun_error_set(err, 0, "%s", m.msg);
					err->status = m.status;
					return -1;
				}
				return nsrun_error_set(err, e, "step %zu release: the container's "
						       "PID 1 is gone", i + 1);
			}
			if (injected_failure(i, err))
				return nsrun_error_prefix(err, "step %zu release: ", i + 1);
			continue;
		}
		if (run_step(c, i, err) < 0)
			return -1;
	}
	if (wait_exec(c, o, err) < 0)
		return -1;
	if (o->pid_file && write_pid_file(o->pid_file, c->child, err) < 0)
		return -1;
	return 0;
}


/* Hand the pty master to whoever holds the console socket (podman's conmon). */
static int send_console(const char *path, int master, struct nsrun_error *err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(addr.sun_path))
		return nsrun_error_set(err, 0, "console socket path too long: %s", path);
	strcpy(addr.sun_path, path);
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return nsrun_error_set(err, errno, "connect to the console socket %s", path);
	static const char name[] = "/dev/ptmx";
	if (send_with_fd(fd, name, sizeof(name) - 1, master) < 0)
		return nsrun_error_set(err, errno, "send the pty to the console socket %s", path);
	return 0;
}

static void reap(struct exec_ctx *c)
{
	if (c->child <= 0)
		return;
	syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
	while (waitpid(c->child, NULL, 0) < 0 && errno == EINTR)
		;
	c->child = -1;
}

int exec_run_plan(struct plan *p, struct exec_options *o, int *exit_status,
		  struct nsrun_error *err)
{
	struct exec_ctx c = { .plan = p, .sync_fd = -1, .proc_fd = -1, .root_fd = -1, .rootfs_fd = -1,
			      .console_slave = -1, .child = -1, .pidfd = -1, .console_master = -1,
			      .mask_mnt = -1, .late_error_fd = -1, .notify_fd = -1, .opts = o,
			      .userns_lock_fd = -1, .idmap_root_fd = -1 };
	int sv[2] = { -1, -1 };
	int own_pidns = -1, own_timens = -1;
	int r = -1;
	if (exec_preflight(&c, err) < 0)
		goto out;
	c.proc_fd = open_verified_procfs(err);
	if (c.proc_fd < 0 || userns_prepare(&c, err) < 0)
		goto out;
	/* Joining pid and time namespaces "for children" must not outlive the
	 * clone: hooks and everything else nsrun forks stay in its own. */
	own_pidns = openat(c.proc_fd, "self/ns/pid", O_RDONLY | O_CLOEXEC);
	own_timens = openat(c.proc_fd, "self/ns/time", O_RDONLY | O_CLOEXEC);
	/* the parent's steps before clone: join-namespace, cgroup */
	for (size_t i = 0; i < p->n_steps && p->steps[i].kind != STEP_CLONE; i++)
		if (run_step(&c, i, err) < 0)
			goto out;
	struct stat nsst;
	if (fstatat(c.proc_fd, "self/ns/cgroup", &nsst, 0) == 0)
		c.nsrun_cgroupns = nsst.st_ino;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		nsrun_error_set(err, errno, "socketpair");
		goto out;
	}
	/* Signals wait in the queue for supervise(); the child restores the
	 * mask right before exec. */
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &c.orig_mask);
	fflush(NULL);
	bool into_cgroup;
	c.child = clone_child(p->clone_flags, &c.pidfd, c.cgroup ? cgroup_v2_fd(c.cgroup) : -1,
			      &into_cgroup);
	if (c.child < 0) {
		int e = errno;
		size_t i = 0;
		while (i < p->n_steps && p->steps[i].kind != STEP_CLONE)
			i++;
		nsrun_error_set(err, e, "step %zu clone", i + 1);
		sigprocmask(SIG_SETMASK, &c.orig_mask, NULL);
		goto out;
	}
	if (c.child == 0) {
		close(sv[0]);
		/* nsrun's own namespaces are nothing the container may hold */
		if (own_pidns >= 0)
			close(own_pidns);
		if (own_timens >= 0)
			close(own_timens);
		c.sync_fd = sv[1];
		child_main(&c);
	}
	for (size_t i = 0; i < p->n_steps; i++) {
		int fd = p->steps[i].kind != STEP_JOIN_NS_EARLY ? -1 :
			 p->steps[i].ns_flags == CLONE_NEWPID ? own_pidns : own_timens;
		/* rootless, the way back up to an ancestor's namespace is
		 * closed (EPERM): nsrun then stays where it joined */
		if (fd >= 0 && setns(fd, p->steps[i].ns_flags) < 0 && !(errno == EPERM && exec_rootless())) {
			nsrun_error_set(err, errno, "return to nsrun's own %s namespace",
					spec_namespace_name(p->steps[i].ns_flags));
			reap(&c);
			sigprocmask(SIG_SETMASK, &c.orig_mask, NULL);
			goto out;
		}
	}
	close(sv[1]);
	sv[1] = -1;
	c.sync_fd = sv[0];
	for (size_t i = 0; i < p->n_steps; i++)
		if (p->steps[i].kind == STEP_CLONE && injected_failure(i, err)) {
			nsrun_error_prefix(err, "step %zu clone: ", i + 1);
			reap(&c);
			sigprocmask(SIG_SETMASK, &c.orig_mask, NULL);
			goto out;
		}
	/* PID 1 waits (wait-parent) until it is in its cgroup everywhere. */
	if (c.cgroup && cgroup_enter(c.cgroup, c.child, into_cgroup, err) < 0) {
		size_t i = 0;
		while (i < p->n_steps && p->steps[i].kind != STEP_CGROUP)
			i++;
		nsrun_error_prefix(err, "step %zu cgroup: ", i + 1);
		reap(&c);
		sigprocmask(SIG_SETMASK, &c.orig_mask, NULL);
		goto out;
	}
	/* nsrun exec: into the container's cgroup before it goes on */
	if (o->join_cgroup) {
		struct cgroup_handle *h = NULL;
		int jr = cgroup_state_from_string(o->join_cgroup, &h, err);
		if (jr == 0)
			jr = cgroup_enter(h, c.child, false, err);
		if (h)
			cgroup_handle_free(h);
		if (jr < 0) {
			nsrun_error_prefix(err, "join the container's cgroup: ");
			reap(&c);
			sigprocmask(SIG_SETMASK, &c.orig_mask, NULL);
			goto out;
		}
	}
	if (parent_setup(&c, o, err) < 0) {
		reap(&c);
		sigprocmask(SIG_SETMASK, &c.orig_mask, NULL);
		goto out;
	}
	o->pid = c.child;
	/* poststart: after the program started; a failure is only a warning */
	if (o->mode != EXEC_CREATE) {
		struct nsrun_error herr = { 0 };
		if (exec_run_hooks(p, o->id, HOOK_POSTSTART, "running", c.child, &herr) < 0)
			fprintf(stderr, "nsrun: warning: %s\n", herr.msg);
	}
	if (o->mode != EXEC_FOREGROUND) {
		/* The container lives on without us. */
		if (c.console_master >= 0 && o->console_socket &&
		    send_console(o->console_socket, c.console_master, err) < 0) {
			reap(&c);
			sigprocmask(SIG_SETMASK, &c.orig_mask, NULL);
			goto out;
		}
		if (o->mode == EXEC_DETACH && c.notify_fd >= 0)
			exec_notify_until_ready(c.notify_fd, c.child, c.pidfd); /* as crun */
		c.child = -1;
		sigprocmask(SIG_SETMASK, &c.orig_mask, NULL);
		if (c.cgroup) {
			/* the cgroup lives on with it; the caller keeps its state */
			o->cgroup = cgroup_state_to_string(c.cgroup);
			cgroup_handle_free(c.cgroup);
			c.cgroup = NULL;
		}
		r = 0;
		goto out;
	}
	if (o->on_start) {
		_cleanup_free_ char *cg = c.cgroup ? cgroup_state_to_string(c.cgroup) : NULL;
		o->on_start(o->on_start_data, c.child, cg);
	}
	r = supervise(&c, &c.orig_mask, exit_status, err);
	o->rebooted = c.rebooted;
	pid_t ended = c.child;
	c.child = -1;
	sigprocmask(SIG_SETMASK, &c.orig_mask, NULL);
	if (r == 0) {
		struct nsrun_error herr = { 0 };
		if (exec_run_hooks(p, o->id, HOOK_POSTSTOP, "stopped", ended, &herr) < 0)
			fprintf(stderr, "nsrun: warning: %s\n", herr.msg);
	}
out:
	if (own_pidns >= 0)
		close(own_pidns);
	if (own_timens >= 0)
		close(own_timens);
	if (c.child > 0)
		reap(&c);
	net_teardown(&c, r == 0 && o->mode != EXEC_FOREGROUND); /* links, nftables chains, dnsmasq: libexec/net.c */
	if (c.cgroup) {
		struct nsrun_error cerr = { 0 };
		if (cgroup_destroy(c.cgroup, &cerr) < 0 && r == 0)
			fprintf(stderr, "nsrun: warning: %s\n", cerr.msg);
	}
	for (int i = 0; i < 2; i++)
		if (sv[i] >= 0)
			close(sv[i]);
	if (c.proc_fd >= 0)
		close(c.proc_fd);
	userns_release(&c);
	if (c.idmap_root_fd >= 0)
		close(c.idmap_root_fd);
	if (c.rootfs_fd >= 0)
		close(c.rootfs_fd);
	if (c.pidfd >= 0)
		close(c.pidfd);
	if (c.console_master >= 0)
		close(c.console_master);
	if (c.notify_fd >= 0)
		close(c.notify_fd);
	seccomp_progs_free(&c);
	return r;
}
