/* host0's addresses, read from a running container's network namespace
 * over rtnetlink (libmnl) for `nsrun list` and `nsrun status`: what the
 * container really has (the spec's, auto's, or the one its own DHCP
 * client got), not what nsrun meant to give it.  See registry.h. */
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "net.h"
#include "registry.h"
#include "state.h"

struct found { unsigned index; struct spec_net_addr *v; size_t n, max; };

static int attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	unsigned type = mnl_attr_get_type(a);
	if ((type == IFA_LOCAL || type == IFA_ADDRESS) && mnl_attr_get_payload_len(a) <= 16)
		tb[type] = a;
	return MNL_CB_OK;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct found *f = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFA_MAX + 1] = { 0 };
	if (ifa->ifa_index != f->index || ifa->ifa_scope >= RT_SCOPE_LINK || f->n >= f->max ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifa), attr_cb, tb);
	/* IPv4: IFA_LOCAL is the address (IFA_ADDRESS the peer's on a point
	 * to point link); IPv6 has only IFA_ADDRESS */
	const struct nlattr *a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	size_t len = ifa->ifa_family == AF_INET ? 4 : 16;
	if (!a || mnl_attr_get_payload_len(a) != len)
		return MNL_CB_OK;
	struct spec_net_addr *out = &f->v[f->n++];
	memset(out, 0, sizeof(*out));
	out->family = ifa->ifa_family;
	out->prefix = ifa->ifa_prefixlen;
	memcpy(out->addr, mnl_attr_get_payload(a), len);
	net_addr_format(out, true, out->text, sizeof(out->text));
	return MNL_CB_OK;
}

/* One dump of the namespace's addresses, keeping host0's. */
static int dump(struct nl *nl, struct found *f)
{
	char buf[32768]; /* the kernel sends a dump in pieces of at most 32 KiB */
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++nl->seq;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_UNSPEC;
	if (mnl_socket_sendto(nl->s, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->s, buf, sizeof(buf));
		if (n < 0)
			return -1;
		int r = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, nl->portid, addr_cb, f);
		if (r <= MNL_CB_STOP)
			return r;
	}
}

int registry_addresses(const struct machine_record *r, struct spec_net_addr *out, size_t max)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)r->leader);
	_cleanup_close_ int fd = r->leader > 0 ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	/* checked after the open: the namespace is the leader's, not a reused pid's */
	if (fd < 0 || !state_process_alive(r->leader, r->leader_start))
		return 0;
	struct stat theirs, ours;
	if (fstat(fd, &theirs) < 0 || stat("/proc/self/ns/net", &ours) < 0)
		return 0;
	if (theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino)
		return 0; /* the host's network: no host0 of its own */
	struct nl nl = { 0 };
	struct nsrun_error err = { 0 };
	struct found f = { .v = out, .max = max };
	if (nl_open(&nl, fd, &err) < 0)
		return -1;
	int rc = nl_link_get(&nl, NET_CONTAINER_IFNAME, &f.index, NULL, NULL, &err);
	if (rc == 0 && f.index)
		rc = dump(&nl, &f);
	nl_close(&nl);
	return rc < 0 ? -1 : (int)f.n;
}
