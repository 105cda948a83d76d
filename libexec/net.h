/* Networking in the executor (README "Networking"), shared by libexec/net*.c.
 *
 * Ownership: every resource a run creates (a claimed subnet, the veth, the
 * nftables chains, dnsmasq) is first written as a line of a record,
 * /run/nsrun/.net/OWNER/record, OWNER being nsrun's pid and start time (in
 * the foreground) or the container's PID 1's (create, run -d); only the
 * [::1] relay's keeper of create / run -d is written once it runs (its pid
 * is not known before, and it ends by itself with PID 1).  The undo reads
 * the same record.  The run undoes its own record when the container
 * stops or a step fails, `nsrun delete` the record of its PID 1
 * (net_release); the next networked nsrun undoes the records of owners that
 * are gone (SIGKILL, a PID 1 that died without delete).  One lock
 * serialises the sweep, subnet choice and nftables table changes. */
#ifndef NSRUN_NET_H
#define NSRUN_NET_H

#include <stdint.h>

#include "exec-internal.h"
#include "network.h"

#define NET_STATE_DIR "/run/nsrun/.net"

struct mnl_socket;
struct nl { struct mnl_socket *s; unsigned seq, portid; };

struct net_run {
	char owner[48];           /* "PID-STARTTIME" of this nsrun */
	char *dir;                /* NET_STATE_DIR/owner */
	int record_fd;
	char netns[48];           /* "DEV:INO" of nsrun's network namespace */
	struct nl host, cont;     /* netlink in nsrun's and in the container's namespace */
	unsigned host_index;      /* the host side's ifindex */
	/* the addresses in use: the spec's, or auto's */
	struct spec_net_addr host_addr[NET_ADDRS_MAX]; size_t n_host_addr;
	struct spec_net_addr cont_addr[NET_ADDRS_MAX]; size_t n_cont_addr;
	struct spec_net_addr subnet; /* auto: the claimed subnet */
	pid_t relay;               /* the foreground's [::1] relay, 0: none (create, run -d:
	                              the keeper relays, named in the record) */
};

/* net.c */
int net_begin(struct exec_ctx *c, struct nsrun_error *err);
int net_record(struct net_run *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int net_lock(void);
void net_unlock(int fd);
/* Undo a record (ours, or a dead owner's): dnsmasq, nft chains, link, files. */
void net_undo_record(const char *dir, const char *owner, bool same_netns, const char *netns,
		     bool links_go_with_netns);
/* keep (create, run -d, on success): leave the record to the container's PID 1. */
void net_teardown(struct exec_ctx *c, bool keep);
int net_preflight(struct exec_ctx *c, struct nsrun_error *err);

/* net-link.c: rtnetlink over libmnl */
int nl_open(struct nl *nl, int netns_fd, struct nsrun_error *err);
void nl_close(struct nl *nl);
/* index 0 when there is no such link; kind ("veth", "bridge", "" when
 * plain) and alias may be NULL. */
int nl_link_get(struct nl *nl, const char *name, unsigned *index, char kind[16], char alias[64],
		struct nsrun_error *err);
int nl_veth_create(struct nl *nl, const char *name, const char *alias, const char *peer,
		   int peer_netns_fd, struct nsrun_error *err);
int nl_link_set(struct nl *nl, unsigned index, bool up, unsigned master, struct nsrun_error *err);
int nl_link_del(struct nl *nl, unsigned index, struct nsrun_error *err);
int nl_addr_add(struct nl *nl, unsigned index, const struct spec_net_addr *a, struct nsrun_error *err);
int nl_route_default(struct nl *nl, unsigned index, const struct spec_net_addr *gw,
		     struct nsrun_error *err);
/* Every IPv4 address of the namespace (at most max); returns the count. */
int nl_addrs_v4(struct nl *nl, struct spec_net_addr *out, size_t max, struct nsrun_error *err);

/* net-nft.c */
int nft_add_forwards(struct exec_ctx *c, struct nsrun_error *err);
void nft_remove_forwards(const char *owner);

/* net-relay.c: [::1]:HOSTPORT relayed to the container's IPv6 address */
int net_relay_start(struct exec_ctx *c, struct nsrun_error *err);
void net_relay_stop(struct net_run *n);
/* The relay's poll set (at most net_relay_poll_max() entries) and what to
 * do on its events, for the relay's own loop and the keeper's. */
struct pollfd;
size_t net_relay_poll_max(void);
size_t net_relay_pollfds(struct pollfd *pfd);
void net_relay_events(const struct pollfd *pfd);

/* net-dhcp.c */
void dhcp_stop(const char *dir);

/* The steps (step_net_*): declared from spec/steps.def in exec-internal.h. */

#endif
