#include "ember/dispatch/ivalue.h"

namespace ember {

IValue::IValue(const Scalar& s) {
  if (s.is_bool()) v_ = s.to_bool();
  else if (s.is_integral()) v_ = s.to_long();
  else v_ = s.to_double();
}

const char* IValue::tagName() const {
  static const char* names[] = {"None", "Tensor", "float", "int", "bool", "int[]", "Tensor[]", "str",
                                "ScalarType", "Device", "Generator", "float[]"};
  return names[v_.index()];
}

void IValue::bad(const char* want) const {
  throw TypeError(detail::str("IValue: expected ", want, " but got ", tagName()));
}

const Tensor& IValue::toTensor() const {
  if (!isTensor()) bad("Tensor");
  return std::get<Tensor>(v_);
}
std::optional<Tensor> IValue::toOptionalTensor() const {
  if (isNone()) return std::nullopt;
  return toTensor();
}
const std::vector<Tensor>& IValue::toTensorVector() const {
  if (!isTensorList()) bad("Tensor[]");
  return std::get<std::vector<Tensor>>(v_);
}
Scalar IValue::toScalar() const {
  if (isDouble()) return std::get<double>(v_);
  if (isInt()) return std::get<int64_t>(v_);
  if (isBool()) return std::get<bool>(v_);
  bad("Scalar");
}
std::optional<Scalar> IValue::toOptionalScalar() const {
  if (isNone()) return std::nullopt;
  return toScalar();
}
int64_t IValue::toInt() const {
  if (!isInt()) bad("int");
  return std::get<int64_t>(v_);
}
std::optional<int64_t> IValue::toOptionalInt() const {
  if (isNone()) return std::nullopt;
  return toInt();
}
std::vector<int64_t> IValue::toIntVector() const {
  if (isInt()) return {std::get<int64_t>(v_)};
  if (!isIntList()) bad("int[]");
  return std::get<std::vector<int64_t>>(v_);
}
std::optional<std::vector<int64_t>> IValue::toOptionalIntVector() const {
  if (isNone()) return std::nullopt;
  return toIntVector();
}
const std::vector<double>& IValue::toDoubleVector() const {
  if (!isDoubleList()) bad("float[]");
  return std::get<std::vector<double>>(v_);
}
double IValue::toDouble() const {
  if (isInt()) return static_cast<double>(std::get<int64_t>(v_));
  if (!isDouble()) bad("float");
  return std::get<double>(v_);
}
std::optional<double> IValue::toOptionalDouble() const {
  if (isNone()) return std::nullopt;
  return toDouble();
}
bool IValue::toBool() const {
  if (!isBool()) bad("bool");
  return std::get<bool>(v_);
}
const std::string& IValue::toStringRef() const {
  if (!isString()) bad("str");
  return std::get<std::string>(v_);
}
std::optional<std::string> IValue::toOptionalString() const {
  if (isNone()) return std::nullopt;
  return toStringRef();
}
ScalarType IValue::toScalarType() const {
  if (!isScalarType()) bad("ScalarType");
  return std::get<ScalarType>(v_);
}
std::optional<ScalarType> IValue::toOptionalScalarType() const {
  if (isNone()) return std::nullopt;
  return toScalarType();
}
Device IValue::toDevice() const {
  if (!isDevice()) bad("Device");
  return std::get<Device>(v_);
}
std::optional<Device> IValue::toOptionalDevice() const {
  if (isNone()) return std::nullopt;
  return toDevice();
}

std::optional<Generator> IValue::toOptionalGenerator() const {
  if (isNone()) return std::nullopt;
  if (!isGenerator()) bad("Generator");
  return std::get<Generator>(v_);
}

}  // namespace ember
