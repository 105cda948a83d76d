/* System call groups ("@system-service", "@mount", ...) as systemd 252
 * defines them.  The data lives in schemas/syscall-groups.json; the build
 * turns it into a C table (schemas/gen-syscall-groups.py), which these
 * functions wrap.  Used by `nsrun analyze syscall-filter` and by the
 * seccomp code for linux.syscallFilter entries such as "@system-service",
 * "~@mount", "~read" or "mkdir:EACCES". */
#ifndef NSRUN_SYSCALL_GROUPS_H
#define NSRUN_SYSCALL_GROUPS_H

#include "common.h"

struct syscall_group {
	const char *name;           /* "@system-service", always starts with '@' */
	const char *help;           /* one line, as systemd-analyze prints it */
	const char *const *members; /* direct members in systemd's order; an
	                               entry starting with '@' is a nested group */
	size_t n_members;
};

/* The generated table, in systemd's order (@default first, @known last).
 * The generator guarantees: unique names, nested references resolve, no
 * cycles, no duplicate member within a group. */
extern const struct syscall_group syscall_group_table[];
extern const size_t syscall_group_table_size;

/* Iterate over all groups in order. */
#define SYSCALL_GROUP_FOREACH(g)                                          \
	for (const struct syscall_group *g = syscall_group_table;            \
	     g < syscall_group_table + syscall_group_table_size; g++)

/* Group by name, '@' included ("@mount"); NULL if there is none. */
const struct syscall_group *syscall_group_find(const char *name);

/* Resolve a group recursively: *out gets a sorted (strcmp), duplicate-free,
 * NULL-terminated array of *n newly allocated syscall names (free with
 * syscall_names_free).  Errors: name not starting with '@', unknown group,
 * a nested reference to an unknown group, a cycle. */
int syscall_group_expand(const char *name, char ***out, size_t *n, struct nsrun_error *err);
/* The same over any table (the tests use it to check cycle handling). */
int syscall_group_expand_in(const struct syscall_group *table, size_t n_table,
			    const char *name, char ***out, size_t *n,
			    struct nsrun_error *err);
void syscall_names_free(char **names);
static inline void syscall_names_freep(char ***p) { syscall_names_free(*p); }
#define _cleanup_syscall_names_ __attribute__((cleanup(syscall_names_freep)))

/* Is `syscall` a member of g: directly, or (recursive) through nested groups? */
bool syscall_group_contains(const struct syscall_group *g, const char *syscall, bool recursive);

/* Is `name` a system call systemd knows, i.e. a member of @known expanded?
 * Note that systemd 252 lists a few names in other groups but not in @known
 * (nfsservctl, set_tls, uretprobe); syscall_groups_containing() > 0 asks
 * "listed in any group". */
bool syscall_name_known(const char *name);

/* The groups that list `syscall` directly, in table order.  Fills out[] with
 * up to `max` entries and returns how many groups there are in total (so
 * out may be NULL with max 0 to count). */
size_t syscall_groups_containing(const char *syscall, const struct syscall_group **out, size_t max);

#endif
