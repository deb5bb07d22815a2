/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vnswitchd - the vnswitch daemon.
 *
 *   vnswitchd -c CONF                          run live on the configured interfaces
 *   vnswitchd -c CONF --replay PORT=IN.pcap [--replay PORT=IN.pcap ...]
 *             --out-dir DIR [--until SECONDS]  run over captures
 *   vnswitchd -c CONF --check                  validate the configuration
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "switchd/live.h"
#include "switchd/port_be.h"
#include "switchd/replay.h"
#include "switchd/state.h"
#include "switchd/sw.h"
#include "switchd/writer.h"

#define MAX_REPLAY 64

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: vnswitchd -c CONF [options]\n"
		"  -c, --config FILE       configuration (libconfig), required\n"
		"      --check             validate the configuration and exit\n"
		"      --replay PORT=FILE  replay a capture into PORT (repeatable)\n"
		"      --out-dir DIR       replay: write DIR/PORT.pcap and DIR/state.json\n"
		"      --until SECONDS     replay: run timers until SECONDS after the first frame\n"
		"      --state FILE        live: write the state as JSON here on exit\n"
		"  -v, --verbose           more messages\n"
		"  -h, --help              this help\n"
		"  -V, --version           print the version\n");
}

static int
write_state(struct sw *sw, const char *path, uint64_t now, char *err, size_t errlen)
{
	struct sw_writer w;
	char tmp[1100];
	FILE *f;

	/* Write beside and rename, so a reader never sees half a file. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	sw_writer_init(&w, SW_FMT_JSON, f);
	sw_state_dump(&w, sw, now);
	sw_writer_finish(&w);
	if (ferror(f) | fclose(f) || rename(tmp, path)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
run_replay(struct sw *sw, char **specs, size_t n_specs, const char *out_dir, double until_s,
	int verbose)
{
	struct sw_replay_input in[MAX_REPLAY];
	struct sw_replay_result res;
	struct sw_counters tot;
	char err[1024], path[1024];

	for (size_t i = 0; i < n_specs; i++) {
		char *eq = strchr(specs[i], '=');
		struct sw_port *p;

		if (!eq || eq == specs[i] || !eq[1]) {
			fprintf(stderr, "vnswitchd: --replay %s: expected PORT=FILE\n",
				specs[i]);
			return 2;
		}
		*eq = '\0';
		p = sw_port_by_name(sw, specs[i]);
		if (!p) {
			fprintf(stderr,
				"vnswitchd: --replay %s: no port named '%s' in the configuration\n",
				specs[i], specs[i]);
			return 2;
		}
		in[i].port = p->idx;
		in[i].path = eq + 1;
	}
	if (mkdir(out_dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "vnswitchd: --out-dir %s: %s\n", out_dir, strerror(errno));
		return 1;
	}
	for (unsigned i = 0; i < sw_n_ports(sw); i++)
		if (sw_pcapout_attach(sw, i, out_dir, err, sizeof(err))) {
			fprintf(stderr, "vnswitchd: %s\n", err);
			return 1;
		}
	if (sw_replay_run(sw, in, n_specs, (uint64_t)(until_s * 1e6), &res, err, sizeof(err))) {
		fprintf(stderr, "vnswitchd: replay: %s\n", err);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/state.json", out_dir);
	if (write_state(sw, path, res.end_us, err, sizeof(err))) {
		fprintf(stderr, "vnswitchd: %s\n", err);
		return 1;
	}
	sw_totals(sw, &tot);
	if (verbose)
		fprintf(stderr,
			"vnswitchd: replayed %llu frames over %.6f s: %llu sent, %llu dropped\n",
			(unsigned long long)res.frames,
			(double)(res.end_us - res.first_us) / 1e6,
			(unsigned long long)tot.tx_frames, (unsigned long long)({
				uint64_t d = 0;
				for (int k = 0; k < SW_DROP_MAX; k++)
					d += tot.drops[k];
				d;
			}));
	if (res.truncated)
		fprintf(stderr,
			"vnswitchd: warning: %llu frames were truncated in the capture\n",
			(unsigned long long)res.truncated);
	return 0;
}

int
main(int argc, char **argv)
{
	enum { OPT_CHECK = 256, OPT_REPLAY, OPT_OUTDIR, OPT_UNTIL, OPT_STATE };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "replay", required_argument, NULL, OPT_REPLAY },
		{ "out-dir", required_argument, NULL, OPT_OUTDIR },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conf_path = NULL, *out_dir = NULL, *state_file = NULL;
	char *replay[MAX_REPLAY];
	size_t n_replay = 0;
	double until_s = 0;
	bool check = false;
	int verbose = 0, c, rc;
	struct sw_conf conf;
	char err[1024];
	struct sw *sw;

	while ((c = getopt_long(argc, argv, "c:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			conf_path = optarg;
			break;
		case OPT_CHECK:
			check = true;
			break;
		case OPT_REPLAY:
			if (n_replay == MAX_REPLAY) {
				fprintf(stderr, "vnswitchd: at most %d --replay inputs\n",
					MAX_REPLAY);
				return 2;
			}
			replay[n_replay++] = optarg;
			break;
		case OPT_OUTDIR:
			out_dir = optarg;
			break;
		case OPT_UNTIL: {
			char *end;

			until_s = strtod(optarg, &end);
			if (*end || end == optarg || !(until_s >= 0) || until_s > 1e9) {
				fprintf(stderr,
					"vnswitchd: --until %s: expected seconds >= 0\n",
					optarg);
				return 2;
			}
			break;
		}
		case OPT_STATE:
			state_file = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("vnswitchd (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "vnswitchd: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (!conf_path) {
		fprintf(stderr, "vnswitchd: -c CONF is required\n");
		usage(stderr);
		return 2;
	}
	if (n_replay && !out_dir) {
		fprintf(stderr, "vnswitchd: --replay needs --out-dir DIR\n");
		return 2;
	}
	if (!n_replay && (out_dir || until_s)) {
		fprintf(stderr, "vnswitchd: --out-dir and --until apply to --replay\n");
		return 2;
	}
	if (sw_conf_load(conf_path, &conf, err, sizeof(err))) {
		fprintf(stderr, "vnswitchd: %s\n", err);
		return 1;
	}
	if (check) {
		printf("%s: ok (%zu ports, %zu profiles, %zu vEths)\n", conf_path, conf.n_ports,
			conf.n_profiles, conf.n_veths);
		sw_conf_free(&conf);
		return 0;
	}
	sw = sw_create(&conf, err, sizeof(err));
	sw_conf_free(&conf);
	if (!sw) {
		fprintf(stderr, "vnswitchd: %s: %s\n", conf_path, err);
		return 1;
	}
	if (n_replay) {
		rc = run_replay(sw, replay, n_replay, out_dir, until_s, verbose);
	} else {
		struct sw_live_opts lo = { .state_file = state_file, .verbose = verbose };

		rc = sw_live_run(sw, &lo, err, sizeof(err)) ? 1 : 0;
		if (rc)
			fprintf(stderr, "vnswitchd: %s\n", err);
	}
	sw_destroy(sw);
	return rc;
}
