/* forward: one rx endpoint to one tx endpoint, packets as they are. */
#include "dataplane.h"

void spp_forward(struct spp_lcore *lc, const struct spp_config *c)
{
	struct rte_mbuf *pkts[SPP_BURST];
	uint16_t nb = spp_rx(c->rx[0], pkts, SPP_BURST);

	if (nb == 0)
		return;
	uint16_t dropped = spp_tx(c->tx[0], pkts, nb);
	spp_add(&lc->packets, nb);
	if (unlikely(dropped))
		spp_add(&lc->drops, dropped);
}
