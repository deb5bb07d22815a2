/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vnctl - the vnswitch operator CLI.
 *
 *   vnctl [--ctl PATH] [-f plain|keyvalue|json] COMMAND [ARGS...]
 *
 * Offline commands (no daemon needed):
 *   decode FILE.pcap   decode every frame of a capture
 *   version            print the version
 *   list-commands      list the commands
 */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/decode.h"
#include "switchd/writer.h"

#define VNCTL_DEFAULT_CTL "/run/vnswitch/vnswitchd.ctl"

struct vnctl_opts {
	const char *ctl;
	enum sw_format fmt;
};

struct vnctl_cmd {
	const char *name;
	const char *args;
	const char *help;
	int min_args, max_args;
	int (*fn)(const struct vnctl_opts *o, int argc, char **argv);
};

static int cmd_decode(const struct vnctl_opts *o, int argc, char **argv);
static int cmd_version(const struct vnctl_opts *o, int argc, char **argv);
static int cmd_list(const struct vnctl_opts *o, int argc, char **argv);

static const struct vnctl_cmd commands[] = {
	{ "decode", "FILE.pcap", "decode every frame of a capture file", 1, 1, cmd_decode },
	{ "version", "", "print the version", 0, 0, cmd_version },
	{ "list-commands", "", "list the commands", 0, 0, cmd_list },
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: vnctl [--ctl PATH] [-f plain|keyvalue|json] COMMAND [ARGS...]\n\n"
		"commands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-14s %-12s %s\n", commands[i].name, commands[i].args,
			commands[i].help);
	fprintf(out,
		"\noptions:\n"
		"  -f, --format FMT  output format: plain (default), keyvalue, json\n"
		"  -c, --ctl PATH    control socket (default " VNCTL_DEFAULT_CTL ")\n"
		"  -h, --help        this help\n"
		"  -V, --version     print the version\n");
}

static int
cmd_decode(const struct vnctl_opts *o, int argc, char **argv)
{
	struct sw_writer w;
	char errbuf[512];
	unsigned long n_err = 0;

	(void)argc;
	sw_writer_init(&w, o->fmt, stdout);
	if (sw_decode_pcap(argv[0], &w, &n_err, errbuf, sizeof(errbuf)) < 0) {
		fprintf(stderr, "vnctl: decode: %s\n", errbuf);
		return 1;
	}
	sw_writer_finish(&w);
	/* Frames that do not decode are reported in the output; the command
	 * itself succeeded in reading the capture. */
	return 0;
}

static int
cmd_version(const struct vnctl_opts *o, int argc, char **argv)
{
	struct sw_writer w;

	(void)argc;
	(void)argv;
	sw_writer_init(&w, o->fmt, stdout);
	sw_w_obj_start(&w, "version", NULL);
	sw_w_str(&w, "package", "Package", PACKAGE_NAME);
	sw_w_str(&w, "version", "Version", PACKAGE_VERSION);
	sw_w_obj_end(&w);
	sw_writer_finish(&w);
	return 0;
}

static int
cmd_list(const struct vnctl_opts *o, int argc, char **argv)
{
	struct sw_writer w;

	(void)argc;
	(void)argv;
	sw_writer_init(&w, o->fmt, stdout);
	sw_w_list_start(&w, "commands", NULL);
	for (size_t i = 0; i < N_COMMANDS; i++) {
		sw_w_obj_start(&w, NULL, NULL);
		sw_w_str(&w, "name", "Name", commands[i].name);
		sw_w_str(&w, "args", "Arguments", commands[i].args);
		sw_w_str(&w, "help", "Help", commands[i].help);
		sw_w_obj_end(&w);
	}
	sw_w_list_end(&w);
	sw_writer_finish(&w);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "ctl", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct vnctl_opts o = { .ctl = VNCTL_DEFAULT_CTL, .fmt = SW_FMT_PLAIN };
	int c;

	/* '+': stop at the command so its own arguments are not options. */
	while ((c = getopt_long(argc, argv, "+f:c:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!sw_format_parse(optarg, &o.fmt)) {
				fprintf(stderr,
					"vnctl: unknown format '%s' (plain, keyvalue or json)\n",
					optarg);
				return 2;
			}
			break;
		case 'c':
			o.ctl = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("vnctl (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return 2;
	}
	for (size_t i = 0; i < N_COMMANDS; i++) {
		const struct vnctl_cmd *cmd = &commands[i];
		int nargs = argc - 1;

		if (strcmp(cmd->name, argv[0]))
			continue;
		/* Options may also follow the command: vnctl decode X -f json. */
		for (int a = 1; a < argc; a++) {
			if (!strcmp(argv[a], "-f") && a + 1 < argc) {
				if (!sw_format_parse(argv[a + 1], &o.fmt)) {
					fprintf(stderr,
						"vnctl: unknown format '%s' (plain, keyvalue or "
						"json)\n",
						argv[a + 1]);
					return 2;
				}
				memmove(&argv[a], &argv[a + 2],
					(size_t)(argc - a - 2) * sizeof(*argv));
				argc -= 2;
				nargs -= 2;
				a--;
			}
		}
		if (nargs < cmd->min_args || nargs > cmd->max_args) {
			fprintf(stderr, "vnctl: %s: expected %s%s\n", cmd->name,
				cmd->args[0] ? cmd->args : "no arguments", "");
			return 2;
		}
		return cmd->fn(&o, nargs, argv + 1);
	}
	fprintf(stderr, "vnctl: unknown command '%s' (vnctl list-commands)\n", argv[0]);
	return 2;
}
