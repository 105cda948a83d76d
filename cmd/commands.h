/* cmd/: one function per verb; each returns nsrun's exit status. */
#ifndef NSRUN_COMMANDS_H
#define NSRUN_COMMANDS_H

int cmd_run_foreground(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_spec(int argc, char **argv);
int cmd_analyze(int argc, char **argv);

/* Print "nsrun: MSG" on stderr. */
void cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* True when argv holds -h or --help before a "--". */
int cmd_wants_help(int argc, char **argv);

#endif
