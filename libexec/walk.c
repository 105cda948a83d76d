/* exec_run_plan: the walk over the plan.  The parent (nsrun) checks what
 * it can before creating anything, then carries out its steps in order:
 * one of them, clone, makes the container's PID 1, which carries out the
 * child's steps in order and execs.  Then nsrun supervises.  On any failure
 * the child reports the step over the sync socket (sync.c) and exits,
 * taking its namespaces and every mount it made with it, so the host is
 * left as it was.  The walker knows no kind of step: what each does, and on
 * which side, comes from the step list (spec/steps.def). */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "cgroups.h"
#include "exec-internal.h"
#include "net.h"

/* The libexec columns of the step list. */
static const struct {
	step_fn run;   /* carries the step out */
	step_fn early; /* child, right after clone, before any step; or NULL */
} step_table[STEP__MAX] = {
#define STEP(kind, name, where, flags, run, early, describe) [STEP_##kind] = { run, early },
#include "steps.def"
#undef STEP
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

/* "step 7 mount /proc: ...": the step's number, name and target. */
static int name_step(const struct plan_step *s, size_t i, struct nsrun_error *err)
{
	const char *what = s->path ? s->path :
			   plan_step_flags(s->kind) & PLAN_STEP_BY_VALUE ? s->value : NULL;
	if (what)
		return nsrun_error_prefix(err, "step %zu %s %s: ", i + 1, plan_step_name(s->kind), what);
	return nsrun_error_prefix(err, "step %zu %s: ", i + 1, plan_step_name(s->kind));
}

static int run_step(struct exec_ctx *c, size_t i, struct nsrun_error *err)
{
	const struct plan_step *s = &c->plan->steps[i];
	if (s->skip_reason || !step_table[s->kind].run)
		return 0;
	c->step_index = i;
	/* the last step, exec, does not come back: its injected failure comes first */
	bool fail_first = i + 1 == c->plan->n_steps && injected_failure(i, err);
	if (fail_first || step_table[s->kind].run(c, s, err) < 0 || injected_failure(i, err))
		return c->error_named ? -1 : name_step(s, i, err);
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

/* The child's EARLY functions, in step order: after clone, before the
 * first step, while it still is the host's root and has joined nothing.
 * What they open waits in ns_fds for the step; bind_trees gets the idmapped
 * bind sources nsrun sends before release (sync.c). */
static int child_open_early(struct exec_ctx *c, struct nsrun_error *err)
{
	const struct plan *p = c->plan;
	c->ns_fds = xcalloc(p->n_steps, sizeof(int));
	c->bind_trees = xcalloc(p->n_steps, sizeof(int));
	for (size_t i = 0; i < p->n_steps; i++)
		c->ns_fds[i] = c->bind_trees[i] = -1;
	for (size_t i = 0; i < p->n_steps; i++) {
		const struct plan_step *s = &p->steps[i];
		if (s->in_parent || !step_table[s->kind].early)
			continue;
		c->step_index = i;
		if (step_table[s->kind].early(c, s, err) < 0)
			return nsrun_error_prefix(err, "step %zu %s: ", i + 1, plan_step_name(s->kind));
	}
	return 0;
}

/* The child before its first step. */
static int child_prepare(struct exec_ctx *c, struct nsrun_error *err)
{
	/* Nothing inside may ptrace or open /proc/PID/exe of nsrun (rule 5).
	 * Rootless, the caller must still open our uid_map (and newuidmap
	 * checks who owns /proc/PID): then it is done at wait-parent (sync.c),
	 * before anything of the container runs. */
	if (!userns_rootless(c->plan))
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
	if (exec_new_session_keyring(err) < 0)
		return -1;
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
		if (fd < 0)
			return nsrun_error_set(err, errno, "open %s", c->plan->rootfs);
		close(c->rootfs_fd);
		c->rootfs_fd = fd;
	}
	return child_open_early(c, err);
}

/* The container's PID 1 until exec: its steps in order. */
static __attribute__((noreturn)) void child_main(struct exec_ctx *c)
{
	struct nsrun_error err = { 0 };
	if (child_prepare(c, &err) == 0)
		for (size_t i = 0; i < c->plan->n_steps; i++) {
			const struct plan_step *s = &c->plan->steps[i];
			if (s->in_parent)
				continue;
			if (notify_before_step(c, s->kind, &err) < 0 || run_step(c, i, &err) < 0)
				break;
			arm_pdeathsig(c);
		}
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

/* join-namespace before clone: nsrun joins a pid or time namespace "for
 * children", so that only the container's PID 1 is made in it; it goes
 * back to its own right after clone, and hooks and everything else it
 * forks stay there. */
int step_join_ns_early(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	bool pid = s->ns_flags == CLONE_NEWPID;
	int *own = &c->own_ns[pid ? 0 : 1];
	if (*own < 0)
		*own = openat(c->proc_fd, pid ? "self/ns/pid" : "self/ns/time", O_RDONLY | O_CLOEXEC);
	return step_join_ns(c, s, err);
}

/* Back in nsrun's own pid and time namespaces after join-namespace
 * "for children": after clone, and on every way out (a failure before
 * clone must not leave nsrun's later children, or a sanitizer's helper
 * at exit, in the joined ones). */
static int back_to_own_ns(struct exec_ctx *c, struct nsrun_error *err)
{
	static const int types[] = { CLONE_NEWPID, CLONE_NEWTIME };
	for (size_t k = 0; k < ARRAY_SIZE(types); k++) {
		if (c->own_ns[k] < 0)
			continue;
		/* rootless, the way back up to an ancestor's namespace is
		 * closed (EPERM): nsrun then stays where it joined */
		int r = setns(c->own_ns[k], types[k]);
		int e = errno;
		close(TAKE_FD(c->own_ns[k]));
		if (r < 0 && !(e == EPERM && exec_rootless()))
			return nsrun_error_set(err, e, "return to nsrun's own %s namespace",
					       spec_namespace_name(types[k]));
	}
	return 0;
}

/* nsrun after clone: back in its own pid and time namespaces, the child in
 * its cgroup before it goes on (it waits at wait-parent). */
static int after_clone(struct exec_ctx *c, bool into_cgroup, struct nsrun_error *err)
{
	if (back_to_own_ns(c, err) < 0)
		return -1;
	if (c->cgroup && cgroup_enter(c->cgroup, c->child, into_cgroup, err) < 0)
		return nsrun_error_prefix(err, "step %zu cgroup: ", c->cgroup_step + 1);
	/* nsrun exec: into the container's cgroup */
	if (c->opts->join_cgroup) {
		struct cgroup_handle *h = NULL;
		int r = cgroup_state_from_string(c->opts->join_cgroup, &h, err);
		if (r == 0)
			r = cgroup_enter(h, c->child, false, err);
		if (h)
			cgroup_handle_free(h);
		if (r < 0)
			return nsrun_error_prefix(err, "join the container's cgroup: ");
	}
	return 0;
}

/* Restore the signal mask clone blocked. */
static void unblock_signals(struct exec_ctx *c)
{
	if (c->signals_blocked)
		sigprocmask(SIG_SETMASK, &c->orig_mask, NULL);
	c->signals_blocked = false;
}

/* clone: one clone3() makes the container's PID 1 with all its new
 * namespaces (straight into its cgroup where the kernel can); it carries
 * out the child's steps (child_main) and never comes back here. */
int step_clone(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	/* Signals wait in the queue for supervise(); the child restores the
	 * mask right before exec. */
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &c->orig_mask);
	c->signals_blocked = true;
	fflush(NULL);
	bool into_cgroup;
	c->child = clone_child(s->ns_flags, &c->pidfd, c->cgroup ? cgroup_v2_fd(c->cgroup) : -1,
			       &into_cgroup);
	if (c->child < 0) {
		c->error_named = true; /* these errors name their step themselves */
		/* the signal mask: restored by exec_cleanup, next */
		return nsrun_error_set(err, errno, "step %zu clone", c->step_index + 1);
	}
	if (c->child == 0) {
		/* nsrun's own namespaces are nothing the container may hold */
		for (size_t k = 0; k < ARRAY_SIZE(c->own_ns); k++)
			close_fd(&c->own_ns[k]);
		close(c->sync_fd);
		c->sync_fd = TAKE_FD(c->sync_child_fd);
		child_main(c);
	}
	close(TAKE_FD(c->sync_child_fd));
	if (after_clone(c, into_cgroup, err) < 0) {
		c->error_named = true;
		return -1;
	}
	return 0;
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
		if (m.kind == SYNC_ERROR)
			return sync_take_error(c, &m, err);
	}
}

/* nsrun's steps in order, clone among them; then until the child execs. */
static int parent_walk(struct exec_ctx *c, struct nsrun_error *err)
{
	for (size_t i = 0; i < c->plan->n_steps; i++)
		if (c->plan->steps[i].in_parent && run_step(c, i, err) < 0)
			return -1;
	if (c->child <= 0)
		return nsrun_error_set(err, 0, "the plan has no clone step");
	if (wait_exec(c, c->opts, err) < 0)
		return -1;
	if (c->opts->pid_file && write_pid_file(c->opts->pid_file, c->child, err) < 0)
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

/* Before the first step: the host's procfs, the user id range, the sync
 * socket (the child's end goes to the container's PID 1 at clone). */
static int exec_prepare(struct exec_ctx *c, struct nsrun_error *err)
{
	c->proc_fd = open_verified_procfs(err);
	if (c->proc_fd < 0 || userns_prepare(c, err) < 0)
		return -1;
	struct stat nsst;
	if (fstatat(c->proc_fd, "self/ns/cgroup", &nsst, 0) == 0)
		c->nsrun_cgroupns = nsst.st_ino;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return nsrun_error_set(err, errno, "socketpair");
	c->sync_fd = sv[0];
	c->sync_child_fd = sv[1];
	return 0;
}

/* `create`, `run --detach`, `exec --detach`: the container lives on without us. */
static int exec_detach(struct exec_ctx *c, struct exec_options *o, struct nsrun_error *err)
{
	if (c->console_master >= 0 && o->console_socket &&
	    send_console(o->console_socket, c->console_master, err) < 0)
		return -1;
	if (o->mode == EXEC_DETACH && c->notify_fd >= 0)
		exec_notify_until_ready(c->notify_fd, c->child, c->pidfd); /* as crun */
	c->child = -1;
	unblock_signals(c);
	if (c->cgroup) {
		/* the cgroup lives on with it; the caller keeps its state */
		o->cgroup = cgroup_state_to_string(c->cgroup);
		cgroup_handle_free(c->cgroup);
		c->cgroup = NULL;
	}
	return 0;
}

/* In the foreground: until the container ends, then the poststop hooks. */
static int exec_foreground(struct exec_ctx *c, struct exec_options *o, int *exit_status,
			   struct nsrun_error *err)
{
	if (o->on_start) {
		_cleanup_free_ char *cg = c->cgroup ? cgroup_state_to_string(c->cgroup) : NULL;
		o->on_start(o->on_start_data, c->child, cg);
	}
	int r = supervise(c, &c->orig_mask, exit_status, err);
	o->rebooted = c->rebooted;
	pid_t ended = c->child;
	c->child = -1;
	unblock_signals(c);
	if (r == 0) {
		struct nsrun_error herr = { 0 };
		if (exec_run_hooks(c->plan, o->id, HOOK_POSTSTOP, "stopped", ended, &herr) < 0)
			fprintf(stderr, "nsrun: warning: %s\n", herr.msg);
	}
	return r;
}

static struct spec_idmap *copy_map(const struct spec_idmap *v, size_t n)
{
	struct spec_idmap *m = xcalloc(n ? n : 1, sizeof(*m));
	if (n)
		memcpy(m, v, n * sizeof(*m));
	return m;
}

/* The values a start picks begin as the plan's own, copied: the plan is
 * only read, the start completes its copies (the environment, the id maps). */
static void exec_start_values(struct exec_ctx *c)
{
	const struct plan *p = c->plan;
	size_t n = 0;
	while (p->envp[n])
		n++;
	c->envp = spec_argv_dup(p->envp, n);
	const struct spec_linux *l = &p->spec->linux_;
	c->uid_map = copy_map(l->uid_mappings, c->n_uid_map = l->n_uid_mappings);
	c->gid_map = copy_map(l->gid_mappings, c->n_gid_map = l->n_gid_mappings);
}

static void exec_start_values_free(struct exec_ctx *c)
{
	spec_argv_free(c->envp);
	free(c->uid_map);
	free(c->gid_map);
}

/* Whatever happened: the child killed unless it lives on, what the steps
 * made undone (the network, the cgroup) unless it lives on, fds closed. */
static void exec_cleanup(struct exec_ctx *c, int r)
{
	struct nsrun_error nerr = { 0 };
	if (back_to_own_ns(c, &nerr) < 0)
		fprintf(stderr, "nsrun: warning: %s\n", nerr.msg);
	reap(c);
	unblock_signals(c);
	net_teardown(c, r == 0 && c->opts->mode != EXEC_FOREGROUND); /* links, nftables chains, dnsmasq: libexec/net.c */
	if (c->cgroup) {
		struct nsrun_error cerr = { 0 };
		if (cgroup_destroy(c->cgroup, &cerr) < 0) /* also after a failure: nothing left unsaid */
			fprintf(stderr, "nsrun: warning: %s\n", cerr.msg);
	}
	close_fd(&c->sync_fd);
	close_fd(&c->sync_child_fd);
	close_fd(&c->proc_fd);
	userns_release(c);
	close_fd(&c->idmap_root_fd);
	close_fd(&c->rootfs_fd);
	close_fd(&c->pidfd);
	close_fd(&c->console_master);
	close_fd(&c->notify_fd);
	seccomp_progs_free(c);
	exec_start_values_free(c);
}

int exec_run_plan(const struct plan *p, struct exec_options *o, int *exit_status,
		  struct nsrun_error *err)
{
	struct exec_ctx c = { .plan = p, .sync_fd = -1, .proc_fd = -1, .root_fd = -1, .rootfs_fd = -1,
			      .console_slave = -1, .child = -1, .pidfd = -1, .console_master = -1,
			      .mask_mnt = -1, .late_error_fd = -1, .start_conn = -1, .notify_fd = -1, .opts = o,
			      .userns_lock_fd = -1, .idmap_root_fd = -1, .sync_child_fd = -1,
			      .own_ns = { -1, -1 } };
	int r = -1;
	exec_start_values(&c);
	if (exec_preflight(&c, err) == 0 && exec_prepare(&c, err) == 0 && parent_walk(&c, err) == 0) {
		o->pid = c.child;
		/* poststart: after the program started; a failure is only a warning */
		if (o->mode != EXEC_CREATE) {
			struct nsrun_error herr = { 0 };
			if (exec_run_hooks(p, o->id, HOOK_POSTSTART, "running", c.child, &herr) < 0)
				fprintf(stderr, "nsrun: warning: %s\n", herr.msg);
		}
		r = o->mode != EXEC_FOREGROUND ? exec_detach(&c, o, err) : exec_foreground(&c, o, exit_status, err);
	}
	exec_cleanup(&c, r);
	return r;
}
