/* forward: one rx endpoint to one tx endpoint, packets as they are (but for
 * the ports' VLAN operations). */
#include "vlan.h"

SPP_INLINE void forward(struct spp_lcore *lc, struct spp_component *c, const int vlan)
{
	struct rte_mbuf *pkts[SPP_BURST];
	uint16_t nb = vlan ? spp_rx_vlan(c, 0, pkts, SPP_BURST) : spp_rx(c->rx[0], pkts, SPP_BURST);

	(void)lc;
	if (nb == 0)
		return;
	uint16_t dropped = vlan ? spp_tx_vlan(c, 0, pkts, nb) : spp_tx(c->tx[0], pkts, nb);
	spp_add(&c->packets, nb);
	if (unlikely(dropped))
		spp_add(&c->drops, dropped);
}

SPP_KERNEL(forward)
