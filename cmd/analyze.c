/* placeholder: replaced by the syscall-groups work */
#include <stdio.h>
int cmd_analyze(int argc, char **argv);
int cmd_analyze(int argc, char **argv) { (void)argc; (void)argv; fputs("not yet\n", stderr); return 1; }
