/* The "add" member (spec/add.c) and messages about values made from
 * command-line options (spec_load_opts.origins), and the JSON builder. */
#include <stdio.h>
#include <string.h>

#include "json-build.h"
#include "spec.h"
#include "tap.h"

static struct spec *load(const char *text, struct nsrun_error *err)
{
	struct json_node *root = NULL;
	struct spec *s = NULL;
	if (json_parse(text, strlen(text), "t.json", &root, err) < 0)
		return NULL;
	spec_load_tree(root, "/srv/t.json", NULL, &s, err);
	json_free(root);
	return s;
}

static bool has_env(const struct spec *s, const char *kv)
{
	for (size_t i = 0; i < s->process.env.n; i++)
		if (strcmp(s->process.env.v[i], kv) == 0)
			return true;
	return false;
}

int main(void)
{
	struct nsrun_error err = { 0 };
	struct spec *s = load("{\"root\": {\"path\": \"r\"}, \"process\": {\"args\": [\"sh\"]}, \"add\": {"
			      "\"mounts\": [{\"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \"/x\"}],"
			      "\"env\": [\"A=1\", \"PATH=/bin\"], \"capabilities\": [\"CAP_NET_ADMIN\"],"
			      "\"dropCapabilities\": [\"CAP_CHOWN\"], \"syscallFilter\": [\"~mkdir\"]}}", &err);
	tap_ok(s != NULL, "a short spec with \"add\" loads (%s)", s ? "" : err.msg);
	if (s) {
		tap_ok(s->n_mounts == 9 && strcmp(s->mounts[8].destination, "/mnt") == 0,
		       "add.mounts come after the 8 default mounts (%zu)", s->n_mounts);
		tap_ok(has_env(s, "A=1") && has_env(s, "PATH=/bin") && has_env(s, "container=nsrun"),
		       "add.env adds to and replaces in the default environment");
		tap_ok((s->process.caps.bounding >> 12) & 1, "add.capabilities adds CAP_NET_ADMIN");
		tap_ok(!(s->process.caps.bounding & 1) && !(s->process.caps.effective & 1),
		       "add.dropCapabilities takes CAP_CHOWN from the default set");
		const struct spec_syscall_filter *f = &s->linux_.syscall_filter;
		tap_ok(f->n >= 1 && f->v[f->n - 1].deny && strcmp(f->v[f->n - 1].name, "mkdir") == 0,
		       "add.syscallFilter comes after the default filter (%zu entries)", f->n);
		spec_free(s);
	}
	s = load("{\"root\": {\"path\": \"r\"}, \"boot\": true, \"add\": {\"syscallFilter\": [\"~mkdir\"]}}", &err);
	tap_ok(s && s->linux_.syscall_filter.n > 20 && !s->linux_.syscall_filter.v[0].deny &&
	       s->linux_.syscall_filter.v[s->linux_.syscall_filter.n - 1].deny,
	       "in boot mode add.syscallFilter edits nspawn's default allow list");
	spec_free(s);
	s = load("{\"root\": {\"path\": \"r\"}, \"process\": {\"args\": [\"sh\"]}, \"add\": {"
		 "\"capabilities\": [\"CAP_KILL\"], \"dropCapabilities\": [\"CAP_KILL\"]}}", &err);
	tap_ok(!s && strstr(err.msg, "/add/dropCapabilities: CAP_KILL is both added and dropped"),
	       "a capability both added and dropped is an error: %s", err.msg);
	spec_free(s);
	s = load("{\"root\": {\"path\": \"r\"}, \"process\": {\"args\": [\"sh\"]}, \"add\": {\"mount\": []}}", &err);
	tap_ok(s && s->n_warnings == 1, "an unknown member of \"add\" is a warning, as elsewhere");
	spec_free(s);

	/* a tree built from options: messages name the option */
	struct json_node *root = json_new(JSON_OBJECT, 0);
	json_set(json_child(root, "root", JSON_OBJECT, 1), "path", json_new_string("/r", 1));
	json_set(json_child(root, "process", JSON_OBJECT, 1), "args", json_new(JSON_ARRAY, 1));
	json_append(json_object_member(json_object_member(root, "process")->value, "args")->value,
		    json_new_string("sh", 1));
	json_set(root, "hostname", json_new_string("a_b", 2));
	const char *origins[] = { "option --directory=/r", "option --hostname=a_b" };
	struct spec_load_opts opts = { .origins = origins, .n_origins = 2 };
	s = NULL;
	int r = spec_load_tree_opts(root, "command line", NULL, &opts, &s, &err);
	tap_ok(r < 0 && strncmp(err.msg, "option --hostname=a_b: /hostname: ", 34) == 0,
	       "an error about a value from an option names it: %s", err.msg);
	spec_free(s);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	json_write_tree(f, root);
	fclose(f);
	tap_str_eq(text, "{\n\t\"root\": {\n\t\t\"path\": \"/r\"\n\t},\n\t\"process\": {\n\t\t\"args\": [ \"sh\" ]\n"
		   "\t},\n\t\"hostname\": \"a_b\"\n}\n", "json_write_tree prints a spec file");
	struct json_node *back = NULL;
	tap_ok(json_parse(text, len, "x", &back, &err) == 0, "... that parses back");
	json_free(back);
	free(text);
	json_free(root);
	return tap_done();
}
