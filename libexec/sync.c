/* The parent/child protocol: messages on the sync socket between nsrun
 * and the container's PID 1 (struct sync_msg, exec-internal.h), each
 * optionally carrying one fd; and the two steps that are nothing else,
 * release (nsrun) and wait-parent (the container's PID 1). */
#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "exec-internal.h"

ssize_t send_with_fd(int sock, const void *buf, size_t len, int pass_fd)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (pass_fd >= 0) {
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof(u.buf);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &pass_fd, sizeof(int));
	}
	ssize_t n;
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n;
}

int sync_send(int fd, const struct sync_msg *m, int pass_fd)
{
	return send_with_fd(fd, m, sizeof(*m), pass_fd) == (ssize_t)sizeof(*m) ? 0 : -1;
}

ssize_t recv_with_fd(int sock, void *buf, size_t len, int *recv_fd)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	*recv_fd = -1;
	ssize_t n;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return n;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(recv_fd, CMSG_DATA(cm), sizeof(int));
	return n;
}

int sync_recv(int fd, struct sync_msg *m, int *recv_fd)
{
	ssize_t n = recv_with_fd(fd, m, sizeof(*m), recv_fd);
	if (n == 0)
		return 0;
	if (n != (ssize_t)sizeof(*m))
		return -1;
	m->msg[sizeof(m->msg) - 1] = '\0';
	return 1;
}

int sync_take_error(struct exec_ctx *c, const struct sync_msg *m, struct nsrun_error *err)
{
	nsrun_error_set(err, 0, "%s", m->msg);
	err->status = m->status;
	c->error_named = true;
	return -1;
}

/* release: nsrun lets the container's PID 1 go on, handing it the idmapped
 * root (privateUsers, userns.c). */
int step_release(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)s;
	struct sync_msg m = { .kind = SYNC_RELEASE };
	int sent = sync_send(c->sync_fd, &m, c->idmap_root_fd);
	close_fd(&c->idmap_root_fd);
	if (sent == 0)
		return 0;
	/* it failed before: what it said is waiting for us */
	int e = errno, fd;
	if (sync_recv(c->sync_fd, &m, &fd) == 1 && m.kind == SYNC_ERROR)
		return sync_take_error(c, &m, err);
	return nsrun_error_set(err, e, "the container's PID 1 is gone");
}

/* wait-parent: the container's PID 1 waits for release.  The idmapped bind
 * sources (userns.c) come first, then release with the idmapped root. */
int step_wait_parent(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)s;
	struct sync_msg m;
	int fd, got;
	while ((got = sync_recv(c->sync_fd, &m, &fd)) == 1 && m.kind == SYNC_IDMAP_TREE && fd >= 0 &&
	       m.status >= 0 && (size_t)m.status < c->plan->n_steps)
		c->bind_trees[m.status] = fd;
	if (got != 1 || m.kind != SYNC_RELEASE)
		_exit(NSRUN_EXIT_FAILURE); /* nsrun is gone or failed: nobody to tell */
	if (fd >= 0)
		c->idmap_root_fd = fd;
	/* rootless, nobody may ptrace us from now on (walk.c, child_prepare) */
	if (userns_rootless(c->plan))
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* Become root of the new user namespace, so that what the setup
	 * creates is owned by a mapped id. */
	if (c->plan->new_userns && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		return nsrun_error_set(err, errno, "become uid 0 in the user namespace (the mappings "
				       "must map container id 0)");
	return 0;
}
