/* The network steps of the plan (README "Networking").  nsrun carries out
 * the host side itself, between clone and release, while the container's
 * PID 1 waits: the veth pair (host0 made directly in the container's
 * network namespace), the bridge, addresses, the container side, nftables
 * port forwards and dnsmasq.  Each is undone when the container stops, when
 * a later step fails, or, after a SIGKILL, by the next nsrun (libexec/net.c). */
#include <netinet/in.h>
#include <string.h>

#include "network.h"
#include "plan.h"

static struct plan_step *add_parent(struct plan *p, enum plan_step_kind kind)
{
	struct plan_step *st = plan_add_step(p, kind);
	st->path = xstrdup(p->spec->network->host_ifname ? p->spec->network->host_ifname : "lo");
	return st;
}

bool plan_network_parent_steps(struct plan *p)
{
	const struct spec_network *net = p->spec->network;
	if (!net || net->mode == NET_HOST)
		return false;
	if (net->mode == NET_PRIVATE) {
		add_parent(p, STEP_NET_CONTAINER);
		return true;
	}
	add_parent(p, STEP_NET_VETH);
	if (net->mode == NET_BRIDGE)
		add_parent(p, STEP_NET_BRIDGE);
	else
		add_parent(p, STEP_NET_ADDRESS);
	add_parent(p, STEP_NET_CONTAINER);
	if (net->n_ports)
		add_parent(p, STEP_NET_PORTS);
	if (net->auto_addresses && p->spec->boot)
		add_parent(p, STEP_NET_DHCP);
	return true;
}

void plan_network_child_steps(struct plan *p)
{
	const struct spec_network *net = p->spec->network;
	if (net && net->n_dns)
		plan_add_step(p, STEP_NET_RESOLV)->path = xstrdup("/etc/resolv.conf");
}

static void print_addrs(FILE *f, const struct spec_net_addr *v, size_t n)
{
	char buf[80];
	for (size_t i = 0; i < n; i++) {
		net_addr_format(&v[i], true, buf, sizeof(buf));
		fprintf(f, " %s", buf);
	}
}

static const char *pool(void)
{
	const char *e = getenv("NSRUN_NETWORK_POOL");
	return e && *e ? e : NET_DEFAULT_POOL;
}

static void describe_container(const struct plan *p, FILE *f)
{
	const struct spec_network *net = p->spec->network;
	fputs("in the container's network namespace: lo up", f);
	if (net->mode == NET_PRIVATE)
		return;
	if (net->auto_addresses && p->spec->boot) {
		fputs("; " NET_CONTAINER_IFNAME " left to the container (its DHCP client)", f);
		return;
	}
	fputs("; " NET_CONTAINER_IFNAME, f);
	if (net->auto_addresses)
		fputs(" the second address of that subnet", f);
	print_addrs(f, net->container, net->n_container);
	fputs(", up", f);
	if (net->auto_addresses && net->default_route)
		fputs("; default route via the host side", f);
	char buf[80];
	bool v4 = false, v6 = false;
	for (size_t i = 0; net->default_route && !net->auto_addresses && i < net->n_host; i++) {
		const struct spec_net_addr *h = &net->host[i];
		bool *done = h->family == AF_INET ? &v4 : &v6;
		bool has = false;
		for (size_t k = 0; k < net->n_container; k++)
			has |= net->container[k].family == h->family;
		if (*done || !has)
			continue;
		*done = true;
		net_addr_format(h, false, buf, sizeof(buf));
		fprintf(f, "; default route via %s", buf);
	}
}

static void describe_ports(const struct plan *p, FILE *f)
{
	const struct spec_network *net = p->spec->network;
	if (net->mode == NET_BRIDGE)
		fputs("nftables table inet nsrun, chains of this container (DNAT in prerouting and output; "
		      "not from the host's loopback: nsrun leaves the bridge's route_localnet alone):", f);
	else
		fputs("nftables table inet nsrun, chains of this container (DNAT in prerouting and output, "
		      "IPv4 loopback sources masqueraded; [::1] relayed by nsrun, or its keeper after "
		      "create / run -d):", f);
	char buf[80];
	for (size_t i = 0; i < net->n_ports; i++) {
		const struct spec_net_port *pt = &net->ports[i];
		fprintf(f, "%s %s %u", i ? "," : "", pt->proto == IPPROTO_TCP ? "tcp" : "udp", pt->host_first);
		if (pt->host_last != pt->host_first)
			fprintf(f, "-%u", pt->host_last);
		fputs(" ->", f);
		bool any = false;
		for (size_t k = 0; k < net->n_container; k++) {
			net_addr_format(&net->container[k], false, buf, sizeof(buf));
			fprintf(f, "%s %s%s%s", any ? "," : "", net->container[k].family == AF_INET6 ? "[" : "",
				buf, net->container[k].family == AF_INET6 ? "]" : "");
			any = true;
			fprintf(f, ":%u", pt->container_first);
			if (pt->host_last != pt->host_first)
				fprintf(f, "-%u", pt->container_first + (pt->host_last - pt->host_first));
		}
		if (net->auto_addresses)
			fprintf(f, " the container's address:%u", pt->container_first);
	}
	bool v6 = false;
	for (size_t k = 0; k < net->n_container; k++)
		v6 |= net->container[k].family == AF_INET6;
	fputs(v6 ? "; IPv4 and IPv6 forwarding on" : "; IPv4 forwarding on", f);
}

void plan_network_describe(const struct plan *p, const struct plan_step *s, FILE *f)
{
	const struct spec_network *net = p->spec->network;
	switch (s->kind) {
	case STEP_NET_VETH:
		fprintf(f, "veth %s <-> " NET_CONTAINER_IFNAME " (made in the container's network "
			"namespace)", s->path);
		break;
	case STEP_NET_BRIDGE:
		fprintf(f, "%s into bridge %s, up", s->path, net->bridge);
		break;
	case STEP_NET_ADDRESS:
		fputs(s->path, f);
		if (net->auto_addresses)
			fprintf(f, " the first address of a free /%d of %s (auto)", NET_AUTO_PREFIX, pool());
		print_addrs(f, net->host, net->n_host);
		fputs(", up", f);
		if (net->n_ports)
			fputs("; route_localnet (the host's loopback reaches the forwarded ports)", f);
		break;
	case STEP_NET_CONTAINER:
		describe_container(p, f);
		break;
	case STEP_NET_PORTS:
		describe_ports(p, f);
		break;
	case STEP_NET_DHCP:
		fprintf(f, "dnsmasq on %s: DHCP for the rest of that subnet (leases under "
			"/run/nsrun/.net)", s->path);
		break;
	case STEP_NET_RESOLV: {
		char buf[80];
		fputs("a read-only resolv.conf with", f);
		for (size_t i = 0; i < net->n_dns; i++) {
			net_addr_format(&net->dns[i], false, buf, sizeof(buf));
			fprintf(f, " nameserver %s", buf);
		}
		fprintf(f, " over %s", s->path);
		break;
	}
	default:
		break;
	}
}
