/* Building and printing JSON trees: see json-build.h. */
#include <string.h>

#include "json-build.h"

struct json_node *json_new(enum json_type type, unsigned origin)
{
	struct json_node *n = xcalloc(1, sizeof(*n));
	n->type = type;
	n->col = origin;
	return n;
}

struct json_node *json_new_string(const char *s, unsigned origin)
{
	struct json_node *n = json_new(JSON_STRING, origin);
	n->text = xstrdup(s);
	n->len = strlen(s);
	return n;
}

struct json_node *json_new_bool(bool b, unsigned origin)
{
	struct json_node *n = json_new(JSON_BOOL, origin);
	n->boolean = b;
	return n;
}

struct json_node *json_new_number(long long v, unsigned origin)
{
	struct json_node *n = json_new(JSON_NUMBER, origin);
	n->text = xasprintf("%lld", v);
	n->len = strlen(n->text);
	return n;
}

struct json_node *json_set(struct json_node *obj, const char *key, struct json_node *value)
{
	struct json_member *m = json_object_member(obj, key);
	if (m) {
		json_free(m->value);
		m->value = value;
		return value;
	}
	obj->members = xrealloc(obj->members, (obj->count + 1) * sizeof(*obj->members));
	obj->members[obj->count++] = (struct json_member){ .key = xstrdup(key), .value = value,
							   .col = value->col };
	return value;
}

void json_remove(struct json_node *obj, const char *key)
{
	struct json_member *m = json_object_member(obj, key);
	if (!m)
		return;
	json_free(m->value);
	free(m->key);
	size_t i = (size_t)(m - obj->members);
	memmove(m, m + 1, (obj->count - i - 1) * sizeof(*m));
	obj->count--;
}

struct json_node *json_child(struct json_node *obj, const char *key, enum json_type type,
			     unsigned origin)
{
	struct json_member *m = json_object_member(obj, key);
	if (m && m->value->type == type)
		return m->value;
	return json_set(obj, key, json_new(type, origin));
}

struct json_node *json_append(struct json_node *arr, struct json_node *value)
{
	arr->items = xrealloc(arr->items, (arr->count + 1) * sizeof(*arr->items));
	arr->items[arr->count++] = value;
	return value;
}

static void indent(FILE *f, int depth)
{
	for (int i = 0; i < depth; i++)
		putc('\t', f);
}

static bool is_scalar_array(const struct json_node *n)
{
	for (size_t i = 0; i < n->count; i++)
		if (n->items[i]->type == JSON_ARRAY || n->items[i]->type == JSON_OBJECT)
			return false;
	return true;
}

static void write_node(FILE *f, const struct json_node *n, int depth)
{
	switch (n->type) {
	case JSON_NULL: fputs("null", f); return;
	case JSON_BOOL: fputs(n->boolean ? "true" : "false", f); return;
	case JSON_NUMBER: fputs(n->text, f); return;
	case JSON_STRING: json_write_string(f, n->text); return;
	case JSON_ARRAY:
		if (is_scalar_array(n)) {   /* [ "a", "b" ] on one line */
			fputs(n->count ? "[ " : "[", f);
			for (size_t i = 0; i < n->count; i++) {
				write_node(f, n->items[i], depth);
				fputs(i + 1 < n->count ? ", " : " ", f);
			}
			putc(']', f);
			return;
		}
		fputs("[\n", f);
		for (size_t i = 0; i < n->count; i++) {
			indent(f, depth + 1);
			write_node(f, n->items[i], depth + 1);
			fputs(i + 1 < n->count ? ",\n" : "\n", f);
		}
		indent(f, depth);
		putc(']', f);
		return;
	case JSON_OBJECT:
		fputs(n->count ? "{\n" : "{", f);
		for (size_t i = 0; i < n->count; i++) {
			indent(f, depth + 1);
			json_write_string(f, n->members[i].key);
			fputs(": ", f);
			write_node(f, n->members[i].value, depth + 1);
			fputs(i + 1 < n->count ? ",\n" : "\n", f);
		}
		if (n->count)
			indent(f, depth);
		putc('}', f);
		return;
	}
}

void json_write_tree(FILE *f, const struct json_node *n)
{
	write_node(f, n, 0);
	putc('\n', f);
}
