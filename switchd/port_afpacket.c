/* SPDX-License-Identifier: Apache-2.0 */
/*
 * port_afpacket.c - the live port back-end: two AF_PACKET sockets per port,
 * one that receives through a TPACKET_V2 receive ring and one that only
 * transmits through a TPACKET_V2 transmit ring, each ring mmap()ed once
 * when the port opens.
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
 * tx_buf() return NULL: the pipeline counts SW_DROP_TX_FULL.  Nothing is
 * allocated per frame.
 *
 * Why a socket of its own for transmitting (measured, see BENCHMARKS.md):
 *  - Every buffer the kernel frees after sending wakes the sending socket's
 *    wait queue (sock_wfree -> sock_def_write_space).  The receive socket
 *    sits in the event loop's epoll set, so on it that is a wait-queue lock
 *    and an epoll callback per frame.  The transmit socket is in no epoll
 *    set and nobody sleeps on it: the wake-up finds no one and costs nothing.
 *  - It is bound with protocol 0, so the kernel delivers no frame to it
 *    (it needs no filter and has no receive queue to drain).
 *  - It has PACKET_VNET_HDR: each slot starts with a struct virtio_net_hdr
 *    whose hdr_len tells the kernel how much of the frame to copy into the
 *    buffer's linear part.  Without it, the kernel copies only the Ethernet
 *    header and hangs the rest of the slot on the buffer as a page
 *    fragment, flagged zero-copy; a veth (any device whose frames reach a
 *    local receiver) must then copy that fragment into a newly allocated
 *    page (skb_copy_ubufs).  Frames up to TX_LINEAR_MAX bytes are copied
 *    whole (one small copy instead of a page allocation and a copy); longer
 *    ones keep the page fragment, which saves a physical NIC the copy.
 *  - Not PACKET_QDISC_BYPASS: it made no measurable difference on a veth
 *    (noqueue), and on a NIC with a full queue it drops frames where the
 *    qdisc would have queued them.
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
 *  - Frames sent on the interface (ours, from the transmit socket, and
 *    anybody else's) would come back on the receive ring:
 *    PACKET_IGNORE_OUTGOING (Linux >= 4.20) stops that; without it we skip
 *    frames whose sll_pkttype is PACKET_OUTGOING.
 *  - GRO / LRO merge TCP segments into frames larger than the MTU before
 *    packet sockets see them; those cannot be switched.  Opening turns GRO
 *    and LRO off on the interface (and the final close turns them back on
 *    if it changed them).  Frames that still do not fit a slot (tp_snaplen
 *    < tp_len) are counted and logged, never forwarded cut short.
 *  - A peer that hands the wire a frame with a checksum still to be
 *    computed (a veth or tap whose transmit offload is on) arrives marked
 *    TP_STATUS_CSUMNOTREADY; the frame is forwarded as it is and counted:
 *    such peers must turn transmit checksum offload off (scripts/lab.sh does).
 *
 * The link (issue 9, faults): the port follows its interface by name.
 *  - Up: the interface is IFF_UP and IFF_RUNNING (operationally up, or of
 *    unknown state such as a tun): the port forwards.
 *  - Down: the interface exists but is administratively or operationally
 *    down.  The sockets stay open (the kernel stops and restarts the
 *    receive socket itself); tx_buf() refuses every frame, so each copy
 *    the pipeline would send is counted as SW_DROP_TX_FULL on the port and
 *    its destination vEth (not port_down: that counter is the port's
 *    administrative state, which the link does not change).  Frames still
 *    queued in the transmit ring when the link went down are discarded
 *    (logged as such: the pipeline had counted them as sent).
 *  - Absent: the interface was deleted (or replaced by another of the same
 *    name: a new ifindex).  Both sockets are closed and frames count as
 *    tx_full, as when down.  When an interface of that name exists again
 *    the port is opened on it (new ifindex, new MTU) and forwarding resumes.
 *  The vEths, their policy and the FDB are the switch's and are not
 *  touched.  The state is re-read (three ioctls) when the receive socket
 *  reports an error (the kernel sets ENETDOWN on down and delete), when
 *  the caller says the links changed (rtnetlink, sw_afp_check()) and at
 *  least every CHECK_EVERY_US: a missed notification costs at most that.
 *
 * Counters of this back-end (ring drops from PACKET_STATISTICS, truncated
 * or oversized frames, transmit errors, frames refused or discarded while
 * the link was down) are logged on stderr once a second when they moved,
 * and in total at close.
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <linux/virtio_net.h>
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
#define RX_RESERVE     4u   /* headroom for re-inserting one VLAN tag */
#define TX_KICK        256  /* send after this many queued frames even mid-round */
#define TX_LINEAR_MAX  512u /* frames up to this long: copied whole (see the top) */
#define STATS_EVERY_US 1000000u
#define CHECK_EVERY_US 1000000u

/* Transmit slot layout (V2 without PACKET_TX_HAS_OFF): the data starts
 * right after the aligned header, where the sockaddr_ll would be on
 * receive; with PACKET_VNET_HDR the data is the virtio_net_hdr, then the
 * frame. */
#define TX_DATA_OFF (TPACKET2_HDRLEN - sizeof(struct sockaddr_ll))
#define VNET_LEN    sizeof(struct virtio_net_hdr)

enum afp_link {
	AFP_ABSENT, /* no interface of that name (or not open yet) */
	AFP_DOWN,   /* open, but the interface is not up and running */
	AFP_UP,
};

static const char *const link_names[] = { "absent", "down", "up" };

struct afp_stats {
	uint64_t ring_drops;   /* PACKET_STATISTICS tp_drops: receive ring was full */
	uint64_t truncated;    /* did not fit a slot (GRO/LRO still on?) */
	uint64_t outgoing;     /* own transmissions skipped (no PACKET_IGNORE_OUTGOING) */
	uint64_t csum_unset;   /* TP_STATUS_CSUMNOTREADY from a peer with tx offload */
	uint64_t tx_oversize;  /* larger than the egress MTU allows: not sent */
	uint64_t tx_errors;    /* sendto() failures, slots the kernel refused */
	uint64_t tx_link_down; /* refused (tx_full) while the link was down or absent */
	uint64_t tx_discarded; /* queued when the link went down: never sent */
	uint64_t rx_discarded; /* in the receive ring when the port closed */
};

struct afp {
	unsigned port;
	char ifname[IF_NAMESIZE];
	sw_afp_fd_fn fd_fn; /* told when the receive socket opens and closes */
	void *fd_aux;
	int ctl; /* ioctls: an AF_PACKET socket bound to nothing (receives nothing) */
	enum afp_link link;
	bool check_now; /* re-read the interface state at the next flush */
	bool warned;    /* the last attempt to open failed (logged once) */
	uint64_t next_check_us;
	/* The open interface (link != AFP_ABSENT). */
	int rx_fd, tx_fd; /* receive (in the event loop), transmit (never) */
	int ifindex;
	unsigned mtu;
	size_t slot;     /* bytes per ring slot, both rings */
	uint8_t *rx_map; /* receive ring (owned: munmap when closing) */
	size_t rx_map_len;
	unsigned rx_nr; /* slots */
	unsigned rx_head;
	uint8_t *tx_map; /* transmit ring (owned: munmap when closing) */
	size_t tx_map_len;
	unsigned tx_nr;
	unsigned tx_head;
	unsigned tx_pending; /* committed, not yet kicked */
	bool tx_retry;       /* last kick failed: kick again at the next flush */
	bool vnet;           /* the transmit socket has PACKET_VNET_HDR */
	size_t tx_data;      /* offset of the frame in a transmit slot */
	size_t tx_max; /* MTU + 14: the longest untagged frame the kernel sends (+4 tagged) */
	bool skip_outgoing;    /* PACKET_IGNORE_OUTGOING is not available */
	bool gro_off, lro_off; /* we turned them off: turn them back on at close */
	struct afp_stats st, logged;
	uint64_t next_stats_us;
	uint8_t *scratch; /* tag re-insertion when a slot lacks headroom (owned) */
	size_t scratch_len;
};

static size_t
pow2_at_least(size_t n)
{
	size_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

static void
ifr_init(struct ifreq *ifr, const char *ifname)
{
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", ifname);
}

static int
ethtool_value(struct afp *a, uint32_t cmd, uint32_t *val)
{
	struct ethtool_value ev = { .cmd = cmd, .data = *val };
	struct ifreq ifr;

	ifr_init(&ifr, a->ifname);
	ifr.ifr_data = (void *)&ev;
	if (ioctl(a->ctl, SIOCETHTOOL, &ifr))
		return -1;
	*val = ev.data;
	return 0;
}

/* GRO and LRO off (see the top of the file).  Failure is not fatal: many
 * virtual interfaces have no such offload at all.  Done at every opening:
 * a re-created interface comes with its own defaults. */
static void
offloads_off(struct afp *a, const char *port)
{
	uint32_t v = 0;

	if (!ethtool_value(a, ETHTOOL_GGRO, &v) && v) {
		v = 0;
		if (!ethtool_value(a, ETHTOOL_SGRO, &v)) {
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
	if (!ethtool_value(a, ETHTOOL_GFLAGS, &v) && (v & ETH_FLAG_LRO)) {
		v &= ~(uint32_t)ETH_FLAG_LRO;
		if (!ethtool_value(a, ETHTOOL_SFLAGS, &v)) {
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

	if (a->link == AFP_ABSENT)
		return; /* gone, or another interface by now: not ours to change */
	if (a->gro_off)
		ethtool_value(a, ETHTOOL_SGRO, &v);
	if (a->lro_off && !ethtool_value(a, ETHTOOL_GFLAGS, &v)) {
		v |= ETH_FLAG_LRO;
		ethtool_value(a, ETHTOOL_SFLAGS, &v);
	}
}

/* ---- statistics ---------------------------------------------------------- */

static void
stats_poll(struct afp *a)
{
	struct tpacket_stats ts;
	socklen_t sl = sizeof(ts);

	/* Reading the statistics resets them in the kernel: accumulate. */
	if (a->rx_fd >= 0 && !getsockopt(a->rx_fd, SOL_PACKET, PACKET_STATISTICS, &ts, &sl))
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
		"frames refused while the link was down or the interface absent (tx_full)",
		"frames queued when the link went down, discarded",
		"frames received but not switched: the port closed",
	};
	const uint64_t now[] = { s->ring_drops, s->truncated, s->outgoing, s->csum_unset,
		s->tx_oversize, s->tx_errors, s->tx_link_down, s->tx_discarded,
		s->rx_discarded };
	const uint64_t before[] = { l->ring_drops, l->truncated, l->outgoing, l->csum_unset,
		l->tx_oversize, l->tx_errors, l->tx_link_down, l->tx_discarded,
		l->rx_discarded };

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
	return (struct tpacket2_hdr *)(a->rx_map + (size_t)i * a->slot);
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
			uint64_t a8;
			uint32_t a4;

			/* The 12 address bytes 4 bytes down, into the headroom
			 * between the sockaddr_ll and the frame: both loads
			 * before the stores, so the overlap is harmless (two
			 * moves, where memmove() would be a library call). */
			memcpy(&a8, f, 8);
			memcpy(&a4, f + 8, 4);
			f -= 4;
			memcpy(f, &a8, 8);
			memcpy(f + 8, &a4, 4);
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

	if (a->rx_fd < 0)
		return 0;
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
	return n;
}

void
sw_afp_rx_error(struct sw *sw, unsigned port)
{
	struct afp *a = sw_port(sw, port)->be;
	int e = 0;
	socklen_t el = sizeof(e);

	/* Reading SO_ERROR clears it, otherwise poll() would report it again
	 * forever.  The kernel sets ENETDOWN when the interface goes down or
	 * away: look at it at the next flush (not here: this runs in the
	 * socket's own callback, and the check may close the socket). */
	if (a->rx_fd >= 0 && !getsockopt(a->rx_fd, SOL_SOCKET, SO_ERROR, &e, &el) && e)
		a->check_now = true;
}

/* ---- transmit ------------------------------------------------------------ */

static inline struct tpacket2_hdr *
tx_slot(const struct afp *a, unsigned i)
{
	return (struct tpacket2_hdr *)(a->tx_map + (size_t)i * a->slot);
}

static void
tx_kick(struct afp *a)
{
	/* One syscall sends every slot marked TP_STATUS_SEND_REQUEST;
	 * MSG_DONTWAIT: do not wait for the device to finish with them. */
	if (sendto(a->tx_fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 && errno != EINTR) {
		a->tx_retry = true; /* unsent slots stay marked: next flush tries again */
		if (errno == ENETDOWN || errno == ENXIO || errno == ENODEV)
			a->check_now = true; /* the link, not the frames */
		else if (errno != EAGAIN && errno != ENOBUFS)
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

/* The link went down: take back the frames marked but not sent yet.  The
 * kernel walks the ring in order from its own head and stops at the first
 * slot not marked, so the marked slots are the run just before ours, and
 * its head is at the start of that run: moving ours back there keeps the
 * two in step.  No sendto() runs meanwhile (one thread), so the kernel
 * does not look at these slots while we change them. */
static void
tx_discard(struct afp *a)
{
	unsigned n = 0;

	while (n < a->tx_nr) {
		unsigned i = (a->tx_head + a->tx_nr - 1) % a->tx_nr;
		struct tpacket2_hdr *h = tx_slot(a, i);

		if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) != TP_STATUS_SEND_REQUEST)
			break;
		__atomic_store_n(&h->tp_status, TP_STATUS_AVAILABLE, __ATOMIC_RELEASE);
		a->tx_head = i;
		n++;
	}
	a->st.tx_discarded += n;
	a->tx_pending = 0;
	a->tx_retry = false;
}

static uint8_t *
afp_tx_buf(struct sw_port *p, size_t len)
{
	struct afp *a = p->be;
	struct tpacket2_hdr *h;

	if (a->link != AFP_UP) {
		a->st.tx_link_down++; /* the pipeline counts the copy as tx_full */
		return NULL;
	}
	h = tx_slot(a, a->tx_head);
	if (len > a->slot - a->tx_data || len > a->tx_max + 4) {
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
	return (uint8_t *)h + a->tx_data;
}

static void
afp_tx_commit(struct sw_port *p, size_t len, uint64_t now)
{
	struct afp *a = p->be;
	struct tpacket2_hdr *h = tx_slot(a, a->tx_head);
	const uint8_t *f = (const uint8_t *)h + a->tx_data;
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
	if (a->vnet) {
		/* Only hdr_len: the rest of the header (no checksum, no GSO)
		 * is zero from the mmap() and never written. */
		struct virtio_net_hdr *vh =
			(struct virtio_net_hdr *)((uint8_t *)h + TX_DATA_OFF);

		vh->hdr_len = len <= TX_LINEAR_MAX ? (uint16_t)len : 0;
		h->tp_len = (uint32_t)(len + VNET_LEN);
	} else {
		h->tp_len = (uint32_t)len;
	}
	__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
	a->tx_head = a->tx_head + 1 == a->tx_nr ? 0 : a->tx_head + 1;
	if (++a->tx_pending >= TX_KICK)
		tx_kick(a);
}

/* ---- opening and closing --------------------------------------------------- */

static void
rings_close(struct afp *a)
{
	if (a->tx_map) {
		/* Marked but never sent (the kernel would send them at the
		 * next kick, which will not come). */
		for (unsigned i = 0; i < a->tx_nr; i++)
			if (tx_slot(a, i)->tp_status == TP_STATUS_SEND_REQUEST)
				a->st.tx_discarded++;
		munmap(a->tx_map, a->tx_map_len);
	}
	if (a->rx_map) {
		/* Received, not switched: the interface went away (or was
		 * replaced, or changed its MTU) before the loop read them. */
		for (unsigned i = 0; i < a->rx_nr; i++)
			if (rx_slot(a, i)->tp_status & TP_STATUS_USER)
				a->st.rx_discarded++;
		munmap(a->rx_map, a->rx_map_len);
	}
	if (a->tx_fd >= 0)
		close(a->tx_fd);
	if (a->rx_fd >= 0) {
		stats_poll(a);
		if (a->fd_fn)
			a->fd_fn(a->fd_aux, -1); /* before close(): the watch goes first */
		close(a->rx_fd);
	}
	a->rx_map = a->tx_map = NULL;
	a->rx_fd = a->tx_fd = -1;
	a->tx_pending = 0;
	a->tx_retry = false;
	a->link = AFP_ABSENT;
}

static int
sockopt(struct afp *a, int fd, int level, int name, const void *v, socklen_t len,
	const char *what, char *err, size_t errlen)
{
	if (setsockopt(fd, level, name, v, len) == 0)
		return 0;
	snprintf(err, errlen, "%s: %s: %s", a->ifname, what, strerror(errno));
	return -1;
}

/* A ring of 'bytes' on 'fd' ('name': PACKET_RX_RING or PACKET_TX_RING),
 * mmap()ed; the number of slots in *nr. */
static uint8_t *
ring_map(struct afp *a, int fd, int name, size_t bytes, unsigned *nr, size_t *map_len,
	char *err, size_t errlen)
{
	struct tpacket_req req = { 0 };
	uint8_t *map;

	req.tp_block_size = (unsigned)(a->slot > RING_BLOCK ? a->slot : RING_BLOCK);
	req.tp_frame_size = (unsigned)a->slot;
	req.tp_block_nr = (unsigned)(bytes / req.tp_block_size);
	if (!req.tp_block_nr)
		req.tp_block_nr = 1;
	req.tp_frame_nr = req.tp_block_nr * (req.tp_block_size / req.tp_frame_size);
	if (sockopt(a, fd, SOL_PACKET, name, &req, sizeof(req),
		    name == PACKET_RX_RING ? "PACKET_RX_RING" : "PACKET_TX_RING", err, errlen))
		return NULL;
	*nr = req.tp_frame_nr;
	*map_len = (size_t)req.tp_block_size * req.tp_block_nr;
	map = mmap(NULL, *map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		snprintf(err, errlen, "%s: mmap of the packet ring: %s", a->ifname,
			strerror(errno));
		return NULL;
	}
	return map;
}

/* The receive socket: every frame of the interface (promiscuous), none of
 * those it sends. */
static int
rx_open(struct afp *a, char *err, size_t errlen)
{
	struct packet_mreq mr = { 0 };
	struct sockaddr_ll sll = { 0 };
	int one = 1, version = TPACKET_V2;
	unsigned reserve = RX_RESERVE;

	/* Protocol 0: the socket receives nothing until bind() names the
	 * interface, so no frame of another interface lands in the ring. */
	a->rx_fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (a->rx_fd < 0) {
		snprintf(err, errlen, "%s: AF_PACKET socket: %s", a->ifname, strerror(errno));
		return -1;
	}
	if (sockopt(a, a->rx_fd, SOL_PACKET, PACKET_VERSION, &version, sizeof(version),
		    "PACKET_VERSION TPACKET_V2", err, errlen) ||
		sockopt(a, a->rx_fd, SOL_PACKET, PACKET_RESERVE, &reserve, sizeof(reserve),
			"PACKET_RESERVE", err, errlen))
		return -1;
	a->rx_map = ring_map(a, a->rx_fd, PACKET_RX_RING, RX_RING_BYTES, &a->rx_nr,
		&a->rx_map_len, err, errlen);
	if (!a->rx_map)
		return -1;
	a->rx_head = 0;
	a->skip_outgoing = false;
	if (setsockopt(a->rx_fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one))) {
		if (errno != ENOPROTOOPT && errno != EINVAL) {
			snprintf(err, errlen, "%s: PACKET_IGNORE_OUTGOING: %s", a->ifname,
				strerror(errno));
			return -1;
		}
		a->skip_outgoing = true; /* Linux < 4.20: filter by sll_pkttype */
	}
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = a->ifindex;
	if (bind(a->rx_fd, (struct sockaddr *)&sll, sizeof(sll))) {
		snprintf(err, errlen, "bind to %s: %s", a->ifname, strerror(errno));
		return -1;
	}
	mr.mr_ifindex = a->ifindex;
	mr.mr_type = PACKET_MR_PROMISC;
	if (setsockopt(a->rx_fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr))) {
		snprintf(err, errlen, "%s: promiscuous mode: %s", a->ifname, strerror(errno));
		return -1;
	}
	return 0;
}

/* The transmit socket (see the top of the file for why it is separate). */
static int
tx_open(struct afp *a, char *err, size_t errlen)
{
	struct sockaddr_ll sll = { 0 };
	int one = 1, version = TPACKET_V2;

	a->tx_fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (a->tx_fd < 0) {
		snprintf(err, errlen, "%s: AF_PACKET socket: %s", a->ifname, strerror(errno));
		return -1;
	}
	if (sockopt(a, a->tx_fd, SOL_PACKET, PACKET_VERSION, &version, sizeof(version),
		    "PACKET_VERSION TPACKET_V2", err, errlen))
		return -1;
	/* Before the ring: the kernel refuses PACKET_VNET_HDR once it exists.
	 * A kernel without it on transmit rings (< 4.14?) keeps the default
	 * page-fragment path: slower into a veth, otherwise the same. */
	a->vnet = !setsockopt(a->tx_fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one));
	a->tx_data = TX_DATA_OFF + (a->vnet ? VNET_LEN : 0);
	if (sockopt(a, a->tx_fd, SOL_PACKET, PACKET_LOSS, &one, sizeof(one), "PACKET_LOSS", err,
		    errlen))
		return -1;
	a->tx_map = ring_map(a, a->tx_fd, PACKET_TX_RING, TX_RING_BYTES, &a->tx_nr,
		&a->tx_map_len, err, errlen);
	if (!a->tx_map)
		return -1;
	a->tx_head = 0;
	/* Protocol 0: bound to the interface for sending, receives nothing. */
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = 0;
	sll.sll_ifindex = a->ifindex;
	if (bind(a->tx_fd, (struct sockaddr *)&sll, sizeof(sll))) {
		snprintf(err, errlen, "bind to %s: %s", a->ifname, strerror(errno));
		return -1;
	}
	return 0;
}

/* Open both sockets on the interface 'ifindex' with 'mtu'; on success the
 * link is down until the caller looked at the flags. */
static int
afp_open(struct afp *a, const char *port, int ifindex, unsigned mtu, char *err, size_t errlen)
{
	size_t need;

	a->ifindex = ifindex;
	a->mtu = mtu;
	a->tx_max = (size_t)mtu + 14;
	/* Slot: header, sockaddr_ll and alignment gap (<= 16 + 16), headroom,
	 * the frame (MTU + Ethernet header + room for tags), rounded up; the
	 * virtio_net_hdr of a transmit slot fits in the receive headroom. */
	need = TPACKET_ALIGN(TPACKET2_HDRLEN + 16) + RX_RESERVE + 16 + mtu + 14 + 16;
	a->slot = pow2_at_least(need < SLOT_MIN ? SLOT_MIN : need);
	if (a->scratch_len < a->slot + 4) {
		uint8_t *s = realloc(a->scratch, a->slot + 4);

		if (!s) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		a->scratch = s;
		a->scratch_len = a->slot + 4;
	}
	if (rx_open(a, err, errlen) || tx_open(a, err, errlen)) {
		rings_close(a);
		return -1;
	}
	offloads_off(a, port);
	a->link = AFP_DOWN;
	if (a->fd_fn)
		a->fd_fn(a->fd_aux, a->rx_fd);
	return 0;
}

/* What the interface is now: its index (0: absent), flags and MTU. */
static int
if_query(struct afp *a, unsigned *flags, unsigned *mtu)
{
	struct ifreq ifr;
	int ifindex;

	ifr_init(&ifr, a->ifname);
	if (ioctl(a->ctl, SIOCGIFINDEX, &ifr))
		return 0;
	ifindex = ifr.ifr_ifindex;
	if (ioctl(a->ctl, SIOCGIFFLAGS, &ifr))
		return 0;
	*flags = (unsigned)(unsigned short)ifr.ifr_flags;
	if (ioctl(a->ctl, SIOCGIFMTU, &ifr))
		return 0;
	*mtu = (unsigned)ifr.ifr_mtu;
	return ifindex;
}

/* Bring the port in line with its interface (see the top of the file). */
static void
afp_check(struct sw_port *p, uint64_t now)
{
	struct afp *a = p->be;
	enum afp_link was = a->link;
	unsigned flags = 0, mtu = 0;
	int ifindex = if_query(a, &flags, &mtu);
	char err[256];

	a->check_now = false;
	a->next_check_us = now + CHECK_EVERY_US;
	if (a->link != AFP_ABSENT && (ifindex != a->ifindex || mtu != a->mtu)) {
		if (!ifindex)
			fprintf(stderr,
				"vnswitchd: port %s: interface %s is gone: port closed, "
				"frames to it count as tx_full until it is back\n",
				p->name, a->ifname);
		else if (ifindex != a->ifindex)
			fprintf(stderr,
				"vnswitchd: port %s: interface %s was replaced (ifindex %d, "
				"was %d): reopening\n",
				p->name, a->ifname, ifindex, a->ifindex);
		else
			fprintf(stderr,
				"vnswitchd: port %s: interface %s MTU changed (%u, was %u): "
				"reopening\n",
				p->name, a->ifname, mtu, a->mtu);
		rings_close(a);
	}
	if (!ifindex)
		return;
	if (a->link == AFP_ABSENT) {
		if (afp_open(a, p->name, ifindex, mtu, err, sizeof(err))) {
			if (!a->warned)
				fprintf(stderr, "vnswitchd: port %s: cannot open %s: %s\n",
					p->name, a->ifname, err);
			a->warned = true;
			return;
		}
		a->warned = false;
		if (was == AFP_ABSENT)
			fprintf(stderr,
				"vnswitchd: port %s: interface %s is back (ifindex %d): port "
				"reopened\n",
				p->name, a->ifname, ifindex);
	}
	if ((flags & IFF_UP) && (flags & IFF_RUNNING)) {
		if (was != AFP_UP) /* not after a reopen of a link that was up */
			fprintf(stderr, "vnswitchd: port %s: link up on %s\n", p->name,
				a->ifname);
		a->link = AFP_UP;
	} else {
		if (a->link == AFP_UP || was == AFP_UP) {
			fprintf(stderr,
				"vnswitchd: port %s: link down on %s (%s): frames to it "
				"count as tx_full\n",
				p->name, a->ifname,
				!(flags & IFF_UP) ? "administratively down" : "no carrier");
			tx_discard(a);
		}
		a->link = AFP_DOWN;
	}
}

void
sw_afp_check(struct sw *sw, unsigned port, uint64_t now)
{
	struct sw_port *p = sw_port(sw, port);

	if (p && p->be)
		afp_check(p, now);
}

const char *
sw_afp_link(const struct sw_port *p)
{
	const struct afp *a = p->be;

	return a ? link_names[a->link] : "absent";
}

static void
afp_flush(struct sw_port *p, uint64_t now)
{
	struct afp *a = p->be;

	if (a->check_now || now >= a->next_check_us)
		afp_check(p, now);
	if (a->link == AFP_UP && (a->tx_pending || a->tx_retry))
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
	rings_close(a);
	if (a->ctl >= 0)
		close(a->ctl);
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
	a->fd_fn = NULL; /* the caller is tearing the watches down itself */
	/* Send what is still queued and wait (at most a second) until the
	 * device took it, so frames switched just before a stop go out. */
	if (a->link == AFP_UP && (a->tx_pending || a->tx_retry)) {
		setsockopt(a->tx_fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		sendto(a->tx_fd, NULL, 0, 0, NULL, 0);
	}
	stats_poll(a);
	offloads_restore(a);
	rings_close(a);
	stats_log(a, p->name, true);
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
	.link = sw_afp_link,
};

/* ---- attach -------------------------------------------------------------- */

int
sw_afp_attach(
	struct sw *sw, unsigned port, sw_afp_fd_fn fd_fn, void *aux, char *err, size_t errlen)
{
	struct sw_port *p = sw_port(sw, port);
	unsigned flags = 0, mtu = 0;
	int ifindex;
	struct afp *a;

	if (!p || !p->ifname[0]) {
		snprintf(err, errlen, "port %s has no interface", p ? p->name : "?");
		return -1;
	}
	a = calloc(1, sizeof(*a));
	if (!a) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	a->port = port;
	a->rx_fd = a->tx_fd = -1;
	a->link = AFP_ABSENT;
	snprintf(a->ifname, sizeof(a->ifname), "%s", p->ifname);
	a->ctl = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (a->ctl < 0) {
		snprintf(
			err, errlen, "port %s: AF_PACKET socket: %s", p->name, strerror(errno));
		goto fail;
	}
	/* At start an interface that does not exist is a configuration
	 * error (a typo, most likely); later it is a fault the port rides out. */
	ifindex = if_query(a, &flags, &mtu);
	if (!ifindex) {
		snprintf(err, errlen, "port %s: interface %s: %s", p->name, p->ifname,
			strerror(errno));
		goto fail;
	}
	if (afp_open(a, p->name, ifindex, mtu, err, errlen)) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%s", err);
		snprintf(err, errlen, "port %s: %s", p->name, msg);
		goto fail;
	}
	a->fd_fn = fd_fn;
	a->fd_aux = aux;
	if (fd_fn)
		fd_fn(aux, a->rx_fd);
	if (!((flags & IFF_UP) && (flags & IFF_RUNNING)))
		fprintf(stderr,
			"vnswitchd: port %s: warning: interface %s is down: frames to it count "
			"as tx_full until it is up\n",
			p->name, a->ifname);
	a->link = (flags & IFF_UP) && (flags & IFF_RUNNING) ? AFP_UP : AFP_DOWN;
	sw_port_attach(sw, port, &afp_ops, a);
	return 0;
fail:
	afp_free(a);
	return -1;
}
