/* libFuzzer target: the JSON layer alone.  An accepted tree must keep the
 * promises of json.h (positions from 1:1, strings without NUL, an object at
 * the top, unique keys per object); a refusal must name the file. */
#include <stdint.h>
#include <string.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

static void check_node(const struct json_node *n, unsigned depth)
{
	if (!n || n->line < 1 || n->col < 1 || depth > JSON_MAX_DEPTH)
		abort();
	switch (n->type) {
	case JSON_STRING:
	case JSON_NUMBER:
		if (!n->text || strlen(n->text) != n->len)
			abort();
		if (n->type == JSON_STRING)
			json_write_string(devnull, n->text);
		break;
	case JSON_ARRAY:
		for (size_t i = 0; i < n->count; i++)
			check_node(n->items[i], depth + 1);
		break;
	case JSON_OBJECT:
		for (size_t i = 0; i < n->count; i++) {
			const struct json_member *m = &n->members[i];
			if (m->line < 1 || m->col < 1 || json_object_member(n, m->key) != m)
				abort();   /* a duplicate key got through */
			json_write_string(devnull, m->key);
			check_node(m->value, depth + 1);
		}
		break;
	case JSON_NULL:
	case JSON_BOOL:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!devnull)
		devnull = fopen("/dev/null", "we");
	struct nsrun_error err = { 0 };
	struct json_node *root = NULL;
	if (json_parse((const char *)data, size, "f.json", &root, &err) < 0) {
		if (root || strncmp(err.msg, "f.json:", 7) != 0)
			abort();
		return 0;
	}
	if (root->type != JSON_OBJECT)
		abort();
	check_node(root, 1);
	json_free(root);
	return 0;
}
