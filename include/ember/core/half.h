// 16-bit floating-point storage types. Arithmetic converts to float (ember computes float16 and
// bfloat16 ops in float32, as PyTorch's CPU kernels do) and rounds back to nearest-even.
#pragma once
#include <cstdint>
#include <cstring>
#include <ostream>

namespace ember {
namespace detail {
inline uint32_t f32_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float bits_f32(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
/// IEEE binary16 from float, round to nearest even (handles subnormals, inf, nan).
inline uint16_t float_to_half_bits(float f) {
  uint32_t x = f32_bits(f);
  uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t ax = x & 0x7fffffffu;
  if (ax >= 0x7f800000u) return static_cast<uint16_t>(sign | (ax > 0x7f800000u ? 0x7e00u : 0x7c00u));
  if (ax >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // overflow to inf
  if (ax < 0x38800000u) {  // subnormal half or zero: add magic to round in the float unit
    float r = bits_f32(ax) + 0.5f;
    return static_cast<uint16_t>(sign | (f32_bits(r) - 0x3f000000u));
  }
  uint32_t mant_odd = (ax >> 13) & 1u;
  ax += 0xc8000fffu + mant_odd;  // rebias exponent (-112 << 23) and round
  return static_cast<uint16_t>(sign | (ax >> 13));
}
inline float half_bits_to_float(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
  if (exp == 0) {
    float v = static_cast<float>(mant) * 5.9604644775390625e-08f;  // 2^-24
    return sign ? -v : v;
  }
  if (exp == 31) return bits_f32(sign | 0x7f800000u | (mant << 13));
  return bits_f32(sign | ((exp + 112) << 23) | (mant << 13));
}
inline uint16_t float_to_bf16_bits(float f) {
  uint32_t x = f32_bits(f);
  if ((x & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((x >> 16) | 0x40u);  // quiet nan
  x += 0x7fffu + ((x >> 16) & 1u);
  return static_cast<uint16_t>(x >> 16);
}
inline float bf16_bits_to_float(uint16_t b) { return bits_f32(static_cast<uint32_t>(b) << 16); }
}  // namespace detail

/// IEEE half precision (float16).
struct Half {
  uint16_t x = 0;
  Half() = default;
  Half(float f) : x(detail::float_to_half_bits(f)) {}  // NOLINT: implicit like a float type
  Half(double d) : Half(static_cast<float>(d)) {}      // NOLINT
  template <class I, class = std::enable_if_t<std::is_integral<I>::value>>
  Half(I i) : Half(static_cast<float>(i)) {}  // NOLINT
  operator float() const { return detail::half_bits_to_float(x); }  // NOLINT
  static Half from_bits(uint16_t b) {
    Half h;
    h.x = b;
    return h;
  }
};

/// Brain floating point (bfloat16): float32's exponent with 8 bits of mantissa.
struct BFloat16 {
  uint16_t x = 0;
  BFloat16() = default;
  BFloat16(float f) : x(detail::float_to_bf16_bits(f)) {}  // NOLINT
  BFloat16(double d) : BFloat16(static_cast<float>(d)) {}  // NOLINT
  template <class I, class = std::enable_if_t<std::is_integral<I>::value>>
  BFloat16(I i) : BFloat16(static_cast<float>(i)) {}  // NOLINT
  operator float() const { return detail::bf16_bits_to_float(x); }  // NOLINT
  static BFloat16 from_bits(uint16_t b) {
    BFloat16 h;
    h.x = b;
    return h;
  }
};

inline std::ostream& operator<<(std::ostream& os, Half h) { return os << static_cast<float>(h); }
inline std::ostream& operator<<(std::ostream& os, BFloat16 h) { return os << static_cast<float>(h); }

}  // namespace ember
