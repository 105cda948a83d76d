/* The machine registry: every container nsrun runs outside the OCI verbs
 * (a foreground `nsrun SPEC`, `nsrun -D DIR`, a machine started with
 * `nsrun start NAME`) has a record while it runs, STATE_ROOT/.machines/
 * NAME.json (OCI ids never start with a dot, so the two never meet),
 * beside NAME.spec.json, the spec it runs (what `shell` and `login` join
 * with), and NAME.log for a background machine's console.  A record whose
 * supervising nsrun is gone is stale and swept by whoever sees it. */
#ifndef NSRUN_REGISTRY_H
#define NSRUN_REGISTRY_H

#include <stdbool.h>
#include <sys/types.h>

#include "common.h"

struct machine_record {
	char *name;
	char *kind;               /* "spec", "directory" (-D), "machine" (the image store) */
	char *root;               /* the root directory, absolute */
	char *since;              /* RFC 3339, when nsrun started it */
	char *cgroup;             /* libexec/cgroups state string, or NULL */
	pid_t supervisor;         /* the nsrun that runs it */
	unsigned long long supervisor_start;
	pid_t leader;             /* the container's PID 1, 0 while starting */
	unsigned long long leader_start;
	bool background;          /* started by `nsrun start`: console in NAME.log */
	bool ready;               /* the container's init sent READY=1 */
	char **ports;             /* forwarded ports, once set up: "tcp:8080:80" (--port's syntax) */
	size_t n_ports;
};

/* The registry's directory (made when missing), or NULL on error. */
char *registry_dir(const char *state_root, struct nsrun_error *err);
/* Claim r->name: fails with EEXIST ("is running already") when a live
 * record holds it and `exact`; otherwise NAME-2, NAME-3, ... (r->name is
 * changed).  Writes the record and the spec text beside it. */
int registry_claim(const char *state_root, struct machine_record *r, bool exact, const char *spec_text,
		   struct nsrun_error *err);
/* Rewrite the record (the leader started, rebooted, became ready). */
int registry_update(const char *state_root, const struct machine_record *r, struct nsrun_error *err);
/* Remove the record and the spec (the log stays for `nsrun log`). */
void registry_release(const char *state_root, const char *name);
/* Read one record; -1 with ENOENT when there is none (stale ones are swept). */
int registry_read(const char *state_root, const char *name, struct machine_record *r,
		  struct nsrun_error *err);
/* All live records, sorted by name; stale ones are swept. */
int registry_list(const char *state_root, struct machine_record **out, size_t *n);
void registry_record_free(struct machine_record *r);
/* The state a record is in: "starting", "running" (READY=1 seen, or no
 * notification expected), "degraded"..., computed from the processes. */
const char *registry_state(const struct machine_record *r);
char *registry_now(void);
/* host0's addresses (scope global) in the running leader's network
 * namespace, at most max; 0 when it shares nsrun's network or has no
 * host0, -1 on error (libexec/net-show.c, over netlink). */
struct spec_net_addr;
int registry_addresses(const struct machine_record *r, struct spec_net_addr *out, size_t max);

#endif
