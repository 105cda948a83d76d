/* Container state directories: see state.h. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>

#include "json.h"
#include "state.h"

static const char *const status_names[] = { "creating", "created", "running", "stopped" };

const char *state_status_name(enum container_status s)
{
	return status_names[s];
}

int state_check_id(const char *id, struct nsrun_error *err)
{
	size_t len = strlen(id);
	if (len == 0 || len > NSRUN_ID_MAX)
		return nsrun_error_set(err, 0, "invalid container id: must be 1 to %d bytes", NSRUN_ID_MAX);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)id[i];
		bool ok = isalnum(ch) || ch == '_' || ch == '+' || ch == '-' || (i > 0 && ch == '.');
		if (!ok || ch > 127)
			return nsrun_error_set(err, 0, "invalid container id \"%s\": use letters, digits, "
					       "'_', '+', '-' and (not first) '.'", id);
	}
	return 0;
}

/* Like runc: the parents of --root are made when missing (containerd's
 * shim passes /run/containerd/runc/NAMESPACE before anything made
 * /run/containerd); the state directory itself is 0700. */
static int ensure_root(const char *root, struct nsrun_error *err)
{
	if (mkdir(root, 0700) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT || !root[0])
		return nsrun_error_set(err, errno, "create the state directory %s", root);
	_cleanup_free_ char *path = xstrdup(root);
	for (char *slash = strchr(path + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = 0;
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return nsrun_error_set(err, errno, "create the state directory %s", path);
		*slash = '/';
	}
	if (mkdir(root, 0700) < 0 && errno != EEXIST)
		return nsrun_error_set(err, errno, "create the state directory %s", root);
	return 0;
}

static int lock_dir(int fd, struct nsrun_error *err)
{
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return nsrun_error_set(err, errno, "lock the container's state");
	return 0;
}

int state_create_dir(const char *root, const char *id, int *dirfd, struct nsrun_error *err)
{
	if (state_check_id(id, err) < 0 || ensure_root(root, err) < 0)
		return -1;
	_cleanup_free_ char *path = xasprintf("%s/%s", root, id);
	if (mkdir(path, 0700) < 0) {
		if (errno == EEXIST)
			return nsrun_error_set(err, 0, "container \"%s\" already exists", id);
		return nsrun_error_set(err, errno, "create %s", path);
	}
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return nsrun_error_set(err, errno, "open %s", path);
	if (lock_dir(fd, err) < 0) {
		close(fd);
		return -1;
	}
	*dirfd = fd;
	return 0;
}

int state_open_dir(const char *root, const char *id, int *dirfd, struct nsrun_error *err)
{
	if (state_check_id(id, err) < 0)
		return -1;
	_cleanup_free_ char *path = xasprintf("%s/%s", root, id);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return nsrun_error_set(err, 0, "container \"%s\" does not exist", id);
		return nsrun_error_set(err, errno, "open %s", path);
	}
	if (lock_dir(fd, err) < 0) {
		close(fd);
		return -1;
	}
	*dirfd = fd;
	return 0;
}

static struct oci_state oci_of(const struct container_state *st, enum container_status status)
{
	return (struct oci_state){ .id = st->id, .status = state_status_name(status),
				   .pid = status == STATUS_STOPPED ? 0 : st->pid, .bundle = st->bundle,
				   .created = st->created, .annotations = st->annotations,
				   .n_annotations = st->n_annotations };
}

int state_write(int dirfd, const struct container_state *st, struct nsrun_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	enum container_status now = st->pid <= 0 ? STATUS_CREATING :
				    st->created_only ? STATUS_CREATED : STATUS_RUNNING;
	struct oci_state o = oci_of(st, now);
	oci_state_write_open(f, &o, OCI_STATE_COMPACT);
	fputs(",\"config\":", f);
	json_write_string(f, st->config);
	fprintf(f, ",\"starttime\":%llu,\"createdOnly\":%s", st->starttime,
		st->created_only ? "true" : "false");
	if (st->cgroup) {
		fputs(",\"cgroup\":", f);
		json_write_string(f, st->cgroup);
	}
	fputs("}\n", f);
	fclose(f);
	_cleanup_free_ char *data = buf;
	/* write a temporary file, then rename: readers never see half a state */
	_cleanup_close_ int fd = openat(dirfd, "state.json.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
					0600);
	if (fd < 0)
		return nsrun_error_set(err, errno, "write the container's state");
	if (write(fd, data, len) != (ssize_t)len || fsync(fd) < 0)
		return nsrun_error_set(err, errno, "write the container's state");
	if (renameat(dirfd, "state.json.tmp", dirfd, "state.json") < 0)
		return nsrun_error_set(err, errno, "rename the container's state");
	return 0;
}

static char *member_string(const struct json_node *root, const char *key)
{
	struct json_member *m = json_object_member(root, key);
	return m && m->value->type == JSON_STRING ? xstrdup(m->value->text) : NULL;
}

static unsigned long long member_number(const struct json_node *root, const char *key)
{
	struct json_member *m = json_object_member(root, key);
	return m && m->value->type == JSON_NUMBER ? strtoull(m->value->text, NULL, 10) : 0;
}

unsigned long long state_proc_starttime(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* after "(comm)": state is field 3, starttime field 22 */
	char *p = strrchr(buf, ')');
	if (!p)
		return 0;
	p += 2;
	if (*p == 'Z' || *p == 'X')
		return 0;
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return p ? strtoull(p, NULL, 10) : 0;
}

bool state_process_alive(pid_t pid, unsigned long long starttime)
{
	if (pid <= 0)
		return false;
	unsigned long long now = state_proc_starttime(pid);
	return now != 0 && (starttime == 0 || now == starttime);
}

int state_read(int dirfd, struct container_state *st, struct nsrun_error *err)
{
	memset(st, 0, sizeof(*st));
	_cleanup_close_ int fd = openat(dirfd, "state.json", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		/* create has the directory but has not written the state yet */
		st->status = STATUS_CREATING;
		return errno == ENOENT ? 0 : nsrun_error_set(err, errno, "read the container's state");
	}
	char buf[65536];
	ssize_t n = read(fd, buf, sizeof(buf));
	if (n < 0)
		return nsrun_error_set(err, errno, "read the container's state");
	_cleanup_json_ struct json_node *root = NULL;
	if (json_parse(buf, (size_t)n, "state.json", &root, err) < 0)
		return -1;
	st->id = member_string(root, "id");
	st->bundle = member_string(root, "bundle");
	st->config = member_string(root, "config");
	st->created = member_string(root, "created");
	st->cgroup = member_string(root, "cgroup");
	st->pid = (pid_t)member_number(root, "pid");
	st->starttime = member_number(root, "starttime");
	struct json_member *co = json_object_member(root, "createdOnly");
	st->created_only = co && co->value->type == JSON_BOOL && co->value->boolean;
	struct json_member *an = json_object_member(root, "annotations");
	if (an && an->value->type == JSON_OBJECT) {
		const struct json_node *o = an->value;
		st->annotations = xcalloc(o->count + 1, sizeof(*st->annotations));
		for (size_t i = 0; i < o->count; i++) {
			st->annotations[i].key = xstrdup(o->members[i].key);
			st->annotations[i].value = xstrdup(o->members[i].value->type == JSON_STRING ?
							   o->members[i].value->text : "");
		}
		st->n_annotations = o->count;
	}
	if (!state_process_alive(st->pid, st->starttime))
		st->status = STATUS_STOPPED;
	else if (st->created_only && faccessat(dirfd, STATE_EXEC_SOCKET, F_OK, 0) == 0)
		st->status = STATUS_CREATED;
	else
		st->status = STATUS_RUNNING;
	return 0;
}

void state_free(struct container_state *st)
{
	free(st->id);
	free(st->bundle);
	free(st->config);
	free(st->created);
	free(st->cgroup);
	for (size_t i = 0; i < st->n_annotations; i++) {
		free(st->annotations[i].key);
		free(st->annotations[i].value);
	}
	free(st->annotations);
	memset(st, 0, sizeof(*st));
}

int state_remove_dir(const char *root, const char *id, struct nsrun_error *err)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", root, id);
	_cleanup_closedir_ DIR *d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : nsrun_error_set(err, errno, "open %s", path);
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd(d), e->d_name, 0);
	if (rmdir(path) < 0 && errno != ENOENT)
		return nsrun_error_set(err, errno, "remove %s", path);
	return 0;
}

void state_print_json(FILE *f, const struct container_state *st, enum oci_state_layout layout)
{
	struct oci_state o = oci_of(st, st->status);
	oci_state_write(f, &o, layout);
}

/* The socket's address through the directory fd: any --root fits. */
static int exec_socket(int dirfd, int flags, struct sockaddr_un *addr, struct nsrun_error *err)
{
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	snprintf(addr->sun_path, sizeof(addr->sun_path), "/proc/self/fd/%d/" STATE_EXEC_SOCKET, dirfd);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);
	if (fd < 0)
		return nsrun_error_set(err, errno, "socket");
	return fd;
}

int state_listen_exec(int dirfd, struct nsrun_error *err)
{
	struct sockaddr_un addr;
	int fd = exec_socket(dirfd, 0, &addr, err);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 1) < 0) {
		int e = errno;
		close(fd);
		return nsrun_error_set(err, e, "make the exec socket");
	}
	return fd;
}

int state_connect_exec(int dirfd, struct nsrun_error *err)
{
	struct sockaddr_un addr;
	int fd = exec_socket(dirfd, SOCK_NONBLOCK, &addr, err);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 && errno != EINPROGRESS) {
		int e = errno;
		close(fd);
		return nsrun_error_set(err, e, "connect to the exec socket");
	}
	return fd;
}
