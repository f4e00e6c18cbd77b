// EMBER_ARG: libtorch's TORCH_ARG, one option of an Options struct with a chained setter and a getter:
//   struct LinearOptions { EMBER_ARG(bool, bias) = true; };   LinearOptions(3, 4).bias(false).bias() == false
#pragma once
#include <utility>

#ifndef EMBER_ARG
#define EMBER_ARG(T, name)                                              \
 public:                                                                \
  inline auto name(const T& new_##name)->decltype(*this) { /* NOLINT */ \
    this->name##_ = new_##name;                                         \
    return *this;                                                       \
  }                                                                     \
  inline auto name(T&& new_##name)->decltype(*this) { /* NOLINT */      \
    this->name##_ = std::move(new_##name);                              \
    return *this;                                                       \
  }                                                                     \
  inline const T& name() const noexcept { /* NOLINT */                  \
    return this->name##_;                                               \
  }                                                                     \
  inline T& name() noexcept { /* NOLINT */                              \
    return this->name##_;                                               \
  }                                                                     \
                                                                        \
 private:                                                               \
  T name##_ /* NOLINT */
#endif
