/* Internal to spec/: a cursor over the JSON tree that knows the file name
 * and the JSON pointer of where it is, so every error and warning can say
 * "FILE:LINE:COL: /pointer: message". */
#ifndef NSRUN_DECODE_H
#define NSRUN_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "spec.h"

struct dec {
	const char *file;
	char ptr[1024];           /* JSON pointer of the current value */
	size_t ptr_len;
	struct nsrun_error *err;
	FILE *warn;
	unsigned *n_warnings;
	struct spec *spec;        /* where DEC_UNSUPPORTED members are recorded; its
				   * origins name the options that made values */
};

/* Push "/key" or "/index" onto the pointer; dec_pop restores the old length. */
size_t dec_push_key(struct dec *d, const char *key);
size_t dec_push_index(struct dec *d, size_t i);
static inline void dec_pop(struct dec *d, size_t old) { d->ptr_len = old; d->ptr[old] = '\0'; }

static inline struct spec_pos dec_pos(const struct json_node *n)
{
	return (struct spec_pos){ n ? n->line : 0, n ? n->col : 0 };
}
/* The command-line option that made the value at pos (line 0, column k:
 * s->origins[k - 1], see spec_load_opts); NULL for any other position. */
static inline const char *spec_origin(const struct spec *s, struct spec_pos pos)
{
	return !pos.line && pos.col && pos.col <= s->n_origins ? s->origins[pos.col - 1] : NULL;
}
/* Errors go through spec_fail_at's formatter.  dec_fail_at: at pos,
 * naming ptr; dec_fail: at node n (or the pointer only if n is NULL),
 * naming the current pointer.  Both return -1. */
int dec_fail_at(struct dec *d, struct spec_pos pos, const char *ptr, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define dec_fail(d, n, ...) dec_fail_at((d), dec_pos(n), (d)->ptr, __VA_ARGS__)
void dec_warn(struct dec *d, unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Member access.  dec_member marks the member used and records the key
 * as known for suggestions (it does not push the key); the typed decoders
 * fail with a typed message on a wrong type.  Absent members leave *out
 * untouched and return 0 with *found = false when `found` is non-NULL. */
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

/* Members decoded from a table: one row per key, in the order the keys
 * are looked at (which decides which error comes first, and which known
 * key a misspelt one is matched to).  The value goes to `obj` + offset,
 * its position (has_pos) to `obj` + pos_offset.  Adding a member is one
 * row in its object's table, plus a DEC_CALL handler when its value has
 * rules of its own; rules across members go to validate.c, defaults to
 * defaults.c. */
typedef int dec_fn(struct dec *d, void *target, const struct json_node *n);
typedef int dec_item_fn(struct dec *d, void *arg, size_t i, const struct json_node *item);
enum dec_kind {
	DEC_CALL,          /* fn(d, target, value) with the key pushed */
	DEC_STRING,        /* char *; with check, refused when check(value) says why */
	DEC_ARRAY,         /* T * of n items of size bytes, then item(d, obj, i, value[i]) */
	DEC_KV,            /* struct spec_kv *, counted at count_offset (dec_string_map) */
	DEC_BOOL,          /* bool */
	DEC_STRV,          /* struct spec_strv */
	DEC_UINT,          /* uint64_t, 0..max */
	DEC_U32,           /* uint32_t, 0..max */
	DEC_SET_U64,       /* struct spec_u64, 0..max */
	DEC_SET_I64,       /* struct spec_i64, min..max */
	DEC_SET_BOOL,      /* struct spec_bool */
	DEC_UNSUPPORTED,   /* known, not carried out yet: refused at validation */
	DEC_FOREIGN,       /* a member of another platform's: a warning */
};
struct dec_field {
	const char *key;
	enum dec_kind kind;
	size_t offset;
	dec_fn *fn;
	int64_t min;
	uint64_t max;
	bool has_pos;             /* the value's position goes to obj + pos_offset */
	size_t pos_offset;
	bool has_given;           /* true goes to the bool at obj + given_offset */
	size_t given_offset;
	dec_item_fn *item;        /* DEC_ARRAY */
	size_t size;
	const char *(*check)(const char *value); /* DEC_STRING: NULL, or what is wrong */
	const char *what;         /* ... said before it ("a network interface name ") */
	const char *too_many;     /* DEC_ARRAY with max: the message for more items, given max */
	size_t count_offset;      /* DEC_KV: its size_t count */
	int (*check_key)(struct dec *d, const struct spec_kv *kv); /* DEC_KV, may be NULL */
};
#define DEC_AT(type, member) .offset = offsetof(type, member)
#define DEC_POS(type, member) .has_pos = true, .pos_offset = offsetof(type, member)
#define DEC_GIVEN(type, member) .has_given = true, .given_offset = offsetof(type, member)
#define DEC_ARRAY_OF(type, member, fn) .kind = DEC_ARRAY, DEC_AT(type, member), .item = (fn), \
	.size = sizeof(*((type *)0)->member)
int dec_fields(struct dec *d, struct dec_obj *o, void *obj, const struct dec_field *f, size_t n);
#define DEC_FIELDS(d, o, obj, table) dec_fields((d), (o), (obj), (table), ARRAY_SIZE(table))
/* An object: dec_object, the table, dec_object_done. */
int dec_object_fields(struct dec *d, const struct json_node *n, void *obj, const struct dec_field *f,
		      size_t nf);
#define DEC_OBJECT(d, n, obj, table) dec_object_fields((d), (n), (obj), (table), ARRAY_SIZE(table))

/* An object that marks *given, and *pos (may be NULL), then its table. */
int dec_object_at(struct dec *d, const struct json_node *n, bool *given, struct spec_pos *pos, void *obj,
		  const struct dec_field *f, size_t nf);
/* Item i of an array of objects: opens *o, counts it (*count = i + 1, so
 * that what it comes to hold is freed) and records its position. */
int dec_item_object(struct dec *d, const struct json_node *n, struct dec_obj *o, size_t *count, size_t i,
		    struct spec_pos *pos);
/* Each item of an array (already checked to be one) with "/INDEX" pushed. */
int dec_items(struct dec *d, const struct json_node *n, dec_item_fn *fn, void *arg);
/* Each member of an object (already checked to be one) with "/KEY"
 * pushed, all of them used. */
typedef int dec_entry_fn(struct dec *d, void *arg, size_t i, const struct json_member *m);
int dec_entries(struct dec *d, const struct json_node *n, dec_entry_fn *fn, void *arg);
/* A required member: fails at the object ("\"KEY\" is required") when it
 * is absent, else returns it with the key pushed; the caller pops back to
 * *old.  NULL after an error. */
const struct json_node *dec_require(struct dec *d, struct dec_obj *o, const char *key, size_t *old);
/* The same for a string, decoded into *out (the key stays pushed, so that
 * checks of the value name it). */
const struct json_node *dec_require_string(struct dec *d, struct dec_obj *o, const char *key, char **out,
					   size_t *old);
/* The same for an integer from 0 to max, decoded into *out (nothing is
 * left pushed).  Returns -1 after an error. */
int dec_require_uint(struct dec *d, struct dec_obj *o, const char *key, uint64_t max, uint64_t *out);
/* Getters by member name: push the key, decode, pop; absent: nothing. */
int dec_get_string(struct dec *d, struct dec_obj *o, const char *key, char **out);
int dec_get_bool(struct dec *d, struct dec_obj *o, const char *key, bool *out);
int dec_get_uint(struct dec *d, struct dec_obj *o, const char *key, uint64_t max, uint64_t *out, bool *found);
/* n must be a string: else "expected WHAT, got TYPE". */
int dec_want_string(struct dec *d, const struct json_node *n, const char *what);
/* An array item that is an object with a required string "type", which
 * lookup turns into *out (or fails on with its own message): opens *o and
 * sets *pos; returns the "type" node, NULL after an error. */
typedef int dec_lookup_fn(struct dec *d, const struct json_node *type, int *out);
const struct json_node *dec_typed_item(struct dec *d, const struct json_node *n, struct dec_obj *o,
				       struct spec_pos *pos, dec_lookup_fn *lookup, int *out);
/* A string that must be an absolute path without ".." ("a hook path"). */
int dec_check_abs_path(struct dec *d, const struct json_node *n, const char *path, const char *what);


/* The handlers of members that have files of their own (dec_fn: target
 * is the row's DEC_AT, else the whole object). */
int dec_process(struct dec *d, void *process, const struct json_node *n);  /* decode-process.c */
int dec_linux(struct dec *d, void *linux_, const struct json_node *n);     /* decode-linux.c */
int dec_resources(struct dec *d, void *resources, const struct json_node *n); /* decode-resources.c */
int dec_cgroups_path(struct dec *d, void *linux_, const struct json_node *n);
int dec_seccomp(struct dec *d, void *seccomp, const struct json_node *n);  /* decode-seccomp.c */
int dec_linux_syscall_filter(struct dec *d, void *linux_, const struct json_node *n);
int dec_linux_syscall_errno(struct dec *d, void *linux_, const struct json_node *n);
int dec_private_users(struct dec *d, void *spec, const struct json_node *n); /* decode-userns.c */
int dec_add(struct dec *d, void *spec, const struct json_node *n);          /* add.c */

/* Shared with add.c (the "add" member). */
int dec_mount_list(struct dec *d, const struct json_node *n, struct spec_mount **out, size_t *count);
int dec_cap_set(struct dec *d, void *mask, const struct json_node *n);     /* uint64_t *mask */
int dec_env(struct dec *d, void *strv, const struct json_node *n);         /* KEY=VALUE strings */
int dec_syscall_filter(struct dec *d, void *filter, const struct json_node *n);
int spec_apply_add(struct dec *d, struct spec *s);

/* "privateUsers" (spec/decode-userns.c): after the short spec's defaults,
 * turn it into a user namespace and mappings (or refuse what contradicts
 * it); the command line's -U / --private-users-ownership onto s (before
 * validation). */
int spec_private_users_apply(struct dec *d, struct spec *s);
int spec_private_users_from_opts(struct dec *d, struct spec *s, const struct spec_load_opts *opts);

/* Freeing the parts. */
void spec_mounts_free(struct spec_mount *v, size_t n);
void spec_process_free(struct spec_process *p);
void spec_linux_free(struct spec_linux *l);
void spec_linux_syscalls_free(struct spec_linux *l);
void spec_resources_free(struct spec_resources *r);
void spec_add_free(struct spec_add *a);
void spec_kv_free(struct spec_kv *v, size_t n);
/* An array of n structs (v[i].member is a string the array owns). */
void spec_items_free(void *v, size_t n, size_t size, size_t offset);
#define SPEC_ITEMS_FREE(v, n, member) \
	spec_items_free((v), (n), sizeof(*(v)), offsetof(__typeof__(*(v)), member))

/* linux.namespaces: adding a new one (finding one: spec.h). */
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

#endif
