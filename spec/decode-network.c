/* The "network" member: decoding (types and per-value rules, with the
 * exact position) and the rules across its members, and the namespaces it
 * needs.  The command line options (--network-veth, --port, ...) build the
 * same member in the spec tree (cmd/options.c).  Nothing here
 * looks at the host: whether a bridge exists or a host port is free is
 * checked by the executor before anything is set up (libexec/net.c). */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdarg.h>
#include <string.h>

#include "decode.h"
#include "network.h"

static const char *const mode_names[] = { [NET_NONE] = "none", [NET_HOST] = "host",
					  [NET_PRIVATE] = "private", [NET_VETH] = "veth",
					  [NET_BRIDGE] = "bridge" };

/* A value made by a command line option (cmd/options.c): the option, for
 * the messages the executor gives later ("option --port=8080: host port
 * tcp 8080 is already taken on this host"); else NULL. */
static char *origin_of(const struct dec *d, struct spec_pos pos)
{
	const char *origin = spec_origin(d->spec, pos);
	return origin ? xstrdup(origin) : NULL;
}

int net_parse_addr(const char *s, bool bare, struct spec_net_addr *out, const char **why)
{
	char buf[64];
	memset(out, 0, sizeof(*out));
	if (!s || strlen(s) >= sizeof(buf)) {
		*why = "is too long for an address";
		return -1;
	}
	snprintf(out->text, sizeof(out->text), "%s", s);
	strcpy(buf, s);
	char *slash = strchr(buf, '/');
	if (bare && slash) {
		*why = "must be an address without a prefix length";
		return -1;
	}
	if (!bare && !slash) {
		*why = "needs a prefix length (\"192.0.2.1/24\", \"2001:db8::1/64\")";
		return -1;
	}
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, buf, out->addr) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, out->addr) == 1)
		out->family = AF_INET6;
	else {
		*why = "is not an IPv4 or IPv6 address";
		return -1;
	}
	unsigned max = out->family == AF_INET ? 32 : 128;
	out->prefix = max;
	if (slash) {
		const char *p = slash + 1;
		unsigned v = 0;
		if (!*p || strlen(p) > 3) {
			*why = out->family == AF_INET ? "prefix length must be 1 to 32" : "prefix length must be 1 to 128";
			return -1;
		}
		for (; *p; p++) {
			if (!isdigit((unsigned char)*p)) {
				*why = "prefix length must be a number";
				return -1;
			}
			v = v * 10 + (unsigned)(*p - '0');
		}
		if (v < 1 || v > max) {
			*why = out->family == AF_INET ? "prefix length must be 1 to 32" : "prefix length must be 1 to 128";
			return -1;
		}
		out->prefix = v;
	}
	return 0;
}

int net_parse_pool(const char *s, uint32_t *net, unsigned *prefix, const char **why)
{
	struct spec_net_addr a;
	if (net_parse_addr(s, false, &a, why) < 0)
		return -1;
	if (a.family != AF_INET) {
		*why = "must be an IPv4 CIDR such as 198.51.100.0/24";
		return -1;
	}
	if (a.prefix > NET_AUTO_PREFIX) {
		*why = "is too small: it must hold at least one /28";
		return -1;
	}
	uint32_t v;
	memcpy(&v, a.addr, 4);
	v = ntohl(v);
	uint32_t mask = a.prefix ? ~0u << (32 - a.prefix) : 0;
	if (v & ~mask) {
		*why = "has host bits set (give the network address)";
		return -1;
	}
	*net = v;
	*prefix = a.prefix;
	return 0;
}

bool net_same_subnet(const struct spec_net_addr *a, const struct spec_net_addr *b, unsigned prefix)
{
	if (a->family != b->family)
		return false;
	for (unsigned i = 0; i < prefix / 8; i++)
		if (a->addr[i] != b->addr[i])
			return false;
	if (prefix % 8) {
		uint8_t m = (uint8_t)(0xff << (8 - prefix % 8));
		if ((a->addr[prefix / 8] & m) != (b->addr[prefix / 8] & m))
			return false;
	}
	return true;
}

void net_addr_format(const struct spec_net_addr *a, bool with_prefix, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN];
	inet_ntop(a->family, a->addr, ip, sizeof(ip));
	if (with_prefix)
		snprintf(buf, size, "%s/%u", ip, a->prefix);
	else
		snprintf(buf, size, "%s", ip);
}

/* Kernel rules for a link name, kept to the portable characters. */
static const char *check_ifname(const char *s)
{
	size_t len = strlen(s);
	if (len == 0 || len > NET_IFNAME_MAX)
		return "must be 1 to 15 bytes long";
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return "must not be \".\" or \"..\"";
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
			return "may hold only letters, digits, '-', '_' and '.'";
	return NULL;
}

struct addr_list { bool bare; struct spec_net_addr *v; size_t *n; };

static int dec_addr(struct dec *d, void *arg, size_t i, const struct json_node *it)
{
	struct addr_list *l = arg;
	const char *why;
	if (it->type != JSON_STRING)
		return dec_fail(d, it, "expected an address as a string");
	if (net_parse_addr(it->text, l->bare, &l->v[i], &why) < 0)
		return dec_fail(d, it, "\"%s\" %s", it->text, why);
	l->v[i].pos = dec_pos(it);
	*l->n = i + 1;
	return 0;
}

static int dec_addr_list(struct dec *d, const struct json_node *m, bool bare, struct spec_net_addr *v,
			 size_t max, size_t *n)
{
	if (dec_array(d, m) < 0)
		return -1;
	if (m->count > max)
		return dec_fail(d, m, "at most %zu addresses", max);
	return dec_items(d, m, dec_addr, &(struct addr_list){ bare, v, n });
}

static int dec_host_addrs(struct dec *d, void *target, const struct json_node *m)
{
	struct spec_network *net = target;
	return dec_addr_list(d, m, false, net->host, NET_ADDRS_MAX, &net->n_host);
}

static int dec_container_addrs(struct dec *d, void *target, const struct json_node *m)
{
	struct spec_network *net = target;
	return dec_addr_list(d, m, false, net->container, NET_ADDRS_MAX, &net->n_container);
}

static int dec_dns_addrs(struct dec *d, void *target, const struct json_node *m)
{
	struct spec_network *net = target;
	return dec_addr_list(d, m, true, net->dns, NET_DNS_MAX, &net->n_dns);
}

static const struct dec_field address_fields[] = {
	{ .key = "host", .kind = DEC_CALL, .fn = dec_host_addrs },
	{ .key = "container", .kind = DEC_CALL, .fn = dec_container_addrs },
	{ .key = "dns", .kind = DEC_CALL, .fn = dec_dns_addrs },
	{ .key = "defaultRoute", .kind = DEC_BOOL, DEC_AT(struct spec_network, default_route) },
};

static int dec_addresses(struct dec *d, void *target, const struct json_node *m)
{
	struct spec_network *net = target;
	net->addresses_given = true;
	net->addresses_pos = dec_pos(m);
	if (m->type == JSON_STRING) {
		if (strcmp(m->text, "auto") != 0)
			return dec_fail(d, m, "expected \"auto\" or an object with \"host\", \"container\", "
					"\"defaultRoute\" and \"dns\", got \"%s\"", m->text);
		net->auto_addresses = true;
		return 0;
	}
	return DEC_OBJECT(d, m, net, address_fields);
}

/* "8080" or "8000-8009" (a string), or 8080 (a number). */
static int parse_port_range(const char *s, uint16_t *first, uint16_t *last)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return -1;
	unsigned long a = strtoul(s, &end, 10), b = a;
	if (*end == '-') {
		if (!isdigit((unsigned char)end[1]))
			return -1;
		b = strtoul(end + 1, &end, 10);
	}
	if (*end || a < 1 || a > 65535 || b < 1 || b > 65535)
		return -1;
	if (b < a)
		return -2;
	*first = (uint16_t)a;
	*last = (uint16_t)b;
	return 0;
}

static int dec_port(struct dec *d, void *arg, size_t i, const struct json_node *n)
{
	struct spec_network *net = arg;
	struct spec_net_port *p = &net->ports[i];
	net->n_ports = i + 1;
	struct dec_obj o;
	_cleanup_free_ char *proto = NULL;
	if (dec_object(d, n, &o) < 0 || dec_get_string(d, &o, "protocol", &proto) < 0)
		return -1;
	p->pos = dec_pos(n);
	p->cli = origin_of(d, p->pos);
	p->proto = IPPROTO_TCP;
	if (proto && strcmp(proto, "udp") == 0)
		p->proto = IPPROTO_UDP;
	else if (proto && strcmp(proto, "tcp") != 0) {
		dec_push_key(d, "protocol");
		return dec_fail(d, dec_member(&o, "protocol"), "expected \"tcp\" or \"udp\", got \"%s\"",
				proto);
	}
	const struct json_node *h = dec_member(&o, "host");
	if (!h)
		return dec_fail(d, n, "\"host\" is required: the host port (8080) or range (\"8000-8009\")");
	size_t old = dec_push_key(d, "host");
	int r = h->type == JSON_NUMBER || h->type == JSON_STRING ?
		parse_port_range(h->text, &p->host_first, &p->host_last) : -1;
	if (r == -2)
		return dec_fail(d, h, "the range \"%s\" ends before it starts", h->text);
	if (r < 0)
		return dec_fail(d, h, "expected a port from 1 to 65535 or a range \"FIRST-LAST\"");
	dec_pop(d, old);
	uint64_t c = p->host_first;
	bool found;
	if (dec_get_uint(d, &o, "container", 65535, &c, &found) < 0)
		return -1;
	p->container_first = (uint16_t)c;
	if (found && c == 0) {
		dec_push_key(d, "container");
		return dec_fail(d, dec_member(&o, "container"), "expected a port from 1 to 65535");
	}
	dec_object_done(d, &o);
	return 0;
}

static int dec_mode(struct dec *d, void *target, const struct json_node *m)
{
	struct spec_network *net = target;
	net->mode_pos = dec_pos(m);
	net->mode_cli = origin_of(d, net->mode_pos);
	for (size_t i = NET_HOST; m->type == JSON_STRING && i < ARRAY_SIZE(mode_names); i++)
		if (strcmp(m->text, mode_names[i]) == 0)
			net->mode = (enum spec_net_mode)i;
	if (net->mode == NET_NONE)
		return dec_fail(d, m, "expected \"host\", \"private\", \"veth\" or \"bridge\"");
	return 0;
}

static const struct dec_field network_fields[] = {
	{ .key = "mode", .kind = DEC_CALL, .fn = dec_mode },
	{ .key = "bridge", .kind = DEC_STRING, DEC_AT(struct spec_network, bridge), .check = check_ifname,
	  .what = "a network interface name ", DEC_POS(struct spec_network, bridge_pos) },
	{ .key = "hostInterface", .kind = DEC_STRING, DEC_AT(struct spec_network, host_ifname),
	  .check = check_ifname, .what = "a network interface name ",
	  DEC_POS(struct spec_network, host_ifname_pos) },
	{ .key = "addresses", .kind = DEC_CALL, .fn = dec_addresses },
	{ .key = "ports", DEC_ARRAY_OF(struct spec_network, ports, dec_port), .max = NET_PORTS_MAX,
	  .too_many = "at most %d port forwards" },
};

int dec_network_member(struct dec *d, void *target, const struct json_node *n)
{
	struct spec *s = target;
	if (n->type == JSON_OBJECT) {
		s->network = xcalloc(1, sizeof(*s->network));
		s->network->pos = dec_pos(n);
		s->network->default_route = true;
	}
	return DEC_OBJECT(d, n, s->network, network_fields);
}

void spec_network_free(struct spec_network *n)
{
	free(n->bridge);
	free(n->host_ifname);
	free(n->mode_cli);
	SPEC_ITEMS_FREE(n->ports, n->n_ports, cli);
	free(n);
}

/* --- rules across members ------------------------------------------------- */

static int net_fail(struct dec *d, const char *cli, struct spec_pos pos, const char *ptr,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int net_fail(struct dec *d, const char *cli, struct spec_pos pos, const char *ptr,
		    const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cli)
		return nsrun_error_set(d->err, 0, "%s: %s", cli, msg);
	return dec_fail_at(d, pos, ptr, "%s", msg);
}

static bool is_v4_edge(const struct spec_net_addr *a)
{
	if (a->family != AF_INET || a->prefix > 30)
		return false;
	uint32_t v, host = ~0u >> a->prefix;
	memcpy(&v, a->addr, 4);
	v = ntohl(v) & host;
	return v == 0 || v == host;
}

/* One side's list: no address twice, no two overlapping subnets. */
static int check_side(struct dec *d, const struct spec_net_addr *v, size_t n, const char *side)
{
	char ptr[64], other[64];
	for (size_t i = 0; i < n; i++) {
		snprintf(ptr, sizeof(ptr), "/network/addresses/%s/%zu", side, i);
		if (is_v4_edge(&v[i]))
			return dec_fail_at(d, v[i].pos, ptr, "\"%s\" is the network or broadcast address "
					   "of its subnet", v[i].text);
		for (size_t k = 0; k < i; k++) {
			snprintf(other, sizeof(other), "/network/addresses/%s/%zu", side, k);
			unsigned pl = v[i].prefix < v[k].prefix ? v[i].prefix : v[k].prefix;
			if (net_same_subnet(&v[i], &v[k], pl))
				return dec_fail_at(d, v[i].pos, ptr, "\"%s\" %s %s (\"%s\")", v[i].text,
						   net_same_subnet(&v[i], &v[k], v[i].family == AF_INET ? 32 : 128)
						   ? "duplicates" : "overlaps the subnet of", other, v[k].text);
		}
	}
	return 0;
}

static int check_addresses(struct dec *d, const struct spec_network *net)
{
	char ptr[64];
	if (check_side(d, net->host, net->n_host, "host") < 0 ||
	    check_side(d, net->container, net->n_container, "container") < 0)
		return -1;
	if (net->mode == NET_BRIDGE && net->n_host)
		return dec_fail_at(d, net->host[0].pos, "/network/addresses/host/0", "with a bridge, "
				   "the host side's addresses are the bridge's business");
	for (size_t i = 0; i < net->n_container; i++) {
		const struct spec_net_addr *c = &net->container[i];
		snprintf(ptr, sizeof(ptr), "/network/addresses/container/%zu", i);
		bool family_on_host = false, in_subnet = false;
		for (size_t k = 0; k < net->n_host; k++) {
			const struct spec_net_addr *h = &net->host[k];
			if (h->family != c->family)
				continue;
			family_on_host = true;
			if (net_same_subnet(c, h, c->family == AF_INET ? 32 : 128))
				return dec_fail_at(d, c->pos, ptr, "\"%s\" is also the host side's address "
						   "(/network/addresses/host/%zu)", c->text, k);
			in_subnet |= c->prefix == h->prefix && net_same_subnet(c, h, c->prefix);
		}
		if (family_on_host && !in_subnet)
			return dec_fail_at(d, c->pos, ptr, "\"%s\" is not in the subnet of a host side "
					   "address of its family (same prefix length)", c->text);
	}
	return 0;
}

static int check_ports(struct dec *d, const struct spec_network *net)
{
	char ptr[64];
	bool v4 = net->auto_addresses, v6 = false;
	for (size_t i = 0; i < net->n_container; i++) {
		v4 |= net->container[i].family == AF_INET;
		v6 |= net->container[i].family == AF_INET6;
	}
	for (size_t i = 0; i < net->n_ports; i++) {
		const struct spec_net_port *p = &net->ports[i];
		snprintf(ptr, sizeof(ptr), "/network/ports/%zu", i);
		unsigned span = (unsigned)(p->host_last - p->host_first);
		if (net->mode != NET_VETH && net->mode != NET_BRIDGE)
			return net_fail(d, p->cli, p->pos, ptr, "port forwarding needs \"mode\": \"veth\" "
					"or \"bridge\"");
		if (!v4 && !v6)
			return net_fail(d, p->cli, p->pos, ptr, "port forwarding needs an address on the "
					"container's side (/network/addresses/container%s)",
					net->mode == NET_BRIDGE ? ": on a bridge, a fixed one" : ", or \"auto\"");
		if ((unsigned)p->container_first + span > 65535)
			return net_fail(d, p->cli, p->pos, ptr, "the container ports %u-%u go past 65535",
					p->container_first, p->container_first + span);
		if (p->container_first != p->host_first && span >= NET_PORT_OFFSET_RANGE_MAX)
			return net_fail(d, p->cli, p->pos, ptr, "a range mapped onto other ports may hold "
					"at most %d ports", NET_PORT_OFFSET_RANGE_MAX);
		for (size_t k = 0; k < i; k++) {
			const struct spec_net_port *q = &net->ports[k];
			if (q->proto != p->proto || q->host_last < p->host_first || q->host_first > p->host_last)
				continue;
			char other[64];
			if (q->cli)
				snprintf(other, sizeof(other), "%s", q->cli);
			else
				snprintf(other, sizeof(other), "/network/ports/%zu", k);
			return net_fail(d, p->cli, p->pos, ptr, "%s host port%s %u%s%.0u overlap%s %s",
					p->proto == IPPROTO_TCP ? "tcp" : "udp", span ? "s" : "",
					p->host_first, span ? "-" : "", span ? p->host_last : 0u,
					span ? "" : "s", other);
		}
	}
	return 0;
}

/* The mode decides the namespace: host shares nsrun's, the others need a
 * new one (defaults.c adds it when linux.namespaces does not list it). */
static int check_namespace(struct dec *d, const struct spec *s)
{
	const struct spec_network *net = s->network;
	const struct spec_linux *l = &s->linux_;
	const struct spec_namespace *ns = spec_find_namespace(s, CLONE_NEWNET);
	char ptr[64];
	snprintf(ptr, sizeof(ptr), "/linux/namespaces/%zu", ns ? (size_t)(ns - l->namespaces) : 0);
	if (net->mode == NET_HOST) {
		if (ns && !ns->path)
			return net_fail(d, net->mode_cli, ns->pos, ptr, "\"network\": {\"mode\": \"host\"} "
					"shares nsrun's network, but this makes a new network namespace");
		return 0;
	}
	const struct spec_namespace *user = spec_find_namespace(s, CLONE_NEWUSER);
	if (user && user->path)
		return net_fail(d, net->mode_cli, user->pos, "/linux/namespaces",
				"\"network\" mode \"%s\" cannot be set up in a user namespace "
				"joined by path", mode_names[net->mode]);
	if (ns && ns->path)
		return net_fail(d, net->mode_cli, ns->pos, ptr, "\"network\" mode \"%s\" needs a new "
				"network namespace, but this joins %s", mode_names[net->mode], ns->path);
	return 0;
}

int spec_network_validate(struct dec *d, struct spec *s)
{
	struct spec_network *net = s->network;
	if (!net)
		return 0;
	const char *mode = mode_names[net->mode];
	bool link = net->mode == NET_VETH || net->mode == NET_BRIDGE;
	if (net->mode == NET_BRIDGE && !net->bridge)
		return net_fail(d, net->mode_cli, net->mode_pos, "/network/bridge", "is required with "
				"\"mode\": \"bridge\": the name of an existing bridge");
	if (net->bridge && net->mode != NET_BRIDGE)
		return net_fail(d, net->mode_cli, net->bridge_pos, "/network/bridge", "only applies "
				"with \"mode\": \"bridge\" (the mode is \"%s\")", mode);
	if (!link && net->host_ifname)
		return net_fail(d, net->mode_cli, net->host_ifname_pos, "/network/hostInterface",
				"only applies to the veth and bridge modes (the mode is \"%s\")", mode);
	if (!link && net->addresses_given)
		return net_fail(d, net->mode_cli, net->addresses_pos, "/network/addresses", "only applies "
				"to the veth and bridge modes (the mode is \"%s\")", mode);
	if (net->auto_addresses && net->mode == NET_BRIDGE)
		return net_fail(d, net->mode_cli, net->addresses_pos, "/network/addresses", "\"auto\" "
				"needs \"mode\": \"veth\": on a bridge, addressing is the bridge's business");
	if (net->host_ifname && strcmp(net->host_ifname, NET_CONTAINER_IFNAME) == 0)
		return dec_fail_at(d, net->host_ifname_pos, "/network/hostInterface", "\"host0\" is the "
				   "container side's name");
	if (net->bridge && net->host_ifname && strcmp(net->bridge, net->host_ifname) == 0)
		return dec_fail_at(d, net->host_ifname_pos, "/network/hostInterface", "is the bridge's name");
	if (check_addresses(d, net) < 0 || check_ports(d, net) < 0)
		return -1;
	return check_namespace(d, s);
}
