#include <oneapi/dnnl/dnnl.h>
// DNNL_MEMORY_ALLOCATE is a cast macro Swift cannot import.
static inline void *dnnl_shim_memory_allocate(void) { return DNNL_MEMORY_ALLOCATE; }
// Debian's oneDNN runs on OpenMP (libgomp); the thread count is set through OpenMP.
void omp_set_num_threads(int n);
int omp_get_max_threads(void);
int omp_get_thread_num(void);
int omp_get_num_threads(void);
// What `#pragma omp parallel num_threads(n)` compiles to: runs fn(data) on n threads of the pool oneDNN uses.
void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned int flags);
#include <malloc.h>
#include <limits.h>
// Keep large freed blocks in the heap for reuse instead of unmapping them (see Threads.configure).
static inline void isthmus_keep_large_blocks(void) {
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, -1);   // glibc reads it as size_t: never trim
}
