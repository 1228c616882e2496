/* Ethdev control, hotplug and the odd helper Go needs from C. */
#ifndef SPP_ETH_H
#define SPP_ETH_H

#include <stdint.h>
#include <sched.h>
#include "dataplane.h"

int spp_eth_setup(uint16_t port, struct rte_mempool *mp, uint16_t nrxd, uint16_t ntxd);
int spp_eth_name(uint16_t port, char *buf, size_t len);
int spp_eth_driver(uint16_t port, char *buf, size_t len); /* "net_pcap", "net_vhost" */
int spp_eth_link_up(uint16_t port);
void spp_eth_mac(uint16_t port, uint8_t *out);
uint16_t spp_eth_next(uint16_t port); /* first valid port >= port, or RTE_MAX_ETHPORTS */
int spp_eth_owner_set(uint16_t port, uint64_t id, const char *name);
int spp_eth_owner_get(uint16_t port, uint64_t *id, char *name, size_t len);
int spp_eth_poll_once(uint16_t port); /* one empty rx and tx burst per queue */
int spp_main_cpuset(cpu_set_t *set);
uint64_t spp_ring_drain(struct rte_ring *r); /* free every mbuf in r, return how many */
/* Give back to mp what the caches of these (stopped) lcores hold. */
void spp_flush_caches(struct rte_mempool *mp, const unsigned *lcores, int n);
unsigned spp_cache_len(struct rte_mempool *mp, unsigned lcore);

#endif
