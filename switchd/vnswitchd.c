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
#include <signal.h>
#include <unistd.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

#include "switchd/acl.h"
#include "switchd/admin.h"
#include "switchd/audit.h"
#include "switchd/cplane.h"
#include "switchd/ctl.h"
#include "switchd/ctlproto.h"
#include "switchd/ctlserver.h"
#include "switchd/event.h"
#include "switchd/live.h"
#include "switchd/persist.h"
#include "switchd/port_be.h"
#include "switchd/replay.h"
#include "switchd/state.h"
#include "switchd/sw.h"
#include "switchd/writer.h"

#define MAX_REPLAY 64

/* The daemon around the switch: its clock and the control socket's needs. */
struct daemon {
	struct sw *sw;
	const char *conf_path;
	bool virtual_clock; /* replay / test: the clock moves only by frames and warps */
	uint64_t clock_us;
	uint64_t next_timer;
	struct sw_loop *loop;
	struct sw_ctl_env env;
	/* Live: the control socket joins the live loop through these. */
	const char *ctl_path;
	const struct sw_ctl_limits *ctl_limits;
	struct sw_ctl_server *ctl;
	/* Live with --state-file: the runtime state file and its poll timer. */
	struct sw_persist *persist;
	struct sw_timer *persist_timer;
};

static uint64_t
d_now(void *aux)
{
	struct daemon *d = aux;

	return d->virtual_clock ? d->clock_us : sw_wall_us();
}

static int
d_warp(void *aux, uint64_t delta_us, char *err, size_t errlen)
{
	struct daemon *d = aux;
	uint64_t target = d->clock_us + delta_us;

	(void)err;
	(void)errlen;
	/* Timers run at their own deadlines, in order, as in replay.  No frame
	 * arrives during a warp, so after a few rounds (two rate windows bring
	 * the rates to 0 and end a drop episode) nothing changes any more but
	 * the ageing, which one last run at the target completes: a warp of
	 * months costs what one of seconds does, instead of a sweep of the
	 * whole FDB every few seconds of it.  The control plane's deadlines
	 * (LLDP transmission, ECP retransmission, VDP keep-alive expiry) are
	 * still met one by one: what they send carries their time. */
	struct sw_cplane *cp = sw_get_cplane(d->sw);
	uint64_t next = sw_next_deadline(d->sw);

	/* Injected control frames may have started earlier timers. */
	if (next < d->next_timer)
		d->next_timer = next < d->clock_us ? d->clock_us : next;
	for (int round = 0; d->next_timer <= target; round++) {
		uint64_t t = d->next_timer;

		if (round >= 16) {
			uint64_t c = cp ? sw_cplane_next_deadline(cp) : UINT64_MAX;

			t = c < t ? t : c < target ? c : target;
		}
		d->next_timer = sw_run_timers(d->sw, t);
		if (t == target)
			break;
	}
	d->clock_us = target;
	sw_flush(d->sw, target);
	return 0;
}

static int
d_reload(void *aux, char *err, size_t errlen)
{
	struct daemon *d = aux;
	struct sw_conf c;
	int rc;

	if (!d->conf_path) {
		snprintf(err, errlen, "no configuration file to reload");
		return -1;
	}
	/* Both a file that does not load and one that cannot be applied are
	 * logged: on SIGHUP the log is the only place the reason goes. */
	rc = sw_conf_load(d->conf_path, &c, err, errlen);
	if (!rc) {
		rc = sw_config_apply(d->sw, &c, d_now(d), err, errlen);
		sw_conf_free(&c);
	}
	if (rc)
		fprintf(stderr, "vnswitchd: configuration not reloaded: %s\n", err);
	else
		fprintf(stderr, "vnswitchd: configuration reloaded from %s\n", d->conf_path);
	if (!rc && d->persist)
		sw_persist_config_loaded(d->persist); /* the state file follows it */
	sw_acl_quiesce(); /* replaced ACLs: postponed classifier frees (acl.h) */
	return rc;
}

static void
d_signal(int signo, void *aux)
{
	struct daemon *d = aux;
	char err[512];

	if (signo == SIGHUP)
		d_reload(d, err, sizeof(err));
	else
		sw_loop_stop(d->loop);
}

/* The state file: written when the runtime state changed (persist.h). */
static void
persist_tick(void *aux)
{
	struct daemon *d = aux;

	sw_timer_arm(d->persist_timer, sw_persist_poll(d->persist, sw_wall_us()));
}

static void
persist_log(void *aux, const char *line)
{
	(void)aux;
	fprintf(stderr, "vnswitchd: %s\n", line);
}

static int
live_start(struct sw_loop *loop, void *aux, char *err, size_t errlen)
{
	struct daemon *d = aux;

	d->loop = loop;
	d->ctl = sw_ctl_server_create(loop, d->ctl_path, &d->env, d->ctl_limits, err, errlen);
	if (!d->ctl)
		return -1;
	if (d->persist) {
		d->persist_timer = sw_timer_create(loop, persist_tick, d);
		if (!d->persist_timer) {
			sw_ctl_server_destroy(d->ctl);
			d->ctl = NULL;
			snprintf(err, errlen, "out of memory (state file timer)");
			return -1;
		}
		persist_tick(d); /* arms the poll */
	}
	fprintf(stderr, "vnswitchd: serving %s\n", d->ctl_path);
	return 0;
}

static void
live_stop(void *aux)
{
	struct daemon *d = aux;

	sw_ctl_server_destroy(d->ctl);
	d->ctl = NULL;
	if (d->persist) {
		char err[512];

		sw_timer_destroy(d->persist_timer);
		d->persist_timer = NULL;
		if (sw_persist_flush(d->persist, err, sizeof(err)))
			fprintf(stderr, "vnswitchd: state file: %s\n", err);
	}
	/* LLDP shutdown frames (TTL 0) before the ports close: best effort;
	 * live.c flushes the ports next. */
	if (sw_get_cplane(d->sw))
		sw_cplane_shutdown(sw_get_cplane(d->sw), sw_wall_us());
}

static void
live_hup(void *aux)
{
	char err[512];

	d_reload(aux, err, sizeof(err));
}

/* Serve the control socket until SIGINT/SIGTERM on the replay clock. */
static int
serve(struct daemon *d, const char *ctl_path, const struct sw_ctl_limits *lim)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sw_signal *sig[3] = { NULL };
	struct sw_ctl_server *srv = NULL;
	char err[512];
	int rc = 1;

	d->loop = sw_loop_create(err, sizeof(err));
	if (!d->loop) {
		fprintf(stderr, "vnswitchd: %s\n", err);
		return 1;
	}
	for (size_t i = 0; i < 3; i++)
		if (!(sig[i] = sw_signal_create(d->loop, sigs[i], d_signal, d)))
			goto out;
	srv = sw_ctl_server_create(d->loop, ctl_path, &d->env, lim, err, sizeof(err));
	if (!srv) {
		fprintf(stderr, "vnswitchd: %s\n", err);
		goto out;
	}
	/* Scripts wait for this line: the socket accepts requests when it appears. */
	fprintf(stderr, "vnswitchd: serving %s (pid %ld)\n", ctl_path, (long)getpid());
	rc = sw_loop_run(d->loop) ? 1 : 0;
out:
	sw_ctl_server_destroy(srv);
	for (size_t i = 0; i < 3; i++)
		sw_signal_destroy(sig[i]);
	sw_loop_destroy(d->loop);
	d->loop = NULL;
	return rc;
}
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
		"      --stay              replay: keep serving the control socket after the last\n"
		"                          frame (the clock moves by inject and time warp)\n"
		"      --seed N            seed of the ECP sequence numbers (default: random\n"
		"                          live, a fixed value in replay and --stay)\n"
		"      --state FILE        live: write the state as JSON here on exit\n"
		"      --state-file FILE   live: keep the runtime state (vnctl and VDP changes)\n"
		"                          here, and restore it at start-up\n"
		"      --pid-file FILE     live: write the PID here once every port is open\n"
		"      --ctl PATH          control socket (default " SW_CTL_DEFAULT_PATH ")\n"
		"      --ctl-group GROUP   group owning the control socket (mode 0660)\n"
		"      --ctl-max-clients N control clients at once (default 64)\n"
		"      --ctl-max-request N request size limit in bytes (default 65536)\n"
		"      --save-dir DIR      config save PATH may also write files directly\n"
		"                          in DIR (default: only the configuration file)\n"
		"  -v, --verbose           more messages\n"
		"  -h, --help              this help\n"
		"  -V, --version           print the version\n");
}

static int
run_replay(struct daemon *d, char **specs, size_t n_specs, const char *out_dir, double until_s,
	int verbose, bool stay, const char *ctl_path, const struct sw_ctl_limits *lim)
{
	struct sw *sw = d->sw;
	uint64_t dropped = 0;
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
	if (stay) {
		int rc;

		/* Keep the replay clock: it moves on by inject and time warp. */
		d->virtual_clock = true;
		d->clock_us = res.end_us;
		d->next_timer = sw_run_timers(sw, d->clock_us);
		rc = serve(d, ctl_path, lim);
		res.end_us = d->clock_us;
		sw_flush(sw, d->clock_us);
		if (rc)
			return rc;
	}
	snprintf(path, sizeof(path), "%s/state.json", out_dir);
	if (sw_state_write_file(sw, path, res.end_us, err, sizeof(err))) {
		fprintf(stderr, "vnswitchd: %s\n", err);
		return 1;
	}
	sw_totals(sw, &tot);
	for (int k = 0; k < SW_DROP_MAX; k++)
		dropped += tot.drops[k];
	if (verbose)
		fprintf(stderr,
			"vnswitchd: replayed %llu frames over %.6f s: %llu sent, %llu dropped\n",
			(unsigned long long)res.frames,
			(double)(res.end_us - res.first_us) / 1e6,
			(unsigned long long)tot.tx_frames, (unsigned long long)dropped);
	if (res.truncated)
		fprintf(stderr,
			"vnswitchd: warning: %llu frames were truncated in the capture\n",
			(unsigned long long)res.truncated);
	return 0;
}

static void
log_stderr(void *aux, const char *line)
{
	(void)aux;
	fprintf(stderr, "vnswitchd: %s\n", line);
}

int
main(int argc, char **argv)
{
	enum {
		OPT_CHECK = 256,
		OPT_REPLAY,
		OPT_OUTDIR,
		OPT_UNTIL,
		OPT_STATE,
		OPT_PID_FILE,
		OPT_STAY,
		OPT_CTL_GROUP,
		OPT_CTL_MAX_CLIENTS,
		OPT_CTL_MAX_REQUEST,
		OPT_SEED,
		OPT_STATE_FILE,
		OPT_SAVE_DIR,
	};
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "replay", required_argument, NULL, OPT_REPLAY },
		{ "out-dir", required_argument, NULL, OPT_OUTDIR },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "state-file", required_argument, NULL, OPT_STATE_FILE },
		{ "stay", no_argument, NULL, OPT_STAY },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "pid-file", required_argument, NULL, OPT_PID_FILE },
		{ "ctl", required_argument, NULL, 'C' },
		{ "ctl-group", required_argument, NULL, OPT_CTL_GROUP },
		{ "ctl-max-clients", required_argument, NULL, OPT_CTL_MAX_CLIENTS },
		{ "ctl-max-request", required_argument, NULL, OPT_CTL_MAX_REQUEST },
		{ "save-dir", required_argument, NULL, OPT_SAVE_DIR },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conf_path = NULL, *out_dir = NULL, *state_file = NULL, *persist_file = NULL;
	const char *ctl_path = SW_CTL_DEFAULT_PATH, *pid_file = NULL, *save_dir = NULL;
	struct sw_ctl_limits lim = { 0 };
	struct sw_cplane_config cpc = { .seed = SW_CPLANE_REPLAY_SEED };
	bool have_seed = false;
	struct daemon d = { 0 };
	bool stay = false;
	char *replay[MAX_REPLAY];
	size_t n_replay = 0;
	double until_s = 0;
	bool check = false;
	int verbose = 0, c, rc;
	struct sw_conf conf;
	char err[1024];
	struct sw *sw;
	while ((c = getopt_long(argc, argv, "c:C:vhV", longopts, NULL)) != -1) {
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
		case OPT_STATE_FILE:
			persist_file = optarg;
			break;
		case OPT_STAY:
			stay = true;
			break;
		case OPT_SEED: {
			char *end;

			errno = 0;
			cpc.seed = strtoull(optarg, &end, 0);
			if (errno || *end || end == optarg || *optarg == '-') {
				fprintf(stderr, "vnswitchd: --seed %s: expected a number\n",
					optarg);
				return 2;
			}
			have_seed = true;
			break;
		}
		case OPT_PID_FILE:
			pid_file = optarg;
			break;
		case 'C':
			ctl_path = optarg;
			break;
		case OPT_CTL_GROUP:
			lim.group = optarg;
			break;
		case OPT_SAVE_DIR:
			save_dir = optarg;
			break;
		case OPT_CTL_MAX_CLIENTS:
		case OPT_CTL_MAX_REQUEST: {
			bool clients = c == OPT_CTL_MAX_CLIENTS;
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);

			if (*end || end == optarg || !v || v > (clients ? 4096ul : 1ul << 24)) {
				fprintf(stderr, "vnswitchd: %s: '%s' is out of range\n",
					clients ? "--ctl-max-clients" : "--ctl-max-request",
					optarg);
				return 2;
			}
			if (clients)
				lim.max_clients = (unsigned)v;
			else
				lim.max_request = (uint32_t)v;
			break;
		}
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
	if (save_dir) {
		struct stat sd;
		int bad = stat(save_dir, &sd) ? errno : S_ISDIR(sd.st_mode) ? 0 : ENOTDIR;

		if (bad) {
			fprintf(stderr, "vnswitchd: --save-dir %s: %s\n", save_dir,
				strerror(bad));
			return 2;
		}
	}
	if ((n_replay || stay) && !out_dir) {
		fprintf(stderr, "vnswitchd: --replay and --stay need --out-dir DIR\n");
		return 2;
	}
	if (persist_file && out_dir) {
		fprintf(stderr, "vnswitchd: --state-file applies to live mode\n");
		return 2;
	}
	if (out_dir && !n_replay && !stay) {
		fprintf(stderr, "vnswitchd: --out-dir needs --replay or --stay\n");
		return 2;
	}
	if (!out_dir && until_s) {
		fprintf(stderr, "vnswitchd: --until applies to --replay\n");
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
	sw_set_log(sw, log_stderr, NULL); /* path-audit findings (rate-limited) */
	/* Live, lldpad remembers the last ECP sequence number it got from us
	 * across our restart (peers.md 3.4): start somewhere random. */
	if (!out_dir && !have_seed &&
		getrandom(&cpc.seed, sizeof(cpc.seed), GRND_NONBLOCK) != sizeof(cpc.seed))
		cpc.seed = sw_wall_us() ^ (uint64_t)getpid() << 32 ^ (uint64_t)clock();
	if (!sw_cplane_create(sw, &cpc, err, sizeof(err))) {
		fprintf(stderr, "vnswitchd: %s\n", err);
		sw_destroy(sw);
		return 1;
	}
	/* The state file on top of the configuration, before any port opens:
	 * no frame is switched with less than what was saved (persist.h). */
	if (persist_file) {
		d.persist = sw_persist_create(sw, persist_file, conf_path, persist_log, NULL);
		if (!d.persist) {
			fprintf(stderr,
				"vnswitchd: --state-file %s: path too long or no memory\n",
				persist_file);
			sw_destroy(sw);
			return 2;
		}
		sw_persist_restore(d.persist, sw_wall_us());
		/* A path that cannot be written is an error at start, not a
		 * surprise at the next restart.  (The first write goes with the
		 * loop's first poll, on the writer thread: no fsync here.) */
		if (sw_persist_check(d.persist, err, sizeof(err))) {
			fprintf(stderr, "vnswitchd: --state-file %s: %s\n", persist_file, err);
			sw_persist_destroy(d.persist);
			sw_destroy(sw);
			return 1;
		}
	}
	d.sw = sw;
	d.conf_path = conf_path;
	d.env = (struct sw_ctl_env) {
		.sw = sw,
		.config_path = conf_path,
		.save_dir = save_dir,
		.now = d_now,
		.reload = d_reload,
		.aux = &d,
	};
	if (out_dir) {
		d.env.warp = d_warp;
		rc = run_replay(
			&d, replay, n_replay, out_dir, until_s, verbose, stay, ctl_path, &lim);
	} else {
		struct sw_live_opts lo = { .state_file = state_file,
			.pid_file = pid_file,
			.verbose = verbose,
			.on_start = live_start,
			.on_stop = live_stop,
			.on_hup = live_hup,
			.aux = &d };

		d.ctl_path = ctl_path;
		d.ctl_limits = &lim;
		rc = sw_live_run(sw, &lo, err, sizeof(err)) ? 1 : 0;
		if (rc)
			fprintf(stderr, "vnswitchd: %s\n", err);
	}
	sw_persist_destroy(d.persist);
	sw_destroy(sw);
	return rc;
}
