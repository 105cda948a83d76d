/* Container state for the OCI verbs: one directory per container under
 * --root (default /run/nsrun), holding state.json (written atomically) and,
 * between create and start, the exec socket PID 1 waits on.  A lock on the directory keeps
 * concurrent commands on one container apart. */
#ifndef NSRUN_STATE_H
#define NSRUN_STATE_H

#include <sys/types.h>

#include "common.h"
#include "oci-state.h"

#define NSRUN_DEFAULT_ROOT "/run/nsrun"
#define NSRUN_ID_MAX 1024

enum container_status { STATUS_CREATING, STATUS_CREATED, STATUS_RUNNING, STATUS_STOPPED };

struct container_state {
	char *id;
	char *bundle;             /* absolute */
	char *config;             /* the spec file used, absolute */
	pid_t pid;                /* host pid of the container's PID 1, 0 while creating */
	unsigned long long starttime; /* of pid, from /proc/PID/stat: guards against reuse */
	char *created;            /* RFC 3339 */
	char *cgroup;             /* libexec/cgroups state string, or NULL */
	struct spec_kv *annotations; /* the spec's */
	size_t n_annotations;
	bool created_only;        /* stored: waiting for start */
	enum container_status status; /* computed when read */
};

/* Container ids: [A-Za-z0-9_+-][A-Za-z0-9_+.-]*, at most NSRUN_ID_MAX bytes. */
int state_check_id(const char *id, struct nsrun_error *err);
const char *state_status_name(enum container_status s);

/* Make the directory of a new container (EEXIST: "already exists") and
 * return an fd of it, locked. */
int state_create_dir(const char *root, const char *id, int *dirfd, struct nsrun_error *err);
/* Open and lock an existing container's directory. */
int state_open_dir(const char *root, const char *id, int *dirfd, struct nsrun_error *err);
/* state.json: the OCI state (oci-state.h; status creating without a pid,
 * created while created_only, else running) and nsrun's own members. */
int state_write(int dirfd, const struct container_state *st, struct nsrun_error *err);
int state_read(int dirfd, struct container_state *st, struct nsrun_error *err);
void state_free(struct container_state *st);
/* Remove the container's directory (and what is in it). */
int state_remove_dir(const char *root, const char *id, struct nsrun_error *err);
/* Is the pid alive and still the process that was started?  Zombies count as dead. */
bool state_process_alive(pid_t pid, unsigned long long starttime);
unsigned long long state_proc_starttime(pid_t pid);
/* state-create.c: `start` hands PID 1 the file "error" of the state
 * directory over the exec socket; PID 1 writes an error that happens after
 * `create` returned there; `start` and `state` read it (NULL: none). */
#define STATE_LATE_ERROR "error"
int state_send_error_file(int sock, int dirfd);
int state_recv_error_file(int conn);     /* the fd, CLOEXEC, or -1 */
/* One byte, with the fd passed along with it (CLOEXEC) in *fd or -1 there:
 * PID 1's answer carries its notify socket (libexec/notify.c).  Returns 1
 * with the byte, 0 on EOF, -1 on error. */
int state_recv_byte(int conn, int *fd);
char *state_read_late_error(int dirfd);
/* Print the container's OCI state (oci-state.h) as read: the status
 * computed, pid 0 once stopped; without a newline. */
void state_print_json(FILE *f, const struct container_state *st, enum oci_state_layout layout);
/* The exec socket, between create and start: PID 1 accepts one connection
 * on it (SECURITY.md rule 11: a socket, not a file of the host, is what
 * it holds while it waits) and answers one byte. */
#define STATE_EXEC_SOCKET "exec.sock"
int state_listen_exec(int dirfd, struct nsrun_error *err);   /* the listening socket, CLOEXEC */
int state_connect_exec(int dirfd, struct nsrun_error *err);  /* connected, non-blocking */

#endif
