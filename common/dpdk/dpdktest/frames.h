/* Out-of-band packet helpers for tests and tools (not counted on the
 * endpoint): send n copies of a frame, receive and free up to n frames,
 * copying the first one into buf. */
#ifndef SPP_FRAMES_H
#define SPP_FRAMES_H

#include <stdint.h>
#include "dataplane.h"

int spp_send_frames(struct spp_endpoint *e, struct rte_mempool *mp,
		    const void *frame, uint16_t len, int n);
int spp_recv_frames(struct spp_endpoint *e, int n, void *buf, uint16_t *len,
		    uint64_t *macs, int nmacs);

#endif
