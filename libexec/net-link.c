/* Links, addresses and routes over rtnetlink with libmnl (never `ip`).
 * A socket opened in another network namespace (the container's) stays
 * bound to it, so nsrun configures host0 from outside. */
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <netinet/in.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>

#include "net.h"

#define NL_BUF 32768 /* a page is plenty for requests; dumps come in pieces of at most this */

int nl_open(struct nl *nl, int netns_fd, struct nsrun_error *err)
{
	_cleanup_close_ int own = -1;
	if (netns_fd >= 0) {
		own = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (own < 0 || setns(netns_fd, CLONE_NEWNET) < 0)
			return nsrun_error_set(err, errno, "enter the container's network namespace");
	}
	nl->s = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	int e = errno;
	if (own >= 0 && setns(own, CLONE_NEWNET) < 0) {
		/* nsrun must not go on in the wrong namespace */
		if (nl->s)
			mnl_socket_close(nl->s);
		nl->s = NULL;
		return nsrun_error_set(err, errno, "return to nsrun's network namespace");
	}
	if (!nl->s || mnl_socket_bind(nl->s, 0, MNL_SOCKET_AUTOPID) < 0) {
		if (nl->s)
			e = errno;
		nl_close(nl);
		return nsrun_error_set(err, e, "open a netlink socket");
	}
	nl->portid = mnl_socket_get_portid(nl->s);
	nl->seq = 1;
	return 0;
}

void nl_close(struct nl *nl)
{
	if (nl->s)
		mnl_socket_close(nl->s);
	nl->s = NULL;
}

static struct nlmsghdr *put_header(char *buf, struct nl *nl, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	return nlh;
}

/* Send and read until the ack (or the end of a dump), calling cb on data. */
static int talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[NL_BUF];
	if (mnl_socket_sendto(nl->s, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->s, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		int r = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, nl->portid, cb, data);
		if (r < 0)
			return -errno;
		if (r == MNL_CB_STOP)
			return 0;
	}
}

struct link_info { unsigned index; char *kind; char *alias; };

static int link_attr_cb(const struct nlattr *a, void *data)
{
	struct link_info *li = data;
	if (mnl_attr_get_type(a) == IFLA_IFALIAS && li->alias &&
	    mnl_attr_validate(a, MNL_TYPE_STRING) >= 0)
		snprintf(li->alias, 64, "%s", mnl_attr_get_str(a));
	if (mnl_attr_get_type(a) == IFLA_LINKINFO && li->kind) {
		const struct nlattr *in;
		mnl_attr_for_each_nested(in, a)
			if (mnl_attr_get_type(in) == IFLA_INFO_KIND && mnl_attr_validate(in, MNL_TYPE_STRING) >= 0)
				snprintf(li->kind, 16, "%s", mnl_attr_get_str(in));
	}
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_info *li = data;
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	li->index = (unsigned)ifm->ifi_index;
	mnl_attr_parse(nlh, sizeof(*ifm), link_attr_cb, li);
	return MNL_CB_OK;
}

int nl_link_get(struct nl *nl, const char *name, unsigned *index, char kind[16], char alias[64],
		struct nsrun_error *err)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = put_header(buf, nl, RTM_GETLINK, NLM_F_ACK);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	struct link_info li = { 0, kind, alias };
	if (kind)
		kind[0] = '\0';
	if (alias)
		alias[0] = '\0';
	int r = talk(nl, nlh, link_cb, &li);
	*index = 0;
	if (r == -ENODEV)
		return 0;
	if (r < 0)
		return nsrun_error_set(err, -r, "look up link %s", name);
	*index = li.index;
	return 0;
}

int nl_veth_create(struct nl *nl, const char *name, const char *alias, const char *peer,
		   int peer_netns_fd, struct nsrun_error *err)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = put_header(buf, nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	struct nlattr *linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	struct nlattr *peer_attr = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* the peer's own ifinfomsg comes first in the nest */
	struct ifinfomsg *pifm = mnl_nlmsg_get_payload_tail(nlh);
	memset(pifm, 0, sizeof(*pifm));
	pifm->ifi_family = AF_UNSPEC;
	nlh->nlmsg_len += MNL_ALIGN(sizeof(*pifm));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_netns_fd);
	mnl_attr_nest_end(nlh, peer_attr);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	int r = talk(nl, nlh, NULL, NULL);
	if (r == -EEXIST)
		return nsrun_error_set(err, -r, "link %s exists already (another container with this "
				       "name? set /network/hostInterface)", name);
	if (r < 0)
		return nsrun_error_set(err, -r, "create veth %s", name);
	/* the alias names the owner: only that run's undo deletes the link
	 * (the kernel takes IFLA_IFALIAS on a change, not on creation) */
	nlh = put_header(buf, nl, RTM_NEWLINK, NLM_F_ACK);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_strz(nlh, IFLA_IFALIAS, alias);
	r = talk(nl, nlh, NULL, NULL);
	if (r < 0)
		return nsrun_error_set(err, -r, "set the alias of %s", name);
	return 0;
}

int nl_link_set(struct nl *nl, unsigned index, bool up, unsigned master, struct nsrun_error *err)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = put_header(buf, nl, RTM_NEWLINK, NLM_F_ACK);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)index;
	ifm->ifi_change = IFF_UP;
	ifm->ifi_flags = up ? IFF_UP : 0;
	if (master)
		mnl_attr_put_u32(nlh, IFLA_MASTER, master);
	int r = talk(nl, nlh, NULL, NULL);
	if (r < 0)
		return nsrun_error_set(err, -r, "%s link %u", master ? "attach" : "bring up", index);
	return 0;
}

int nl_link_del(struct nl *nl, unsigned index, struct nsrun_error *err)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = put_header(buf, nl, RTM_DELLINK, NLM_F_ACK);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)index;
	int r = talk(nl, nlh, NULL, NULL);
	if (r < 0 && r != -ENODEV)
		return nsrun_error_set(err, -r, "delete link %u", index);
	return 0;
}

int nl_addr_add(struct nl *nl, unsigned index, const struct spec_net_addr *a, struct nsrun_error *err)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = put_header(buf, nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	size_t len = a->family == AF_INET ? 4 : 16;
	ifa->ifa_family = (uint8_t)a->family;
	ifa->ifa_prefixlen = (uint8_t)a->prefix;
	ifa->ifa_index = index;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	mnl_attr_put(nlh, IFA_LOCAL, len, a->addr);
	mnl_attr_put(nlh, IFA_ADDRESS, len, a->addr);
	if (a->family == AF_INET && a->prefix < 31) {
		uint8_t bc[4];
		memcpy(bc, a->addr, 4);
		for (unsigned bit = a->prefix; bit < 32; bit++)
			bc[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
		mnl_attr_put(nlh, IFA_BROADCAST, 4, bc);
	}
	/* no duplicate address detection: the link is new, and a tentative
	 * address would not answer for a second */
	if (a->family == AF_INET6)
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	int r = talk(nl, nlh, NULL, NULL);
	if (r < 0)
		return nsrun_error_set(err, -r, "add address %s", a->text);
	return 0;
}

int nl_route_default(struct nl *nl, unsigned index, const struct spec_net_addr *gw,
		     struct nsrun_error *err)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = put_header(buf, nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)gw->family;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, gw->family == AF_INET ? 4 : 16, gw->addr);
	mnl_attr_put_u32(nlh, RTA_OIF, index);
	int r = talk(nl, nlh, NULL, NULL);
	if (r < 0) {
		char a[80];
		net_addr_format(gw, false, a, sizeof(a));
		return nsrun_error_set(err, -r, "add a default route via %s", a);
	}
	return 0;
}

struct addr_list { struct spec_net_addr *v; size_t n, max; };

static int addr_attr_cb(const struct nlattr *a, void *data)
{
	struct spec_net_addr *out = data;
	if (mnl_attr_get_type(a) == IFA_LOCAL && mnl_attr_get_payload_len(a) == 4)
		memcpy(out->addr, mnl_attr_get_payload(a), 4);
	return MNL_CB_OK;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_list *l = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_family != AF_INET || l->n >= l->max)
		return MNL_CB_OK;
	struct spec_net_addr *a = &l->v[l->n++];
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	a->prefix = ifa->ifa_prefixlen;
	mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, a);
	return MNL_CB_OK;
}

int nl_addrs_v4(struct nl *nl, struct spec_net_addr *out, size_t max, struct nsrun_error *err)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = put_header(buf, nl, RTM_GETADDR, NLM_F_DUMP);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	struct addr_list l = { out, 0, max };
	int r = talk(nl, nlh, addr_cb, &l);
	if (r < 0)
		return nsrun_error_set(err, -r, "list the host's addresses");
	return (int)l.n;
}
