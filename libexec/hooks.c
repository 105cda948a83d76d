/* OCI hooks: each runs with the container's state JSON on stdin, its own
 * args and env, and an optional timeout after which it is killed. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "exec-internal.h"
#include "oci-state.h"

/* The state on a hook's stdin, one line. */
static char *state_text(const struct oci_state *st)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	oci_state_write(f, st, OCI_STATE_COMPACT);
	fclose(f);
	return buf;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until the process of `pidfd` ends, at most `seconds` (< 0: no
 * limit).  The deadline is kept in 64 bits: a timeout of up to INT32_MAX
 * seconds does not fit poll()'s int milliseconds, so poll in pieces.
 * False when the time ran out. */
static bool wait_pidfd(int pidfd, int seconds)
{
	int64_t deadline = seconds < 0 ? -1 : now_ms() + (int64_t)seconds * 1000;
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
	for (;;) {
		int64_t left = deadline < 0 ? -1 : deadline - now_ms();
		if (deadline >= 0 && left <= 0)
			return false;
		int r = poll(&pfd, 1, left < 0 ? -1 : left > INT_MAX ? INT_MAX : (int)left);
		if (r > 0 || (r < 0 && errno != EINTR))
			return true;
	}
}

static int run_one(const struct spec_hook *h, size_t idx, const char *kind, const char *state,
		   struct nsrun_error *err)
{
	int in[2];
	if (pipe2(in, O_CLOEXEC) < 0)
		return nsrun_error_set(err, errno, "%s hook %zu: pipe", kind, idx);
	int pidfd = -1;
	struct clone_args args = { .flags = CLONE_PIDFD, .pidfd = (uint64_t)(uintptr_t)&pidfd,
				   .exit_signal = SIGCHLD };
	fflush(NULL);
	pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0) {
		int e = errno;
		close(in[0]);
		close(in[1]);
		return nsrun_error_set(err, e, "%s hook %zu: fork", kind, idx);
	}
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		dup2(in[0], STDIN_FILENO);
		/* nothing but stdio: no fd the caller leaked (SECURITY.md rule 4) */
		syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
		char *const fallback[] = { h->path, NULL };
		char *const noenv[] = { NULL };
		execve(h->path, h->args.n ? h->args.v : fallback, h->env.n ? h->env.v : noenv);
		dprintf(STDERR_FILENO, "nsrun: %s hook %s: exec: %s\n", kind, h->path, strerror(errno));
		_exit(127);
	}
	close(in[0]);
	/* a hook that does not read its stdin must not block us */
	signal(SIGPIPE, SIG_IGN);
	ssize_t n = write(in[1], state, strlen(state));
	(void)n;
	close(in[1]);
	bool timed_out = !wait_pidfd(pidfd, h->has_timeout ? h->timeout : -1);
	if (timed_out)
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	close(pidfd);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (timed_out)
		return nsrun_error_set(err, 0, "%s hook %zu (%s) timed out after %d s", kind, idx,
				       h->path, h->timeout);
	if (WIFSIGNALED(st))
		return nsrun_error_set(err, 0, "%s hook %zu (%s) was killed by signal %d", kind, idx,
				       h->path, WTERMSIG(st));
	if (WEXITSTATUS(st))
		return nsrun_error_set(err, 0, "%s hook %zu (%s) exited with status %d", kind, idx,
				       h->path, WEXITSTATUS(st));
	return 0;
}

int exec_run_hooks(const struct plan *p, const char *id, enum spec_hook_kind kind, const char *status,
		   pid_t pid, struct nsrun_error *err)
{
	const struct spec_hooks *h = &p->spec->hooks;
	if (!h->n[kind])
		return 0;
	struct oci_state st = oci_state_of_plan(p, id, status, pid);
	_cleanup_free_ char *state = state_text(&st);
	for (size_t i = 0; i < h->n[kind]; i++)
		if (run_one(&h->v[kind][i], i, spec_hook_name(kind), state, err) < 0)
			return -1;
	return 0;
}

/* The host pid of this process, from the host's procfs: the container's
 * own /proc (or getpid()) would say 1. */
static pid_t host_pid(struct exec_ctx *c)
{
	if (c->host_pid > 0)
		return c->host_pid;
	char buf[32];
	ssize_t n = readlinkat(c->proc_fd, "self", buf, sizeof(buf) - 1);
	if (n <= 0)
		return getpid();
	buf[n] = '\0';
	return (pid_t)atoi(buf);
}

int step_hooks(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	pid_t pid = s->in_parent ? c->child : host_pid(c);
	const char *status = s->hook == HOOK_START_CONTAINER ? "created" : "creating";
	return exec_run_hooks(c->plan, c->opts->id, (enum spec_hook_kind)s->hook, status, pid, err);
}

int step_notify_parent(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)s;
	struct sync_msg m = { .kind = SYNC_READY };
	if (sync_send(c->sync_fd, &m, -1) < 0)
		return nsrun_error_set(err, errno, "tell nsrun");
	return 0;
}

int step_wait_child(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)s;
	for (;;) {
		struct sync_msg m;
		int fd;
		int r = sync_recv(c->sync_fd, &m, &fd);
		if (r <= 0)
			return nsrun_error_set(err, r < 0 ? errno : EPIPE, "the container's PID 1 is gone");
		if (m.kind == SYNC_CONSOLE && fd >= 0) {
			c->console_master = fd;
			continue;
		}
		if (fd >= 0)
			close(fd);
		if (m.kind == SYNC_READY)
			return 0;
		if (m.kind == SYNC_ERROR)
			return sync_take_error(c, &m, err);
	}
}
