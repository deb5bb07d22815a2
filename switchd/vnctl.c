/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vnctl - the vnswitch operator CLI.
 *
 *   vnctl [--ctl PATH] [-f plain|keyvalue|json] COMMAND [ARGS...]
 *
 * Offline (no daemon needed):
 *   decode FILE.pcap   decode every frame of a capture
 * Everything else goes to the daemon over the control socket, which renders
 * the answer in the format asked for (vnctl list-commands lists them).
 * Exit status: 0 ok, 1 the daemon refused (the reason is printed), 2 bad
 * usage, 3 the daemon could not be reached.
 */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/ctlclient.h"
#include "switchd/ctlproto.h"
#include "switchd/decode.h"
#include "switchd/writer.h"

#define VNCTL_DEFAULT_CTL SW_CTL_DEFAULT_PATH

struct vnctl_opts {
	const char *ctl;
	enum sw_format fmt;
	int timeout_ms;
};

struct vnctl_cmd {
	const char *name;
	const char *args;
	const char *help;
	int min_args, max_args;
	int (*fn)(const struct vnctl_opts *o, int argc, char **argv);
};

static int cmd_decode(const struct vnctl_opts *o, int argc, char **argv);

/* Commands vnctl runs itself; the rest are the daemon's. */
static const struct vnctl_cmd commands[] = {
	{ "decode", "FILE.pcap", "decode every frame of a capture file (offline)", 1, 1,
		cmd_decode },
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
		"  and the daemon's: vnctl list-commands (show veths, show acl [veth ID],\n"
		"  show qos [veth ID], acl add PROFILE in|out priority N [match M] action A,\n"
		"  acl del PROFILE in|out priority N [match M], profile set NAME\n"
		"  [police_in|police_out none|SETTINGS] [acl_default A], ...; see vnctl(8))\n");
	fprintf(out,
		"\noptions:\n"
		"  -f, --format FMT  output format: plain (default), keyvalue, json\n"
		"  -c, --ctl PATH    control socket (default " VNCTL_DEFAULT_CTL ")\n"
		"  -t, --timeout S   wait at most S seconds for the daemon (default 30)\n"
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

static const char *
format_name(enum sw_format f)
{
	return f == SW_FMT_JSON ? "json" : f == SW_FMT_KEYVALUE ? "keyvalue" : "plain";
}

static int
remote(const struct vnctl_opts *o, int argc, char **argv)
{
	char err[1024], *out = NULL;
	int rc = sw_ctl_call(
		o->ctl, argc, argv, format_name(o->fmt), o->timeout_ms, &out, err, sizeof(err));

	if (rc == 0) {
		fputs(out, stdout);
		free(out);
		return 0;
	}
	fprintf(stderr, "vnctl: %s\n", err);
	return rc > 0 ? 1 : 3;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "ctl", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct vnctl_opts o = {
		.ctl = VNCTL_DEFAULT_CTL, .fmt = SW_FMT_PLAIN, .timeout_ms = 30000
	};
	int c;

	/* '+': stop at the command so its own arguments are not options. */
	while ((c = getopt_long(argc, argv, "+f:c:t:hV", longopts, NULL)) != -1) {
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
		case 't': {
			char *end;
			double t = strtod(optarg, &end);

			if (*end || end == optarg || !(t > 0) || t > 86400) {
				fprintf(stderr, "vnctl: --timeout %s: expected seconds\n",
					optarg);
				return 2;
			}
			o.timeout_ms = (int)(t * 1000);
			break;
		}
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
	/* Options may also follow the command: vnctl decode X -f json. */
	for (int a = 1; a < argc; a++) {
		if ((!strcmp(argv[a], "-f") || !strcmp(argv[a], "--format")) && a + 1 < argc) {
			if (!sw_format_parse(argv[a + 1], &o.fmt)) {
				fprintf(stderr,
					"vnctl: unknown format '%s' (plain, keyvalue or json)\n",
					argv[a + 1]);
				return 2;
			}
			memmove(&argv[a], &argv[a + 2], (size_t)(argc - a - 2) * sizeof(*argv));
			argc -= 2;
			a--;
		}
	}
	for (size_t i = 0; i < N_COMMANDS; i++) {
		const struct vnctl_cmd *cmd = &commands[i];
		int nargs = argc - 1;

		if (strcmp(cmd->name, argv[0]))
			continue;
		if (nargs < cmd->min_args || nargs > cmd->max_args) {
			fprintf(stderr, "vnctl: %s: expected %s\n", cmd->name,
				cmd->args[0] ? cmd->args : "no arguments");
			return 2;
		}
		return cmd->fn(&o, nargs, argv + 1);
	}
	return remote(&o, argc, argv);
}
