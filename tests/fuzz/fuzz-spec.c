/* libFuzzer target: a whole spec file through the parser, the decoder and
 * validator, the planner and both printers.  Besides crashes and leaks it
 * checks that every refusal is a message that names the file, as `nsrun
 * check` promises. */
#include <stdint.h>
#include <string.h>

#include "plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

static void check_message(const struct nsrun_error *err, const char *name)
{
	/* "NAME:LINE:COL: ..." or "NAME: ..." */
	size_t n = strlen(name);
	if (strncmp(err->msg, name, n) != 0 || err->msg[n] != ':') {
		fprintf(stderr, "error message does not name the file: %s\n", err->msg);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char name[] = "/fuzz/config.json";
	if (!devnull)
		devnull = fopen("/dev/null", "we");
	struct nsrun_error err = { 0 };
	struct json_node *root = NULL;
	if (json_parse((const char *)data, size, name, &root, &err) < 0) {
		check_message(&err, name);
		return 0;
	}
	struct spec *spec = NULL;
	int r = spec_load_tree(root, name, devnull, &spec, &err);
	json_free(root);
	if (r < 0) {
		check_message(&err, name);
		return 0;
	}
	struct plan *plan = NULL;
	if (plan_build(spec, NULL, &plan_host_permissive, &plan, &err) < 0) {
		check_message(&err, name);
		return 0;
	}
	plan_print(plan, devnull);
	plan_print_json(plan, devnull);
	plan_free(plan);
	return 0;
}
