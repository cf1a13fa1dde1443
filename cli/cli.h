/* SPDX-License-Identifier: MIT */
/*
 * Subcommands of the `anyns` tool. Each is `int ans_cli_<name>(argc, argv)`
 * with argv[0] the subcommand's name, returning the process exit status
 * (0 good, 1 the checked thing is bad, 2 usage or input errors). To add
 * one: write cli/<name>.c, declare it here, add a row to main.c's table.
 */
#ifndef ANS_CLI_CLI_H
#define ANS_CLI_CLI_H

int ans_cli_zone_check(int argc, char **argv);
int ans_cli_roa(int argc, char **argv);
int ans_cli_check(int argc, char **argv);
int ans_cli_ctl(int argc, char **argv);

#endif
