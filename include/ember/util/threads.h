// Intra-op threads: one policy for OpenMP loops, oneDNN and OpenBLAS (Note [thread policy]).
#pragma once
#include "ember/util/export.h"

namespace ember {

/// Sets the number of intra-op threads (OpenMP loops, oneDNN's float32 GEMM and OpenBLAS alike); n >= 1.
EMBER_API void set_num_threads(int n);
/// The number of intra-op threads (default: the number of cores).
EMBER_API int get_num_threads();

}  // namespace ember
