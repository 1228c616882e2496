/* mirror: every packet to tx[0], and a copy of it to tx[1]. The copy is a
 * clone (shares the data, refcount) or, with deep, a full copy. A copy that
 * cannot be made is dropped and counted; the original still goes. With a
 * VLAN operation on a tx port the copy is always a full one: an operation
 * changes a frame in place, which a shared one cannot be. */
#include <rte_prefetch.h>
#include "vlan.h"

/* Clones of pkts into copies, from mp (its mbufs need no data room): the
 * burst's mbufs taken from mp at once, each attached to its packet (the
 * original's reference count is the only write to it). If mp cannot give
 * the whole burst, one at a time until it runs out. Returns how many were
 * made: the first that many packets have their copy. */
static inline uint16_t clone_burst(struct rte_mempool *mp, struct rte_mbuf **pkts,
				   struct rte_mbuf **copies, uint16_t nb)
{
	if (unlikely(rte_pktmbuf_alloc_bulk(mp, copies, nb) != 0)) {
		uint16_t n = 0;
		while (n < nb && (copies[n] = rte_pktmbuf_clone(pkts[n], mp)) != NULL)
			n++;
		return n;
	}
	for (uint16_t i = 0; i < nb; i++) {
		struct rte_mbuf *m = pkts[i];
		if (likely(m->nb_segs == 1)) {
			rte_pktmbuf_attach(copies[i], m);
			continue;
		}
		/* A chain: a clone per segment. */
		rte_pktmbuf_free(copies[i]);
		copies[i] = rte_pktmbuf_clone(m, mp);
		if (unlikely(copies[i] == NULL)) {
			rte_pktmbuf_free_bulk(copies + i + 1, nb - i - 1);
			return i;
		}
	}
	return nb;
}

SPP_INLINE void mirror(struct spp_lcore *lc, struct spp_component *c, const int vlan)
{
	struct rte_mbuf *pkts[SPP_BURST];
	struct rte_mbuf *copies[SPP_BURST];
	uint16_t nb = vlan ? spp_rx_vlan(c, 0, pkts, SPP_BURST) : spp_rx(c->rx[0], pkts, SPP_BURST);
	uint16_t nc = 0;
	uint64_t dropped = 0;

	(void)lc;
	if (nb == 0)
		return;
	for (uint16_t i = 0; i < nb; i++)
		rte_prefetch0(pkts[i]);
	/* Copies first: once an original is sent, its consumer may free it. */
	if (c->deep || (vlan && c->tx_ops)) {
		for (uint16_t i = 0; i < nb; i++) {
			struct rte_mbuf *m = pkts[i];
			struct rte_mempool *mp = c->deep ? c->clone_pool : c->copy_pool;
			struct rte_mbuf *cp = rte_pktmbuf_copy(m, mp ? mp : m->pool, 0, UINT32_MAX);
			if (likely(cp != NULL))
				copies[nc++] = cp;
		}
	} else {
		nc = clone_burst(c->clone_pool ? c->clone_pool : pkts[0]->pool, pkts, copies, nb);
	}
	dropped += nb - nc;
	if (vlan) {
		dropped += spp_tx_vlan(c, 0, pkts, nb);
		dropped += spp_tx_vlan(c, 1, copies, nc);
	} else {
		dropped += spp_tx(c->tx[0], pkts, nb);
		dropped += spp_tx(c->tx[1], copies, nc);
	}
	spp_add(&c->packets, nb);
	if (unlikely(dropped))
		spp_add(&c->drops, dropped);
}

SPP_KERNEL(mirror)
