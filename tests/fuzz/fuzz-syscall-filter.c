/* libFuzzer target: nsrun's linux.syscallFilter list ("@system-service",
 * "~@mount", "~mkdir:EACCES", ...) and linux.syscallErrno, through the
 * decoder, the planner (group expansion, rule merging) and the printer.
 * The input is one entry a line; a line "errno=X" gives syscallErrno.
 * A refusal must name the file; spec_parse_errno must stay in 1..4095. */
#include <stdint.h>
#include <string.h>

#include "plan.h"
#include "seccomp-names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char name[] = "/fuzz/config.json";
	if (!devnull)
		devnull = fopen("/dev/null", "we");
	char *buf = xstrndup((const char *)data, size);
	char *doc = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&doc, &len);
	fputs("{\"root\": {\"path\": \"/r\"}, \"process\": {\"args\": [\"x\"]}, \"linux\": {", f);
	const char *errno_name = NULL;
	fputs("\"syscallFilter\": [", f);
	bool first = true;
	for (char *p = buf, *end; p; p = end ? end + 1 : NULL) {
		end = strchr(p, '\n');
		if (end)
			*end = '\0';
		if (strncmp(p, "errno=", 6) == 0) {
			errno_name = p + 6;
			int e = spec_parse_errno(errno_name);
			if (e == 0 || e > 4095 || e < -1)
				abort();
			continue;
		}
		fputs(first ? "" : ", ", f);
		json_write_string(f, p);
		first = false;
	}
	fputs("]", f);
	if (errno_name) {
		fputs(", \"syscallErrno\": ", f);
		json_write_string(f, errno_name);
	}
	fputs("}}", f);
	fclose(f);

	struct nsrun_error err = { 0 };
	struct json_node *root = NULL;
	struct spec *spec = NULL;
	struct plan *plan = NULL;
	/* Invalid UTF-8 in an entry is the JSON layer's to refuse. */
	if (json_parse(doc, len, name, &root, &err) == 0 &&
	    spec_load_tree(root, name, devnull, &spec, &err) == 0 &&
	    plan_build(spec, NULL, &plan_host_permissive, &plan, &err) == 0) {
		plan_print(plan, devnull);
		plan_print_json(plan, devnull);
	} else if (strncmp(err.msg, name, sizeof(name) - 1) != 0) {
		fprintf(stderr, "error message does not name the file: %s\n", err.msg);
		abort();
	}
	json_free(root);
	plan_free(plan);
	free(doc);
	free(buf);
	return 0;
}
