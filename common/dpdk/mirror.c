/* mirror: every packet to tx[0], and a copy of it to tx[1]. The copy is a
 * clone (shares the data, refcount) or, with deep, a full copy. A copy that
 * cannot be made is dropped and counted; the original still goes. With a
 * VLAN operation on a tx port the copy is always a full one: an operation
 * changes a frame in place, which a shared one cannot be. */
#include <rte_prefetch.h>
#include "vlan.h"

SPP_INLINE void mirror(struct spp_lcore *lc, struct spp_component *c, const int vlan)
{
	struct rte_mbuf *pkts[SPP_BURST];
	struct rte_mbuf *copies[SPP_BURST];
	uint16_t nb = vlan ? spp_rx_vlan(c, 0, pkts, SPP_BURST) : spp_rx(c->rx[0], pkts, SPP_BURST);
	uint16_t nc = 0;
	uint64_t dropped = 0;
	const int deep = c->deep || (vlan && c->tx_ops);

	(void)lc;
	if (nb == 0)
		return;
	for (uint16_t i = 0; i < nb; i++)
		rte_prefetch0(pkts[i]);
	/* Copies first: once an original is sent, its consumer may free it. */
	for (uint16_t i = 0; i < nb; i++) {
		struct rte_mbuf *m = pkts[i];
		struct rte_mempool *mp = c->clone_pool ? c->clone_pool : m->pool;
		struct rte_mbuf *cp = deep ? rte_pktmbuf_copy(m, mp, 0, UINT32_MAX)
					   : rte_pktmbuf_clone(m, mp);
		if (likely(cp != NULL))
			copies[nc++] = cp;
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
