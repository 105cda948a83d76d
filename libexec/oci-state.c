/* The OCI state JSON: see oci-state.h. */
#include "json.h"
#include "oci-state.h"
#include "plan.h"

struct layout_marks {
	const char *open, *next, *colon, *close;
};

static const struct layout_marks marks[] = {
	[OCI_STATE_COMPACT] = { "{", ",", ":", "}" },
	[OCI_STATE_INDENTED] = { "{\n  ", ",\n  ", ": ", "\n}" },
};

static void member(FILE *f, const struct layout_marks *m, const char *key, bool first)
{
	fprintf(f, "%s\"%s\"%s", first ? m->open : m->next, key, m->colon);
}

void oci_state_write_open(FILE *f, const struct oci_state *st, enum oci_state_layout layout)
{
	const struct layout_marks *m = &marks[layout];
	/* the annotations stay on one line in either layout */
	const char *sep = layout == OCI_STATE_COMPACT ? "," : ", ";
	member(f, m, "ociVersion", true);
	json_write_string(f, NSRUN_OCI_VERSION);
	member(f, m, "id", false);
	json_write_string(f, st->id ? st->id : "");
	member(f, m, "status", false);
	json_write_string(f, st->status);
	member(f, m, "pid", false);
	fprintf(f, "%d", (int)st->pid);
	member(f, m, "bundle", false);
	json_write_string(f, st->bundle ? st->bundle : "");
	if (st->created) {
		member(f, m, "created", false);
		json_write_string(f, st->created);
	}
	member(f, m, "annotations", false);
	fputc('{', f);
	for (size_t i = 0; i < st->n_annotations; i++) {
		fputs(i ? sep : "", f);
		json_write_string(f, st->annotations[i].key);
		fputs(m->colon, f);
		json_write_string(f, st->annotations[i].value);
	}
	fputc('}', f);
}

void oci_state_write(FILE *f, const struct oci_state *st, enum oci_state_layout layout)
{
	oci_state_write_open(f, st, layout);
	fputs(marks[layout].close, f);
}

struct oci_state oci_state_of_plan(const struct plan *p, const char *id, const char *status, pid_t pid)
{
	const struct spec *s = p->spec;
	return (struct oci_state){ .id = id, .status = status, .pid = pid, .bundle = s->dir,
				   .annotations = s->annotations, .n_annotations = s->n_annotations };
}
