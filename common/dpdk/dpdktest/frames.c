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

int spp_recv_frames(struct spp_endpoint *e, int n, void *buf, uint16_t *len,
		    uint64_t *macs, int nmacs)
{
	struct rte_mbuf *pkts[SPP_BURST];
	int done = 0;

	while (done < n) {
		int want = n - done < SPP_BURST ? n - done : SPP_BURST;
		uint16_t nb = e->ring != NULL
			? (uint16_t)rte_ring_dequeue_burst(e->ring, (void **)pkts, (unsigned)want, NULL)
			: rte_eth_rx_burst(e->port, e->queue, pkts, (uint16_t)want);
		for (uint16_t i = 0; i < nb; i++) {
			const uint8_t *d = rte_pktmbuf_mtod(pkts[i], const uint8_t *);
			if (done + i == 0 && buf != NULL) {
				uint16_t l = rte_pktmbuf_data_len(pkts[i]);
				if (l > *len)
					l = *len;
				memcpy(buf, d, l);
				*len = l;
			}
			if (done + i < nmacs) {
				uint64_t v = 0;
				memcpy(&v, d, 6);
				macs[done + i] = v;
			}
		}
		rte_pktmbuf_free_bulk(pkts, nb);
		done += nb;
		if (nb < want)
			break;
	}
	return done;
}

int spp_recv_bytes(struct spp_endpoint *e, int n, uint8_t *buf, uint16_t stride, uint16_t *lens)
{
	struct rte_mbuf *pkts[SPP_BURST];
	int done = 0;

	while (done < n) {
		int want = n - done < SPP_BURST ? n - done : SPP_BURST;
		uint16_t nb = e->ring != NULL
			? (uint16_t)rte_ring_dequeue_burst(e->ring, (void **)pkts, (unsigned)want, NULL)
			: rte_eth_rx_burst(e->port, e->queue, pkts, (uint16_t)want);
		for (uint16_t i = 0; i < nb; i++) {
			uint32_t l = rte_pktmbuf_pkt_len(pkts[i]);
			if (l > stride)
				l = stride;
			const void *d = rte_pktmbuf_read(pkts[i], 0, l, buf + (size_t)(done + i) * stride);
			if (d != buf + (size_t)(done + i) * stride)
				memcpy(buf + (size_t)(done + i) * stride, d, l);
			lens[done + i] = (uint16_t)l;
		}
		rte_pktmbuf_free_bulk(pkts, nb);
		done += nb;
		if (nb < want)
			break;
	}
	return done;
}
