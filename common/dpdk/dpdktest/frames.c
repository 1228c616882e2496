/* Frame I/O outside any kernel (see frames.h). */
#include <string.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include "frames.h"

int spp_send_frames(struct spp_endpoint *e, struct rte_mempool *mp,
		    const void *frame, uint16_t len, int n, int headroom)
{
	struct rte_mbuf *pkts[SPP_BURST];
	int done = 0;

	while (done < n) {
		int want = n - done < SPP_BURST ? n - done : SPP_BURST;
		if (rte_pktmbuf_alloc_bulk(mp, pkts, (unsigned)want) != 0)
			break;
		for (int i = 0; i < want; i++) {
			if (headroom >= 0 && headroom <= rte_pktmbuf_headroom(pkts[i]))
				pkts[i]->data_off = (uint16_t)headroom;
			char *p = rte_pktmbuf_append(pkts[i], len);
			if (p != NULL)
				memcpy(p, frame, len);
		}
		uint16_t sent = e->ring != NULL
			? (uint16_t)rte_ring_enqueue_burst(e->ring, (void **)pkts, (unsigned)want, NULL)
			: rte_eth_tx_burst(e->port, e->queue, pkts, (uint16_t)want);
		if (sent < want)
			rte_pktmbuf_free_bulk(pkts + sent, (unsigned)(want - sent));
		done += sent;
		if (sent < want)
			break;
	}
	return done;
}

/* recv_each takes up to n frames from e, a burst at a time, hands each to
 * take with its index, frees it, and returns how many it took. */
static int recv_each(struct spp_endpoint *e, int n,
		     void (*take)(struct rte_mbuf *m, int i, void *arg), void *arg)
{
	struct rte_mbuf *pkts[SPP_BURST];
	int done = 0;

	while (done < n) {
		int want = n - done < SPP_BURST ? n - done : SPP_BURST;
		uint16_t nb = e->ring != NULL
			? (uint16_t)rte_ring_dequeue_burst(e->ring, (void **)pkts, (unsigned)want, NULL)
			: rte_eth_rx_burst(e->port, e->queue, pkts, (uint16_t)want);
		for (uint16_t i = 0; i < nb; i++)
			take(pkts[i], done + i, arg);
		rte_pktmbuf_free_bulk(pkts, nb);
		done += nb;
		if (nb < want)
			break;
	}
	return done;
}

struct frames_arg {
	void *buf;
	uint16_t *len;
	uint64_t *macs;
	int nmacs;
};

/* take_frame copies frame 0 into buf and each frame's destination MAC. */
static void take_frame(struct rte_mbuf *m, int i, void *arg)
{
	struct frames_arg *a = arg;
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);

	if (i == 0 && a->buf != NULL) {
		uint16_t l = rte_pktmbuf_data_len(m);
		if (l > *a->len)
			l = *a->len;
		memcpy(a->buf, d, l);
		*a->len = l;
	}
	if (i < a->nmacs) {
		uint64_t v = 0;
		memcpy(&v, d, 6);
		a->macs[i] = v;
	}
}

int spp_recv_frames(struct spp_endpoint *e, int n, void *buf, uint16_t *len,
		    uint64_t *macs, int nmacs)
{
	struct frames_arg a = {buf, len, macs, nmacs};

	return recv_each(e, n, take_frame, &a);
}

struct bytes_arg {
	uint8_t *buf;
	uint16_t stride;
	uint16_t *lens;
};

/* take_bytes copies frame i's bytes (at most stride) to its slot of buf. */
static void take_bytes(struct rte_mbuf *m, int i, void *arg)
{
	struct bytes_arg *a = arg;
	uint8_t *slot = a->buf + (size_t)i * a->stride;
	uint32_t l = rte_pktmbuf_pkt_len(m);

	if (l > a->stride)
		l = a->stride;
	const void *d = rte_pktmbuf_read(m, 0, l, slot);
	if (d != slot)
		memcpy(slot, d, l);
	a->lens[i] = (uint16_t)l;
}

int spp_recv_bytes(struct spp_endpoint *e, int n, uint8_t *buf, uint16_t stride, uint16_t *lens)
{
	struct bytes_arg a = {buf, stride, lens};

	return recv_each(e, n, take_bytes, &a);
}
