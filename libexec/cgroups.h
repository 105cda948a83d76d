/* The container's cgroup, for the executor and the OCI verbs.
 *
 * A handle holds the container's cgroup in each hierarchy of the host: on
 * cgroup v1 one per mounted hierarchy (memory, cpu, ..., name=systemd), on
 * a pure v2 host the one of /sys/fs/cgroup, and on a hybrid host both (the
 * v2 one at /sys/fs/cgroup/unified holds what only v2 has there, such as
 * hugetlb here).  Every function fills `err` and returns -1 on failure. */
#ifndef NSRUN_CGROUPS_H
#define NSRUN_CGROUPS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "plan.h"

struct cgroup_handle;

/* STEP_CGROUP, before clone: find the hierarchies, check that the host can
 * apply every setting of p->cgroup (a setting it cannot apply is an error
 * naming it), create the cgroup (nested under nsrun's own cgroup when
 * linux.cgroupsPath is relative or absent), copy cpuset.cpus/mems from the
 * parent on v1, enable the v2 controllers it needs, write the limits, and
 * set the device rules.  On failure nothing is left behind.  proc_fd: a
 * verified procfs, or -1 for /proc. */
int cgroup_create(const struct plan *p, int proc_fd, struct cgroup_handle **out,
		  struct nsrun_error *err);
/* fd of the v2 cgroup for clone3(CLONE_INTO_CGROUP), -1 if there is none. */
int cgroup_v2_fd(struct cgroup_handle *h);
/* Move `pid` into the cgroup in every hierarchy (all its threads), except
 * the v2 one when `v2_done` (it was cloned into it). */
int cgroup_enter(struct cgroup_handle *h, pid_t pid, bool v2_done, struct nsrun_error *err);
/* `nsrun update`: write the settings of `pc` into the existing cgroup, each
 * where the host has its controller (the device rules are not changed).
 * `file` names the resources file in messages.  For a file holding only a
 * linux.resources object: spec_load_resources_file() + plan_cgroup_build(). */
int cgroup_update(struct cgroup_handle *h, const struct plan_cgroup *pc, const char *file,
		  struct nsrun_error *err);

/* pause/resume: v1 freezer.state FROZEN/THAWED, else v2 cgroup.freeze;
 * returns once the kernel reports the new state. */
int cgroup_freeze(struct cgroup_handle *h, bool frozen, struct nsrun_error *err);
int cgroup_is_frozen(struct cgroup_handle *h, bool *frozen, struct nsrun_error *err);
/* Every process in the cgroup and the cgroups below it (ps), sorted. */
int cgroup_pids(struct cgroup_handle *h, pid_t **pids, size_t *n, struct nsrun_error *err);
/* Send `sig` to every process in the cgroup.  SIGKILL uses v2 cgroup.kill
 * where there is one; on v1 the cgroup is frozen while the signals go out
 * (no fork escapes) and thawed after, so a paused container dies too. */
int cgroup_kill(struct cgroup_handle *h, int sig, struct nsrun_error *err);
/* Kill what is left, wait until the cgroup is empty, and remove what
 * cgroup_create made (cgroups the container made below it first, then the
 * leaves, then the parents nsrun created).  Frees h, also on failure. */
int cgroup_destroy(struct cgroup_handle *h, struct nsrun_error *err);
/* The container's cgroup directory (an fd the handle owns) in the v1
 * hierarchy with `controller`, else in the v2 one (*v2 says which); -1 when
 * there is none.  For reading statistics (cgroup-stats.c). */
int cgroup_controller_dir(struct cgroup_handle *h, const char *controller, bool *v2);
/* cgroup-stats.c: the container's statistics as the "data" object of
 * runc's `events --stats` (cpu, memory, pids, blkio, hugetlb); `oom_kills`
 * gets the memory controller's OOM kill count (0 when unknown). */
void cgroup_stats_json(struct cgroup_handle *h, FILE *out, unsigned long long *oom_kills);
/* cgroups-systemd.c, the systemd driver (--systemd-cgroup, or a
 * cgroupsPath "slice:prefix:name"): the cgroup is the transient scope
 * PREFIX-NAME.scope in SLICE (Delegate=yes) that systemd makes over D-Bus;
 * limits systemd has properties for are unit properties, the others files
 * (cgroup_adopt).  cgroup_destroy stops the scope. */
bool cgroup_path_is_systemd(const char *cgroups_path);
int cgroup_create_systemd(const struct plan *p, int proc_fd, struct cgroup_handle **out,
			  struct nsrun_error *err);
int cgroup_systemd_stop(const char *unit, struct nsrun_error *err);
/* `nsrun update`: the settings systemd has properties for through
 * SetUnitProperties; keep[i] (pc->n_writes) says which remain files. */
int cgroup_systemd_update(const char *unit, const struct plan_cgroup *pc, bool *keep, struct nsrun_error *err);
int cgroup_adopt(const struct plan *p, const struct plan_cgroup *pc, pid_t member, const char *unit,
		 int proc_fd, struct cgroup_handle **out, struct nsrun_error *err);
/* Boot in a user namespace: chown the container's cgroup in the systemd
 * hierarchies (cgroup2, name=systemd) and its delegatable files. */
int cgroup_delegate(struct cgroup_handle *h, uid_t uid, gid_t gid, struct nsrun_error *err);
/* Forget the handle without touching the cgroup. */
void cgroup_handle_free(struct cgroup_handle *h);

/* The handle as one string for the container's state file, and back:
 * one line per hierarchy, "v1|v2 TAB N_CREATED TAB CONTROLLERS TAB MOUNT
 * TAB PATH".  from_string checks that every line names a cgroup directory
 * below a cgroup mount under /sys/fs/cgroup. */
char *cgroup_state_to_string(const struct cgroup_handle *h);
int cgroup_state_from_string(const char *s, struct cgroup_handle **out, struct nsrun_error *err);
/* The container's cgroup path in the first hierarchy ("/a/b/nsrun-ID"),
 * for messages and state; NULL without hierarchies. */
const char *cgroup_path(const struct cgroup_handle *h);

/* cgroups-tree.c: the cgroups a container made below its own, any number
 * at any depth.  _pids appends the pids in dirfd's cgroup and all below;
 * _remove removes every cgroup below dirfd, deepest first, in passes until
 * none is left or the deadline (cgroup_now_ms()) passed: 0 or -errno. */
void cgroup_tree_pids(int dirfd, pid_t **pids, size_t *n);
int cgroup_tree_remove(int dirfd, int64_t deadline_ms);
/* The cgroup `name` below `parent` and every cgroup below it, left by an
 * nsrun that is gone (SIGKILLed, say, with a booted machine's cgroups
 * below its own): removed only if no process is in any of them, and under
 * an exclusive flock of its directory, while a running nsrun holds the
 * lock of its own cgroup shared: so no nsrun removes another's.  `owner`:
 * the pid in the name, which must be gone (0: the caller's own name).
 * Waits for the lock until lock_deadline_ms.  0, -EBUSY (processes in it,
 * its nsrun lives, or the lock is held) or -errno. */
int cgroup_remove_stale(int parent, const char *name, pid_t owner, int64_t lock_deadline_ms);
int64_t cgroup_now_ms(void); /* CLOCK_MONOTONIC */
void cgroup_sleep_ms(long ms);

/* cgroups-bpf.c: the device rules (deny all, then p->cgroup->devices in
 * order) as a BPF_PROG_TYPE_CGROUP_DEVICE program, attached to a v2
 * cgroup.  _build returns the instruction count (caller frees *out). */
struct bpf_insn;
size_t cgroup_devices_bpf_build(const struct plan_cgroup_device *rules, size_t n, struct bpf_insn **out);
int cgroup_devices_bpf_attach(int cgroup_fd, const struct plan_cgroup_device *rules, size_t n,
			      struct nsrun_error *err);

/* The whole (small) file at dirfd/file, NUL-terminated; NULL with errno. */
char *cgroup_read_file(int dirfd, const char *file);

#endif
