/* Out-of-band packet helpers for tests and tools (not counted on the
 * endpoint): send n copies of a frame (headroom bytes in front of it, -1:
 * the pool's default), receive and free up to n frames, copying the first
 * one into buf, or each one into buf at stride bytes apart. */
#ifndef SPP_FRAMES_H
#define SPP_FRAMES_H

#include <stdint.h>
#include "dataplane.h"

int spp_send_frames(struct spp_endpoint *e, struct rte_mempool *mp,
		    const void *frame, uint16_t len, int n, int headroom);
int spp_recv_frames(struct spp_endpoint *e, int n, void *buf, uint16_t *len,
		    uint64_t *macs, int nmacs);
int spp_recv_bytes(struct spp_endpoint *e, int n, uint8_t *buf, uint16_t stride, uint16_t *lens);

#endif
