#ifndef SPP_MEM_H
#define SPP_MEM_H

#include <stdlib.h>
#include <string.h>
#include <rte_common.h>

/* C memory for the structures lcores share with Go: zeroed, and aligned to
 * a cache line so that counters written by different lcores never share
 * one. Freed with free(). Inline, so that the cgo packages under
 * common/dpdk (which cannot call each other's C) have it too. */
static inline void *spp_calloc_aligned(size_t size)
{
	size = (size + RTE_CACHE_LINE_SIZE - 1) & ~(size_t)(RTE_CACHE_LINE_SIZE - 1);
	void *p = aligned_alloc(RTE_CACHE_LINE_SIZE, size);
	if (p != NULL)
		memset(p, 0, size);
	return p;
}

#endif
