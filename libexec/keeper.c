/* The keeper: see keeper.h.  Why a process of its own: `nsrun start` and
 * `run -d` return once the container runs (at READY=1 under NOTIFY_SOCKET,
 * as crun), and nothing of nsrun is left to forward what the container
 * says after READY=1 or to relay [::1].  Like crun's conmon, a process
 * outside the container does; unlike it, it knows nothing of the container
 * but a pidfd of its PID 1, the container's notify socket and the relay's
 * sockets, and it ends by itself with that PID 1 (SIGKILL included). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "keeper.h"
#include "net.h"
#include "state.h"

/* Nothing of the caller: its session and terminal, its directory, its
 * signal handling; nobody may ptrace it or open its fds (rule 4). */
static void keeper_detach(const struct keeper *k)
{
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_NAME, "nsrun-keeper", 0, 0, 0);
	if (chdir("/") < 0)
		_exit(1);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		_exit(1);
	if (null > 2)
		close(null);
	/* every fd but stdio and k's (nsrun's state lock, the sync socket, the
	 * host's procfs, netlink in the container's namespace ... go) */
	int *keep = calloc(k->n_keep + 2, sizeof(*keep));
	if (!keep)
		_exit(1);
	keep[0] = k->pidfd;
	keep[1] = k->notify_fd;
	for (size_t i = 0; i < k->n_keep; i++)
		keep[2 + i] = k->keep[i];
	exec_close_fds_except(3, keep, k->n_keep + 2);
	free(keep);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static __attribute__((noreturn)) void keeper_main(struct keeper k)
{
	keeper_detach(&k);
	size_t cap = 2 + (k.relay ? net_relay_poll_max() : 0);
	struct pollfd *pfd = calloc(cap, sizeof(*pfd));
	bool ready = true; /* the caller forwarded up to READY=1 (notify.c) */
	if (!pfd)
		_exit(1);
	for (;;) {
		pfd[0] = (struct pollfd){ .fd = k.pidfd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = k.notify_fd, .events = POLLIN };
		size_t n = 2 + (k.relay ? net_relay_pollfds(pfd + 2) : 0);
		if (poll(pfd, n, -1) < 0)
			continue;
		if (k.notify_fd >= 0 && (pfd[1].revents & POLLIN))
			notify_forward_pending(k.notify_fd, k.pid, &ready);
		if (pfd[0].revents & POLLIN) {
			if (k.notify_fd >= 0) /* what it said last */
				notify_forward_pending(k.notify_fd, k.pid, &ready);
			_exit(0);
		}
		if (k.relay)
			net_relay_events(pfd + 2);
	}
}

pid_t keeper_spawn(const struct keeper *k, struct nsrun_error *err)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return nsrun_error_set(err, errno, "pipe for the keeper");
	fflush(NULL);
	pid_t mid = fork();
	if (mid == 0) {
		/* a session of its own, and not our child: init reaps it */
		close(p[0]);
		setsid();
		pid_t pid = fork();
		if (pid == 0) {
			close(p[1]);
			keeper_main(*k);
		}
		ssize_t w = write(p[1], &pid, sizeof(pid));
		_exit(pid > 0 && w == (ssize_t)sizeof(pid) ? 0 : 1);
	}
	close(p[1]);
	pid_t pid = -1;
	int e = errno;
	if (mid > 0) {
		while (waitpid(mid, NULL, 0) < 0 && errno == EINTR)
			;
		if (read(p[0], &pid, sizeof(pid)) != (ssize_t)sizeof(pid))
			pid = -1;
		e = EAGAIN;
	}
	close(p[0]);
	if (pid <= 0)
		return nsrun_error_set(err, e, "fork the keeper");
	return pid;
}

void keeper_stop(const char *pid_start)
{
	int pid;
	unsigned long long start;
	if (sscanf(pid_start, "%d-%llu", &pid, &start) != 2 || pid <= 1)
		return;
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return;
	/* checked after pidfd_open: the pid cannot be reused under us now */
	if (state_proc_starttime(pid) == start) {
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		struct pollfd p = { .fd = pidfd, .events = POLLIN };
		while (poll(&p, 1, 1000) < 0 && errno == EINTR)
			;
	}
	close(pidfd);
}
