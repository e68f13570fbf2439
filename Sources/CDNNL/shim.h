#include <oneapi/dnnl/dnnl.h>
// DNNL_MEMORY_ALLOCATE is a cast macro Swift cannot import.
static inline void *dnnl_shim_memory_allocate(void) { return DNNL_MEMORY_ALLOCATE; }
// Debian's oneDNN runs on OpenMP (libgomp); the thread count is set through OpenMP.
void omp_set_num_threads(int n);
int omp_get_max_threads(void);
