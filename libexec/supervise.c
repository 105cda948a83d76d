/* The foreground loop: forward signals to the container's PID 1, relay
 * its pty to our terminal in raw mode, and end with its exit status. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>

#include "exec-internal.h"

struct relay {
	int master;
	bool stdin_open;
	bool raw;
	struct termios saved;
};

static void copy_winsize(int master)
{
	struct winsize ws;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
}

static void relay_start(struct relay *r, int master, bool has_console_size)
{
	r->master = master;
	r->stdin_open = master >= 0;
	r->raw = false;
	if (master < 0)
		return;
	fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &r->saved) == 0) {
		struct termios raw = r->saved;
		cfmakeraw(&raw);
		if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0)
			r->raw = true;
		if (!has_console_size)
			copy_winsize(master);
	}
}

static void relay_stop(struct relay *r)
{
	if (r->raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &r->saved);
	r->raw = false;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				struct pollfd p = { .fd = fd, .events = POLLOUT };
				poll(&p, 1, 1000);
				continue;
			}
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Copy what is there; returns false at EOF or on error. */
static bool pump(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	if (n <= 0)
		return false;
	return write_all(to, buf, (size_t)n) == 0;
}

static int status_of(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return NSRUN_EXIT_FAILURE;
}

int supervise(struct exec_ctx *c, const sigset_t *orig_mask, int *exit_status, struct nsrun_error *err)
{
	(void)orig_mask;
	sigset_t all;
	sigfillset(&all);
	_cleanup_close_ int sfd = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		return nsrun_error_set(err, errno, "signalfd");
	struct relay r;
	relay_start(&r, c->console_master, c->plan->console_width != 0);
	bool master_open = r.master >= 0;
	int result = -1;
	for (;;) {
		struct pollfd fds[3] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = master_open ? r.master : -1, .events = POLLIN },
			{ .fd = r.stdin_open ? STDIN_FILENO : -1, .events = POLLIN },
		};
		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			nsrun_error_set(err, errno, "poll");
			break;
		}
		if (fds[1].revents & (POLLIN | POLLHUP | POLLERR))
			if (!pump(r.master, STDOUT_FILENO))
				master_open = false;
		if (fds[2].revents & (POLLIN | POLLHUP | POLLERR))
			if (!pump(STDIN_FILENO, r.master))
				r.stdin_open = false;
		if (!(fds[0].revents & POLLIN))
			continue;
		struct signalfd_siginfo si;
		bool exited = false;
		int wstatus = 0;
		while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
			int sig = (int)si.ssi_signo;
			if (sig == SIGCHLD) {
				/* reap whatever ended; ours ends the loop */
				pid_t pid;
				int st;
				while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
					if (pid == c->child) {
						exited = true;
						wstatus = st;
					}
			} else if (sig == SIGWINCH) {
				if (r.master >= 0)
					copy_winsize(r.master);
			} else if (sig != SIGPIPE && sig != SIGTTIN && sig != SIGTTOU) {
				syscall(SYS_pidfd_send_signal, c->pidfd, sig, NULL, 0);
			}
		}
		if (exited) {
			/* what the container wrote last is still in the pty */
			while (master_open && pump(r.master, STDOUT_FILENO)) {
				struct pollfd p = { .fd = r.master, .events = POLLIN };
				if (poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN))
					break;
			}
			*exit_status = status_of(wstatus);
			result = 0;
			break;
		}
	}
	relay_stop(&r);
	if (result < 0) {
		syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
		waitpid(c->child, NULL, 0);
	}
	return result;
}
