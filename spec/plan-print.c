/* `nsrun plan`: the plan as numbered lines for people, or JSON for tools. */
#include <string.h>

#include "plan.h"
#include "seccomp-names.h"

static void print_plan(const struct plan *p, bool verbose, FILE *f)
{
	fprintf(f, "# %s: %s spec, root %s%s\n", p->spec->file,
		p->spec->minimal ? "nsrun (minimal; defaults filled in)" : "OCI", p->rootfs,
		p->spec->root_readonly ? " (read-only)" : "");
	fputs("# runtime: nsrun re-runs itself from a sealed memfd copy of its binary before it "
	      "starts or enters a container\n", f);
	if (p->boot)
		fprintf(f, "# boot: /dev/console is a pty relayed to nsrun's terminal (output only when "
			"stdin is not a tty); SIGTERM, SIGINT or SIGHUP to nsrun send PID 1 SIGRTMIN+3 (halt), a "
			"second one or the stop timeout SIGKILL; PID 1 killed by SIGINT (poweroff, halt) "
			"ends nsrun with 0, by SIGHUP (reboot) starts the container again%s\n",
			p->uuid_env >= 0 ? "; container_uuid= gets a new random UUID at each start" : "");
	plan_userns_describe(p, f);
	const char *label_skip = plan_mount_label_skip(p);
	if (p->mount_label)
		fprintf(f, "# mount label %s: context= on the tmpfs, devpts and mqueue mounts nsrun makes%s%s\n",
			p->mount_label, label_skip ? " -- skipped: " : "", label_skip ? label_skip : "");
	for (size_t i = 0; i < p->n_steps; i++) {
		fprintf(f, "%2zu. %s ", i + 1, p->steps[i].in_parent ? "[nsrun]    " : "[container]");
		plan_step_describe(p, &p->steps[i], f);
		fputc('\n', f);
		if (verbose && p->steps[i].seccomp)
			plan_seccomp_print_rules(p->steps[i].seccomp, "      ", f);
	}
}

void plan_print(const struct plan *p, FILE *f)
{
	print_plan(p, false, f);
}

void plan_print_verbose(const struct plan *p, FILE *f)
{
	print_plan(p, true, f);
}

static void json_kv_str(FILE *f, const char *key, const char *val)
{
	fprintf(f, ",");
	json_write_string(f, key);
	fputc(':', f);
	json_write_string(f, val);
}

void plan_print_json(const struct plan *p, FILE *f)
{
	fputs("{\"spec\":", f);
	json_write_string(f, p->spec->file);
	fprintf(f, ",\"minimal\":%s", p->spec->minimal ? "true" : "false");
	if (p->boot)
		fputs(",\"boot\":true", f);
	json_kv_str(f, "rootfs", p->rootfs);
	plan_userns_json(p, f);
	fputs(",\"steps\":[", f);
	for (size_t i = 0; i < p->n_steps; i++) {
		const struct plan_step *s = &p->steps[i];
		char *text = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&text, &len);
		if (!m)
			abort();
		plan_step_describe(p, s, m);
		fclose(m);
		/* the description without the padded kind */
		const char *desc = text + strlen(plan_step_name(s->kind));
		while (*desc == ' ')
			desc++;
		fprintf(f, "%s{\"n\":%zu,\"kind\":", i ? "," : "", i + 1);
		json_write_string(f, plan_step_name(s->kind));
		fprintf(f, ",\"where\":\"%s\"", s->in_parent ? "nsrun" : "container");
		json_kv_str(f, "description", desc);
		if (s->path)
			json_kv_str(f, "path", s->path);
		if (s->source)
			json_kv_str(f, "source", s->source);
		if (s->fstype)
			json_kv_str(f, "type", s->fstype);
		if (s->data)
			json_kv_str(f, "data", s->data);
		if (s->value)
			json_kv_str(f, "value", s->value);
		if (s->skip_reason)
			json_kv_str(f, "skipped", s->skip_reason);
		if (s->seccomp)
			fprintf(f, ",\"seccomp\":{\"source\":\"%s\",\"defaultAction\":\"%s\","
				"\"allowed\":%zu,\"denied\":%zu,\"rules\":%zu}", s->seccomp->source,
				spec_seccomp_action_name(s->seccomp->default_action), s->seccomp->n_allowed,
				s->seccomp->n_denied, s->seccomp->n_rules);
		fputc('}', f);
		free(text);
	}
	fputs("],\"process\":{\"args\":[", f);
	for (size_t i = 0; p->argv[i]; i++) {
		fputs(i ? "," : "", f);
		json_write_string(f, p->argv[i]);
	}
	fputs("]", f);
	if (p->init_candidates) {
		fputs(",\"initCandidates\":[", f);
		for (size_t i = 0; p->init_candidates[i]; i++) {
			fputs(i ? "," : "", f);
			json_write_string(f, p->init_candidates[i]);
		}
		fputs("]", f);
	}
	fputs(",\"env\":[", f);
	for (size_t i = 0; p->envp[i]; i++) {
		fputs(i ? "," : "", f);
		json_write_string(f, p->envp[i]);
	}
	fprintf(f, "],\"uid\":%u,\"gid\":%u,\"terminal\":%s,\"noNewPrivileges\":%s,"
		"\"capabilities\":{\"bounding\":\"%016llx\",\"effective\":\"%016llx\","
		"\"permitted\":\"%016llx\",\"inheritable\":\"%016llx\",\"ambient\":\"%016llx\"}",
		p->uid, p->gid, p->terminal ? "true" : "false", p->no_new_privileges ? "true" : "false",
		(unsigned long long)p->caps.bounding, (unsigned long long)p->caps.effective,
		(unsigned long long)p->caps.permitted, (unsigned long long)p->caps.inheritable,
		(unsigned long long)p->caps.ambient);
	uint64_t eff, prm;
	plan_caps_after_exec(p, &eff, &prm);
	fprintf(f, ",\"capabilitiesAfterExec\":{\"effective\":\"%016llx\",\"permitted\":\"%016llx\"}}",
		(unsigned long long)eff, (unsigned long long)prm);
	if (p->mount_label) {
		json_kv_str(f, "mountLabel", p->mount_label);
		if (plan_mount_label_skip(p))
			json_kv_str(f, "mountLabelSkipped", plan_mount_label_skip(p));
	}
	fputs("}\n", f);
}
