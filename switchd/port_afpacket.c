/* SPDX-License-Identifier: Apache-2.0 */
/*
 * port_afpacket.c - the live port back-end: one AF_PACKET socket per port
 * with a TPACKET_V2 receive ring and a TPACKET_V2 transmit ring, both
 * mmap()ed once at attach time.
 *
 * Receive: the kernel fills ring slots and flips them to TP_STATUS_USER;
 * sw_afp_rx() walks the ring, hands each frame to sw_input() straight from
 * the slot and gives the slot back.  No syscall and no copy per frame.
 * Each frame also carries the time the kernel received it (the slot's
 * timestamp, never later than the caller's clock) for the per-vEth
 * policers (sw_input_rx): a batch that waited in the ring, on a busy
 * machine, is then not policed as if it had arrived all at once.
 *
 * Transmit: tx_buf() returns the next free slot of the transmit ring, the
 * pipeline writes the frame into it, tx_commit() marks it for sending and
 * flush() (once per event-loop round, or every TX_KICK frames) tells the
 * kernel to send everything marked with one sendto().  A full ring makes
 * tx_buf() return NULL: the pipeline counts SW_DROP_TX_FULL.
 *
 * Why V2 and not V3: V3 hands blocks to user space only when a block is
 * full or its retire timer (>= 1 ms) expires, which adds up to a
 * millisecond of latency at low rates; V2 gives each frame as soon as it
 * lands, and V2 also has a transmit ring with the same slot layout.
 *
 * Things the kernel does to raw frames that a switch must undo or avoid:
 *  - 802.1Q / 802.1ad tags are taken out of the frame on receive and put
 *    in the slot header (tp_vlan_tci, tp_vlan_tpid).  We put the tag back
 *    in front of the EtherType before sw_input(), in place: the slot has
 *    headroom before the frame (PACKET_RESERVE guarantees at least 4 bytes),
 *    so the 12 address bytes move 4 bytes down and the tag goes after them.
 *    The slot is ours until we give it back, so writing into it is safe.
 *    (PACKET_AUXDATA is not needed: it carries the same tag information,
 *    but only for recvmsg(); the ring header always has it.)
 *  - The switch's own transmissions would come back on its receive ring:
 *    PACKET_IGNORE_OUTGOING (Linux >= 4.20) stops that; without it we skip
 *    frames whose sll_pkttype is PACKET_OUTGOING.
 *  - GRO / LRO merge TCP segments into frames larger than the MTU before
 *    packet sockets see them; those cannot be switched.  attach turns GRO
 *    and LRO off on the interface (and turns them back on at close if it
 *    changed them).  Frames that still do not fit a slot (tp_snaplen <
 *    tp_len) are counted and logged, never forwarded cut short.
 *  - A peer that hands the wire a frame with a checksum still to be
 *    computed (a veth or tap whose transmit offload is on) arrives marked
 *    TP_STATUS_CSUMNOTREADY; the frame is forwarded as it is and counted:
 *    such peers must turn transmit checksum offload off (scripts/lab.sh does).
 *
 * Counters of this back-end (ring drops from PACKET_STATISTICS, truncated
 * or oversized frames, transmit errors) are logged on stderr once a second
 * when they moved, and in total at close.
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "switchd/port_be.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif
#ifndef TP_STATUS_VLAN_TPID_VALID
#define TP_STATUS_VLAN_TPID_VALID (1 << 6)
#endif

/* Ring geometry.  Slots are a power of two big enough for the interface
 * MTU (2 KiB for a 1500-byte MTU); rings are sized in bytes so jumbo MTUs
 * get fewer, larger slots.  8 MiB of receive ring holds 4096 standard
 * frames: ~8 ms at 500 kpps, enough to ride out a scheduling hiccup. */
#define RX_RING_BYTES  (8u << 20)
#define TX_RING_BYTES  (2u << 20)
#define RING_BLOCK     (64u << 10)
#define SLOT_MIN       2048u
#define RX_RESERVE     4u  /* headroom for re-inserting one VLAN tag */
#define TX_KICK        256 /* send after this many queued frames even mid-round */
#define STATS_EVERY_US 1000000u

/* Transmit slot layout (V2 without PACKET_TX_HAS_OFF): the frame starts
 * right after the aligned header, where the sockaddr_ll would be on receive. */
#define TX_DATA_OFF (TPACKET2_HDRLEN - sizeof(struct sockaddr_ll))

struct afp_stats {
	uint64_t ring_drops;  /* PACKET_STATISTICS tp_drops: receive ring was full */
	uint64_t truncated;   /* did not fit a slot (GRO/LRO still on?) */
	uint64_t outgoing;    /* own transmissions skipped (no PACKET_IGNORE_OUTGOING) */
	uint64_t csum_unset;  /* TP_STATUS_CSUMNOTREADY from a peer with tx offload */
	uint64_t tx_oversize; /* larger than the egress MTU allows: not sent */
	uint64_t tx_errors;   /* sendto() failures */
};

struct afp {
	int fd;
	unsigned port;
	char ifname[IF_NAMESIZE];
	unsigned mtu;
	size_t slot;  /* bytes per ring slot, both rings */
	uint8_t *map; /* both rings, receive first (owned: munmap at close) */
	size_t map_len;
	uint8_t *rx;    /* receive ring */
	unsigned rx_nr; /* slots */
	unsigned rx_head;
	uint8_t *tx; /* transmit ring */
	unsigned tx_nr;
	unsigned tx_head;
	unsigned tx_pending; /* committed, not yet kicked */
	bool tx_retry;       /* last kick failed: kick again at the next flush */
	size_t tx_max; /* MTU + 14: the longest untagged frame the kernel sends (+4 tagged) */
	bool skip_outgoing;    /* PACKET_IGNORE_OUTGOING is not available */
	bool gro_off, lro_off; /* we turned them off: turn them back on at close */
	struct afp_stats st, logged;
	uint64_t next_stats_us;
	uint8_t *scratch; /* tag re-insertion when a slot lacks headroom (owned) */
};

static size_t
pow2_at_least(size_t n)
{
	size_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

static int
ethtool_value(int fd, const char *ifname, uint32_t cmd, uint32_t *val)
{
	struct ethtool_value ev = { .cmd = cmd, .data = *val };
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		return -1;
	*val = ev.data;
	return 0;
}

/* GRO and LRO off (see the top of the file).  Failure is not fatal: many
 * virtual interfaces have no such offload at all. */
static void
offloads_off(struct afp *a, const char *port)
{
	uint32_t v = 0;

	if (!ethtool_value(a->fd, a->ifname, ETHTOOL_GGRO, &v) && v) {
		v = 0;
		if (!ethtool_value(a->fd, a->ifname, ETHTOOL_SGRO, &v)) {
			a->gro_off = true;
			fprintf(stderr, "vnswitchd: port %s: turned GRO off on %s\n", port,
				a->ifname);
		} else {
			fprintf(stderr,
				"vnswitchd: port %s: warning: cannot turn GRO off on %s: %s\n",
				port, a->ifname, strerror(errno));
		}
	}
	v = 0;
	if (!ethtool_value(a->fd, a->ifname, ETHTOOL_GFLAGS, &v) && (v & ETH_FLAG_LRO)) {
		v &= ~(uint32_t)ETH_FLAG_LRO;
		if (!ethtool_value(a->fd, a->ifname, ETHTOOL_SFLAGS, &v)) {
			a->lro_off = true;
			fprintf(stderr, "vnswitchd: port %s: turned LRO off on %s\n", port,
				a->ifname);
		}
	}
}

static void
offloads_restore(struct afp *a)
{
	uint32_t v = 1;

	if (a->gro_off)
		ethtool_value(a->fd, a->ifname, ETHTOOL_SGRO, &v);
	if (a->lro_off && !ethtool_value(a->fd, a->ifname, ETHTOOL_GFLAGS, &v)) {
		v |= ETH_FLAG_LRO;
		ethtool_value(a->fd, a->ifname, ETHTOOL_SFLAGS, &v);
	}
}

/* ---- statistics ---------------------------------------------------------- */

static void
stats_poll(struct afp *a)
{
	struct tpacket_stats ts;
	socklen_t sl = sizeof(ts);

	/* Reading the statistics resets them in the kernel: accumulate. */
	if (!getsockopt(a->fd, SOL_PACKET, PACKET_STATISTICS, &ts, &sl))
		a->st.ring_drops += ts.tp_drops;
}

/* Log what moved since the last report ('total': everything, at close). */
static void
stats_log(struct afp *a, const char *port, bool total)
{
	static const struct afp_stats zero;
	const struct afp_stats *s = &a->st, *l = total ? &zero : &a->logged;
	static const char *const what[] = {
		"frames lost in the receive ring (kernel drops)",
		"frames too large for a ring slot (not forwarded; GRO/LRO on?)",
		"own transmissions skipped",
		"frames with an unfinished checksum (peer transmit offload on)",
		"frames larger than the MTU of the interface (not sent)",
		"transmit errors",
	};
	const uint64_t now[] = { s->ring_drops, s->truncated, s->outgoing, s->csum_unset,
		s->tx_oversize, s->tx_errors };
	const uint64_t before[] = { l->ring_drops, l->truncated, l->outgoing, l->csum_unset,
		l->tx_oversize, l->tx_errors };

	for (size_t i = 0; i < sizeof(now) / sizeof(now[0]); i++)
		if (now[i] != before[i])
			fprintf(stderr, "vnswitchd: port %s (%s): %llu %s%s\n", port, a->ifname,
				(unsigned long long)(now[i] - before[i]), what[i],
				total ? " in total" : "");
	a->logged = a->st;
}

/* ---- receive ------------------------------------------------------------- */

static inline struct tpacket2_hdr *
rx_slot(const struct afp *a, unsigned i)
{
	return (struct tpacket2_hdr *)(a->rx + (size_t)i * a->slot);
}

/* When the kernel received the frame (realtime, as the live switch clock),
 * at most 'now'; 'now' if the slot has no timestamp. */
static uint64_t
frame_time(const struct tpacket2_hdr *h, uint64_t now)
{
	uint64_t t = (uint64_t)h->tp_sec * 1000000u + h->tp_nsec / 1000u;

	return h->tp_sec && t < now ? t : now;
}

static void
rx_one(struct sw *sw, struct afp *a, struct tpacket2_hdr *h, uint32_t status, uint64_t now)
{
	const struct sockaddr_ll *sll =
		(const struct sockaddr_ll *)((uint8_t *)h + TPACKET_ALIGN(sizeof(*h)));
	uint8_t *f = (uint8_t *)h + h->tp_mac;
	size_t len = h->tp_snaplen;

	if (a->skip_outgoing && sll->sll_pkttype == PACKET_OUTGOING) {
		a->st.outgoing++;
		return;
	}
	if (h->tp_snaplen < h->tp_len || h->tp_mac + (size_t)h->tp_snaplen > a->slot) {
		a->st.truncated++;
		return;
	}
	if (status & TP_STATUS_CSUMNOTREADY)
		a->st.csum_unset++;
	/* Old kernels set no TP_STATUS_VLAN_VALID: a non-zero TCI is a tag. */
	if (((status & TP_STATUS_VLAN_VALID) || h->tp_vlan_tci) && len >= 12) {
		uint16_t tpid = (status & TP_STATUS_VLAN_TPID_VALID) && h->tp_vlan_tpid
			? h->tp_vlan_tpid
			: ETH_P_8021Q;
		uint8_t *t;

		if (h->tp_mac >= TPACKET2_HDRLEN + 4) {
			f -= 4; /* headroom between the sockaddr_ll and the frame */
			memmove(f, f + 4, 12);
		} else {
			/* Cannot happen with PACKET_RESERVE; kept for safety. */
			memcpy(a->scratch, f, 12);
			memcpy(a->scratch + 16, f + 12, len - 12);
			f = a->scratch;
		}
		t = f + 12;
		t[0] = (uint8_t)(tpid >> 8);
		t[1] = (uint8_t)tpid;
		t[2] = (uint8_t)(h->tp_vlan_tci >> 8);
		t[3] = (uint8_t)h->tp_vlan_tci;
		len += 4;
	}
	sw_input_rx(sw, a->port, f, len, now, frame_time(h, now));
}

unsigned
sw_afp_rx(struct sw *sw, unsigned port, unsigned budget, uint64_t now)
{
	struct sw_port *p = sw_port(sw, port);
	struct afp *a = p->be;
	unsigned n = 0;

	while (n < budget) {
		struct tpacket2_hdr *h = rx_slot(a, a->rx_head);
		uint32_t status = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);

		if (!(status & TP_STATUS_USER))
			break;
		rx_one(sw, a, h, status, now);
		/* Give the slot back only after sw_input is done with it. */
		__atomic_store_n(&h->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		a->rx_head = a->rx_head + 1 == a->rx_nr ? 0 : a->rx_head + 1;
		n++;
	}
	if (!n) {
		/* Woken with an empty ring: a socket error (interface went down
		 * or away).  Reading SO_ERROR clears it, otherwise poll() would
		 * report it again forever. */
		int e = 0;
		socklen_t el = sizeof(e);

		if (!getsockopt(a->fd, SOL_SOCKET, SO_ERROR, &e, &el) && e)
			fprintf(stderr,
				"vnswitchd: port %s (%s): socket error: %s (interface down or "
				"removed?)\n",
				p->name, a->ifname, strerror(e));
	}
	return n;
}

/* ---- transmit ------------------------------------------------------------ */

static inline struct tpacket2_hdr *
tx_slot(const struct afp *a, unsigned i)
{
	return (struct tpacket2_hdr *)(a->tx + (size_t)i * a->slot);
}

static void
tx_kick(struct afp *a)
{
	/* One syscall sends every slot marked TP_STATUS_SEND_REQUEST;
	 * MSG_DONTWAIT: do not wait for the device to finish with them. */
	if (sendto(a->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 && errno != EINTR) {
		a->tx_retry = true; /* unsent slots stay marked: next flush tries again */
		if (errno != EAGAIN && errno != ENOBUFS)
			a->st.tx_errors++;
	} else {
		a->tx_retry = false;
	}
	a->tx_pending = 0;
}

static bool
tx_slot_free(struct afp *a, struct tpacket2_hdr *h)
{
	uint32_t s = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);

	if (s == TP_STATUS_AVAILABLE)
		return true;
	if (s & TP_STATUS_WRONG_FORMAT) {
		/* PACKET_LOSS makes the kernel skip bad frames itself; this is
		 * for kernels that mark them anyway. */
		a->st.tx_errors++;
		__atomic_store_n(&h->tp_status, TP_STATUS_AVAILABLE, __ATOMIC_RELEASE);
		return true;
	}
	return false; /* SEND_REQUEST or SENDING: still the kernel's */
}

static uint8_t *
afp_tx_buf(struct sw_port *p, size_t len)
{
	struct afp *a = p->be;
	struct tpacket2_hdr *h = tx_slot(a, a->tx_head);

	if (len > a->slot - TX_DATA_OFF || len > a->tx_max + 4) {
		/* Too long even with a VLAN tag: refuse here, so the pipeline
		 * counts the drop (as tx_full: sw_drop has no "too big" yet). */
		a->st.tx_oversize++;
		return NULL;
	}
	if (!tx_slot_free(a, h)) {
		/* Ring full: push out what is queued and look once more. */
		if (a->tx_pending || a->tx_retry)
			tx_kick(a);
		if (!tx_slot_free(a, h))
			return NULL;
	}
	return (uint8_t *)h + TX_DATA_OFF;
}

static void
afp_tx_commit(struct sw_port *p, size_t len, uint64_t now)
{
	struct afp *a = p->be;
	struct tpacket2_hdr *h = tx_slot(a, a->tx_head);
	const uint8_t *f = (const uint8_t *)h + TX_DATA_OFF;
	unsigned type = len >= 14 ? (unsigned)f[12] << 8 | f[13] : 0;

	(void)now;
	/* The kernel refuses frames longer than MTU + 14 unless they carry an
	 * 802.1Q/802.1ad tag (then + 4, tx_buf refused longer ones); with
	 * PACKET_LOSS it would drop them silently, so do it here where it is
	 * counted.  The pipeline has counted the frame as sent by now. */
	if (len > a->tx_max && type != ETH_P_8021Q && type != ETH_P_8021AD) {
		a->st.tx_oversize++;
		return; /* the slot stays free */
	}
	h->tp_len = (uint32_t)len;
	__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
	a->tx_head = a->tx_head + 1 == a->tx_nr ? 0 : a->tx_head + 1;
	if (++a->tx_pending >= TX_KICK)
		tx_kick(a);
}

static void
afp_flush(struct sw_port *p, uint64_t now)
{
	struct afp *a = p->be;

	if (a->tx_pending || a->tx_retry)
		tx_kick(a);
	if (now >= a->next_stats_us) {
		a->next_stats_us = now + STATS_EVERY_US;
		stats_poll(a);
		stats_log(a, p->name, false);
	}
}

static void
afp_free(struct afp *a)
{
	if (a->map)
		munmap(a->map, a->map_len);
	if (a->fd >= 0)
		close(a->fd);
	free(a->scratch);
	free(a);
}

static void
afp_close(struct sw_port *p)
{
	struct afp *a = p->be;
	struct timeval tv = { .tv_sec = 1 };

	if (!a)
		return;
	/* Send what is still queued and wait (at most a second) until the
	 * device took it, so frames switched just before a stop go out. */
	setsockopt(a->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (a->tx_pending || a->tx_retry)
		sendto(a->fd, NULL, 0, 0, NULL, 0);
	stats_poll(a);
	stats_log(a, p->name, true);
	offloads_restore(a);
	afp_free(a);
	p->be = NULL;
	p->ops = NULL;
}

static const struct sw_port_ops afp_ops = {
	.name = "afpacket",
	.tx_buf = afp_tx_buf,
	.tx_commit = afp_tx_commit,
	.flush = afp_flush,
	.close = afp_close,
};

/* ---- attach -------------------------------------------------------------- */

static int
sockopt(struct afp *a, int level, int name, const void *v, socklen_t len, const char *what,
	char *err, size_t errlen)
{
	if (setsockopt(a->fd, level, name, v, len) == 0)
		return 0;
	snprintf(err, errlen, "%s: %s: %s", a->ifname, what, strerror(errno));
	return -1;
}

static int
setup_rings(struct afp *a, char *err, size_t errlen)
{
	struct tpacket_req rx = { 0 }, tx = { 0 };
	int one = 1, version = TPACKET_V2;
	unsigned reserve = RX_RESERVE;
	size_t need;

	/* Slot: header, sockaddr_ll and alignment gap (<= 16 + 16), headroom,
	 * the frame (MTU + Ethernet header + room for tags), rounded up. */
	need = TPACKET_ALIGN(TPACKET2_HDRLEN + 16) + RX_RESERVE + 16 + a->mtu + 14 + 16;
	a->slot = pow2_at_least(need < SLOT_MIN ? SLOT_MIN : need);
	rx.tp_block_size = tx.tp_block_size =
		(unsigned)(a->slot > RING_BLOCK ? a->slot : RING_BLOCK);
	rx.tp_frame_size = tx.tp_frame_size = (unsigned)a->slot;
	rx.tp_block_nr = RX_RING_BYTES / rx.tp_block_size;
	tx.tp_block_nr = TX_RING_BYTES / tx.tp_block_size;
	if (!rx.tp_block_nr)
		rx.tp_block_nr = 1;
	if (!tx.tp_block_nr)
		tx.tp_block_nr = 1;
	rx.tp_frame_nr = rx.tp_block_nr * (rx.tp_block_size / rx.tp_frame_size);
	tx.tp_frame_nr = tx.tp_block_nr * (tx.tp_block_size / tx.tp_frame_size);
	a->rx_nr = rx.tp_frame_nr;
	a->tx_nr = tx.tp_frame_nr;

	if (sockopt(a, SOL_PACKET, PACKET_VERSION, &version, sizeof(version),
		    "PACKET_VERSION TPACKET_V2", err, errlen) ||
		sockopt(a, SOL_PACKET, PACKET_RESERVE, &reserve, sizeof(reserve),
			"PACKET_RESERVE", err, errlen) ||
		sockopt(a, SOL_PACKET, PACKET_LOSS, &one, sizeof(one), "PACKET_LOSS", err,
			errlen) ||
		sockopt(a, SOL_PACKET, PACKET_RX_RING, &rx, sizeof(rx), "PACKET_RX_RING", err,
			errlen) ||
		sockopt(a, SOL_PACKET, PACKET_TX_RING, &tx, sizeof(tx), "PACKET_TX_RING", err,
			errlen))
		return -1;
	/* One mapping: the receive ring, then the transmit ring. */
	a->map_len = (size_t)rx.tp_block_size * rx.tp_block_nr +
		(size_t)tx.tp_block_size * tx.tp_block_nr;
	a->map = mmap(NULL, a->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, a->fd, 0);
	if (a->map == MAP_FAILED) {
		a->map = NULL;
		snprintf(err, errlen, "%s: mmap of the packet rings: %s", a->ifname,
			strerror(errno));
		return -1;
	}
	a->rx = a->map;
	a->tx = a->map + (size_t)rx.tp_block_size * rx.tp_block_nr;
	return 0;
}

int
sw_afp_attach(struct sw *sw, unsigned port, char *err, size_t errlen)
{
	struct sw_port *p = sw_port(sw, port);
	struct packet_mreq mr = { 0 };
	struct sockaddr_ll sll = { 0 };
	struct ifreq ifr;
	int one = 1, ifindex;
	struct afp *a;

	if (!p || !p->ifname[0]) {
		snprintf(err, errlen, "port %s has no interface", p ? p->name : "?");
		return -1;
	}
	ifindex = (int)if_nametoindex(p->ifname);
	if (!ifindex) {
		snprintf(err, errlen, "port %s: interface %s: %s", p->name, p->ifname,
			strerror(errno));
		return -1;
	}
	a = calloc(1, sizeof(*a));
	if (!a) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	a->port = port;
	snprintf(a->ifname, sizeof(a->ifname), "%s", p->ifname);
	/* Protocol 0: the socket receives nothing until bind() names the
	 * interface, so no frame of another interface lands in the ring. */
	a->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (a->fd < 0) {
		snprintf(
			err, errlen, "port %s: AF_PACKET socket: %s", p->name, strerror(errno));
		free(a);
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", a->ifname);
	if (ioctl(a->fd, SIOCGIFMTU, &ifr)) {
		snprintf(err, errlen, "port %s: %s: MTU: %s", p->name, a->ifname,
			strerror(errno));
		goto fail;
	}
	a->mtu = (unsigned)ifr.ifr_mtu;
	a->tx_max = (size_t)a->mtu + 14;
	if (!ioctl(a->fd, SIOCGIFFLAGS, &ifr) && !(ifr.ifr_flags & IFF_UP))
		fprintf(stderr, "vnswitchd: port %s: warning: interface %s is down\n", p->name,
			a->ifname);
	if (setup_rings(a, err, errlen))
		goto fail;
	a->scratch = malloc(a->slot + 4);
	if (!a->scratch) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (setsockopt(a->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one))) {
		if (errno != ENOPROTOOPT && errno != EINVAL) {
			snprintf(err, errlen, "port %s: %s: PACKET_IGNORE_OUTGOING: %s",
				p->name, a->ifname, strerror(errno));
			goto fail;
		}
		a->skip_outgoing = true; /* Linux < 4.20: filter by sll_pkttype */
	}
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifindex;
	if (bind(a->fd, (struct sockaddr *)&sll, sizeof(sll))) {
		snprintf(err, errlen, "port %s: bind to %s: %s", p->name, a->ifname,
			strerror(errno));
		goto fail;
	}
	mr.mr_ifindex = ifindex;
	mr.mr_type = PACKET_MR_PROMISC;
	if (setsockopt(a->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr))) {
		snprintf(err, errlen, "port %s: %s: promiscuous mode: %s", p->name, a->ifname,
			strerror(errno));
		goto fail;
	}
	offloads_off(a, p->name);
	sw_port_attach(sw, port, &afp_ops, a);
	return a->fd;
fail:
	afp_free(a);
	return -1;
}
