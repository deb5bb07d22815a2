/* SPDX-License-Identifier: Apache-2.0 */
/*
 * persist.c - the runtime state file (see persist.h for what, when and how).
 *
 * Ownership: struct sw_persist is the daemon's; it holds copies of its
 * paths and borrows the switch (which must outlive it).
 *
 * Threads.  Everything that reads the switch runs on the caller's thread
 * (the event loop): the fingerprint, and the file's bytes rendered in
 * memory.  The file itself is written by a thread of its own that touches
 * nothing but those bytes and the paths: fsync can take seconds on a busy
 * disk (4 s was measured here while other builds ran), and the loop that
 * switches frames must never wait for it.  They share one job slot under
 * a mutex: a newer state replaces a job not yet started (only the latest
 * state matters), and the writer reports what it did through counters the
 * loop collects at its next poll.
 */
#include <config.h>

#include "switchd/persist.h"

#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "switchd/admin.h"
#include "switchd/policy.h"
#include "switchd/sw_internal.h"
#include "switchd/swconf_int.h"
#include "vntag/eth.h"

#define STATE_VERSION  1
#define STATE_MAX_FILE (64u << 20) /* as a configuration file */
#define PATH_MAX_LEN   1000        /* runconf.c's limit, less its ".tmp" */

struct sw_persist {
	struct sw *sw;
	char path[PATH_MAX_LEN + 16];
	char tmp[PATH_MAX_LEN + 16]; /* PATH.tmp: the new file before its rename */
	char bad[PATH_MAX_LEN + 16]; /* PATH.bad: a refused file, kept */
	char conf_path[PATH_MAX_LEN + 16];
	sw_persist_log_fn log;
	void *log_aux;
	uint64_t conf_digest; /* FNV-1a 64 of the configuration file in use */
	/* The loop's side.  submitted_fp: the newest state handed to the
	 * writer (what the file holds once the writer is done with it). */
	bool submitted;
	uint64_t submitted_fp;
	/* The rate limit, a token bucket in microseconds of credit: a write
	 * costs SW_PERSIST_GAP_US, credit accrues with the wall clock up to
	 * SW_PERSIST_BURST writes' worth. */
	uint64_t credit;
	uint64_t last_poll;         /* wall clock of the last poll (0: none yet) */
	char last_error[256];       /* the last write error logged (logged once) */
	uint64_t seen_ok, seen_err; /* writer results already collected */
	struct sw_persist_stats stats;
	/* The writer thread; what it shares with the loop is under 'mu'. */
	pthread_t writer;
	bool writer_up;
	pthread_mutex_t mu;
	pthread_cond_t work; /* a job, or stop */
	pthread_cond_t idle; /* a job finished */
	char *job;           /* the next file's bytes (malloc'ed; the writer frees) */
	size_t job_len;
	bool busy;                  /* the writer is writing a job */
	bool stop;                  /* destroy: the writer ends once idle */
	uint64_t done_ok, done_err; /* jobs written / failed */
	bool last_failed;           /* the last job finished failed ... */
	char done_error[256];       /* ... and why */
};

static void __attribute__((format(printf, 2, 3)))
plog(struct sw_persist *p, const char *fmt, ...)
{
	char line[768];
	va_list ap;

	if (!p->log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	p->log(p->log_aux, line);
}

/* ---- FNV-1a 64 ------------------------------------------------------------------ */

#define FNV_INIT 0xcbf29ce484222325ull

static uint64_t
fnv(uint64_t h, const void *buf, size_t n)
{
	const uint8_t *b = buf;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t
fnv_u64(uint64_t h, uint64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	return fnv(h, b, sizeof(b));
}

static uint64_t
fnv_str(uint64_t h, const char *s)
{
	return fnv(h, s, strlen(s) + 1); /* the NUL separates fields */
}

/* ---- files ------------------------------------------------------------------------ */

/* The whole file in a NUL-terminated heap buffer (the caller frees).  0,
 * ENOENT, or another errno; EFBIG past STATE_MAX_FILE. */
static int
read_file(const char *path, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0, cap = 4096;
	char *buf = NULL;
	int e = 0;

	*out = NULL;
	*len = 0;
	if (fd < 0)
		return errno;
	for (;;) {
		ssize_t k;

		if (!buf || n + 1 >= cap) {
			char *nb;

			if (buf)
				cap *= 2;
			if (cap > STATE_MAX_FILE + 1) {
				e = EFBIG;
				break;
			}
			nb = realloc(buf, cap);
			if (!nb) {
				e = ENOMEM;
				break;
			}
			buf = nb;
		}
		k = read(fd, buf + n, cap - n - 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			e = errno;
			break;
		}
		if (!k)
			break;
		n += (size_t)k;
	}
	close(fd);
	if (e) {
		free(buf);
		return e;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

static int
write_all(int fd, const char *b, size_t n)
{
	while (n) {
		ssize_t k = write(fd, b, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

/* The directory of 'path' made durable (the rename in it). */
static int
sync_dir(const char *path)
{
	char dir[PATH_MAX_LEN + 16];
	char *slash;
	int fd, rc;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* ---- create ------------------------------------------------------------------------ */

static uint64_t
conf_digest(struct sw_persist *p)
{
	uint64_t h = FNV_INIT;
	size_t n;
	char *t;

	if (read_file(p->conf_path, &t, &n))
		return 0; /* unreadable: no state file will ever match it */
	h = fnv(h, t, n);
	free(t);
	return h;
}

static void *writer_main(void *arg);

struct sw_persist *
sw_persist_create(struct sw *sw, const char *path, const char *conf_path, sw_persist_log_fn log,
	void *log_aux)
{
	struct sw_persist *p;

	if (!path || !*path || strlen(path) > PATH_MAX_LEN || !conf_path ||
		strlen(conf_path) > PATH_MAX_LEN)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->sw = sw;
	snprintf(p->path, sizeof(p->path), "%s", path);
	snprintf(p->tmp, sizeof(p->tmp), "%s.tmp", path);
	snprintf(p->bad, sizeof(p->bad), "%s.bad", path);
	snprintf(p->conf_path, sizeof(p->conf_path), "%s", conf_path);
	p->log = log;
	p->log_aux = log_aux;
	p->conf_digest = conf_digest(p);
	p->credit = SW_PERSIST_BURST * SW_PERSIST_GAP_US;
	if (pthread_mutex_init(&p->mu, NULL)) {
		free(p);
		return NULL;
	}
	if (pthread_cond_init(&p->work, NULL)) {
		pthread_mutex_destroy(&p->mu);
		free(p);
		return NULL;
	}
	if (pthread_cond_init(&p->idle, NULL)) {
		pthread_cond_destroy(&p->work);
		pthread_mutex_destroy(&p->mu);
		free(p);
		return NULL;
	}
	p->writer_up = !pthread_create(&p->writer, NULL, writer_main, p);
	if (!p->writer_up) {
		sw_persist_destroy(p);
		return NULL;
	}
	return p;
}

void
sw_persist_destroy(struct sw_persist *p)
{
	if (!p)
		return;
	if (p->writer_up) {
		pthread_mutex_lock(&p->mu);
		p->stop = true; /* a job already handed over is still written */
		pthread_cond_signal(&p->work);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->writer, NULL);
	}
	free(p->job);
	pthread_cond_destroy(&p->idle);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

void
sw_persist_config_loaded(struct sw_persist *p)
{
	p->conf_digest = conf_digest(p);
}

const struct sw_persist_stats *
sw_persist_stats(const struct sw_persist *p)
{
	return &p->stats;
}

/* ---- fingerprint ---------------------------------------------------------------------- */

/* Everything the file would hold, hashed without building it: compared
 * every poll, so that only a change costs a write. */

static void
fp_vsi(void *aux, const struct sw_persist_vsi *s)
{
	uint64_t *h = aux;

	*h = fnv_str(*h, s->port);
	*h = fnv_u64(*h, (uint64_t)s->chan_kind << 32 | s->chan_id);
	*h = fnv_u64(*h, s->veth);
	*h = fnv(*h, s->mgrid, sizeof(s->mgrid));
	*h = fnv_u64(*h, (uint64_t)s->type_id << 16 | (uint64_t)s->type_version << 8 | s->fif);
	*h = fnv_u64(*h, s->vsiid_format);
	*h = fnv(*h, s->vsiid, sizeof(s->vsiid));
	*h = fnv_u64(*h,
		(uint64_t)s->hint_m << 40 | (uint64_t)s->hint_s << 32 | (uint64_t)s->r << 16 |
			(uint64_t)s->rte << 8 | s->rka);
	for (uint16_t i = 0; i < s->n_filters; i++) {
		const struct vdp_filter *f = &s->filters[i];

		*h = fnv_u64(*h,
			(uint64_t)f->ps << 48 | (uint64_t)f->pcp << 40 |
				(uint64_t)f->vid << 24 | i);
		*h = fnv_u64(*h, f->group_id);
		*h = fnv(*h, f->mac, sizeof(f->mac));
	}
}

static uint64_t
fp_pol(uint64_t h, const struct sw_pol_conf *c)
{
	char a[SW_ACL_ACTION_MAX];

	h = fnv_u64(h, (uint64_t)c->mode << 8 | c->trtcm);
	h = fnv_u64(h, (uint64_t)c->rate);
	h = fnv_u64(h, (uint64_t)c->burst);
	h = fnv_u64(h, (uint64_t)c->peak_rate);
	h = fnv_u64(h, (uint64_t)c->peak_burst);
	h = fnv_u64(h, c->max_frame);
	sw_pol_format_action(c->exceed, a, sizeof(a));
	h = fnv_str(h, a);
	sw_pol_format_action(c->yellow, a, sizeof(a));
	return fnv_str(h, a);
}

/* 0 on success; -1 when out of memory (no fingerprint: the caller writes). */
static int
fingerprint(struct sw_persist *p, uint64_t *out)
{
	struct sw *sw = p->sw;
	uint64_t h = FNV_INIT;

	h = fnv_u64(h, p->conf_digest);
	h = fnv_u64(h, (uint64_t)(uint32_t)sw->default_profile);
	h = fnv_u64(h, sw->fdb.aging_us);
	h = fnv_u64(h,
		(uint64_t)sw->conf.evb.r << 32 | (uint64_t)sw->conf.evb.rte << 24 |
			(uint64_t)sw->conf.evb.rwd << 16 | (uint64_t)sw->conf.evb.rka << 8 |
			sw->conf.evb.bgid);
	h = fnv_u64(h,
		(uint64_t)sw->conf.lldp.admin << 32 | (uint64_t)sw->conf.lldp.tx_interval << 8 |
			sw->conf.lldp.tx_hold);
	for (unsigned i = 0; i < sw->n_ports; i++) {
		const struct sw_port *pt = &sw->ports[i];

		h = fnv_u64(h,
			(uint64_t)pt->admin_up | (uint64_t)pt->auto_create << 1 |
				(uint64_t)pt->reflective_relay << 2 |
				(uint64_t)pt->schan_on << 3 | (uint64_t)pt->lldp_admin << 8 |
				(uint64_t)pt->chncap << 16 | (uint64_t)pt->svid_min << 32 |
				(uint64_t)pt->svid_max << 48);
		h = fnv_u64(h, (uint64_t)pt->max_veths << 32 | pt->max_channels);
		h = fnv(h, pt->vlans, sizeof(pt->vlans));
	}
	for (size_t i = 0; i < sw->n_profiles; i++) {
		const struct sw_profile *pr = &sw->profiles[i];
		struct sw_conf_policy cp;

		if (!pr->name[0])
			continue;
		h = fnv_str(h, pr->name);
		h = fnv_u64(h,
			(uint64_t)pr->type_id << 32 | (uint64_t)pr->type_version << 24 |
				(uint64_t)pr->has_vlan << 16 | pr->vlan);
		if (sw_policy_get_conf(&pr->pol, &cp))
			return -1;
		for (int d = 0; d < SW_DIR_N; d++) {
			h = fnv_u64(h, cp.n_rules[d]);
			for (size_t r = 0; r < cp.n_rules[d]; r++) {
				h = fnv_u64(h, (uint64_t)cp.rules[d][r].priority);
				h = fnv_str(h, cp.rules[d][r].match);
				h = fnv_str(h, cp.rules[d][r].action);
			}
			h = fnv_str(h, cp.acl_default[d]);
			h = fnv_u64(h, cp.police[d]);
			if (cp.police[d])
				h = fp_pol(h, &cp.police_conf[d]);
		}
		sw_conf_policy_free(&cp);
	}
	for (size_t s = 0; s < sw->slots_hwm; s++) {
		const struct sw_veth *v = &sw->veths[s];

		if (!v->used || v->origin == SW_ORIGIN_AUTO)
			continue;
		h = fnv_u64(h,
			(uint64_t)v->id << 32 | (uint64_t)v->port << 16 |
				(uint64_t)v->kind << 8 | v->origin);
		h = fnv_u64(h, (uint64_t)v->key << 32 | (uint64_t)v->svid << 16 | v->vlan);
		h = fnv_u64(h, (uint64_t)(uint32_t)v->profile << 8 | v->own_vlan);
		h = fnv(h, v->mac, sizeof(v->mac));
		h = fnv_u64(h, v->n_extra_macs);
		h = fnv(h, v->extra_macs, (size_t)v->n_extra_macs * VN_ETH_ALEN);
	}
	sw_cplane_vsi_each(sw->cp, fp_vsi, &h);
	*out = h;
	return 0;
}

/* ---- write ---------------------------------------------------------------------------- */

static void
hex(char *out, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static const char *const chan_names[] = { "untagged", "vif", "ecid", "svid" };

static void
save_vsi(void *aux, const struct sw_persist_vsi *s)
{
	config_setting_t *l = aux, *g, *t, *fl;
	char h[2 * VDP_VSIID_LEN + 1], mac[18];

	g = config_setting_add(l, NULL, CONFIG_TYPE_GROUP);
	if (!g)
		return;
	swc_add_int(g, "veth", (int)s->veth);
	swc_add_str(g, "port", s->port);
	swc_add_str(g, "channel", s->chan_kind < 4 ? chan_names[s->chan_kind] : "?");
	swc_add_int(g, "channel_id", (int)s->chan_id);
	hex(h, s->mgrid, VDP_MGRID_LEN);
	swc_add_str(g, "mgrid", h);
	swc_add_int(g, "type_id", (int)s->type_id);
	swc_add_int(g, "type_version", s->type_version);
	swc_add_int(g, "vsiid_format", s->vsiid_format);
	hex(h, s->vsiid, VDP_VSIID_LEN);
	swc_add_str(g, "vsiid", h);
	swc_add_int(g, "fif", s->fif);
	swc_add_bool(g, "hint_m", s->hint_m);
	swc_add_bool(g, "hint_s", s->hint_s);
	t = config_setting_add(g, "timers", CONFIG_TYPE_ARRAY);
	if (t) {
		config_setting_set_int_elem(t, -1, s->r);
		config_setting_set_int_elem(t, -1, s->rte);
		config_setting_set_int_elem(t, -1, s->rka);
	}
	fl = config_setting_add(g, "filters", CONFIG_TYPE_LIST);
	for (uint16_t i = 0; fl && i < s->n_filters; i++) {
		const struct vdp_filter *f = &s->filters[i];
		config_setting_t *e = config_setting_add(fl, NULL, CONFIG_TYPE_GROUP), *gs;

		if (!e)
			break;
		swc_add_int(e, "vid", f->vid);
		swc_add_bool(e, "ps", f->ps);
		swc_add_int(e, "pcp", f->pcp);
		gs = config_setting_add(e, "group_id", CONFIG_TYPE_INT64);
		if (gs)
			config_setting_set_int64(gs, f->group_id);
		vn_eth_format_mac(f->mac, mac);
		swc_add_str(e, "mac", mac);
	}
}

/* The VDP section as text (malloc'ed) or NULL. */
static char *
vdp_text(struct sw_persist *p, size_t *len)
{
	config_t cfg;
	config_setting_t *root, *l, *s;
	char *buf = NULL;
	size_t n = 0;
	FILE *f;

	config_init(&cfg);
	root = config_root_setting(&cfg);
	l = config_setting_add(root, "vsis", CONFIG_TYPE_LIST);
	if (l)
		sw_cplane_vsi_each(p->sw->cp, save_vsi, l);
	s = config_setting_add(root, "next_auto_id", CONFIG_TYPE_INT64);
	if (s)
		config_setting_set_int64(s, p->sw->next_auto_id);
	f = open_memstream(&buf, &n);
	if (f) {
		fputs("# VDP associations with a vEth: restored at start-up with their\n"
		      "# keep-alive supervision restarted (cp_persist.c).\n",
			f);
		config_write(&cfg, f);
		if (fclose(f)) {
			free(buf);
			buf = NULL;
		}
	}
	config_destroy(&cfg);
	*len = buf ? n : 0;
	return buf;
}

/* The whole file in memory (malloc'ed, the caller frees): header, the
 * configuration, the VDP section.  NULL with a message. */
static char *
render(struct sw_persist *p, size_t *len, char *err, size_t errlen)
{
	static const char cfg_note[] = "# The running configuration (vnctl config save).\n";
	char hdr[256], *cfg = NULL, *vdp = NULL, *out = NULL;
	size_t cfg_len = 0, vdp_len = 0, hlen;
	FILE *f = open_memstream(&cfg, &cfg_len);
	uint64_t h;
	int rc;

	if (!f) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	fputs(cfg_note, f);
	/* The configuration through the one renderer that saves it. */
	rc = sw_config_write(p->sw, f, err, errlen);
	if (fclose(f) || rc) {
		if (!rc)
			snprintf(err, errlen, "out of memory");
		free(cfg);
		return NULL;
	}
	vdp = vdp_text(p, &vdp_len);
	if (!vdp) {
		snprintf(err, errlen, "out of memory");
		free(cfg);
		return NULL;
	}
	h = fnv(FNV_INIT, cfg, cfg_len);
	h = fnv(h, vdp, vdp_len);
	hlen = (size_t)snprintf(hdr, sizeof(hdr),
		"# vnswitchd-state %d config=%016llx config_bytes=%zu vdp_bytes=%zu "
		"fnv64=%016llx\n",
		STATE_VERSION, (unsigned long long)p->conf_digest, cfg_len, vdp_len,
		(unsigned long long)h);
	out = malloc(hlen + cfg_len + vdp_len);
	if (!out) {
		snprintf(err, errlen, "out of memory");
	} else {
		memcpy(out, hdr, hlen);
		memcpy(out + hlen, cfg, cfg_len);
		memcpy(out + hlen + cfg_len, vdp, vdp_len);
		*len = hlen + cfg_len + vdp_len;
	}
	free(cfg);
	free(vdp);
	return out;
}

/* The writer thread's one job: PATH.tmp (created afresh, never through a
 * link), synced, renamed over PATH, and the directory synced so that the
 * rename survives a crash too.  Touches only the bytes and the paths. */
static int
write_file(struct sw_persist *p, const char *buf, size_t len, char *err, size_t errlen)
{
	int fd, e;

	unlink(p->tmp);
	fd = open(p->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %m", p->tmp);
		return -1;
	}
	if (write_all(fd, buf, len) || fsync(fd)) {
		snprintf(err, errlen, "%s: %m", p->tmp);
		close(fd);
		unlink(p->tmp);
		return -1;
	}
	e = close(fd);
	if (e || rename(p->tmp, p->path)) {
		snprintf(err, errlen, "%s: %m", e ? p->tmp : p->path);
		unlink(p->tmp);
		return -1;
	}
	if (sync_dir(p->path)) {
		snprintf(err, errlen, "%s: written, but its directory cannot be synced: %m",
			p->path);
		return -1;
	}
	return 0;
}

static void *
writer_main(void *arg)
{
	struct sw_persist *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		char err[256];
		size_t len;
		char *buf;
		int rc;

		while (!p->job && !p->stop)
			pthread_cond_wait(&p->work, &p->mu);
		if (!p->job)
			break; /* stopped, and nothing left to write */
		buf = p->job;
		len = p->job_len;
		p->job = NULL;
		p->busy = true;
		pthread_mutex_unlock(&p->mu);
		rc = write_file(p, buf, len, err, sizeof(err));
		free(buf);
		pthread_mutex_lock(&p->mu);
		p->busy = false;
		p->last_failed = rc != 0;
		if (rc) {
			p->done_err++;
			snprintf(p->done_error, sizeof(p->done_error), "%s", err);
		} else {
			p->done_ok++;
		}
		pthread_cond_broadcast(&p->idle);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Take what the writer did into the counters; log a failure once per
 * distinct error, and a recovery.  A failed last job is submitted again
 * (the next poll that the rate limit lets through). */
static void
collect(struct sw_persist *p)
{
	uint64_t ok, bad;
	bool failed, pending;
	char why[256];

	pthread_mutex_lock(&p->mu);
	ok = p->done_ok;
	bad = p->done_err;
	failed = p->last_failed;
	pending = p->job || p->busy;
	snprintf(why, sizeof(why), "%s", p->done_error);
	pthread_mutex_unlock(&p->mu);
	p->stats.writes += ok - p->seen_ok;
	p->stats.write_errors += bad - p->seen_err;
	if (bad != p->seen_err && strcmp(why, p->last_error)) {
		snprintf(p->last_error, sizeof(p->last_error), "%s", why);
		plog(p,
			"state file not written (%llu failures so far; tried again at most "
			"once a second): %s",
			(unsigned long long)p->stats.write_errors, why);
	}
	if (ok != p->seen_ok && !failed && p->last_error[0]) {
		plog(p, "state file %s written again", p->path);
		p->last_error[0] = '\0';
	}
	p->seen_ok = ok;
	p->seen_err = bad;
	if (failed && !pending)
		p->submitted = false;
}

/* Render the state and hand it to the writer (replacing a job it has not
 * started).  0, or -1 with a message (nothing handed over). */
static int
submit(struct sw_persist *p, uint64_t fp, bool have_fp, char *err, size_t errlen)
{
	size_t len = 0;
	char *buf = render(p, &len, err, errlen);

	if (!buf)
		return -1;
	pthread_mutex_lock(&p->mu);
	free(p->job);
	p->job = buf;
	p->job_len = len;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
	p->submitted = have_fp; /* no fingerprint (no memory): submit again next time */
	p->submitted_fp = fp;
	return 0;
}

uint64_t
sw_persist_poll(struct sw_persist *p, uint64_t wall)
{
	char err[512];
	uint64_t fp = 0;
	bool have;

	collect(p);
	/* A wall clock that stepped back accrues nothing. */
	if (p->last_poll && wall > p->last_poll)
		p->credit += wall - p->last_poll;
	if (p->credit > SW_PERSIST_BURST * SW_PERSIST_GAP_US)
		p->credit = SW_PERSIST_BURST * SW_PERSIST_GAP_US;
	p->last_poll = wall;
	if (p->credit < SW_PERSIST_GAP_US)
		return wall + SW_PERSIST_GAP_US - p->credit; /* nothing could be written */
	have = !fingerprint(p, &fp);
	if (have && p->submitted && fp == p->submitted_fp)
		return wall + SW_PERSIST_POLL_US;
	p->credit -= SW_PERSIST_GAP_US;
	if (submit(p, fp, have, err, sizeof(err))) {
		p->stats.write_errors++;
		plog(p, "state file not written: %s", err);
	}
	return wall +
		(p->credit >= SW_PERSIST_GAP_US ? SW_PERSIST_POLL_US
						: SW_PERSIST_GAP_US - p->credit);
}

void
sw_persist_sync(struct sw_persist *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->job || p->busy)
		pthread_cond_wait(&p->idle, &p->mu);
	pthread_mutex_unlock(&p->mu);
	collect(p);
}

int
sw_persist_flush(struct sw_persist *p, char *err, size_t errlen)
{
	uint64_t fp = 0;
	bool have, failed;

	collect(p);
	have = !fingerprint(p, &fp);
	if (!(have && p->submitted && fp == p->submitted_fp) &&
		submit(p, fp, have, err, errlen)) {
		p->stats.write_errors++;
		return -1;
	}
	sw_persist_sync(p);
	pthread_mutex_lock(&p->mu);
	failed = p->last_failed;
	snprintf(err, errlen, "%s", p->done_error);
	pthread_mutex_unlock(&p->mu);
	return failed ? -1 : 0;
}

int
sw_persist_check(struct sw_persist *p, char *err, size_t errlen)
{
	int fd;

	unlink(p->tmp);
	fd = open(p->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot be written: %s", p->tmp, strerror(errno));
		return -1;
	}
	close(fd);
	unlink(p->tmp);
	return 0;
}

/* ---- read ----------------------------------------------------------------------------- */

static int
unhex(const char *s, uint8_t *out, size_t n)
{
	if (strlen(s) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1 ||
			!strchr("0123456789abcdefABCDEF", s[2 * i]) ||
			!strchr("0123456789abcdefABCDEF", s[2 * i + 1]))
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

static bool
get_int(const config_setting_t *g, const char *k, long long lo, long long hi, long long *v)
{
	const config_setting_t *s = config_setting_get_member(g, k);

	if (!s ||
		(config_setting_type(s) != CONFIG_TYPE_INT &&
			config_setting_type(s) != CONFIG_TYPE_INT64))
		return false;
	*v = config_setting_get_int64(s);
	return *v >= lo && *v <= hi;
}

static bool
get_bool(const config_setting_t *g, const char *k, bool *v)
{
	const config_setting_t *s = config_setting_get_member(g, k);

	if (!s || config_setting_type(s) != CONFIG_TYPE_BOOL)
		return false;
	*v = config_setting_get_bool(s);
	return true;
}

static const char *
get_str(const config_setting_t *g, const char *k)
{
	const config_setting_t *s = config_setting_get_member(g, k);

	return s && config_setting_type(s) == CONFIG_TYPE_STRING ? config_setting_get_string(s)
								 : NULL;
}

/* One VSI entry; 0, or -1 with the first bad setting in why. */
static int
parse_vsi(const config_setting_t *g, struct sw_persist_vsi *s, char *why, size_t wn)
{
	const config_setting_t *t, *fl;
	const char *str;
	long long v;
	int k;

	memset(s, 0, sizeof(s[0]));
#define NEED(cond, what)                                                                       \
	do {                                                                                   \
		if (!(cond)) {                                                                 \
			snprintf(why, wn, "%s", what);                                         \
			return -1;                                                             \
		}                                                                              \
	} while (0)
	NEED(get_int(g, "veth", 1, 0x7FFFFFFF, &v), "veth");
	s->veth = (uint32_t)v;
	str = get_str(g, "port");
	NEED(str && *str && strlen(str) < sizeof(s->port), "port");
	snprintf(s->port, sizeof(s->port), "%s", str);
	str = get_str(g, "channel");
	for (k = 0; str && k < 4 && strcmp(str, chan_names[k]); k++)
		;
	NEED(str && k < 4, "channel");
	s->chan_kind = (uint8_t)k;
	NEED(get_int(g, "channel_id", 0, 0xFFFFFF, &v), "channel_id");
	s->chan_id = (uint32_t)v;
	str = get_str(g, "mgrid");
	NEED(str && !unhex(str, s->mgrid, VDP_MGRID_LEN), "mgrid");
	NEED(get_int(g, "type_id", 0, 0xFFFFFF, &v), "type_id");
	s->type_id = (uint32_t)v;
	NEED(get_int(g, "type_version", 0, 255, &v), "type_version");
	s->type_version = (uint8_t)v;
	NEED(get_int(g, "vsiid_format", 0, 255, &v), "vsiid_format");
	s->vsiid_format = (uint8_t)v;
	str = get_str(g, "vsiid");
	NEED(str && !unhex(str, s->vsiid, VDP_VSIID_LEN), "vsiid");
	NEED(get_int(g, "fif", 1, 4, &v), "fif");
	s->fif = (uint8_t)v;
	NEED(get_bool(g, "hint_m", &s->hint_m) && get_bool(g, "hint_s", &s->hint_s), "hints");
	t = config_setting_get_member(g, "timers");
	NEED(t && config_setting_is_array(t) && config_setting_length(t) == 3, "timers");
	for (int i = 0; i < 3; i++) {
		const config_setting_t *e = config_setting_get_elem(t, (unsigned)i);

		NEED(e && config_setting_type(e) == CONFIG_TYPE_INT, "timers");
		v = config_setting_get_int(e);
		NEED(v >= 0 && v <= (i ? 31 : 7), "timers");
	}
	s->r = (uint8_t)config_setting_get_int_elem(t, 0);
	s->rte = (uint8_t)config_setting_get_int_elem(t, 1);
	s->rka = (uint8_t)config_setting_get_int_elem(t, 2);
	fl = config_setting_get_member(g, "filters");
	NEED(fl && config_setting_is_list(fl) && config_setting_length(fl) >= 1 &&
			config_setting_length(fl) <= SW_PERSIST_FILTERS,
		"filters");
	s->n_filters = (uint16_t)config_setting_length(fl);
	for (uint16_t i = 0; i < s->n_filters; i++) {
		const config_setting_t *e = config_setting_get_elem(fl, i);
		struct vdp_filter *f = &s->filters[i];

		NEED(e && config_setting_is_group(e), "filters");
		NEED(get_int(e, "vid", 0, 4094, &v), "filters.vid");
		f->vid = (uint16_t)v;
		NEED(get_bool(e, "ps", &f->ps), "filters.ps");
		NEED(get_int(e, "pcp", 0, 7, &v), "filters.pcp");
		f->pcp = (uint8_t)v;
		NEED(get_int(e, "group_id", 0, 0xFFFFFFFFll, &v), "filters.group_id");
		f->group_id = (uint32_t)v;
		str = get_str(e, "mac");
		NEED(str && vn_eth_parse_mac(str, f->mac), "filters.mac");
	}
#undef NEED
	return 0;
}

/* A parsed state file. */
struct state_doc {
	uint64_t conf_digest;
	char *cfg; /* NUL-terminated section texts, heap */
	config_t vdp;
	bool vdp_init;
};

static void
doc_free(struct state_doc *d)
{
	free(d->cfg);
	if (d->vdp_init)
		config_destroy(&d->vdp);
}

/* Check and split; 0, or -1 with why (the file is refused). */
static int
parse_file(const char *text, size_t len, struct state_doc *d, char *why, size_t wn)
{
	unsigned long long digest, sum;
	size_t cb, vb, hlen;
	const char *nl = memchr(text, '\n', len < 256 ? len : 256);
	char *vdp;
	int ver, used = 0;

	memset(d, 0, sizeof(*d));
	if (!nl ||
		sscanf(text,
			"# vnswitchd-state %d config=%16llx config_bytes=%zu vdp_bytes=%zu "
			"fnv64=%16llx%n",
			&ver, &digest, &cb, &vb, &sum, &used) != 5 ||
		text + used != nl) {
		snprintf(why, wn, "no vnswitchd-state header on its first line");
		return -1;
	}
	if (ver != STATE_VERSION) {
		snprintf(why, wn, "format version %d (this vnswitchd reads %d)", ver,
			STATE_VERSION);
		return -1;
	}
	hlen = (size_t)(nl + 1 - text);
	if (cb > STATE_MAX_FILE || vb > STATE_MAX_FILE || len - hlen != cb + vb) {
		snprintf(why, wn,
			"truncated or extended: %zu bytes after the header, which says %zu",
			len - hlen, cb + vb);
		return -1;
	}
	if (memchr(text + hlen, '\0', cb + vb) || fnv(FNV_INIT, text + hlen, cb + vb) != sum) {
		snprintf(why, wn, "checksum mismatch: the file was changed or damaged");
		return -1;
	}
	d->conf_digest = digest;
	d->cfg = malloc(cb + 1);
	vdp = malloc(vb + 1);
	if (!d->cfg || !vdp) {
		free(vdp);
		snprintf(why, wn, "out of memory");
		return -1;
	}
	memcpy(d->cfg, text + hlen, cb);
	d->cfg[cb] = '\0';
	memcpy(vdp, text + hlen + cb, vb);
	vdp[vb] = '\0';
	config_init(&d->vdp);
	d->vdp_init = true;
	if (config_read_string(&d->vdp, vdp) != CONFIG_TRUE) {
		snprintf(why, wn, "VDP section, line %d: %s", config_error_line(&d->vdp),
			config_error_text(&d->vdp));
		free(vdp);
		return -1;
	}
	free(vdp);
	return 0;
}

/* The saved configuration on top of the running one. */
static void
restore_config(struct sw_persist *p, struct state_doc *d, uint64_t now)
{
	char name[PATH_MAX_LEN + 32], err[1024];
	struct sw_conf c;

	if (d->conf_digest != p->conf_digest) {
		p->stats.config_changed++;
		plog(p,
			"%s: the configuration file %s changed since the state was saved: the "
			"configuration's profiles and vEths are used, vnctl changes made before "
			"the restart are not (as on a reload)",
			p->path, p->conf_path);
		return;
	}
	snprintf(name, sizeof(name), "%s (saved configuration)", p->path);
	if (sw_conf_load_string(d->cfg, name, &c, err, sizeof(err))) {
		p->stats.apply_failed++;
		plog(p, "%s: not applied, running on the configuration alone: %s", p->path,
			err);
		return;
	}
	if (sw_config_apply(p->sw, &c, now, err, sizeof(err))) {
		p->stats.apply_failed++;
		plog(p, "%s: not applied, running on the configuration alone: %s", p->path,
			err);
	} else {
		p->stats.restored++;
		plog(p, "%s: saved configuration applied (%zu profiles, %zu vEths)", p->path,
			c.n_profiles, c.n_veths);
	}
	sw_conf_free(&c);
}

static void
restore_vsis(struct sw_persist *p, struct state_doc *d, uint64_t now)
{
	const config_setting_t *l = config_lookup(&d->vdp, "vsis");
	long long next = 0;
	unsigned n_ok = 0, n;

	if (!p->sw->cp || !l || !config_setting_is_list(l))
		return;
	n = (unsigned)config_setting_length(l);
	for (unsigned i = 0; i < n; i++) {
		char why[256], id[VDP_VSIID_TEXT_MAX];
		struct sw_persist_vsi s;
		uint32_t veth = 0;

		if (parse_vsi(config_setting_get_elem(l, i), &s, why, sizeof(why))) {
			p->stats.vsis_refused++;
			plog(p, "%s: VDP association %u not restored: bad '%s'", p->path, i + 1,
				why);
			continue;
		}
		if (vdp_vsiid_format_text(s.vsiid_format, s.vsiid, id, sizeof(id)) < 0)
			snprintf(id, sizeof(id), "(format %u)", s.vsiid_format);
		if (sw_cplane_vsi_restore(p->sw->cp, &s, now, &veth, why, sizeof(why))) {
			p->stats.vsis_refused++;
			plog(p, "%s: VSI %s (vEth %u on %s) not restored: %s", p->path, id,
				s.veth, s.port, why);
			continue;
		}
		p->stats.vsis_restored++;
		n_ok++;
		sw_event_log(p->sw, veth, SW_EV_ASSOCIATED, now,
			"VSI %s restored from the state file; keep-alive supervision restarted",
			id);
	}
	/* Ids handed out before the restart are not handed out again soon. */
	if (get_int(config_root_setting(&d->vdp), "next_auto_id", SW_AUTO_ID_BASE, 0x7FFFFFFF,
		    &next) &&
		(uint32_t)next > p->sw->next_auto_id)
		p->sw->next_auto_id = (uint32_t)next;
	if (n)
		plog(p, "%s: %u of %u VDP associations restored", p->path, n_ok, n);
}

void
sw_persist_restore(struct sw_persist *p, uint64_t now)
{
	struct state_doc d;
	char why[256];
	size_t len;
	char *text;
	int e = read_file(p->path, &text, &len);

	if (e == ENOENT) {
		p->stats.missing++;
		plog(p, "%s: no state file yet: starting from the configuration", p->path);
		return;
	}
	if (e) {
		p->stats.corrupt++;
		plog(p,
			"%s: cannot read the state file (%s): starting from the configuration "
			"alone",
			p->path, e == EFBIG ? "larger than 64 MiB" : strerror(e));
		return;
	}
	if (parse_file(text, len, &d, why, sizeof(why))) {
		p->stats.corrupt++;
		doc_free(&d);
		free(text);
		if (rename(p->path, p->bad))
			plog(p,
				"%s: corrupt state file (%s): starting from the configuration "
				"alone (could not keep it as %s: %s)",
				p->path, why, p->bad, strerror(errno));
		else
			plog(p,
				"%s: corrupt state file (%s): starting from the configuration "
				"alone; the file is kept as %s",
				p->path, why, p->bad);
		return;
	}
	free(text);
	restore_config(p, &d, now);
	restore_vsis(p, &d, now);
	doc_free(&d);
}
