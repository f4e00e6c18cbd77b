// IValue: a boxed op argument or result (tensor, number, list, dtype, device, None) for calls by
// name through the op registry (the JIT interpreter's calling convention).
#pragma once
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ember/core/generator.h"
#include "ember/core/tensor.h"

namespace ember {

class EMBER_API IValue {
 public:
  IValue() = default;  // None
  IValue(std::nullopt_t) {}  // NOLINT
  IValue(Tensor t) : v_(std::move(t)) {}  // NOLINT
  IValue(double d) : v_(d) {}  // NOLINT
  IValue(int64_t i) : v_(i) {}  // NOLINT
  IValue(int i) : v_(static_cast<int64_t>(i)) {}  // NOLINT
  IValue(bool b) : v_(b) {}  // NOLINT
  IValue(const Scalar& s);  // NOLINT
  IValue(std::vector<int64_t> l) : v_(std::move(l)) {}  // NOLINT
  IValue(std::vector<Tensor> l) : v_(std::move(l)) {}  // NOLINT
  IValue(std::vector<double> l) : v_(std::move(l)) {}  // NOLINT
  IValue(std::string s) : v_(std::move(s)) {}  // NOLINT
  IValue(const char* s) : v_(std::string(s)) {}  // NOLINT
  IValue(ScalarType t) : v_(t) {}  // NOLINT
  IValue(Device d) : v_(d) {}  // NOLINT
  IValue(Generator g) : v_(std::move(g)) {}  // NOLINT

  bool isNone() const { return v_.index() == 0; }
  bool isTensor() const { return std::holds_alternative<Tensor>(v_); }
  bool isDouble() const { return std::holds_alternative<double>(v_); }
  bool isInt() const { return std::holds_alternative<int64_t>(v_); }
  bool isBool() const { return std::holds_alternative<bool>(v_); }
  bool isIntList() const { return std::holds_alternative<std::vector<int64_t>>(v_); }
  bool isTensorList() const { return std::holds_alternative<std::vector<Tensor>>(v_); }
  bool isDoubleList() const { return std::holds_alternative<std::vector<double>>(v_); }
  bool isString() const { return std::holds_alternative<std::string>(v_); }
  bool isScalarType() const { return std::holds_alternative<ScalarType>(v_); }
  bool isDevice() const { return std::holds_alternative<Device>(v_); }
  bool isGenerator() const { return std::holds_alternative<Generator>(v_); }
  /// Name of the held kind, for error messages ("Tensor", "int", "None", ...).
  const char* tagName() const;

  const Tensor& toTensor() const;
  std::optional<Tensor> toOptionalTensor() const;
  const std::vector<Tensor>& toTensorVector() const;
  Scalar toScalar() const;
  std::optional<Scalar> toOptionalScalar() const;
  int64_t toInt() const;
  std::optional<int64_t> toOptionalInt() const;
  /// An int list (a single int is accepted as a one-element list).
  std::vector<int64_t> toIntVector() const;
  std::optional<std::vector<int64_t>> toOptionalIntVector() const;
  const std::vector<double>& toDoubleVector() const;
  double toDouble() const;
  std::optional<double> toOptionalDouble() const;
  bool toBool() const;
  const std::string& toStringRef() const;
  std::optional<std::string> toOptionalString() const;
  ScalarType toScalarType() const;
  std::optional<ScalarType> toOptionalScalarType() const;
  Device toDevice() const;
  std::optional<Device> toOptionalDevice() const;
  std::optional<Generator> toOptionalGenerator() const;

 private:
  [[noreturn]] void bad(const char* want) const;
  std::variant<std::monostate, Tensor, double, int64_t, bool, std::vector<int64_t>, std::vector<Tensor>,
               std::string, ScalarType, Device, Generator, std::vector<double>>
      v_;
};

using Stack = std::vector<IValue>;

}  // namespace ember
