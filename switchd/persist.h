/* SPDX-License-Identifier: Apache-2.0 */
/*
 * persist.h - the runtime state file (vnswitchd --state-file): what the
 * switch learned or was told while running, kept on disk so that a restart
 * -- even after kill -9 -- comes back with it.
 *
 * What is kept.  The running configuration as `vnctl config save` writes it
 * (runconf.c: profiles with their ACLs and policers, configured and
 * vnctl-added vEths, port settings), and the VDP associations that have a
 * vEth (VSI key, type, filters as requested, the vEth's id).  Auto-created
 * vEths are not kept: traffic creates them again, and a flood of random
 * sources must not turn into a flood of writes.
 *
 * When it is written.  sw_persist_poll() compares a fingerprint of that
 * state with the one last written and writes when it differs, within a
 * token bucket: a burst of SW_PERSIST_BURST writes (a few vnctl commands
 * land at once), then at most one per SW_PERSIST_GAP_US however often the
 * state changes (a VDP flood costs one write a second, never one per
 * change).  So the file is at most about a second behind the switch, and
 * a change is on disk a poll period after it was made while no flood is
 * going on.  What changed in the second before a kill -9 may be missing
 * from the file: a VSI associated then is not restored and comes back with
 * the station's next keep-alive (a whole ASSOCIATE, which the bridge takes
 * as a new one), one de-associated then is restored and reaped one
 * supervision time later.  The bytes are rendered on the caller's thread
 * and written by a thread of the state file's own (fsync may take seconds
 * on a busy disk; the event loop never waits for it).  Written atomically: a
 * temporary file in the same directory, fsync, rename over the old one,
 * fsync of the directory.  A crash leaves the old file or the new one.
 *
 * The file.  One header line, then two sections of libconfig text:
 *
 *   # vnswitchd-state 1 config=FNV config_bytes=N vdp_bytes=M fnv64=FNV
 *   <N bytes: the running configuration>
 *   <M bytes: vsis = ( ... ); next_auto_id = ...;>
 *
 * config= is the FNV-1a 64 of the configuration file the daemon ran with
 * (loaded at start or by the last reload); fnv64= covers the N + M bytes.
 *
 * How it is read (sw_persist_restore, at start-up, before any port opens,
 * so no frame is ever switched with less than the saved state):
 *   - no file: a first start, nothing to do;
 *   - a file that is short, long, fails its checksum, does not parse or has
 *     another format: a clear message, the file is kept as PATH.bad, and
 *     the switch runs on the configuration alone (counted: stats.corrupt);
 *   - the configuration file changed since the state was written: the
 *     configuration wins, as a reload would make it win over vnctl changes
 *     (stats.config_changed); VDP associations are still restored;
 *   - otherwise the saved configuration is applied on top of the
 *     configuration (sw_config_apply: all or nothing; a failure is logged
 *     and counted, stats.apply_failed);
 *   - then the VDP associations (see sw_cplane_vsi_restore).
 *
 * Nothing here reads the switch clock: 'now' (the switch's) and 'wall'
 * (the rate limit's) come from the caller.
 */
#ifndef SWITCHD_PERSIST_H
#define SWITCHD_PERSIST_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "switchd/sw.h"
#include "vepa/vdp.h"

#define SW_PERSIST_GAP_US  1000000u /* at most one write per second ... */
#define SW_PERSIST_BURST   4u       /* ... after a burst of this many */
#define SW_PERSIST_POLL_US 250000u  /* how often the fingerprint is compared */

/* Log lines (no trailing newline); vnswitchd prefixes "vnswitchd: ". */
typedef void (*sw_persist_log_fn)(void *aux, const char *line);

struct sw_persist_stats {
	uint64_t writes;         /* state files written */
	uint64_t write_errors;   /* writes that failed (the old file stays) */
	uint64_t restored;       /* start-ups that applied a saved state */
	uint64_t missing;        /* start-ups without a state file */
	uint64_t corrupt;        /* state files refused (kept as PATH.bad) */
	uint64_t config_changed; /* saved configuration not applied: the file changed */
	uint64_t apply_failed;   /* saved configuration refused by sw_config_apply */
	uint64_t vsis_restored;  /* VDP associations restored */
	uint64_t vsis_refused;   /* ... not restored (reason logged) */
};

struct sw_persist;

/* path: the state file; conf_path: the configuration file (its digest goes
 * into the header).  Starts the writer thread.  NULL on out of memory, no
 * thread, or a path that is too long. */
struct sw_persist *sw_persist_create(struct sw *sw, const char *path, const char *conf_path,
	sw_persist_log_fn log, void *log_aux);
/* Stops the writer thread once the job it has is written. */
void sw_persist_destroy(struct sw_persist *p);

/* Read the state file and apply it (see above).  Never fails the start:
 * every problem is logged and counted, and the switch keeps what it has.
 * Call after the control plane is attached and before any frame. */
void sw_persist_restore(struct sw_persist *p, uint64_t now);

/* The configuration file was (re)loaded: take its digest again. */
void sw_persist_config_loaded(struct sw_persist *p);

/* Can the file be written at all (its directory exists and takes a new
 * file)?  A quick check at start, no fsync.  0, or -1 with a message. */
int sw_persist_check(struct sw_persist *p, char *err, size_t errlen);

/* Hand the state to the writer if it changed since the last hand-over and
 * the rate limit allows (wall clock, microseconds); take in what the
 * writer did (stats; a failure is logged once and tried again).  Returns
 * when to call again. */
uint64_t sw_persist_poll(struct sw_persist *p, uint64_t wall);

/* Wait until the writer is idle, and take in what it did. */
void sw_persist_sync(struct sw_persist *p);

/* Write now if anything changed, and wait for it (a clean stop).  0, or -1
 * with a message when the file does not hold the current state. */
int sw_persist_flush(struct sw_persist *p, char *err, size_t errlen);

const struct sw_persist_stats *sw_persist_stats(const struct sw_persist *p);

/* ---- the control plane's part (cp_persist.c) --------------------------------- */

#define SW_PERSIST_FILTERS 16 /* = the filters the control plane keeps per VSI */

/* One VDP association with a vEth, as the state file keeps it. */
struct sw_persist_vsi {
	char port[SW_NAME_MAX];
	uint8_t chan_kind; /* 0 untagged, 1 vif, 2 E-CID, 3 S-channel (cp_internal.h) */
	uint32_t chan_id;  /* vif, E-CID or S-VID; 0 untagged */
	uint32_t veth;
	uint8_t mgrid[VDP_MGRID_LEN];
	uint32_t type_id;
	uint8_t type_version;
	uint8_t vsiid_format;
	uint8_t vsiid[VDP_VSIID_LEN];
	uint8_t fif;
	bool hint_m, hint_s;
	uint8_t r, rte, rka; /* the timers its channel ran with */
	uint16_t n_filters;
	struct vdp_filter filters[SW_PERSIST_FILTERS]; /* as the station requested them */
};

/* Every associated VSI that has a vEth, in port / channel / table order. */
void sw_cplane_vsi_each(
	struct sw_cplane *cp, void (*fn)(void *aux, const struct sw_persist_vsi *), void *aux);

/* Restore one association at start-up: its channel is created, admission
 * runs against the current profiles (the vEth gets its saved id back when
 * that id is free) and the VDP machine's record is put back with its
 * keep-alive supervision restarted at 'now' (vdp_bridge_restore).  0 with
 * *veth set, or -1 with the reason in why. */
int sw_cplane_vsi_restore(struct sw_cplane *cp, const struct sw_persist_vsi *s, uint64_t now,
	uint32_t *veth, char *why, size_t wn);

#endif /* SWITCHD_PERSIST_H */
