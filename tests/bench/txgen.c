/* SPDX-License-Identifier: Apache-2.0 */
/*
 * txgen.c - a minimal frame blaster for tests/bench-live.sh: one frame,
 * sent over and over through an AF_PACKET socket with a TPACKET_V2
 * transmit ring (PACKET_MMAP) and the qdisc bypassed.
 *
 *   txgen -i IFACE -f HEX [-n COUNT] [-g MICROSECONDS] [-L]
 *
 * -f  the frame as hex digits (":" , "-" and spaces are ignored), without
 *     FCS: 14 to 96 bytes (86 with -L), what a 128-byte ring slot holds
 *     (small slots: the ring stays in the cache)
 * -n  stop after COUNT frames (default: until SIGINT or SIGTERM)
 * -g  one frame per sendto() and this gap between frames (default: none,
 *     the ring is kept full)
 * -L  linear: have the kernel copy the whole frame into the socket buffer
 *     (a virtio_net_hdr with hdr_len = the frame's length before each
 *     frame, PACKET_VNET_HDR).  By default the kernel copies only the
 *     Ethernet header and hangs the rest of the ring slot on the buffer as
 *     a page fragment; a veth then has to copy that fragment into a freshly
 *     allocated page (skb_copy_ubufs) for every frame.
 *
 * Why not only trafgen: trafgen 0.6.8 gives up ("Flushing TX_RING failed:
 * Resource temporarily unavailable") as soon as sendto() returns EAGAIN,
 * which it does when the socket's send buffer is full of frames a slower
 * consumer on another CPU has not taken yet (a veth whose receive work is
 * steered elsewhere by RPS).  txgen retries instead: that is back-pressure,
 * and the sender's veth counters still say what was offered.  It also
 * leaves the system-wide socket memory sysctls alone.
 *
 * Every ring slot is filled with the frame once at start; the loop only
 * hands slots back to the kernel (TP_STATUS_SEND_REQUEST) as they come back
 * (TP_STATUS_AVAILABLE) and kicks the kernel with one sendto() per batch.
 * Nothing is allocated or copied per frame.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef PACKET_QDISC_BYPASS
#define PACKET_QDISC_BYPASS 20
#endif

#define SLOT       128u  /* bytes per ring slot: header + a 64-byte frame fit */
#define BLOCK      4096u /* one page per block */
#define RING_SLOTS 8192u /* 1 MiB of ring */
#define BATCH      256u  /* slots handed over per sendto() */
#define MAX_FRAME  1514u

/* V2 without PACKET_TX_HAS_OFF: the frame (or with -L its virtio_net_hdr)
 * starts where a received frame's sockaddr_ll would be. */
#define TX_DATA_OFF (TPACKET2_HDRLEN - sizeof(struct sockaddr_ll))
#define VNET_LEN    sizeof(struct virtio_net_hdr)

/* Set by the signal handler, read by the send loop: a signal handler can
 * reach nothing else, so this one flag is global. */
static volatile sig_atomic_t stop_flag;

static void
on_signal(int signo)
{
	(void)signo;
	stop_flag = 1;
}

static int
parse_hex(const char *s, uint8_t *out, size_t max, size_t *len)
{
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int v;

		if (*s == ':' || *s == '-' || *s == ' ')
			continue;
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			return -1;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == max)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0)
		return -1;
	*len = n;
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: txgen -i IFACE -f HEX [-n COUNT] [-g MICROSECONDS] [-L]\n");
	exit(2);
}

static inline struct tpacket2_hdr *
slot(uint8_t *ring, unsigned i)
{
	return (struct tpacket2_hdr *)(ring + (size_t)i * SLOT);
}

int
main(int argc, char **argv)
{
	static uint8_t frame[MAX_FRAME];
	const char *ifname = NULL, *hex = NULL;
	unsigned long long count = 0, queued = 0, calls = 0, retries = 0, bad = 0;
	unsigned long gap_us = 0;
	struct tpacket_req req = { 0 };
	struct sockaddr_ll sll = { 0 };
	struct sigaction sa;
	int version = TPACKET_V2, one = 1, c, fd;
	unsigned head = 0, ifindex;
	size_t len = 0, off = TX_DATA_OFF, tp_len;
	bool linear = false;
	uint8_t *ring;

	while ((c = getopt(argc, argv, "i:f:n:g:Lh")) != -1) {
		switch (c) {
		case 'i':
			ifname = optarg;
			break;
		case 'f':
			hex = optarg;
			break;
		case 'n':
			count = strtoull(optarg, NULL, 0);
			break;
		case 'g':
			gap_us = strtoul(optarg, NULL, 0);
			break;
		case 'L':
			linear = true;
			off = TX_DATA_OFF + VNET_LEN;
			break;
		default:
			usage();
		}
	}
	if (!ifname || !hex || optind != argc)
		usage();
	if (parse_hex(hex, frame, sizeof(frame), &len) || len < ETH_HLEN || len > SLOT - off) {
		fprintf(stderr, "txgen: -f: want %u to %zu bytes as hex digits\n", ETH_HLEN,
			(size_t)(SLOT - off));
		return 2;
	}
	tp_len = linear ? len + VNET_LEN : len;
	ifindex = if_nametoindex(ifname);
	if (!ifindex) {
		fprintf(stderr, "txgen: %s: %s\n", ifname, strerror(errno));
		return 1;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* Protocol 0: the socket receives nothing (no copy of any frame). */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("txgen: AF_PACKET socket");
		return 1;
	}
	req.tp_block_size = BLOCK;
	req.tp_frame_size = SLOT;
	req.tp_block_nr = RING_SLOTS / (BLOCK / SLOT);
	req.tp_frame_nr = RING_SLOTS;
	/* Before the ring: the kernel refuses PACKET_VNET_HDR once it exists. */
	if (linear && setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one))) {
		perror("txgen: PACKET_VNET_HDR");
		return 1;
	}
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof(version)) ||
		setsockopt(fd, SOL_PACKET, PACKET_LOSS, &one, sizeof(one)) ||
		setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req))) {
		perror("txgen: PACKET_VERSION / PACKET_LOSS / PACKET_TX_RING");
		return 1;
	}
	/* Straight to the driver, like trafgen: no qdisc in the way. */
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)))
		fprintf(stderr, "txgen: warning: no PACKET_QDISC_BYPASS: %s\n",
			strerror(errno));
	ring = mmap(NULL, (size_t)BLOCK * req.tp_block_nr, PROT_READ | PROT_WRITE, MAP_SHARED,
		fd, 0);
	if (ring == MAP_FAILED) {
		perror("txgen: mmap of the transmit ring");
		return 1;
	}
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		fprintf(stderr, "txgen: bind to %s: %s\n", ifname, strerror(errno));
		return 1;
	}
	for (unsigned i = 0; i < RING_SLOTS; i++) {
		uint8_t *d = (uint8_t *)slot(ring, i) + TX_DATA_OFF;

		if (linear) {
			struct virtio_net_hdr vh = { .hdr_len = (uint16_t)len };

			memcpy(d, &vh, sizeof(vh)); /* no GSO, no checksum offload */
		}
		memcpy((uint8_t *)slot(ring, i) + off, frame, len);
		slot(ring, i)->tp_len = (uint32_t)tp_len;
	}

	while (!stop_flag && (!count || queued < count)) {
		unsigned batch = gap_us ? 1 : BATCH, n = 0;

		while (n < batch && (!count || queued < count)) {
			struct tpacket2_hdr *h = slot(ring, head);
			uint32_t st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);

			if (st & TP_STATUS_WRONG_FORMAT) {
				bad++; /* cannot happen with a valid frame; counted */
				st = TP_STATUS_AVAILABLE;
			}
			if (st != TP_STATUS_AVAILABLE)
				break; /* the kernel still holds it: kick and come back */
			h->tp_len = (uint32_t)tp_len;
			__atomic_store_n(
				&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
			head = head + 1 == RING_SLOTS ? 0 : head + 1;
			n++;
			queued++;
		}
		calls++;
		if (sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0) {
			/* EAGAIN: the send buffer is full of frames not yet
			 * consumed; ENOBUFS: the device dropped one.  Both mean
			 * "try again", the slots stay queued. */
			if (errno == EAGAIN || errno == ENOBUFS || errno == EINTR)
				retries++;
			else {
				fprintf(stderr, "txgen: sendto: %s\n", strerror(errno));
				break;
			}
		}
		if (gap_us) {
			struct timespec ts = { .tv_sec = (time_t)(gap_us / 1000000),
				.tv_nsec = (long)(gap_us % 1000000) * 1000 };

			nanosleep(&ts, NULL);
		}
	}
	/* Send whatever is still queued and wait (blocking) until it left. */
	{
		struct timeval tv = { .tv_sec = 1 };

		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		sendto(fd, NULL, 0, 0, NULL, 0);
	}
	fprintf(stderr,
		"txgen: %llu frames queued on %s, %llu sendto() calls, %llu retries, %llu bad "
		"slots\n",
		queued, ifname, calls, retries, bad);
	munmap(ring, (size_t)BLOCK * req.tp_block_nr);
	close(fd);
	return 0;
}
