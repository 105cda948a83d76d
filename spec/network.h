/* nsrun's "network" member (and the command line options that map onto
 * it): the typed form, its decoding and validation (spec/decode-network.c)
 * and its place in the plan (spec/plan-network.c).  README "Networking". */
#ifndef NSRUN_NETWORK_H
#define NSRUN_NETWORK_H

#include <stdint.h>

#include "spec.h"

#define NET_IFNAME_MAX 15         /* IFNAMSIZ - 1 */
#define NET_ADDRS_MAX 8           /* addresses per side */
#define NET_DNS_MAX 3             /* resolv.conf's MAXNS */
#define NET_PORTS_MAX 256
#define NET_PORT_OFFSET_RANGE_MAX 1024 /* a range mapped onto other ports: one rule per port */
#define NET_CONTAINER_IFNAME "host0"
#define NET_DEFAULT_POOL "10.77.0.0/16"
#define NET_AUTO_PREFIX 28        /* auto: each container gets a /28 of the pool */

enum spec_net_mode { NET_NONE, NET_HOST, NET_PRIVATE, NET_VETH, NET_BRIDGE };

struct spec_net_addr {
	int family;               /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	unsigned prefix;          /* NET_PREFIX_NONE: a bare address (dns) */
	char text[64];            /* as written */
	struct spec_pos pos;
};

struct spec_net_port {
	int proto;                /* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t host_first, host_last, container_first;
	struct spec_pos pos;
	char *cli;                /* from --port=...: the option (cmd/options.c), for messages */
};

struct spec_network {
	enum spec_net_mode mode;
	struct spec_pos pos, mode_pos;
	char *bridge; struct spec_pos bridge_pos;
	char *host_ifname; struct spec_pos host_ifname_pos; /* NULL: ve-NAME, see below */
	bool auto_addresses;      /* "addresses": "auto" */
	bool addresses_given; struct spec_pos addresses_pos;
	struct spec_net_addr host[NET_ADDRS_MAX]; size_t n_host;
	struct spec_net_addr container[NET_ADDRS_MAX]; size_t n_container;
	bool default_route;       /* via the host side's first address of each family */
	struct spec_net_addr dns[NET_DNS_MAX]; size_t n_dns;
	struct spec_net_port *ports; size_t n_ports;
	char *mode_cli;           /* the option that set the mode (cmd/options.c), or NULL */
};

struct dec;
/* decode-network.c: the "network" member of the top-level object. */
int dec_network_member(struct dec *d, void *spec, const struct json_node *n);
/* The rules across its members, after defaults.c has filled in the mode
 * (and before the link name and the network namespace). */
int spec_network_validate(struct dec *d, struct spec *s);
void spec_network_free(struct spec_network *n); /* n not NULL */

/* "1.2.3.4/24", "2001:db8::1/64" (prefix required) or, with bare, "1.2.3.4". */
int net_parse_addr(const char *s, bool bare, struct spec_net_addr *out, const char **why);
/* An IPv4 CIDR for NSRUN_NETWORK_POOL; why says what is wrong. */
int net_parse_pool(const char *s, uint32_t *net, unsigned *prefix, const char **why);
bool net_same_subnet(const struct spec_net_addr *a, const struct spec_net_addr *b, unsigned prefix);
void net_addr_format(const struct spec_net_addr *a, bool with_prefix, char *buf, size_t size);

#endif
