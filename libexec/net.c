/* Networking in the executor: the record of what a run owns, the sweep of
 * what dead runs left, the checks before anything is created, and the link
 * steps (veth, bridge, addresses, the container's side).  See net.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "keeper.h"
#include "net.h"
#include "state.h"

static bool owner_alive(const char *owner)
{
	unsigned long pid;
	unsigned long long start;
	if (sscanf(owner, "%lu-%llu", &pid, &start) != 2)
		return false;
	/* 0: gone, or a zombie (which owns nothing any more) */
	unsigned long long now = state_proc_starttime((pid_t)pid);
	return now != 0 && now == start;
}

static void own_owner(char buf[48])
{
	snprintf(buf, 48, "%d-%llu", (int)getpid(), state_proc_starttime(getpid()));
}

static void own_netns(char buf[48])
{
	struct stat st;
	if (stat("/proc/self/ns/net", &st) < 0)
		snprintf(buf, 48, "?");
	else
		snprintf(buf, 48, "%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
}

int net_lock(void)
{
	mkdir("/run/nsrun", 0711);
	mkdir(NET_STATE_DIR, 0700);
	int fd = open(NET_STATE_DIR "/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		while (flock(fd, LOCK_EX) < 0 && errno == EINTR)
			;
	return fd;
}

void net_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

int net_record(struct net_run *n, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (len < 0 || len >= (int)sizeof(line) - 1)
		return -1;
	line[len++] = '\n';
	/* on disk before the resource exists: a SIGKILL right after leaves a
	 * record the next nsrun can act on */
	return write(n->record_fd, line, (size_t)len) == len ? 0 : -1;
}

/* Remove the files of a record directory, then the directory. */
static void remove_dir(const char *dir)
{
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dup(dfd)) : NULL;
	if (d) {
		for (struct dirent *e; (e = readdir(d));)
			if (e->d_name[0] != '.')
				unlinkat(dfd, e->d_name, 0);
		closedir(d);
	}
	rmdir(dir);
}

static void undo_link(const char *name, const char *owner)
{
	struct nl nl = { 0 };
	struct nsrun_error err = { 0 };
	unsigned index;
	char alias[64], want[64];
	if (nl_open(&nl, -1, &err) < 0)
		return;
	snprintf(want, sizeof(want), "nsrun:%s", owner);
	/* only the link this owner made (its alias says so), never one that
	 * took the name since */
	if (nl_link_get(&nl, name, &index, NULL, alias, &err) == 0 && index && strcmp(alias, want) == 0)
		nl_link_del(&nl, index, &err);
	nl_close(&nl);
}

void net_undo_record(const char *dir, const char *owner, bool same_netns, const char *netns,
		     bool links_go_with_netns)
{
	_cleanup_free_ char *path = xasprintf("%s/record", dir);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[256];
	char links[4][32];
	size_t n_links = 0;
	bool nft = false, dnsmasq = false;
	char keeper[48] = "";
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "netns ", 6) == 0 && netns)
			same_netns = strcmp(line + 6, netns) == 0;
		else if (strncmp(line, "link ", 5) == 0 && n_links < ARRAY_SIZE(links))
			snprintf(links[n_links++], sizeof(links[0]), "%.31s", line + 5);
		else if (strcmp(line, "nft") == 0)
			nft = true;
		else if (strcmp(line, "dnsmasq") == 0)
			dnsmasq = true;
		else if (strncmp(line, "keeper ", 7) == 0)
			snprintf(keeper, sizeof(keeper), "%.47s", line + 7);
	}
	/* the reverse of the order they were made in */
	if (*keeper)
		keeper_stop(keeper); /* the [::1] relay of create, run -d (keeper.c) */
	if (dnsmasq)
		dhcp_stop(dir);
	if (nft && same_netns)
		nft_remove_forwards(owner);
	for (size_t i = 0; same_netns && !links_go_with_netns && i < n_links; i++)
		undo_link(links[i], owner);
	remove_dir(dir);
}

/* The record's network namespace ("netns DEV:INO"), or "" */
static void record_netns(const char *dir, char out[48])
{
	_cleanup_free_ char *path = xasprintf("%s/record", dir);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[256];
	out[0] = '\0';
	if (f && fgets(line, sizeof(line), f) && strncmp(line, "netns ", 6) == 0)
		snprintf(out, 48, "%.*s", (int)strcspn(line + 6, "\n"), line + 6);
}

static bool netns_matches(int dfd, const char *path, const char *id)
{
	struct stat st;
	char buf[48];
	if (fstatat(dfd, path, &st, 0) < 0)
		return false;
	snprintf(buf, sizeof(buf), "%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	return strcmp(buf, id) == 0;
}

/* Does a process (or a mount under /run/netns) still hold that network
 * namespace?  Then its chains and link are still there, and only an nsrun
 * inside it can remove them. */
static bool netns_alive(const char *id)
{
	_cleanup_closedir_ DIR *proc = opendir("/proc");
	for (struct dirent *e; proc && (e = readdir(proc));) {
		char path[300];
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "%s/ns/net", e->d_name);
		if (netns_matches(dirfd(proc), path, id))
			return true;
	}
	_cleanup_closedir_ DIR *named = opendir("/run/netns");
	for (struct dirent *e; named && (e = readdir(named));)
		if (e->d_name[0] != '.' && netns_matches(dirfd(named), e->d_name, id))
			return true;
	return false;
}

/* What runs that are gone left behind (SIGKILL, a PID 1 that died without
 * delete): their records, in this network namespace.  A record of another
 * network namespace that is still alive is left to an nsrun in there
 * (removing it from here would lose its chains); one whose namespace is
 * gone (and its links and chains with it) only has its files removed. */
static void sweep(const char *netns)
{
	_cleanup_closedir_ DIR *d = opendir(NET_STATE_DIR);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "lock") == 0 || owner_alive(e->d_name))
			continue;
		_cleanup_free_ char *dir = xasprintf("%s/%s", NET_STATE_DIR, e->d_name);
		char theirs[48];
		record_netns(dir, theirs);
		if (*theirs && strcmp(theirs, netns) != 0 && netns_alive(theirs))
			continue;
		net_undo_record(dir, e->d_name, false, netns, false);
	}
}

/* Is something listening on (or bound to) this port on the host? */
static bool port_taken(int proto, int family, uint16_t port)
{
	_cleanup_close_ int fd = socket(family, (proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM) |
					SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	int r = family == AF_INET ? bind(fd, (struct sockaddr *)&a4, sizeof(a4))
				  : bind(fd, (struct sockaddr *)&a6, sizeof(a6));
	return r < 0 && errno == EADDRINUSE;
}

static int check_ports_free(const struct spec *s, struct nsrun_error *err)
{
	const struct spec_network *net = s->network;
	for (size_t i = 0; i < net->n_ports; i++) {
		const struct spec_net_port *p = &net->ports[i];
		for (unsigned port = p->host_first; port <= p->host_last; port++) {
			if (!port_taken(p->proto, AF_INET, (uint16_t)port) &&
			    !port_taken(p->proto, AF_INET6, (uint16_t)port))
				continue;
			const char *proto = p->proto == IPPROTO_TCP ? "tcp" : "udp";
			if (p->cli)
				return nsrun_error_set(err, 0, "%s: host port %s %u is already taken on "
						       "this host", p->cli, proto, port);
			return spec_fail_at(err, s, p->pos, "/network/ports/%zu: host port %s %u "
					    "is already taken on this host", i, proto, port);
		}
	}
	return 0;
}

/* A link named like ours whose alias names a run that is gone: the kernel
 * is still removing it with that run's network namespace.  Wait up to
 * 100 ms, then remove it. */
static int wait_stale_link(struct nl *nl, const char *name, unsigned *index, struct nsrun_error *err)
{
	char alias[64], self[48];
	own_owner(self);
	for (int i = 0; i < 10; i++) {
		if (nl_link_get(nl, name, index, NULL, alias, err) < 0)
			return -1;
		/* a run that is gone, or this nsrun's own before a reboot */
		if (!*index || strncmp(alias, "nsrun:", 6) != 0 ||
		    (owner_alive(alias + 6) && strcmp(alias + 6, self) != 0))
			return 0;
		if (i == 9)
			return nl_link_del(nl, *index, err) < 0 ? -1 : nl_link_get(nl, name, index, NULL, NULL, err);
		usleep(10000);
	}
	return 0;
}

/* dry (nsrun check): a stale link of a run that is gone counts as free
 * and is left alone; the run removes it. */
static int check_links(const struct spec *s, bool dry, struct nsrun_error *err)
{
	const struct spec_network *net = s->network;
	struct nl nl = { 0 };
	unsigned index;
	char kind[16];
	if (nl_open(&nl, -1, err) < 0)
		return -1;
	int r = 0;
	if (net->bridge) {
		r = nl_link_get(&nl, net->bridge, &index, kind, NULL, err);
		if (r == 0 && (!index || strcmp(kind, "bridge") != 0)) {
			const char *what = index ? "is not a bridge" : "does not exist";
			r = net->mode_cli ? nsrun_error_set(err, 0, "%s: %s %s on this host", net->mode_cli,
							    net->bridge, what)
					  : spec_fail_at(err, s, net->bridge_pos, "/network/bridge: \"%s\" %s on "
							 "this host", net->bridge, what);
		}
	}
	if (r == 0 && net->host_ifname && net->mode != NET_PRIVATE) {
		char alias[64] = "";
		r = dry ? nl_link_get(&nl, net->host_ifname, &index, NULL, alias, err)
			: wait_stale_link(&nl, net->host_ifname, &index, err);
		if (r == 0 && dry && index && strncmp(alias, "nsrun:", 6) == 0 && !owner_alive(alias + 6))
			index = 0;
		if (r == 0 && index)
			r = nsrun_error_set(err, 0, "%s: the host side's link %s exists already (another "
					    "container with this name? set /network/hostInterface)",
					    s->file, net->host_ifname);
	}
	nl_close(&nl);
	return r;
}

int net_preflight(struct exec_ctx *c, struct nsrun_error *err)
{
	const struct spec *s = c->plan->spec;
	const struct spec_network *net = s->network;
	if (!net || net->mode == NET_HOST)
		return 0;
	if (net->auto_addresses) {
		const char *pool = getenv("NSRUN_NETWORK_POOL"), *why;
		uint32_t v;
		unsigned pl;
		if (pool && *pool && net_parse_pool(pool, &v, &pl, &why) < 0)
			return nsrun_error_set(err, 0, "NSRUN_NETWORK_POOL=%s: %s", pool, why);
	}
	/* what dead runs left goes first: their link names and ports are free again */
	char netns[48];
	own_netns(netns);
	int lock = net_lock();
	sweep(netns);
	net_unlock(lock);
	if (check_links(s, false, err) < 0 || check_ports_free(s, err) < 0)
		return -1;
	for (size_t i = 0; i < c->plan->n_steps; i++)
		if (c->plan->steps[i].kind == STEP_NET_DHCP && access("/usr/sbin/dnsmasq", X_OK) < 0)
			return nsrun_error_set(err, errno, "%s: /network/addresses: \"auto\" in boot mode "
					       "serves DHCP with dnsmasq (Debian: dnsmasq-base)", s->file);
	return 0;
}

int net_check_host(const struct plan *p, struct nsrun_error *err)
{
	const struct spec *s = p->spec;
	if (!s->network || s->network->mode == NET_HOST || s->network->mode == NET_PRIVATE)
		return 0;
	return check_links(s, true, err) < 0 || check_ports_free(s, err) < 0 ? -1 : 0;
}

/* The first network step: the record, netlink in both namespaces. */
int net_begin(struct exec_ctx *c, struct nsrun_error *err)
{
	if (c->net)
		return 0;
	struct net_run *n = xcalloc(1, sizeof(*n));
	n->record_fd = -1;
	c->net = n;
	if (c->opts->mode == EXEC_FOREGROUND) {
		own_owner(n->owner);
	} else {
		/* create, run -d: the network belongs to the container's PID 1;
		 * `delete` undoes it (net_release), or the sweep once PID 1 is gone */
		unsigned long long start = state_proc_starttime(c->child);
		if (start == 0)
			return nsrun_error_set(err, ESRCH, "the container's PID 1 is gone");
		snprintf(n->owner, sizeof(n->owner), "%d-%llu", (int)c->child, start);
	}
	own_netns(n->netns);
	n->dir = xasprintf("%s/%s", NET_STATE_DIR, n->owner);
	mkdir("/run/nsrun", 0711);
	mkdir(NET_STATE_DIR, 0700);
	if (mkdir(n->dir, 0700) < 0 && errno != EEXIST)
		return nsrun_error_set(err, errno, "mkdir %s", n->dir);
	_cleanup_free_ char *rec = xasprintf("%s/record", n->dir);
	n->record_fd = open(rec, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (n->record_fd < 0 || net_record(n, "netns %s", n->netns) < 0)
		return nsrun_error_set(err, errno, "write %s", rec);
	char path[64];
	snprintf(path, sizeof(path), "%d/ns/net", (int)c->child);
	_cleanup_close_ int cont = openat(c->proc_fd, path, O_RDONLY | O_CLOEXEC);
	if (cont < 0)
		return nsrun_error_set(err, errno, "open the container's network namespace");
	if (nl_open(&n->host, -1, err) < 0 || nl_open(&n->cont, cont, err) < 0)
		return -1;
	const struct spec_network *net = c->plan->spec->network;
	memcpy(n->host_addr, net->host, sizeof(net->host));
	n->n_host_addr = net->n_host;
	memcpy(n->cont_addr, net->container, sizeof(net->container));
	n->n_cont_addr = net->n_container;
	return 0;
}

void net_teardown(struct exec_ctx *c, bool keep)
{
	struct net_run *n = c->net;
	if (!n)
		return;
	net_relay_stop(n);
	nl_close(&n->host);
	nl_close(&n->cont);
	if (n->record_fd >= 0)
		close(n->record_fd);
	if (keep) {
		/* create, run -d: the container's PID 1 owns it now */
		free(n->dir);
		free(n);
		c->net = NULL;
		return;
	}
	/* With a pid namespace of its own nothing of the container outlives its
	 * PID 1, so its network namespace goes, and the kernel removes the veth
	 * pair with it (asynchronously: deleting it here would wait ~20 ms for
	 * the kernel's link teardown); a run that finds the name still taken by
	 * a stopped run's link waits for it (wait_stale_link). */
	int lock = net_lock();
	net_undo_record(n->dir, n->owner, true, n->netns, c->plan->new_pidns);
	net_unlock(lock);
	free(n->dir);
	free(n);
	c->net = NULL;
}

int step_net_veth(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	if (net_begin(c, err) < 0)
		return -1;
	struct net_run *n = c->net;
	char path[64], alias[64];
	snprintf(path, sizeof(path), "%d/ns/net", (int)c->child);
	_cleanup_close_ int cont = openat(c->proc_fd, path, O_RDONLY | O_CLOEXEC);
	if (cont < 0)
		return nsrun_error_set(err, errno, "open the container's network namespace");
	snprintf(alias, sizeof(alias), "nsrun:%s", n->owner);
	if (net_record(n, "link %s", s->path) < 0)
		return nsrun_error_set(err, errno, "write the record in %s", n->dir);
	if (nl_veth_create(&n->host, s->path, alias, NET_CONTAINER_IFNAME, cont, err) < 0 ||
	    nl_link_get(&n->host, s->path, &n->host_index, NULL, NULL, err) < 0)
		return -1;
	if (!n->host_index)
		return nsrun_error_set(err, ENODEV, "the new link %s is gone", s->path);
	return 0;
}

int step_net_bridge(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)s;
	struct net_run *n = c->net;
	const char *bridge = c->plan->spec->network->bridge;
	unsigned index;
	char kind[16];
	if (nl_link_get(&n->host, bridge, &index, kind, NULL, err) < 0)
		return -1;
	if (!index || strcmp(kind, "bridge") != 0)
		return nsrun_error_set(err, 0, "bridge %s %s", bridge, index ? "is not a bridge" : "is gone");
	return nl_link_set(&n->host, n->host_index, true, index, err);
}

/* auto: the first /28 of the pool that no live run in this network
 * namespace claimed and that no address of the host overlaps. */
static int claim_subnet(struct net_run *n, struct nsrun_error *err)
{
	const char *pool = getenv("NSRUN_NETWORK_POOL"), *why;
	if (!pool || !*pool)
		pool = NET_DEFAULT_POOL;
	uint32_t base;
	unsigned pl;
	if (net_parse_pool(pool, &base, &pl, &why) < 0)
		return nsrun_error_set(err, 0, "NSRUN_NETWORK_POOL=%s: %s", pool, why);
	struct spec_net_addr taken[256];
	int n_taken = nl_addrs_v4(&n->host, taken, ARRAY_SIZE(taken) - 64, err);
	if (n_taken < 0)
		return -1;
	_cleanup_closedir_ DIR *d = opendir(NET_STATE_DIR);
	for (struct dirent *e; d && (e = readdir(d)) && n_taken < (int)ARRAY_SIZE(taken);) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "lock") == 0)
			continue;
		_cleanup_free_ char *path = xasprintf("%s/%s/record", NET_STATE_DIR, e->d_name);
		_cleanup_fclose_ FILE *f = fopen(path, "re");
		char line[256];
		bool same = false;
		while (f && fgets(line, sizeof(line), f) && n_taken < (int)ARRAY_SIZE(taken)) {
			line[strcspn(line, "\n")] = '\0';
			if (strncmp(line, "netns ", 6) == 0)
				same = strcmp(line + 6, n->netns) == 0;
			else if (same && strncmp(line, "subnet ", 7) == 0 &&
				 net_parse_addr(line + 7, false, &taken[n_taken], &why) == 0)
				n_taken++;
		}
	}
	uint32_t count = 1u << (NET_AUTO_PREFIX - pl);
	for (uint32_t i = 0; i < count; i++) {
		struct spec_net_addr cand = { .family = AF_INET, .prefix = NET_AUTO_PREFIX };
		uint32_t v = htonl(base + (i << (32 - NET_AUTO_PREFIX)));
		memcpy(cand.addr, &v, 4);
		bool free_ = true;
		for (int k = 0; free_ && k < n_taken; k++) {
			unsigned p = taken[k].prefix < cand.prefix ? taken[k].prefix : cand.prefix;
			free_ = !net_same_subnet(&cand, &taken[k], p);
		}
		if (!free_)
			continue;
		net_addr_format(&cand, true, cand.text, sizeof(cand.text));
		n->subnet = cand;
		if (net_record(n, "subnet %s", cand.text) < 0)
			return nsrun_error_set(err, errno, "write the record in %s", n->dir);
		return 0;
	}
	return nsrun_error_set(err, 0, "auto addresses: no free /%d left in %s (NSRUN_NETWORK_POOL)",
			       NET_AUTO_PREFIX, pool);
}

static void subnet_host(const struct spec_net_addr *subnet, uint32_t host, struct spec_net_addr *out)
{
	*out = *subnet;
	uint32_t v;
	memcpy(&v, subnet->addr, 4);
	v = htonl(ntohl(v) + host);
	memcpy(out->addr, &v, 4);
	net_addr_format(out, true, out->text, sizeof(out->text));
}

int step_net_address(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	struct net_run *n = c->net;
	const struct spec_network *net = c->plan->spec->network;
	if (net->auto_addresses) {
		int lock = net_lock();
		int r = claim_subnet(n, err);
		net_unlock(lock);
		if (r < 0)
			return -1;
		subnet_host(&n->subnet, 1, &n->host_addr[0]);
		n->n_host_addr = 1;
		subnet_host(&n->subnet, 2, &n->cont_addr[0]);
		n->n_cont_addr = 1;
	}
	if (net->n_ports) {
		/* DNAT of the host's own 127.0.0.1 towards the container */
		char path[128];
		snprintf(path, sizeof(path), "sys/net/ipv4/conf/%s/route_localnet", s->path);
		_cleanup_close_ int fd = openat(c->proc_fd, path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "1", 1) != 1)
			return nsrun_error_set(err, errno, "set %s", path + 4);
	}
	if (nl_link_set(&n->host, n->host_index, true, 0, err) < 0)
		return -1;
	for (size_t i = 0; i < n->n_host_addr; i++)
		if (nl_addr_add(&n->host, n->host_index, &n->host_addr[i], err) < 0)
			return -1;
	return 0;
}

int step_net_container(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)s;
	if (net_begin(c, err) < 0)
		return -1;
	struct net_run *n = c->net;
	const struct spec_network *net = c->plan->spec->network;
	unsigned lo, host0;
	if (nl_link_get(&n->cont, "lo", &lo, NULL, NULL, err) < 0 ||
	    (lo && nl_link_set(&n->cont, lo, true, 0, err) < 0))
		return -1;
	if (net->mode == NET_PRIVATE || (net->auto_addresses && c->plan->boot))
		return 0; /* host0: the container's DHCP client */
	if (nl_link_get(&n->cont, NET_CONTAINER_IFNAME, &host0, NULL, NULL, err) < 0)
		return -1;
	if (!host0)
		return nsrun_error_set(err, ENODEV, NET_CONTAINER_IFNAME " is missing");
	if (nl_link_set(&n->cont, host0, true, 0, err) < 0)
		return -1;
	for (size_t i = 0; i < n->n_cont_addr; i++)
		if (nl_addr_add(&n->cont, host0, &n->cont_addr[i], err) < 0)
			return -1;
	bool done[2] = { false, false };
	for (size_t i = 0; net->default_route && i < n->n_host_addr; i++) {
		const struct spec_net_addr *h = &n->host_addr[i];
		bool has = false;
		for (size_t k = 0; k < n->n_cont_addr; k++)
			has |= n->cont_addr[k].family == h->family;
		bool *d = &done[h->family == AF_INET6];
		if (!has || *d)
			continue;
		*d = true;
		if (nl_route_default(&n->cont, host0, h, err) < 0)
			return -1;
	}
	return 0;
}

void net_release(pid_t pid, unsigned long long starttime)
{
	char owner[48], netns[48];
	snprintf(owner, sizeof(owner), "%d-%llu", (int)pid, starttime);
	_cleanup_free_ char *dir = xasprintf("%s/%s", NET_STATE_DIR, owner);
	if (access(dir, F_OK) < 0)
		return;
	own_netns(netns);
	int lock = net_lock();
	net_undo_record(dir, owner, false, netns, false);
	net_unlock(lock);
}
