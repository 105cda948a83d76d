/* auto addresses in boot mode: dnsmasq (Debian's dnsmasq-base) serves DHCP
 * on the host side of the veth, so the container's own DHCP client
 * (systemd-networkd's 80-container-host0.network) configures host0, as
 * networkd does for nspawn.  nsrun starts one dnsmasq per container, with
 * its pid and lease files in the run's record directory, and stops it with
 * the container; a dead run's dnsmasq is stopped by the next nsrun. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "net.h"

extern char **environ;

static pid_t read_pid_file(const char *dir)
{
	_cleanup_free_ char *path = xasprintf("%s/dnsmasq.pid", dir);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	long pid = 0;
	if (!f || fscanf(f, "%ld", &pid) != 1 || pid <= 1)
		return 0;
	return (pid_t)pid;
}

/* The process is that run's dnsmasq: its command line names the directory. */
static bool is_our_dnsmasq(pid_t pid, const char *dir)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (n <= 0)
		return false;
	buf[n] = '\0';
	_cleanup_free_ char *want = xasprintf("--pid-file=%s/dnsmasq.pid", dir);
	for (ssize_t i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1)
		if (strcmp(buf + i, want) == 0)
			return true;
	return false;
}

void dhcp_stop(const char *dir)
{
	pid_t pid = read_pid_file(dir);
	if (!pid)
		return;
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return;
	/* checked after pidfd_open: the pid cannot be reused under us now */
	if (is_our_dnsmasq(pid, dir)) {
		syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0);
		struct pollfd p = { .fd = pidfd, .events = POLLIN };
		if (poll(&p, 1, 2000) != 1)
			syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	}
	close(pidfd);
}

int step_net_dhcp(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	struct net_run *n = c->net;
	char first[INET_ADDRSTRLEN], last[INET_ADDRSTRLEN], mask[INET_ADDRSTRLEN];
	uint32_t base, m = ~0u << (32 - n->subnet.prefix);
	memcpy(&base, n->subnet.addr, 4);
	uint32_t a = htonl(ntohl(base) + 2), b = htonl((ntohl(base) | ~m) - 1), mm = htonl(m);
	inet_ntop(AF_INET, &a, first, sizeof(first));
	inet_ntop(AF_INET, &b, last, sizeof(last));
	inet_ntop(AF_INET, &mm, mask, sizeof(mask));
	_cleanup_free_ char *iface = xasprintf("--interface=%s", s->path);
	_cleanup_free_ char *range = xasprintf("--dhcp-range=%s,%s,%s,1h", first, last, mask);
	_cleanup_free_ char *leases = xasprintf("--dhcp-leasefile=%s/leases", n->dir);
	_cleanup_free_ char *pidf = xasprintf("--pid-file=%s/dnsmasq.pid", n->dir);
	char *argv[] = { "dnsmasq", "--conf-file=/dev/null", "--port=0", "--bind-interfaces",
			 iface, "--except-interface=lo", range, leases, pidf, "--dhcp-authoritative",
			 "--dhcp-rapid-commit", "--no-ping", "--no-resolv", "--no-hosts", "--quiet-dhcp",
			 "--user=nobody", "--group=nogroup", NULL };
	if (net_record(n, "dnsmasq") < 0)
		return nsrun_error_set(err, errno, "write the record in %s", n->dir);
	posix_spawnattr_t attr;
	posix_spawn_file_actions_t fa;
	sigset_t none, all;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSID);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	pid_t pid;
	int r = posix_spawn(&pid, "/usr/sbin/dnsmasq", &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (r != 0)
		return nsrun_error_set(err, r, "start /usr/sbin/dnsmasq");
	/* dnsmasq forks into the background once it serves: the first
	 * process's exit says it is ready */
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return nsrun_error_set(err, errno, "wait for dnsmasq");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return nsrun_error_set(err, 0, "dnsmasq failed (status %d; its message is above)",
				       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	if (!read_pid_file(n->dir))
		return nsrun_error_set(err, 0, "dnsmasq wrote no pid file in %s", n->dir);
	return 0;
}
