#include "config.h"
#include <stdio.h>
#include <string.h>
int cmd_analyze(int argc, char **argv);
int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "analyze") == 0)
		return cmd_analyze(argc - 1, argv + 1);
	fprintf(stderr, "nsrun %s: not yet\n", NSRUN_VERSION);
	return 125;
}
