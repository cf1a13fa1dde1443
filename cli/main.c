/* SPDX-License-Identifier: MIT */
/*
 * anyns: the operator's tool. Dispatches `anyns <subcommand> ...` through
 * one table; `anyns help` lists it.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
};

static const struct subcommand commands[] = {
	{ "zone-check", ans_cli_zone_check,
	  "check a zone file as named-checkzone does; --print writes it canonically" },
	{ "roa", ans_cli_roa,
	  "RPKI origin validation of the prefixes a node announces" },
	{ "check", ans_cli_check,
	  "fleet consistency: each node's serial, NSID and content against the primary" },
	{ "ctl", ans_cli_ctl, "talk to a running anynsd over its control socket" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fprintf(out, "usage: anyns <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "  %-12s %s\n", "help", "this list");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	}
	fprintf(stderr, "anyns: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
