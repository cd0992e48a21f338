// cblas.h from Debian's libopenblas-dev also declares openblas_set_num_threads /
// openblas_get_num_threads, which Linalg uses to keep BLAS single-threaded inside workers.
#include <cblas.h>
