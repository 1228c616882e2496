#ifndef SPP_MEM_H
#define SPP_MEM_H

#include <stddef.h>

/* Zeroed, cache-line aligned C memory; free() it. */
void *spp_calloc_aligned(size_t size);

#endif
