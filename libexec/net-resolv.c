/* The spec's DNS servers: a resolv.conf made in a small detached tmpfs and
 * bound read-only over the container's /etc/resolv.conf.  Nothing is
 * written into the image and nothing on the host. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>

#include "net.h"

int step_net_resolv(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	const struct spec_network *net = c->plan->spec->network;
	_cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "size", "4k", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0755", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return nsrun_error_set(err, errno, "make a tmpfs for resolv.conf");
	_cleanup_close_ int mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					  MOUNT_ATTR_NOEXEC);
	if (mnt < 0)
		return nsrun_error_set(err, errno, "fsmount tmpfs");
	char text[512] = "# nsrun: /network/addresses/dns\n", ip[80];
	for (size_t i = 0; i < net->n_dns; i++) {
		net_addr_format(&net->dns[i], false, ip, sizeof(ip));
		size_t len = strlen(text);
		snprintf(text + len, sizeof(text) - len, "nameserver %s\n", ip);
	}
	{
		_cleanup_close_ int f = openat(mnt, "resolv.conf", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
		if (f < 0 || write(f, text, strlen(text)) != (ssize_t)strlen(text))
			return nsrun_error_set(err, errno, "write resolv.conf");
	}
	_cleanup_close_ int file = open_tree(mnt, "resolv.conf", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (file < 0)
		return nsrun_error_set(err, errno, "clone resolv.conf");
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	if (mount_setattr(file, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return nsrun_error_set(err, errno, "make resolv.conf read-only");
	/* a symlink (to systemd-resolved's file) is replaced by the file: the
	 * target is resolved inside the root and must be a file there */
	_cleanup_close_ int target = mkpath_in_root(c->root_fd, s->path, true, err);
	if (target < 0)
		return -1;
	if (move_mount(file, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return nsrun_error_set(err, errno, "bind onto %s", s->path);
	return 0;
}
