/* SECURITY.md rule 11: no process the container can see or trace holds
 * anything of the host.  `nsrun exec` joins every namespace from a process
 * still in nsrun's pid namespace, drops the host's fds and only then forks
 * into the container's pid namespace (step enter); the container's PID 1
 * drops them before it waits for `nsrun start` (step wait-start), on a
 * listening socket rather than a file of the host. */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "exec-internal.h"
#include "state.h"

static int fd_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

void exec_close_fds_except(unsigned from, int *keep, size_t n)
{
	qsort(keep, n, sizeof(*keep), fd_cmp);
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < 0 || (unsigned)keep[i] < from)
			continue;
		if ((unsigned)keep[i] > from)
			syscall(SYS_close_range, from, (unsigned)keep[i] - 1, 0);
		from = (unsigned)keep[i] + 1;
	}
	syscall(SYS_close_range, from, ~0U, 0);
}

void exec_drop_host_fds(struct exec_ctx *c, int keep)
{
	close_fd(&c->proc_fd);
	close_fd(&c->rootfs_fd);
	close_fd(&c->mask_mnt);
	for (size_t i = 0; c->ns_fds && i < c->plan->n_steps; i++)
		close_fd(&c->ns_fds[i]);
	/* and whatever else is open: fds the caller leaked without CLOEXEC,
	 * nsrun's own; stdio and the preserved fds are the caller's choice */
	int kept[] = { c->sync_fd, c->root_fd, c->console_slave, c->notify_fd, keep };
	exec_close_fds_except(3 + (unsigned)c->opts->preserve_fds, kept, ARRAY_SIZE(kept));
}

/* Tests (escapes.sh): stop where the container first sees the process. */
static void test_stop_when_visible(void)
{
	if (getenv("NSRUN_TEST_STOP_VISIBLE"))
		raise(SIGSTOP);
}

int step_enter_pidns(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)s;
	exec_drop_host_fds(c, -1);
	int gate[2];
	if (pipe2(gate, O_CLOEXEC) < 0)
		return nsrun_error_set(err, errno, "pipe");
	/* CLONE_PARENT: nsrun waits for it, as for the process it replaces */
	int pidfd = -1;
	struct clone_args args = { .flags = CLONE_PARENT | CLONE_PIDFD,
				   .pidfd = (uint64_t)(uintptr_t)&pidfd };
	pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0) {
		int e = errno;
		close(gate[0]);
		close(gate[1]);
		return nsrun_error_set(err, e, "fork into the container's pid namespace");
	}
	if (pid == 0) {
		/* go on only once nsrun knows this process is the one to wait for */
		close(gate[1]);
		char go = 0;
		while (read(gate[0], &go, 1) < 0 && errno == EINTR)
			;
		close(gate[0]);
		if (go != 'g')
			_exit(NSRUN_EXIT_FAILURE);
		test_stop_when_visible();
		return 0;
	}
	close(gate[0]);
	struct sync_msg m = { .kind = SYNC_ENTERED, .status = (int)pid };
	if (sync_send(c->sync_fd, &m, pidfd) < 0) {
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		_exit(NSRUN_EXIT_FAILURE);
	}
	if (write(gate[1], "g", 1) != 1)
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	_exit(0);
}

int step_wait_start(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)s;
	int sock = c->opts->fifo_fd;
	exec_drop_host_fds(c, sock);
	struct sync_msg m = { .kind = SYNC_READY };
	if (sync_send(c->sync_fd, &m, -1) < 0)
		return nsrun_error_set(err, errno, "tell nsrun create that the container is ready");
	int conn;
	do
		conn = accept4(sock, NULL, NULL, SOCK_CLOEXEC);
	while (conn < 0 && errno == EINTR);
	if (conn < 0)
		return nsrun_error_set(err, errno, "wait for nsrun start on the exec socket");
	close(sock);
	/* start sends the file for an error after this point (state-create.c) */
	c->late_error_fd = state_recv_error_file(conn);
	c->start_conn = conn;
	return 0;
}

/* Until this answer, `nsrun start` waits; it runs the poststart hooks once it
 * has it, so they come after the startContainer hooks. A failure before it
 * closes the connection, and start reports the error file's message. */
int step_answer_start(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)s;
	/* start takes the notify socket with the answer (notify.c) */
	ssize_t n = send_with_fd(c->start_conn, "0", 1, c->notify_fd);
	int e = errno;
	close_fd(&c->start_conn);
	close_fd(&c->notify_fd);
	if (n != 1)
		return nsrun_error_set(err, e, "answer nsrun start");
	return 0;
}
