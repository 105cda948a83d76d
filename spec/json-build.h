/* Building and printing JSON trees (the command line's spec, registry
 * records).  A built node has line 0 and column `origin` (see
 * spec_load_opts: messages about it name the option it came from). */
#ifndef NSRUN_JSON_BUILD_H
#define NSRUN_JSON_BUILD_H

#include "json.h"

struct json_node *json_new(enum json_type type, unsigned origin);
struct json_node *json_new_string(const char *s, unsigned origin);
struct json_node *json_new_bool(bool b, unsigned origin);
struct json_node *json_new_number(long long n, unsigned origin);
/* Set obj[key] = value (replacing and freeing an old value); returns value. */
struct json_node *json_set(struct json_node *obj, const char *key, struct json_node *value);
/* Remove obj[key] when it is there. */
void json_remove(struct json_node *obj, const char *key);
/* obj[key] when it is of `type`, else a new empty one put there. */
struct json_node *json_child(struct json_node *obj, const char *key, enum json_type type,
			     unsigned origin);
/* Append to an array; returns value. */
struct json_node *json_append(struct json_node *arr, struct json_node *value);
/* Print a tree, indented with tabs, ending with a newline. */
void json_write_tree(FILE *f, const struct json_node *n);

#endif
