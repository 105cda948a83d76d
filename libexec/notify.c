/* sd_notify for a booted container run in the foreground under systemd
 * (a Type=notify unit such as nsrun@.service): when nsrun has
 * NOTIFY_SOCKET, the container's PID 1 gets its own notify socket at
 * /run/host/notify (NOTIFY_SOCKET=/run/host/notify, as systemd-nspawn
 * does), and nsrun forwards what the container's systemd sends there
 * (READY=1, STATUS=, STOPPING=1, ...) to its own NOTIFY_SOCKET, with
 * MAINPID= naming the container's PID 1 on the host.
 *
 * The container's PID 1 makes the socket in the /run/host tmpfs before it
 * becomes read-only, and hands it to nsrun on the sync socket. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "exec-internal.h"

#define NOTIFY_IN_CONTAINER "/run/host/notify"

/* nsrun's own NOTIFY_SOCKET as an address: a path, or "@name" (abstract). */
static int notify_address(struct sockaddr_un *a, socklen_t *len)
{
	const char *e = getenv("NOTIFY_SOCKET");
	if (!e || (e[0] != '/' && e[0] != '@') || strlen(e) >= sizeof(a->sun_path))
		return -1;
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path, e, strlen(e));
	if (e[0] == '@')
		a->sun_path[0] = 0;
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(e));
	return 0;
}

int notify_make_socket(struct exec_ctx *c, int run_host_mnt, struct nsrun_error *err)
{
	struct sockaddr_un host;
	socklen_t hlen;
	if (c->opts->mode != EXEC_FOREGROUND || notify_address(&host, &hlen) < 0)
		return 0;
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return nsrun_error_set(err, errno, "the notify socket");
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "/proc/self/fd/%d/notify", run_host_mnt);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return nsrun_error_set(err, errno, "bind the notify socket on %s", NOTIFY_IN_CONTAINER);
	struct sync_msg m = { .kind = SYNC_NOTIFY };
	if (sync_send(c->sync_fd, &m, fd) < 0)
		return nsrun_error_set(err, errno, "hand the notify socket to nsrun");
	/* PID 1's environment: the plan is our own copy since clone */
	size_t n = 0;
	while (c->plan->envp[n])
		n++;
	c->plan->envp = xrealloc(c->plan->envp, (n + 2) * sizeof(char *));
	c->plan->envp[n] = xstrdup("NOTIFY_SOCKET=" NOTIFY_IN_CONTAINER);
	c->plan->envp[n + 1] = NULL;
	return 0;
}

void notify_forward(struct exec_ctx *c)
{
	char buf[4096 + 64];
	int off = snprintf(buf, 64, "MAINPID=%d\n", (int)c->child);
	ssize_t n;
	while ((n = recv(c->notify_fd, buf + off, sizeof(buf) - (size_t)off - 1, MSG_DONTWAIT)) > 0) {
		struct sockaddr_un host;
		socklen_t hlen;
		if (notify_address(&host, &hlen) < 0)
			continue;
		buf[off + n] = 0;
		/* MAINPID= goes with READY=1 and with every later message */
		bool ready = strstr(buf + off, "READY=1") != NULL;
		c->notify_ready |= ready;
		const char *msg = c->notify_ready ? buf : buf + off;
		_cleanup_close_ int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (s >= 0)
			sendto(s, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&host, hlen);
	}
}
