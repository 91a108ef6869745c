#ifndef CMALLOC_SHIM_H
#define CMALLOC_SHIM_H
/* glibc's malloc tuning (mallopt, malloc_trim), which the Glibc module leaves out; wrapped,
   since Swift sees malloc.h through the Glibc module, without these. Elsewhere they do nothing. */
#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
static inline int cmalloc_set_mmap_threshold(int bytes) { return mallopt(M_MMAP_THRESHOLD, bytes); }
static inline int cmalloc_trim(void) { return malloc_trim(0); }
#else
static inline int cmalloc_set_mmap_threshold(int bytes) { (void)bytes; return 0; }
static inline int cmalloc_trim(void) { return 0; }
#endif
#endif
