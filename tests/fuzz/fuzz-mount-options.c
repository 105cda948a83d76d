/* libFuzzer target: plan_parse_mount_options.  The input is split at '\n'
 * into option words (a NUL ends the input).  An accepted list must not both
 * set and clear a flag, and the data string must be the unknown words
 * joined with ','. */
#include <stdint.h>
#include <string.h>

#include "plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = xstrndup((const char *)data, size);
	struct spec_strv opts = { 0 };
	size_t cap = 0;
	for (char *p = buf, *end; p; p = end ? end + 1 : NULL) {
		end = strchr(p, '\n');
		if (end)
			*end = '\0';
		if (opts.n + 2 > cap) {
			cap = cap ? 2 * cap : 8;
			opts.v = xrealloc(opts.v, cap * sizeof(char *));
		}
		opts.v[opts.n++] = p;
		opts.v[opts.n] = NULL;
	}
	struct plan_step step = { .kind = STEP_MOUNT, .mount_kind = MOUNT_FS };
	struct nsrun_error err = { 0 };
	if (plan_parse_mount_options(&opts, &step, &err) == 0) {
		if (step.flags & step.clear_flags)
			abort();
		if (step.data && (!step.data[0] || step.data[0] == ',' ||
				  step.data[strlen(step.data) - 1] == ',' || strstr(step.data, ",,")))
			abort();
	} else if (!err.msg[0]) {
		abort();
	}
	free(step.data);
	free(opts.v);
	free(buf);
	return 0;
}
