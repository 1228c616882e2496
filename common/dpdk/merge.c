/* merge: every rx endpoint, one burst each per pass, to one tx endpoint. */
#include "vlan.h"

SPP_INLINE void merge(struct spp_lcore *lc, struct spp_component *c, const int vlan)
{
	struct rte_mbuf *pkts[SPP_BURST];
	struct spp_endpoint *tx = c->tx[0];
	uint64_t got = 0, dropped = 0;

	(void)lc;
	for (uint16_t i = 0; i < c->nb_rx; i++) {
		uint16_t nb = vlan ? spp_rx_vlan(c, i, pkts, SPP_BURST) : spp_rx(c->rx[i], pkts, SPP_BURST);
		if (nb == 0)
			continue;
		got += nb;
		dropped += vlan ? spp_tx_vlan(c, 0, pkts, nb) : spp_tx(tx, pkts, nb);
	}
	if (got)
		spp_add(&c->packets, got);
	if (unlikely(dropped))
		spp_add(&c->drops, dropped);
}

SPP_KERNEL(merge)
