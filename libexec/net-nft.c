/* Port forwarding with libnftables, in a table of nsrun's own (inet nsrun)
 * with one set of base chains per container, named after the owning run:
 * DNAT in prerouting (other hosts) and output (the host itself, loopback
 * included), and a masquerade of loopback sources towards the container
 * (with route_localnet on the host side, set by the address step).
 * Nothing outside that table is touched.  libnftables is loaded when a
 * container forwards ports, so other containers do not pay for it. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <nftables/libnftables.h>
#include <stdarg.h>
#include <string.h>

#include "net.h"

static struct {
	void *lib;
	struct nft_ctx *(*ctx_new)(uint32_t);
	int (*buffer_output)(struct nft_ctx *);
	int (*buffer_error)(struct nft_ctx *);
	const char *(*get_output)(struct nft_ctx *);
	const char *(*get_error)(struct nft_ctx *);
	int (*run)(struct nft_ctx *, const char *);
} nft;

static int nft_load(struct nsrun_error *err)
{
	if (nft.lib)
		return 0;
	void *lib = dlopen("libnftables.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		return nsrun_error_set(err, 0, "port forwarding needs libnftables (Debian: libnftables1): %s",
				       dlerror());
	*(void **)&nft.ctx_new = dlsym(lib, "nft_ctx_new");
	*(void **)&nft.buffer_output = dlsym(lib, "nft_ctx_buffer_output");
	*(void **)&nft.buffer_error = dlsym(lib, "nft_ctx_buffer_error");
	*(void **)&nft.get_output = dlsym(lib, "nft_ctx_get_output_buffer");
	*(void **)&nft.get_error = dlsym(lib, "nft_ctx_get_error_buffer");
	*(void **)&nft.run = dlsym(lib, "nft_run_cmd_from_buffer");
	if (!nft.ctx_new || !nft.buffer_output || !nft.buffer_error ||
	    !nft.get_output || !nft.get_error || !nft.run) {
		dlclose(lib);
		return nsrun_error_set(err, 0, "libnftables.so.1 lacks a function nsrun uses");
	}
	nft.lib = lib;
	return 0;
}

/* Run commands as one transaction; *out (may be NULL) gets the output.
 * One context for the process, never freed: nft_ctx_free() takes ~25 ms
 * (libnftables 1.0.6) and nsrun exits soon after; it stays reachable. */
static int nft_run(const char *cmds, char **out, struct nsrun_error *err)
{
	static struct nft_ctx *ctx;
	if (nft_load(err) < 0)
		return -1;
	if (!ctx) {
		ctx = nft.ctx_new(NFT_CTX_DEFAULT);
		if (!ctx)
			return nsrun_error_set(err, ENOMEM, "nftables");
		nft.buffer_output(ctx);
		nft.buffer_error(ctx);
	}
	int r = nft.run(ctx, cmds);
	const char *o = nft.get_output(ctx); /* reading a buffer resets it */
	const char *e = nft.get_error(ctx);
	if (r != 0)
		return nsrun_error_set(err, 0, "nftables: %.1500s", e && *e ? e : "failed");
	if (out)
		*out = xstrdup(o ? o : "");
	return 0;
}

/* "1234-5678" -> "c1234_5678": a valid nft identifier */
static void chain_prefix(const char *owner, char buf[64])
{
	snprintf(buf, 64, "c%s", owner);
	for (char *p = buf; *p; p++)
		if (*p == '-')
			*p = '_';
}

struct text { char *s; size_t len, cap; };

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (t->len + (size_t)n + 1 > t->cap) {
		t->cap = (t->len + (size_t)n + 1) * 2;
		t->s = xrealloc(t->s, t->cap);
	}
	va_start(ap, fmt);
	vsnprintf(t->s + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

static void add_port_rules(struct text *t, const char *chain, const struct spec_net_port *p,
			   const struct spec_net_addr *a, bool bridge)
{
	const char *proto = p->proto == IPPROTO_TCP ? "tcp" : "udp";
	const char *fam = a->family == AF_INET ? "ip" : "ip6";
	char ip[80];
	net_addr_format(a, false, ip, sizeof(ip));
	const char *lb = a->family == AF_INET6 ? "[" : "", *rb = a->family == AF_INET6 ? "]" : "";
	unsigned span = (unsigned)(p->host_last - p->host_first);
	/* on a bridge the host's loopback is not forwarded (the bridge's
	 * route_localnet is not nsrun's to change): 127.0.0.1 stays local;
	 * ::1 is never DNATed (IPv6 has no route_localnet): net-relay.c */
	const char *nolo = a->family == AF_INET6 ? "ip6 daddr != ::1 " : bridge ? "ip daddr != 127.0.0.0/8 " : "";
	for (int hook = 0; hook < 2; hook++) {
		const char *c = hook ? "out" : "pre";
		if (p->container_first == p->host_first) {
			add(t, "add rule inet nsrun %s_%s meta nfproto %s %sfib daddr type local %s dport %u-%u "
			    "dnat %s to %s\n", chain, c, a->family == AF_INET ? "ipv4" : "ipv6", hook ? nolo : "",
			    proto, p->host_first, p->host_last, fam, ip);
			continue;
		}
		for (unsigned i = 0; i <= span; i++)
			add(t, "add rule inet nsrun %s_%s meta nfproto %s %sfib daddr type local %s dport %u "
			    "dnat %s to %s%s%s:%u\n", chain, c, a->family == AF_INET ? "ipv4" : "ipv6",
			    hook ? nolo : "", proto, p->host_first + i, fam, lb, ip, rb, p->container_first + i);
	}
}

int nft_add_forwards(struct exec_ctx *c, struct nsrun_error *err)
{
	struct net_run *n = c->net;
	const struct spec_network *net = c->plan->spec->network;
	char chain[64];
	chain_prefix(n->owner, chain);
	struct text t = { 0 };
	add(&t, "add table inet nsrun\n");
	add(&t, "add chain inet nsrun %s_pre { type nat hook prerouting priority dstnat; policy accept; }\n",
	    chain);
	add(&t, "add chain inet nsrun %s_out { type nat hook output priority -100; policy accept; }\n", chain);
	add(&t, "add chain inet nsrun %s_post { type nat hook postrouting priority srcnat; policy accept; }\n",
	    chain);
	bool bridge = net->mode == NET_BRIDGE;
	for (size_t i = 0; i < net->n_ports; i++)
		for (size_t k = 0; k < n->n_cont_addr; k++)
			add_port_rules(&t, chain, &net->ports[i], &n->cont_addr[k], bridge);
	if (!bridge)
		add(&t, "add rule inet nsrun %s_post oifname \"%s\" ip saddr 127.0.0.0/8 masquerade\n",
		    chain, net->host_ifname);
	int lock = net_lock();
	int r = net_record(n, "nft") < 0 ? nsrun_error_set(err, errno, "write the record") :
		nft_run(t.s, NULL, err);
	net_unlock(lock);
	free(t.s);
	return r;
}

/* Delete this owner's chains, and the table once it holds no chain. */
void nft_remove_forwards(const char *owner)
{
	struct nsrun_error err = { 0 };
	char chain[64];
	_cleanup_free_ char *listing = NULL;
	if (nft_run("list table inet nsrun\n", &listing, &err) < 0)
		return; /* no table: nothing of ours */
	chain_prefix(owner, chain);
	struct text t = { 0 };
	size_t others = 0;
	size_t clen = strlen(chain);
	for (const char *p = listing; (p = strstr(p, "chain ")); p += 6) {
		const char *name = p + 6;
		size_t len = strcspn(name, " {\n");
		if (len > clen && strncmp(name, chain, clen) == 0 && name[clen] == '_')
			add(&t, "delete chain inet nsrun %.*s\n", (int)len, name);
		else
			others++;
	}
	if (!others)
		add(&t, "delete table inet nsrun\n");
	if (t.s)
		nft_run(t.s, NULL, &err);
	free(t.s);
}

static int set_sysctl(struct exec_ctx *c, const char *path, struct nsrun_error *err)
{
	char cur = '0';
	_cleanup_close_ int fd = openat(c->proc_fd, path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return nsrun_error_set(err, errno, "open /proc/%s", path);
	if (read(fd, &cur, 1) == 1 && cur == '1')
		return 0;
	if (pwrite(fd, "1", 1, 0) != 1)
		return nsrun_error_set(err, errno, "write 1 to /proc/%s", path);
	return 0;
}

int step_net_ports(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)s;
	struct net_run *n = c->net;
	bool v6 = false;
	for (size_t k = 0; k < n->n_cont_addr; k++)
		v6 |= n->cont_addr[k].family == AF_INET6;
	/* other hosts reach the container through the host: it must forward */
	if (set_sysctl(c, "sys/net/ipv4/ip_forward", err) < 0 ||
	    (v6 && set_sysctl(c, "sys/net/ipv6/conf/all/forwarding", err) < 0))
		return -1;
	return nft_add_forwards(c, err) < 0 ? -1 : net_relay_start(c, err);
}
