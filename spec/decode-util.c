/* The decoding cursor: pointer bookkeeping, typed getters, warnings for
 * unknown members.  See decode.h. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "decode.h"

/* JSON pointer escaping (RFC 6901): '~' -> "~0", '/' -> "~1". */
size_t dec_push_key(struct dec *d, const char *key)
{
	size_t old = d->ptr_len;
	if (d->ptr_len + 2 < sizeof(d->ptr))
		d->ptr[d->ptr_len++] = '/';
	for (const char *p = key; *p && d->ptr_len + 3 < sizeof(d->ptr); p++) {
		if (*p == '~' || *p == '/') {
			d->ptr[d->ptr_len++] = '~';
			d->ptr[d->ptr_len++] = *p == '~' ? '0' : '1';
		} else {
			d->ptr[d->ptr_len++] = *p;
		}
	}
	d->ptr[d->ptr_len] = '\0';
	return old;
}

size_t dec_push_index(struct dec *d, size_t i)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%zu", i);
	return dec_push_key(d, buf);
}

/* Where a value is, for a message: "FILE:LINE:COL"; the command-line
 * option that made it (spec_origin); else the file. */
static const char *spec_where(char *buf, size_t size, const char *file, const struct spec *s,
			      struct spec_pos pos)
{
	const char *origin = spec_origin(s, pos);
	if (origin)
		return origin;
	if (!pos.line)
		return file;
	snprintf(buf, size, "%s:%u:%u", file, pos.line, pos.col);
	return buf;
}

static int spec_vfail_at(struct nsrun_error *err, const char *file, const struct spec *s,
			 struct spec_pos pos, const char *ptr, const char *fmt, va_list ap)
{
	char what[1200], where[1100];
	vsnprintf(what, sizeof(what), fmt, ap);
	const char *w = spec_where(where, sizeof(where), file, s, pos);
	if (ptr)
		return nsrun_error_set(err, 0, "%s: %s: %s", w, ptr[0] ? ptr : "/", what);
	return nsrun_error_set(err, 0, "%s: %s", w, what);
}

int spec_fail_at(struct nsrun_error *err, const struct spec *s, struct spec_pos pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	spec_vfail_at(err, s->file, s, pos, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

int dec_fail_at(struct dec *d, struct spec_pos pos, const char *ptr, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	spec_vfail_at(d->err, d->file, d->spec, pos, ptr, fmt, ap);
	va_end(ap);
	return -1;
}

void dec_warn(struct dec *d, unsigned line, unsigned col, const char *fmt, ...)
{
	unsigned n = d->n_warnings ? ++*d->n_warnings : 1;
	if (!d->warn || n > SPEC_WARNINGS_MAX + 1)
		return;
	/* A file full of unknown members must not flood the terminal. */
	if (n == SPEC_WARNINGS_MAX + 1) {
		fprintf(d->warn, "%s: warning: more than %d warnings, the rest are not shown\n",
			d->file, SPEC_WARNINGS_MAX);
		return;
	}
	char where[1100];
	va_list ap;
	va_start(ap, fmt);
	fprintf(d->warn, "%s: warning: ", spec_where(where, sizeof(where), d->file, d->spec,
						      (struct spec_pos){ line, col }));
	vfprintf(d->warn, fmt, ap);
	fputc('\n', d->warn);
	va_end(ap);
}

/* How a wrong value is shown in a message: strings quoted (cut short),
 * numbers as written, other types by name. */
static const char *describe(const struct json_node *n, char *buf, size_t size)
{
	if (n->type == JSON_STRING)
		snprintf(buf, size, "\"%.40s%s\"", n->text, n->len > 40 ? "..." : "");
	else if (n->type == JSON_NUMBER)
		snprintf(buf, size, "%.40s", n->text);
	else if (n->type == JSON_BOOL)
		snprintf(buf, size, "%s", n->boolean ? "true" : "false");
	else
		snprintf(buf, size, "%s %s", n->type == JSON_NULL ? "" : n->type == JSON_ARRAY ||
			 n->type == JSON_OBJECT ? "an" : "a", json_type_name(n->type));
	if (n->type == JSON_NULL)
		snprintf(buf, size, "null");
	return buf;
}
#define DESCRIBE(n) describe((n), (char[64]){0}, 64)

int dec_object(struct dec *d, const struct json_node *n, struct dec_obj *o)
{
	memset(o, 0, sizeof(*o));
	if (n->type != JSON_OBJECT)
		return dec_fail(d, n, "expected an object, got %s", DESCRIBE(n));
	o->node = n;
	return 0;
}

const struct json_node *dec_member(struct dec_obj *o, const char *key)
{
	if (o->n_known < ARRAY_SIZE(o->known))
		o->known[o->n_known++] = key;
	struct json_member *m = json_object_member(o->node, key);
	if (!m)
		return NULL;
	m->used = true;
	return m->value;
}

void dec_object_done(struct dec *d, struct dec_obj *o)
{
	for (size_t i = 0; i < o->node->count; i++) {
		struct json_member *m = &o->node->members[i];
		if (m->used)
			continue;
		size_t old = dec_push_key(d, m->key);
		const char *s = spec_suggest(m->key, o->known, o->n_known);
		if (s)
			dec_warn(d, m->line, m->col, "%s: unknown member, ignored (did you mean \"%s\"?)",
				 d->ptr, s);
		else
			dec_warn(d, m->line, m->col, "%s: unknown member, ignored", d->ptr);
		dec_pop(d, old);
	}
}

int dec_string(struct dec *d, const struct json_node *n, char **out)
{
	if (n->type != JSON_STRING)
		return dec_fail(d, n, "expected a string, got %s", DESCRIBE(n));
	free(*out);
	*out = xstrdup(n->text);
	return 0;
}

int dec_bool(struct dec *d, const struct json_node *n, bool *out)
{
	if (n->type != JSON_BOOL)
		return dec_fail(d, n, "expected true or false, got %s", DESCRIBE(n));
	*out = n->boolean;
	return 0;
}

/* Numbers are kept as written, so "1.0", "1e3" and "-0" can be told
 * apart from integers and refused where an integer is meant. */
static int parse_integer_text(const char *t, bool *neg, uint64_t *mag)
{
	*neg = false;
	if (*t == '-') {
		*neg = true;
		t++;
	}
	if (!*t)
		return -1;
	uint64_t v = 0;
	for (; *t; t++) {
		if (*t < '0' || *t > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(*t - '0')) / 10)
			return -2;
		v = v * 10 + (uint64_t)(*t - '0');
	}
	*mag = v;
	return 0;
}

int dec_uint(struct dec *d, const struct json_node *n, uint64_t max, uint64_t *out)
{
	bool neg;
	uint64_t v;
	if (n->type != JSON_NUMBER || parse_integer_text(n->text, &neg, &v) < 0 || neg || v > max)
		return dec_fail(d, n, "expected an integer from 0 to %llu, got %s",
				(unsigned long long)max, DESCRIBE(n));
	*out = v;
	return 0;
}

int dec_int(struct dec *d, const struct json_node *n, int64_t min, int64_t max, int64_t *out)
{
	bool neg;
	uint64_t v;
	if (n->type != JSON_NUMBER)
		return dec_fail(d, n, "expected an integer from %lld to %lld, got %s",
				(long long)min, (long long)max, DESCRIBE(n));
	int r = parse_integer_text(n->text, &neg, &v);
	if (r == 0 && !neg && v <= (uint64_t)INT64_MAX && (int64_t)v <= max && (int64_t)v >= min) {
		*out = (int64_t)v;
		return 0;
	}
	if (r == 0 && neg && v <= (uint64_t)INT64_MAX + 1 &&
	    (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) >= min &&
	    (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) <= max) {
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
		return 0;
	}
	return dec_fail(d, n, "expected an integer from %lld to %lld, got %s",
			(long long)min, (long long)max, DESCRIBE(n));
}

int dec_array(struct dec *d, const struct json_node *n)
{
	if (n->type != JSON_ARRAY)
		return dec_fail(d, n, "expected an array, got %s", DESCRIBE(n));
	return 0;
}

int dec_strv(struct dec *d, const struct json_node *n, struct spec_strv *out)
{
	if (dec_array(d, n) < 0)
		return -1;
	spec_strv_free(out);
	out->v = xcalloc(n->count + 1, sizeof(char *));
	for (size_t i = 0; i < n->count; i++) {
		size_t old = dec_push_index(d, i);
		if (dec_string(d, n->items[i], &out->v[i]) < 0)
			return -1;
		out->n = i + 1;
		dec_pop(d, old);
	}
	return 0;
}

const struct json_node *dec_require(struct dec *d, struct dec_obj *o, const char *key, size_t *old)
{
	const struct json_node *n = dec_member(o, key);
	if (!n) {
		dec_fail(d, o->node, "\"%s\" is required", key);
		return NULL;
	}
	*old = dec_push_key(d, key);
	return n;
}

int dec_require_uint(struct dec *d, struct dec_obj *o, const char *key, uint64_t max, uint64_t *out)
{
	bool found;
	if (dec_get_uint(d, o, key, max, out, &found) < 0)
		return -1;
	if (!found)
		return dec_fail(d, o->node, "\"%s\" is required", key);
	return 0;
}

const struct json_node *dec_require_string(struct dec *d, struct dec_obj *o, const char *key, char **out,
					   size_t *old)
{
	const struct json_node *n = dec_require(d, o, key, old);
	return !n || dec_string(d, n, out) < 0 ? NULL : n;
}

/* Record a member that is parsed and recognised but not carried out yet;
 * validation refuses the spec with "not supported yet". */
static void dec_unsupported(struct dec *d, struct dec_obj *o, const char *key)
{
	const struct json_node *n = dec_member(o, key);
	if (!n)
		return;
	size_t old = dec_push_key(d, key);
	struct spec_pos pos = dec_pos(n);
	/* Name what is asked for: "/linux/resources/memory", not "/linux/resources". */
	if (n->type == JSON_OBJECT && n->count) {
		dec_push_key(d, n->members[0].key);
		pos = (struct spec_pos){ n->members[0].line, n->members[0].col };
	}
	struct spec *s = d->spec;
	s->unsupported = xrealloc(s->unsupported, (s->n_unsupported + 1) * sizeof(*s->unsupported));
	s->unsupported[s->n_unsupported++] = (struct spec_unsupported){ xstrdup(d->ptr), pos };
	dec_pop(d, old);
}

/* A member of a struct by its offset (a row's offset comes from offsetof,
 * so the result is aligned for the member's type). */
static void *at(void *obj, size_t offset)
{
	return (char *)obj + offset;
}

static int dec_checked_string(struct dec *d, const struct dec_field *f, char **out, const struct json_node *n)
{
	if (dec_string(d, n, out) < 0)
		return -1;
	const char *why = f->check ? f->check(*out) : NULL;
	if (why)
		return dec_fail(d, n, "%s%s, got \"%s\"", f->what ? f->what : "", why, n->text);
	return 0;
}

static int dec_array_of(struct dec *d, const struct dec_field *f, void *obj, const struct json_node *n)
{
	if (dec_array(d, n) < 0)
		return -1;
	if (f->max && n->count > f->max)
		return dec_fail(d, n, f->too_many, (int)f->max);
	if (f->has_given)
		*(bool *)at(obj, f->given_offset) = true;
	if (f->size)
		*(void **)at(obj, f->offset) = xcalloc(n->count, f->size);
	return dec_items(d, n, f->item, obj);
}

static int dec_string_map(struct dec *d, const struct json_node *n, struct spec_kv **out, size_t *count,
			  int (*check_key)(struct dec *d, const struct spec_kv *kv));

/* The value of one row, with its key pushed. */
static int dec_value(struct dec *d, const struct dec_field *f, void *obj, const struct json_node *n)
{
	void *target = at(obj, f->offset);
	struct spec_u64 *u = target;
	struct spec_i64 *i = target;
	struct spec_bool *b = target;
	uint64_t v;
	switch (f->kind) {
	case DEC_CALL:
		return f->fn(d, target, n);
	case DEC_STRING:
		return dec_checked_string(d, f, target, n);
	case DEC_ARRAY:
		return dec_array_of(d, f, obj, n);
	case DEC_KV:
		return dec_string_map(d, n, target, at(obj, f->count_offset), f->check_key);
	case DEC_BOOL:
		return dec_bool(d, n, target);
	case DEC_STRV:
		return dec_strv(d, n, target);
	case DEC_UINT:
		return dec_uint(d, n, f->max, target);
	case DEC_U32:
		if (dec_uint(d, n, f->max, &v) < 0)
			return -1;
		*(uint32_t *)target = (uint32_t)v;
		return 0;
	case DEC_SET_U64:
		*u = (struct spec_u64){ true, 0, dec_pos(n) };
		return dec_uint(d, n, f->max, &u->v);
	case DEC_SET_I64:
		*i = (struct spec_i64){ true, 0, dec_pos(n) };
		return dec_int(d, n, f->min, (int64_t)f->max, &i->v);
	case DEC_SET_BOOL:
		*b = (struct spec_bool){ true, false, dec_pos(n) };
		return dec_bool(d, n, &b->v);
	case DEC_UNSUPPORTED:
	case DEC_FOREIGN:
		break;
	}
	return 0;
}

/* One row: 1 when the member is there, 0 when not, -1 after an error. */
static int dec_field(struct dec *d, struct dec_obj *o, const struct dec_field *f, void *obj)
{
	if (f->kind == DEC_UNSUPPORTED) {
		dec_unsupported(d, o, f->key);
		return 0;
	}
	const struct json_node *n = dec_member(o, f->key);
	if (!n)
		return 0;
	if (f->kind == DEC_FOREIGN) {
		dec_warn(d, n->line, n->col, "/%s: for another platform, ignored", f->key);
		return 1;
	}
	if (f->has_pos)
		*(struct spec_pos *)at(obj, f->pos_offset) = dec_pos(n);
	size_t old = dec_push_key(d, f->key);
	if (dec_value(d, f, obj, n) < 0)
		return -1;
	dec_pop(d, old);
	return 1;
}

int dec_fields(struct dec *d, struct dec_obj *o, void *obj, const struct dec_field *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (dec_field(d, o, &f[i], obj) < 0)
			return -1;
	return 0;
}

int dec_object_fields(struct dec *d, const struct json_node *n, void *obj, const struct dec_field *f,
		      size_t nf)
{
	struct dec_obj o;
	if (dec_object(d, n, &o) < 0 || dec_fields(d, &o, obj, f, nf) < 0)
		return -1;
	dec_object_done(d, &o);
	return 0;
}

int dec_object_at(struct dec *d, const struct json_node *n, bool *given, struct spec_pos *pos, void *obj,
		  const struct dec_field *f, size_t nf)
{
	struct dec_obj o;
	if (dec_object(d, n, &o) < 0)
		return -1;
	*given = true;
	if (pos)
		*pos = dec_pos(n);
	if (dec_fields(d, &o, obj, f, nf) < 0)
		return -1;
	dec_object_done(d, &o);
	return 0;
}

int dec_item_object(struct dec *d, const struct json_node *n, struct dec_obj *o, size_t *count, size_t i,
		    struct spec_pos *pos)
{
	if (dec_object(d, n, o) < 0)
		return -1;
	*count = i + 1;
	*pos = dec_pos(n);
	return 0;
}

int dec_items(struct dec *d, const struct json_node *n, dec_item_fn *fn, void *arg)
{
	for (size_t i = 0; i < n->count; i++) {
		size_t old = dec_push_index(d, i);
		if (fn(d, arg, i, n->items[i]) < 0)
			return -1;
		dec_pop(d, old);
	}
	return 0;
}

int dec_entries(struct dec *d, const struct json_node *n, dec_entry_fn *fn, void *arg)
{
	for (size_t i = 0; i < n->count; i++) {
		struct json_member *m = &n->members[i];
		m->used = true;
		size_t old = dec_push_key(d, m->key);
		if (fn(d, arg, i, m) < 0)
			return -1;
		dec_pop(d, old);
	}
	return 0;
}

struct string_map { struct spec_kv **v; size_t *n; int (*check_key)(struct dec *d, const struct spec_kv *kv); };

static int dec_string_entry(struct dec *d, void *arg, size_t i, const struct json_member *m)
{
	struct string_map *map = arg;
	struct spec_kv *kv = &(*map->v)[i];
	kv->key = xstrdup(m->key);
	kv->pos = (struct spec_pos){ m->line, m->col };
	*map->n = i + 1;
	if (map->check_key && map->check_key(d, kv) < 0)
		return -1;
	return dec_string(d, m->value, &kv->value);
}

static int dec_string_map(struct dec *d, const struct json_node *n, struct spec_kv **out, size_t *count,
			  int (*check_key)(struct dec *d, const struct spec_kv *kv))
{
	struct dec_obj o;
	if (dec_object(d, n, &o) < 0)
		return -1;
	*out = xcalloc(n->count, sizeof(**out));
	return dec_entries(d, n, dec_string_entry, &(struct string_map){ out, count, check_key });
}

int dec_get_string(struct dec *d, struct dec_obj *o, const char *key, char **out)
{
	return dec_field(d, o, &(struct dec_field){ .key = key, .kind = DEC_STRING }, out) < 0 ? -1 : 0;
}

int dec_get_bool(struct dec *d, struct dec_obj *o, const char *key, bool *out)
{
	return dec_field(d, o, &(struct dec_field){ .key = key, .kind = DEC_BOOL }, out) < 0 ? -1 : 0;
}

int dec_get_uint(struct dec *d, struct dec_obj *o, const char *key, uint64_t max, uint64_t *out,
		 bool *found)
{
	int r = dec_field(d, o, &(struct dec_field){ .key = key, .kind = DEC_UINT, .max = max }, out);
	if (found)
		*found = r > 0;
	return r < 0 ? -1 : 0;
}

int dec_want_string(struct dec *d, const struct json_node *n, const char *what)
{
	if (n->type != JSON_STRING)
		return dec_fail(d, n, "expected %s, got %s", what, json_type_name(n->type));
	return 0;
}

const struct json_node *dec_typed_item(struct dec *d, const struct json_node *n, struct dec_obj *o,
				       struct spec_pos *pos, dec_lookup_fn *lookup, int *out)
{
	_cleanup_free_ char *type = NULL;
	size_t old;
	if (dec_object(d, n, o) < 0)
		return NULL;
	*pos = dec_pos(n);
	const struct json_node *t = dec_require_string(d, o, "type", &type, &old);
	if (!t || lookup(d, t, out) < 0)
		return NULL;
	dec_pop(d, old);
	return t;
}

static bool has_dotdot(const char *path)
{
	for (const char *p = path; (p = strstr(p, "..")); p += 2) {
		bool start = p == path || p[-1] == '/';
		bool end = p[2] == '\0' || p[2] == '/';
		if (start && end)
			return true;
	}
	return false;
}

int dec_check_abs_path(struct dec *d, const struct json_node *n, const char *path, const char *what)
{
	if (path[0] != '/')
		return dec_fail(d, n, "%s must be an absolute path, got \"%s\"", what, path);
	if (has_dotdot(path))
		return dec_fail(d, n, "%s must not contain \"..\" components, got \"%s\"", what, path);
	return 0;
}

void spec_items_free(void *v, size_t n, size_t size, size_t offset)
{
	for (size_t i = 0; i < n; i++)
		free(*(char **)at((char *)v + i * size, offset));
	free(v);
}

void spec_kv_free(struct spec_kv *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
}

void spec_strv_free(struct spec_strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

char **spec_argv_dup(char *const *v, size_t n)
{
	char **out = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

void spec_argv_free(char **v)
{
	for (char **a = v; a && *a; a++)
		free(*a);
	free(v);
}


const struct spec_namespace *spec_find_namespace(const struct spec *s, int type)
{
	for (size_t i = 0; i < s->linux_.n_namespaces; i++)
		if (s->linux_.namespaces[i].type == type)
			return &s->linux_.namespaces[i];
	return NULL;
}

bool spec_has_new_namespace(const struct spec *s, int type)
{
	const struct spec_namespace *ns = spec_find_namespace(s, type);
	return ns && !ns->path;
}

void spec_add_namespace(struct spec *s, int type, struct spec_pos pos)
{
	struct spec_linux *l = &s->linux_;
	l->namespaces = xrealloc(l->namespaces, (l->n_namespaces + 1) * sizeof(*l->namespaces));
	l->namespaces[l->n_namespaces++] = (struct spec_namespace){ .type = type,
		.name = spec_namespace_name(type), .pos = pos };
}
