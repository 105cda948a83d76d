/* The OCI state of a container (runtime-spec, runtime.md "State"): one
 * writer for every place nsrun hands it out, the hooks' stdin, the seccomp
 * agent's message, the state file, `nsrun state` and `nsrun list --format
 * json`, so that they agree.
 *
 * The id: a container of the OCI verbs has its OCI id; any other run (a
 * foreground `nsrun SPEC`, `-D`, a machine, `nsrun shell`'s process) is
 * known by the name the machine registry lists it under (README "Running
 * machines"), with "register": false the name it would have had. */
#ifndef NSRUN_OCI_STATE_H
#define NSRUN_OCI_STATE_H

#include <stdio.h>
#include <sys/types.h>

#include "spec.h"

/* The runtime-spec version nsrun implements: the state's ociVersion and
 * the one of the specs `nsrun spec` writes. */
#define NSRUN_OCI_VERSION "1.2.0"

struct oci_state {
	const char *id;
	const char *status;       /* creating, created, running or stopped */
	pid_t pid;                /* host pid of the container's PID 1 (0 when stopped) */
	const char *bundle;       /* absolute */
	const char *created;      /* RFC 3339, or NULL: left out (runc's member) */
	const struct spec_kv *annotations;
	size_t n_annotations;
};

enum oci_state_layout {
	OCI_STATE_COMPACT,        /* one line, no spaces: for programs */
	OCI_STATE_INDENTED,       /* one member a line: `nsrun state` */
};

/* The state as a JSON object. */
void oci_state_write(FILE *f, const struct oci_state *st, enum oci_state_layout layout);
/* The same without its closing brace: the caller adds members of its own
 * (",\"key\":value" in the same layout), then "}" (compact) or "\n}". */
void oci_state_write_open(FILE *f, const struct oci_state *st, enum oci_state_layout layout);

/* The state of the container plan p makes: its bundle and annotations,
 * with the id, status and host pid given. */
struct plan;
struct oci_state oci_state_of_plan(const struct plan *p, const char *id, const char *status, pid_t pid);

#endif
