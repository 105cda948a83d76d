/* nsrun spec: write a default OCI config.json, like `runc spec`
 * (--from-command-line is cmd/options.c's). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "oci-state.h"

/* The config, with the parts a rootless one changes as %s. */
static const char config_template[] =
	"{\n"
	"\t\"ociVersion\": \"" NSRUN_OCI_VERSION "\",\n"
	"\t\"process\": {\n"
	"\t\t\"terminal\": true,\n"
	"\t\t\"user\": { \"uid\": 0, \"gid\": 0 },\n"
	"\t\t\"args\": [ \"sh\" ],\n"
	"\t\t\"env\": [\n"
	"\t\t\t\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\n"
	"\t\t\t\"TERM=xterm\"\n"
	"\t\t],\n"
	"\t\t\"cwd\": \"/\",\n"
	"\t\t\"capabilities\": {\n"
	"\t\t\t\"bounding\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
	"\t\t\t\"effective\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
	"\t\t\t\"permitted\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ]\n"
	"\t\t},\n"
	"%s"
	"\t\t\"noNewPrivileges\": true\n"
	"\t},\n"
	"\t\"root\": { \"path\": \"rootfs\", \"readonly\": true },\n"
	"\t\"hostname\": \"nsrun\",\n"
	"\t\"mounts\": [\n"
	"\t\t{ \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" },\n"
	"\t\t{ \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
	"\t\t  \"options\": [ \"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\" ] },\n"
	"\t\t{ \"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\",\n"
	"\t\t  \"options\": [ \"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\"%s ] },\n"
	"\t\t{ \"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\",\n"
	"\t\t  \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\" ] },\n"
	"\t\t{ \"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\",\n"
	"\t\t  \"options\": [ \"nosuid\", \"noexec\", \"nodev\" ] },\n"
	"%s"
	"\t],\n"
	"\t\"linux\": {\n"
	"%s"
	"\t\t\"namespaces\": [\n"
	"%s"
	"\t\t],\n"
	"\t\t\"maskedPaths\": [\n"
	"\t\t\t\"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\", \"/proc/latency_stats\",\n"
	"\t\t\t\"/proc/timer_list\", \"/proc/timer_stats\", \"/proc/sched_debug\", \"/sys/firmware\",\n"
	"\t\t\t\"/proc/scsi\"\n"
	"\t\t],\n"
	"\t\t\"readonlyPaths\": [\n"
	"\t\t\t\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\", \"/proc/sysrq-trigger\"\n"
	"\t\t]\n"
	"\t}\n"
	"}\n";

static char *default_config(void)
{
	return xasprintf(config_template,
		"\t\t\"rlimits\": [ { \"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024 } ],\n",
		", \"gid=5\"",
		"\t\t{ \"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\",\n"
		"\t\t  \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"ro\" ] }\n",
		"",
		"\t\t\t{ \"type\": \"pid\" }, { \"type\": \"network\" }, { \"type\": \"ipc\" },\n"
		"\t\t\t{ \"type\": \"uts\" }, { \"type\": \"mount\" }, { \"type\": \"cgroup\" }\n");
}

/* --rootless: runs as the calling user (runc spec --rootless): a user
 * namespace mapping root to the caller's own uid and gid, no network or
 * cgroup namespace, the host's /sys bound read-only, no devpts gid. */
static char *rootless_config(void)
{
	_cleanup_free_ char *maps = xasprintf(
		"\t\t\"uidMappings\": [ { \"containerID\": 0, \"hostID\": %u, \"size\": 1 } ],\n"
		"\t\t\"gidMappings\": [ { \"containerID\": 0, \"hostID\": %u, \"size\": 1 } ],\n",
		(unsigned)getuid(), (unsigned)getgid());
	return xasprintf(config_template, "", "",
		"\t\t{ \"destination\": \"/sys\", \"type\": \"none\", \"source\": \"/sys\",\n"
		"\t\t  \"options\": [ \"rbind\", \"nosuid\", \"noexec\", \"nodev\", \"ro\" ] }\n",
		maps,
		"\t\t\t{ \"type\": \"pid\" }, { \"type\": \"ipc\" }, { \"type\": \"uts\" },\n"
		"\t\t\t{ \"type\": \"mount\" }, { \"type\": \"user\" }\n");
}

const char cmd_spec_help[] =
	"Write a default OCI config.json into DIR (default: the current directory),\n"
	"for a root filesystem in DIR/rootfs.  An existing config.json is kept.\n"
	"With --from-command-line, print the spec file a run's command line stands\n"
	"for (nsrun's options over SPEC.json or a directory), after checking it.\n"
	"  --rootless  a config that runs as the calling user: a user namespace\n"
	"              mapping root to your uid and gid, no network or cgroup\n"
	"              namespace, the host's /sys bound read-only\n";

int cmd_spec(const struct verb_args *a)
{
	const char *dir = a->bundle ? a->bundle : ".";
	_cleanup_free_ char *path = xasprintf("%s/config.json", dir);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			cmd_error("%s exists already; remove it first", path);
		else
			cmd_error("create %s: %s", path, strerror(errno));
		return NSRUN_EXIT_FAILURE;
	}
	_cleanup_free_ char *text = a->rootless ? rootless_config() : default_config();
	size_t len = strlen(text);
	if (write(fd, text, len) != (ssize_t)len) {
		cmd_error("write %s: %s", path, strerror(errno));
		return NSRUN_EXIT_FAILURE;
	}
	return 0;
}
