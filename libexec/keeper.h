/* The keeper (keeper.c): a small process that outlives `nsrun run -d`,
 * `create` and `start` for what only a running nsrun did in the
 * foreground: forward the container's sd_notify messages (notify.c) and
 * relay the host's [::1] ports (net-relay.c).  It is reparented away from
 * nsrun (double fork, its own session), not dumpable, in nsrun's own
 * namespaces and cgroup (never the container's), with / as its directory,
 * stdio on /dev/null and no descriptor but those of its job and a pidfd of
 * the container's PID 1: when that process ends, it exits. */
#ifndef NSRUN_KEEPER_H
#define NSRUN_KEEPER_H

#include <stdbool.h>
#include <sys/types.h>

#include "common.h"

struct keeper {
	pid_t pid;                /* the container's PID 1 on the host (MAINPID=) */
	int pidfd;                /* of it: the keeper exits once it ends */
	int notify_fd;            /* the container's notify socket once READY=1 came, or -1 */
	bool relay;               /* also the [::1] relay (net-relay.c's listeners) */
	const int *keep;          /* further fds it needs (the relay's listeners) */
	size_t n_keep;
};

/* Start it; returns its pid (not a child of ours) or -1 with err. */
pid_t keeper_spawn(const struct keeper *k, struct nsrun_error *err);
/* Stop the keeper "PID-STARTTIME" (a net record's line) if it still runs,
 * and wait up to a second for it to be gone. */
void keeper_stop(const char *pid_start);

/* notify.c: forward what waits on sock (MAINPID=pid from READY=1 on);
 * returns *ready, which becomes true with READY=1. */
bool notify_forward_pending(int sock, pid_t pid, bool *ready);

#endif
