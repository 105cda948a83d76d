/* The host's IPv6 loopback [::1] for forwarded ports.  IPv6 has no
 * route_localnet, so the kernel drops a DNATed packet with source ::1 on
 * its way to the veth; instead a process of nsrun's listens on
 * [::1]:HOSTPORT (IPV6_V6ONLY) and relays tcp connections and udp
 * datagrams to the container's IPv6 address.  The sockets are bound by
 * nsrun before the fork (a taken port is a step error).  In the foreground
 * the child dies with nsrun (parent-death signal) and is killed when the
 * container stops; after create and run -d the keeper (keeper.c) relays,
 * named in the run's record ("keeper PID-STARTTIME"): it ends with the
 * container's PID 1, and delete and the sweep stop it (net.c). */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "keeper.h"
#include "net.h"
#include "state.h"

#define RELAY_BUF 16384
#define RELAY_TCP_MAX 128   /* connections at once; more wait in the backlog */
#define RELAY_UDP_MAX 128   /* udp clients at once; the oldest idle is dropped */
#define RELAY_UDP_IDLE 60   /* seconds */

struct listener { int fd, proto; uint16_t cport; };
struct tcp_pipe { int fd[2]; char buf[2][RELAY_BUF]; size_t len[2], off[2]; bool eof[2], connecting; };
struct udp_peer { int fd; struct sockaddr_in6 client; struct listener *l; time_t last; };

static struct {
	struct listener *l; size_t n_l;
	struct tcp_pipe *tcp[RELAY_TCP_MAX];
	struct udp_peer udp[RELAY_UDP_MAX];
	struct sockaddr_in6 to;
} R;

static int relay_connect(uint16_t port, int type)
{
	int fd = socket(AF_INET6, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in6 to = R.to;
	to.sin6_port = htons(port);
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static void tcp_accept(struct listener *l)
{
	int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	size_t i = 0;
	while (i < RELAY_TCP_MAX && R.tcp[i])
		i++;
	int out = i < RELAY_TCP_MAX ? relay_connect(l->cport, SOCK_STREAM) : -1;
	if (out < 0) {
		close(fd);
		return;
	}
	struct tcp_pipe *p = calloc(1, sizeof(*p));
	if (!p) {
		close(fd);
		close(out);
		return;
	}
	p->fd[0] = fd;
	p->fd[1] = out;
	p->connecting = true;
	R.tcp[i] = p;
}

static void tcp_close(size_t i)
{
	close(R.tcp[i]->fd[0]);
	close(R.tcp[i]->fd[1]);
	free(R.tcp[i]);
	R.tcp[i] = NULL;
}

/* Move data of direction d (0: client -> container, 1: back); false: done with the pipe. */
static bool tcp_move(struct tcp_pipe *p, int d)
{
	int from = p->fd[d], to = p->fd[!d];
	if (!p->eof[d] && p->len[d] == 0) {
		ssize_t r = recv(from, p->buf[d], RELAY_BUF, 0);
		if (r == 0) {
			p->eof[d] = true;
			shutdown(to, SHUT_WR);
		} else if (r < 0 && errno != EAGAIN && errno != EINTR) {
			return false;
		} else if (r > 0) {
			p->len[d] = (size_t)r;
			p->off[d] = 0;
		}
	}
	if (p->len[d] > p->off[d]) {
		ssize_t w = send(to, p->buf[d] + p->off[d], p->len[d] - p->off[d], MSG_NOSIGNAL);
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return false;
		if (w > 0)
			p->off[d] += (size_t)w;
		if (p->off[d] == p->len[d]) {
			p->len[d] = p->off[d] = 0;
			if (p->eof[d])
				shutdown(to, SHUT_WR);
		}
	}
	return true;
}

static void tcp_events(size_t i, const short rev[2])
{
	struct tcp_pipe *p = R.tcp[i];
	if (p->connecting && (rev[1] & (POLLOUT | POLLERR | POLLHUP))) {
		int e = 0;
		socklen_t sl = sizeof(e);
		if (getsockopt(p->fd[1], SOL_SOCKET, SO_ERROR, &e, &sl) < 0 || e) {
			tcp_close(i);
			return;
		}
		p->connecting = false;
	}
	if (p->connecting)
		return;
	if (((rev[0] | rev[1]) & POLLERR) || !tcp_move(p, 0) || !tcp_move(p, 1) ||
	    (p->eof[0] && p->eof[1] && !p->len[0] && !p->len[1]))
		tcp_close(i);
}

static short tcp_want(const struct tcp_pipe *p, int side)
{
	if (p->connecting)
		return side ? POLLOUT : 0;
	short ev = 0;
	if (!p->eof[side] && p->len[side] == 0)
		ev |= POLLIN;
	if (p->len[!side] > p->off[!side])
		ev |= POLLOUT;
	return ev;
}

static void udp_from_client(struct listener *l)
{
	char buf[65536];
	struct sockaddr_in6 from;
	socklen_t fl = sizeof(from);
	ssize_t n = recvfrom(l->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
	if (n < 0)
		return;
	time_t now = time(NULL);
	struct udp_peer *u = NULL, *spare = NULL, *oldest = NULL;
	for (size_t i = 0; i < RELAY_UDP_MAX && !u; i++) {
		struct udp_peer *q = &R.udp[i];
		if (q->fd > 0 && q->l == l && q->client.sin6_port == from.sin6_port &&
		    memcmp(&q->client.sin6_addr, &from.sin6_addr, sizeof(from.sin6_addr)) == 0)
			u = q;
		else if (q->fd <= 0 || now - q->last > RELAY_UDP_IDLE)
			spare = spare ? spare : q;
		else if (!oldest || q->last < oldest->last)
			oldest = q;
	}
	if (!u) {
		u = spare ? spare : oldest;
		if (u->fd > 0)
			close(u->fd);
		u->fd = relay_connect(l->cport, SOCK_DGRAM);
		if (u->fd < 0)
			return;
		u->client = from;
		u->l = l;
	}
	u->last = now;
	send(u->fd, buf, (size_t)n, MSG_DONTWAIT);
}

static void udp_to_client(struct udp_peer *u)
{
	char buf[65536];
	ssize_t n = recv(u->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0)
		return;
	u->last = time(NULL);
	sendto(u->l->fd, buf, (size_t)n, MSG_DONTWAIT, (struct sockaddr *)&u->client, sizeof(u->client));
}

size_t net_relay_poll_max(void)
{
	return R.n_l + 2 * RELAY_TCP_MAX + RELAY_UDP_MAX;
}

size_t net_relay_pollfds(struct pollfd *pfd)
{
	size_t n = 0;
	for (size_t i = 0; i < R.n_l; i++)
		pfd[n++] = (struct pollfd){ .fd = R.l[i].fd, .events = POLLIN };
	for (size_t i = 0; i < RELAY_TCP_MAX; i++)
		for (int s = 0; s < 2; s++)
			pfd[n++] = (struct pollfd){ .fd = R.tcp[i] ? R.tcp[i]->fd[s] : -1,
						    .events = R.tcp[i] ? tcp_want(R.tcp[i], s) : 0 };
	for (size_t i = 0; i < RELAY_UDP_MAX; i++)
		pfd[n++] = (struct pollfd){ .fd = R.udp[i].fd > 0 ? R.udp[i].fd : -1, .events = POLLIN };
	return n;
}

void net_relay_events(const struct pollfd *pfd)
{
	for (size_t i = 0; i < R.n_l; i++)
		if (pfd[i].revents & POLLIN)
			R.l[i].proto == IPPROTO_TCP ? tcp_accept(&R.l[i]) : udp_from_client(&R.l[i]);
	for (size_t i = 0; i < RELAY_TCP_MAX; i++) {
		const struct pollfd *q = &pfd[R.n_l + 2 * i];
		short rev[2] = { q[0].revents, q[1].revents };
		if (R.tcp[i] && q[0].fd == R.tcp[i]->fd[0] && (rev[0] || rev[1]))
			tcp_events(i, rev);
	}
	for (size_t i = 0; i < RELAY_UDP_MAX; i++)
		if (pfd[R.n_l + 2 * RELAY_TCP_MAX + i].revents & POLLIN)
			udp_to_client(&R.udp[i]);
}

static __attribute__((noreturn)) void relay_loop(void)
{
	struct pollfd *pfd = calloc(net_relay_poll_max(), sizeof(*pfd));
	if (!pfd)
		_exit(1);
	for (;;) {
		size_t n = net_relay_pollfds(pfd);
		if (poll(pfd, n, -1) >= 0)
			net_relay_events(pfd);
	}
}

static int relay_bind(struct listener *l, uint16_t port, int proto, struct nsrun_error *err)
{
	l->proto = proto;
	l->fd = socket(AF_INET6, (proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK |
		       SOCK_CLOEXEC, 0);
	if (l->fd < 0)
		return nsrun_error_set(err, errno, "socket for [::1]:%u", port);
	int one = 1;
	setsockopt(l->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = in6addr_loopback };
	if (bind(l->fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    (proto == IPPROTO_TCP && listen(l->fd, 128) < 0))
		return nsrun_error_set(err, errno, "listen on [::1]:%u (%s)", port,
				       proto == IPPROTO_TCP ? "tcp" : "udp");
	return 0;
}

/* Bind [::1]:HOSTPORT for every forwarded port (R.l); returns 0, or -1 with
 * err.  *made counts the listeners made: the caller closes them. */
static int relay_listen(const struct spec_network *net, const struct spec_net_addr *a6, size_t *made,
			struct nsrun_error *err)
{
	R.to = (struct sockaddr_in6){ .sin6_family = AF_INET6 };
	memcpy(&R.to.sin6_addr, a6->addr, 16);
	R.n_l = 0;
	for (size_t i = 0; i < net->n_ports; i++)
		R.n_l += (size_t)(net->ports[i].host_last - net->ports[i].host_first) + 1;
	R.l = xcalloc(R.n_l, sizeof(*R.l));
	*made = 0;
	for (size_t i = 0; i < net->n_ports; i++) {
		const struct spec_net_port *p = &net->ports[i];
		for (unsigned port = p->host_first; port <= p->host_last; port++) {
			R.l[*made].cport = (uint16_t)(p->container_first + (port - p->host_first));
			if (relay_bind(&R.l[(*made)++], (uint16_t)port, p->proto, err) < 0)
				return -1;
		}
	}
	return 0;
}

/* In the foreground: a child that dies with nsrun (and net_relay_stop). */
static pid_t relay_fork(int *fds)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (getppid() != parent)
			_exit(0);
		sigset_t all;
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		signal(SIGPIPE, SIG_IGN);
		/* only the listeners: nsrun's other descriptors, e.g. the sync
		 * socket to the container, must not stay open in the relay */
		exec_close_fds_except(3, fds, R.n_l);
		relay_loop();
	}
	return pid;
}

/* create, run -d: the keeper (keeper.c) relays for the container's life;
 * the record names it, so that delete and the sweep stop it. */
static int relay_keeper(struct exec_ctx *c, const int *fds, struct nsrun_error *err)
{
	struct keeper k = { .pid = c->child, .pidfd = c->pidfd, .notify_fd = -1, .relay = true, .keep = fds, .n_keep = R.n_l };
	pid_t pid = keeper_spawn(&k, err);
	if (pid < 0)
		return nsrun_error_prefix(err, "the [::1] relay: ");
	char who[48];
	snprintf(who, sizeof(who), "%d-%llu", (int)pid, state_proc_starttime(pid));
	if (net_record(c->net, "keeper %s", who) < 0) {
		int e = errno;
		keeper_stop(who);
		return nsrun_error_set(err, e, "write the record in %s", c->net->dir);
	}
	return 0;
}

int net_relay_start(struct exec_ctx *c, struct nsrun_error *err)
{
	struct net_run *n = c->net;
	const struct spec_net_addr *a6 = NULL;
	for (size_t k = 0; k < n->n_cont_addr && !a6; k++)
		if (n->cont_addr[k].family == AF_INET6)
			a6 = &n->cont_addr[k];
	if (!a6)
		return 0;
	size_t made;
	int r = relay_listen(c->plan->spec->network, a6, &made, err);
	int *fds = NULL;
	if (r == 0) {
		fds = xcalloc(R.n_l, sizeof(int));
		for (size_t i = 0; i < R.n_l; i++)
			fds[i] = R.l[i].fd;
	}
	if (r == 0 && c->opts->mode == EXEC_FOREGROUND) {
		pid_t pid = relay_fork(fds);
		if (pid < 0)
			r = nsrun_error_set(err, errno, "fork the [::1] relay");
		n->relay = pid > 0 ? pid : 0;
	} else if (r == 0) {
		r = relay_keeper(c, fds, err);
	}
	free(fds);
	for (size_t i = 0; i < made; i++)
		if (R.l[i].fd >= 0)
			close(R.l[i].fd);
	free(R.l);
	R.l = NULL;
	return r;
}

void net_relay_stop(struct net_run *n)
{
	if (n->relay <= 0)
		return;
	kill(n->relay, SIGKILL);
	while (waitpid(n->relay, NULL, 0) < 0 && errno == EINTR)
		;
	n->relay = 0;
}
