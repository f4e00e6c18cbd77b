// Enum-like option values as libtorch spells them: `ember::kFanIn`, `ember::kReLU` are objects of
// distinct empty types (ember::enumtype::kFanIn, ...), so an option's type is a std::variant of the
// values it accepts (nn::init::FanModeType, NonlinearityType) and a wrong value fails to compile.
#pragma once
#include <cstdint>
#include <string>
#include <type_traits>
#include <variant>

#define EMBER_ENUM_DECLARE(name, text)                               \
  namespace ember {                                                  \
  namespace enumtype {                                               \
  struct k##name {                                                   \
    static constexpr const char* str() noexcept { return text; }     \
  };                                                                 \
  }                                                                  \
  inline constexpr enumtype::k##name k##name{};                      \
  }

EMBER_ENUM_DECLARE(Linear, "linear")
EMBER_ENUM_DECLARE(Conv1D, "conv1d")
EMBER_ENUM_DECLARE(Conv2D, "conv2d")
EMBER_ENUM_DECLARE(Conv3D, "conv3d")
EMBER_ENUM_DECLARE(ConvTranspose1D, "conv_transpose1d")
EMBER_ENUM_DECLARE(ConvTranspose2D, "conv_transpose2d")
EMBER_ENUM_DECLARE(ConvTranspose3D, "conv_transpose3d")
EMBER_ENUM_DECLARE(Sigmoid, "sigmoid")
EMBER_ENUM_DECLARE(Tanh, "tanh")
EMBER_ENUM_DECLARE(ReLU, "relu")
EMBER_ENUM_DECLARE(LeakyReLU, "leaky_relu")
EMBER_ENUM_DECLARE(SELU, "selu")
EMBER_ENUM_DECLARE(FanIn, "fan_in")
EMBER_ENUM_DECLARE(FanOut, "fan_out")
// reductions of the losses
EMBER_ENUM_DECLARE(None, "none")
EMBER_ENUM_DECLARE(Mean, "mean")
EMBER_ENUM_DECLARE(Sum, "sum")
EMBER_ENUM_DECLARE(BatchMean, "batchmean")
// padding strings and modes of convolutions and F::pad
EMBER_ENUM_DECLARE(Valid, "valid")
EMBER_ENUM_DECLARE(Same, "same")
EMBER_ENUM_DECLARE(Zeros, "zeros")
EMBER_ENUM_DECLARE(Constant, "constant")
EMBER_ENUM_DECLARE(Reflect, "reflect")
EMBER_ENUM_DECLARE(Replicate, "replicate")
EMBER_ENUM_DECLARE(Circular, "circular")
// interpolation modes
EMBER_ENUM_DECLARE(Nearest, "nearest")
EMBER_ENUM_DECLARE(Bilinear, "bilinear")

namespace ember::enumtype {
/// The reduction of a loss: ember::kNone, ember::kMean or ember::kSum.
using Reduction = std::variant<kNone, kMean, kSum>;
/// The reduction of kl_div, which adds ember::kBatchMean.
using KLDivReduction = std::variant<kNone, kBatchMean, kSum, kMean>;

/// The PyTorch spelling of an enum value held in a variant ("fan_in", "leaky_relu").
template <class... Ts>
std::string get_enum_name(const std::variant<Ts...>& v) {
  return std::visit([](const auto& e) { return std::string(e.str()); }, v);
}
/// The schema ops' integer reduction (0 none, 1 mean, 2 sum), as at::Reduction.
inline int64_t reduction_to_int(const Reduction& r) {
  return std::visit([](const auto& e) -> int64_t {
    using T = std::decay_t<decltype(e)>;
    if constexpr (std::is_same_v<T, kNone>) return 0;
    else if constexpr (std::is_same_v<T, kMean>) return 1;
    else return 2;
  }, r);
}
}  // namespace ember::enumtype
