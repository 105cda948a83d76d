/* Internal to spec/: a cursor over the JSON tree that knows the file name
 * and the JSON pointer of where it is, so every error and warning can say
 * "FILE:LINE:COL: /pointer: message". */
#ifndef NSRUN_DECODE_H
#define NSRUN_DECODE_H

#include <stdarg.h>
#include <stdint.h>

#include "spec.h"

struct dec {
	const char *file;
	char ptr[1024];           /* JSON pointer of the current value */
	size_t ptr_len;
	struct nsrun_error *err;
	FILE *warn;
	unsigned *n_warnings;
	const char *const *origins; /* see spec_load_opts */
	size_t n_origins;
};

/* Push "/key" or "/index" onto the pointer; dec_pop restores the old length. */
size_t dec_push_key(struct dec *d, const char *key);
size_t dec_push_index(struct dec *d, size_t i);
static inline void dec_pop(struct dec *d, size_t old) { d->ptr_len = old; d->ptr[old] = '\0'; }

static inline struct spec_pos dec_pos(const struct json_node *n)
{
	return (struct spec_pos){ n ? n->line : 0, n ? n->col : 0 };
}
/* Errors go through spec_vfail_at (spec_fail_at's core; ptr NULL: the
 * message names its pointer itself).  dec_fail_at: at pos, naming ptr;
 * dec_fail: at node n (or the pointer only if n is NULL), naming the
 * current pointer.  Both return -1. */
int spec_vfail_at(struct nsrun_error *err, const char *file, const char *const *origins, size_t n_origins,
		  struct spec_pos pos, const char *ptr, const char *fmt, va_list ap);
int dec_fail_at(struct dec *d, struct spec_pos pos, const char *ptr, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define dec_fail(d, n, ...) dec_fail_at((d), dec_pos(n), (d)->ptr, __VA_ARGS__)
void dec_warn(struct dec *d, unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Member access.  Each getter marks the member used, records the key as
 * known for suggestions, and fails with a typed message on a wrong type.
 * Absent members leave *out untouched and return 0 with *found = false
 * when `found` is non-NULL.  Callers push the key themselves only when
 * they descend (dec_member does the push for them). */
struct dec_obj {
	const struct json_node *node;
	const char *known[64];
	size_t n_known;
};
int dec_object(struct dec *d, const struct json_node *n, struct dec_obj *o);
const struct json_node *dec_member(struct dec_obj *o, const char *key);
/* Warn about members nobody consumed, with a "did you mean" suggestion. */
void dec_object_done(struct dec *d, struct dec_obj *o);

int dec_string(struct dec *d, const struct json_node *n, char **out);
int dec_bool(struct dec *d, const struct json_node *n, bool *out);
int dec_uint(struct dec *d, const struct json_node *n, uint64_t max, uint64_t *out);
int dec_int(struct dec *d, const struct json_node *n, int64_t min, int64_t max, int64_t *out);
int dec_strv(struct dec *d, const struct json_node *n, struct spec_strv *out);
int dec_array(struct dec *d, const struct json_node *n);

/* A required string member: fails at `obj` ("\"KEY\" is required") when it
 * is absent, else decodes it with the key left pushed on the pointer, so
 * that checks of the value name it; the caller pops back to *old.  NULL
 * after an error. */
const struct json_node *dec_require_string(struct dec *d, struct dec_obj *o, const struct json_node *obj,
					   const char *key, char **out, size_t *old);
/* Getters by member name: pushes the key, decodes, pops. */
int dec_get_string(struct dec *d, struct dec_obj *o, const char *key, char **out);
int dec_get_bool(struct dec *d, struct dec_obj *o, const char *key, bool *out);
int dec_get_uint(struct dec *d, struct dec_obj *o, const char *key, uint64_t max, uint64_t *out, bool *found);
int dec_get_strv(struct dec *d, struct dec_obj *o, const char *key, struct spec_strv *out);


/* linux.syscallFilter, linux.syscallErrno and linux.seccomp of the linux
 * object (spec/decode-seccomp.c), and freeing what they hold. */
int dec_linux_syscalls(struct dec *d, struct spec_linux *l, struct dec_obj *o);
void spec_linux_syscalls_free(struct spec_linux *l);
bool spec_path_has_dotdot(const char *path);

/* linux.namespaces: the entry of a type (NULL if none), whether it is a
 * NEW one (not joined by path), and adding a new one. */
const struct spec_namespace *spec_find_namespace(const struct spec *s, int type);
bool spec_has_new_namespace(const struct spec *s, int type);
void spec_add_namespace(struct spec *s, int type, struct spec_pos pos);

/* After decoding, in this order: the checks of what was given (root.path,
 * members not supported yet, ociVersion), the defaults (defaults.c; the
 * checks that need one filled in run between them), the checks of the
 * whole (validate.c). */
int spec_check_given(struct dec *d, const struct spec *s);
int spec_fill_defaults(struct dec *d, struct spec *s);
int spec_validate(struct dec *d, struct spec *s);
/* RFC 1123 host names: NULL, or what is wrong. */
const char *spec_check_hostname(const char *h);

/* Shared with spec/add.c (the "add" member). */
int dec_mount(struct dec *d, struct spec *s, struct spec_mount *m, const struct json_node *n);
int dec_cap_set(struct dec *d, const struct json_node *n, uint64_t *mask);
int dec_check_env(struct dec *d, const struct json_node *n);
int dec_syscall_filter(struct dec *d, struct spec_syscall_filter *f, const struct json_node *n);
int dec_add(struct dec *d, struct spec *s, const struct json_node *n);
int spec_apply_add(struct dec *d, struct spec *s);
void spec_add_free(struct spec_add *a);

/* linux.resources and linux.cgroupsPath (spec/decode-resources.c). */
int dec_resources(struct dec *d, struct spec_resources *r, const struct json_node *n);
int dec_cgroups_path(struct dec *d, struct spec_linux *l, const struct json_node *n);
void spec_resources_free(struct spec_resources *r);

/* "privateUsers" (spec/decode-userns.c): decode the member; after the
 * short spec's defaults, turn it into a user namespace and mappings (or
 * refuse what contradicts it). */
int dec_private_users(struct dec *d, struct spec *s, struct dec_obj *o);
int spec_private_users_apply(struct dec *d, struct spec *s);
/* The command line's -U / --private-users-ownership onto s (before validation). */
int spec_private_users_from_opts(struct dec *d, struct spec *s, const struct spec_load_opts *opts);

#endif
