/* The foreground loop: forward signals to the container's PID 1, relay
 * its pty to our terminal in raw mode, and end with its exit status.
 *
 * Boot mode (README "Boot mode") changes three things: SIGTERM, SIGINT and
 * SIGHUP become SIGRTMIN+3 (systemd's "halt"), then SIGKILL on the second one or
 * when the stop timeout runs out; the console is relayed read-only when
 * stdin is not a terminal; and PID 1 killed by SIGINT (the kernel's answer
 * to reboot(2) POWER_OFF or HALT from a pid namespace's init) is a clean
 * exit, by SIGHUP (RESTART) a reboot.  In any raw-mode relay, Ctrl-]
 * pressed three times within a second kills the container (as nspawn). */
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
#include <time.h>

#include "exec-internal.h"

struct relay {
	int master;
	int peer;                 /* boot: a slave fd of our own, see relay_start */
	bool stdin_open;
	bool raw;
	struct termios saved;
	unsigned n_escape;        /* Ctrl-] pressed so many times in a row ... */
	struct timespec first_escape; /* ... the first of them then */
};

#define ESCAPE_CHAR 0x1d      /* Ctrl-] */

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* True on the third Ctrl-] within a second of the first. */
static bool escape_seen(struct relay *r, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] != ESCAPE_CHAR) {
			r->n_escape = 0;
			continue;
		}
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long long ms = (now.tv_sec - r->first_escape.tv_sec) * 1000LL +
			       (now.tv_nsec - r->first_escape.tv_nsec) / 1000000;
		if (r->n_escape == 0 || ms > 1000) {
			r->n_escape = 1;
			r->first_escape = now;
		} else if (++r->n_escape == 3) {
			return true;
		}
	}
	return false;
}

static void copy_winsize(int master)
{
	struct winsize ws;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
}

static void relay_start(struct relay *r, int master, bool has_console_size, bool boot)
{
	r->master = master;
	r->peer = -1;
	r->stdin_open = master >= 0;
	r->raw = false;
	r->n_escape = 0;
	if (master < 0)
		return;
	fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	if (boot) {
		/* An init opens and closes /dev/console as it goes; whenever no
		 * slave fd is open, reading the master fails with EIO.  Holding
		 * one keeps the console relayed for the container's lifetime. */
		r->peer = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
		/* Without a terminal, the console is only shown (as nspawn's
		 * --console=read-only): nothing is read from stdin. */
		if (!isatty(STDIN_FILENO))
			r->stdin_open = false;
	}
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &r->saved) == 0) {
		if (boot)
			fputs("nsrun: booting; press Ctrl-] three times within 1s to kill the container.\n",
			      stderr);
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
	if (r->peer >= 0)
		close(r->peer);
	r->peer = -1;
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

/* Copy what is there; returns false at EOF or on error.  With `r`, the
 * copy is the terminal's input: *escaped says whether Ctrl-] came three
 * times (what came before it is still passed on). */
static bool pump_input(int from, int to, struct relay *r, bool *escaped)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	if (n <= 0)
		return false;
	if (r && r->raw && escape_seen(r, buf, (size_t)n))
		*escaped = true;
	return write_all(to, buf, (size_t)n) == 0;
}

static bool pump(int from, int to)
{
	return pump_input(from, to, NULL, NULL);
}

static int status_of(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return NSRUN_EXIT_FAILURE;
}

/* Boot: reboot(2) from the init of a pid namespace ends it with SIGINT
 * (POWER_OFF, HALT) or SIGHUP (RESTART, see reboot(2), "Behavior inside
 * PID namespaces"): a clean end, or a reboot nsrun carries out. */
static int boot_status_of(int wstatus, bool *rebooted)
{
	*rebooted = WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGHUP;
	if (WIFSIGNALED(wstatus) && (WTERMSIG(wstatus) == SIGINT || WTERMSIG(wstatus) == SIGHUP))
		return 0;
	return status_of(wstatus);
}

static void send_signal(struct exec_ctx *c, int sig)
{
	syscall(SYS_pidfd_send_signal, c->pidfd, sig, NULL, 0);
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
	const bool boot = c->plan->boot;
	relay_start(&r, c->console_master, c->plan->console_width != 0, boot);
	bool master_open = r.master >= 0;
	bool escaped = false, killed = false;
	/* boot: SIGRTMIN+3 was sent; SIGKILL at the deadline */
	long long halt_deadline = -1;
	const long long stop_ms = 1000LL * (c->opts->stop_timeout ? c->opts->stop_timeout : 90);
	int result = -1;
	c->rebooted = false;
	for (;;) {
		struct pollfd fds[4] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = master_open ? r.master : -1, .events = POLLIN },
			{ .fd = r.stdin_open ? STDIN_FILENO : -1, .events = POLLIN },
			{ .fd = c->notify_fd, .events = POLLIN },
		};
		int timeout = -1;
		if (halt_deadline >= 0 && !killed) {
			long long left = halt_deadline - now_ms();
			timeout = left < 0 ? 0 : left > 60000 ? 60000 : (int)left;
		}
		int n = poll(fds, 4, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			nsrun_error_set(err, errno, "poll");
			break;
		}
		if (halt_deadline >= 0 && !killed && now_ms() >= halt_deadline) {
			fprintf(stderr, "%snsrun: the container did not stop within %llds: killing it%s",
				r.raw ? "\r\n" : "", stop_ms / 1000, r.raw ? "\r\n" : "\n");
			send_signal(c, SIGKILL);
			killed = true;
		}
		if (fds[3].revents & POLLIN)
			notify_forward(c);
		if (fds[1].revents & (POLLIN | POLLHUP | POLLERR))
			if (!pump(r.master, STDOUT_FILENO))
				master_open = false;
		if (fds[2].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (!pump_input(STDIN_FILENO, r.master, &r, &escaped))
				r.stdin_open = false;
			if (escaped && !killed) {
				send_signal(c, SIGKILL);
				killed = true;
				r.stdin_open = false;
			}
		}
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
			} else if (boot && (sig == SIGTERM || sig == SIGINT || sig == SIGHUP)) {
				/* halt (SIGHUP: our terminal went away); the second
				 * time, or after the timeout, kill */
				if (halt_deadline < 0) {
					send_signal(c, SIGRTMIN + 3);
					halt_deadline = now_ms() + stop_ms;
				} else if (!killed) {
					send_signal(c, SIGKILL);
					killed = true;
				}
			} else if (sig != SIGPIPE && sig != SIGTTIN && sig != SIGTTOU) {
				send_signal(c, sig);
			}
		}
		if (exited) {
			if (c->notify_fd >= 0)
				notify_forward(c); /* what it said last */
			/* what the container wrote last is still in the pty */
			while (master_open && pump(r.master, STDOUT_FILENO)) {
				struct pollfd p = { .fd = r.master, .events = POLLIN };
				if (poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN))
					break;
			}
			*exit_status = boot ? boot_status_of(wstatus, &c->rebooted) : status_of(wstatus);
			result = 0;
			break;
		}
	}
	relay_stop(&r);
	if (escaped)
		fputs("\nnsrun: Ctrl-] pressed three times: the container was killed.\n", stderr);
	if (result < 0) {
		syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
		waitpid(c->child, NULL, 0);
	}
	return result;
}
