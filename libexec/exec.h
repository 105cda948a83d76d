/* The executor: carries out a plan.  See plan.h for the steps. */
#ifndef NSRUN_EXEC_H
#define NSRUN_EXEC_H

#include "plan.h"

enum exec_mode {
	EXEC_FOREGROUND,          /* relay the terminal and signals until it ends */
	EXEC_CREATE,              /* return once PID 1 waits for `start` (STEP_WAIT_START) */
	EXEC_DETACH,              /* return once the program was exec'd */
};

struct exec_options {
	enum exec_mode mode;
	const char *id;           /* the container's id in its OCI state (hooks, the seccomp
	                             agent): the OCI id, or the registry's name (oci-state.h) */
	const char *pid_file;     /* write the host PID of the container's PID 1 here */
	const char *console_socket; /* send the pty master here (SCM_RIGHTS) */
	int preserve_fds;         /* keep fds 3 .. 3+N-1 open in the container */
	int fifo_fd;              /* EXEC_CREATE: the listening exec socket (state_listen_exec) */
	const char *join_cgroup;  /* nsrun exec: the container's cgroup state string, or NULL */
	int lock_fd;              /* closed first thing in the container (the state lock), or -1 */
	pid_t pid;                /* out: host PID of the container's PID 1 */
	bool systemd_cgroup;      /* --systemd-cgroup: the cgroup is a systemd scope */
	unsigned stop_timeout;    /* boot: seconds from SIGRTMIN+3 (halt) to SIGKILL; 0: 90 */
	bool rebooted;            /* out, boot: PID 1 was killed by SIGHUP (reboot(2) RESTART) */
	bool no_restart;          /* the caller does not start it again after a reboot (nsrun@.service) */
	/* EXEC_FOREGROUND: called once the container's PID 1 runs, before
	 * supervising it (the machine registry, cmd/machine.c); again after a
	 * reboot.  `cgroup` as cgroup_state_to_string(), or NULL. */
	void (*on_start)(void *data, pid_t leader, const char *cgroup);
	void *on_start_data;
	char *cgroup;             /* out, not EXEC_FOREGROUND: the container's cgroup as
	                             cgroup_state_to_string() (libexec/cgroups.h) or NULL; caller frees */
};

/* Carry out the plan.  In EXEC_FOREGROUND, wait for the container to end:
 * on success *exit_status is its status (128+N when killed by signal N).
 * In the other modes return once it is set up, with o->pid.  On failure
 * err names the step, err->status says which exit status nsrun should use,
 * and nothing is left behind. */
int exec_run_plan(const struct plan *p, struct exec_options *o, int *exit_status,
		  struct nsrun_error *err);

/* `nsrun delete`: undo the network (links, nftables chains, dnsmasq) that
 * `create` or `run -d` left to the container's PID 1 (libexec/net.c). */
void net_release(pid_t pid, unsigned long long starttime);
/* `nsrun check`: what a run would check on this host before it sets up
 * a veth or bridge, without changing anything: the bridge exists, the host
 * side's name is free, the host ports are free. */
int net_check_host(const struct plan *p, struct nsrun_error *err);

/* The facts about this host plan_build needs (libexec/host.c): nsrun's
 * bounding and effective sets, whether SELinux and AppArmor are enabled.
 * Without privileges or side effects; `nsrun plan` uses them too, so that
 * it shows what a run would do. */
void exec_probe_host_facts(struct plan_host *h);
/* plan_build for this host (exec_probe_host_facts); as plan_build, it
 * takes ownership of `spec`, also on failure. */
int exec_plan_build(struct spec *spec, const struct plan_invocation *inv, struct plan **planp,
		    struct nsrun_error *err);
/* preflight.c: an apparmorProfile the host cannot apply (plan->host) is an
 * error (runc and crun refuse to run the container unconfined), unless the
 * annotation "run.nsrun.apparmor": "optional" made the plan skip it. */
int exec_check_apparmor(const struct plan *p, struct nsrun_error *err);

/* nsrun runs rootless: as a user other than root, or as root of a user
 * namespace other than the host's (rootless podman).  libexec/rootless.c */
bool exec_rootless(void);

/* Re-execute nsrun from a sealed memfd copy of itself, unless already
 * running from one, so that no container process can ever reach (and
 * overwrite) the nsrun binary through /proc/PID/exe (SECURITY.md rule 5).
 * Returns only when already sealed (0) or on failure (-1). */
int exec_seal_self(char **argv, struct nsrun_error *err);

/* sd_notify (notify.c): forward what the container sends on its notify
 * socket `sock` to nsrun's NOTIFY_SOCKET, with MAINPID=pid, until READY=1
 * or until the process of pidfd ends; after READY=1 a keeper process
 * (keeper.h) forwards the rest until that process ends. */
void exec_notify_until_ready(int sock, pid_t pid, int pidfd);

/* OCI hooks of one kind, with the container's OCI state (oci-state.h:
 * its id, status, host pid) on stdin. */
int exec_run_hooks(const struct plan *p, const char *id, enum spec_hook_kind kind, const char *status,
		   pid_t pid, struct nsrun_error *err);

#endif
