// Enum-like option values as libtorch spells them: `ember::kFanIn`, `ember::kReLU` are objects of
// distinct empty types (ember::enumtype::kFanIn, ...), so an option's type is a std::variant of the
// values it accepts (nn::init::FanModeType, NonlinearityType) and a wrong value fails to compile.
#pragma once
#include <string>
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

namespace ember::enumtype {
/// The PyTorch spelling of an enum value held in a variant ("fan_in", "leaky_relu").
template <class... Ts>
std::string get_enum_name(const std::variant<Ts...>& v) {
  return std::visit([](const auto& e) { return std::string(e.str()); }, v);
}
}  // namespace ember::enumtype
