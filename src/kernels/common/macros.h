// Qualifiers for the device-neutral kernel math in src/kernels/common/: a function marked
// EMBER_HOST_DEVICE compiles for the host, and for the device under a CUDA/HIP compiler.
#pragma once

#if defined(__CUDACC__) || defined(__HIPCC__)
#define EMBER_HOST_DEVICE __host__ __device__
#else
#define EMBER_HOST_DEVICE
#endif

#if defined(__GNUC__) || defined(__clang__)
#define EMBER_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define EMBER_ALWAYS_INLINE inline
#endif
