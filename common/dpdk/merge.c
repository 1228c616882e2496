/* merge: every rx endpoint, one burst each per pass, to one tx endpoint. */
#include "dataplane.h"

void spp_merge(struct spp_lcore *lc, const struct spp_config *c)
{
	struct rte_mbuf *pkts[SPP_BURST];
	struct spp_endpoint *tx = c->tx[0];
	uint64_t got = 0, dropped = 0;

	for (uint16_t i = 0; i < c->nb_rx; i++) {
		uint16_t nb = spp_rx(c->rx[i], pkts, SPP_BURST);
		if (nb == 0)
			continue;
		got += nb;
		dropped += spp_tx(tx, pkts, nb);
	}
	if (got)
		spp_add(&lc->packets, got);
	if (unlikely(dropped))
		spp_add(&lc->drops, dropped);
}
