// Types of the JIT IR (docs/jit_format.md): Tensor (with optional dtype, shape and device facts), int,
// float, bool, str, NoneType, Device, ScalarType, Generator, Scalar (a number of any kind), Any, and the
// containers Tuple[T, ...], List[T], Optional[T], Dict[K, V] (K: str or int), plus Class[name] for
// module objects. Types are immutable and shared (TypePtr); their text form is what the printer writes
// and parse_type reads: "Tensor", "Tensor(dtype=float32, shape=[2, 3], device=cpu)", "int",
// "List[Tensor]", "Optional[int]", "Dict[str, Tensor]", "Tuple[int, float]", "Class[__main__.Net]".
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ember/dispatch/ivalue.h"

namespace ember::jit {

enum class TypeKind : uint8_t {
  Any, Tensor, Int, Float, Bool, Str, None, Device, ScalarType, Generator, Scalar,
  Tuple, List, Optional, Dict, Class
};

class Type;
using TypePtr = std::shared_ptr<const Type>;

/// What is known about a tensor value (each fact optional).
struct EMBER_API TensorFacts {
  std::optional<ScalarType> dtype;
  std::optional<std::vector<int64_t>> sizes;
  std::optional<Device> device;
  bool operator==(const TensorFacts& o) const;
  bool empty() const { return !dtype && !sizes && !device; }
};

class EMBER_API Type {
 public:
  TypeKind kind() const { return kind_; }
  /// Element types: Tuple's elements, List's / Optional's element, Dict's key and value.
  const std::vector<TypePtr>& contained() const { return contained_; }
  /// The class name of a Class type ("__main__.Net").
  const std::string& class_name() const { return name_; }
  /// The facts of a Tensor type.
  const TensorFacts& facts() const { return facts_; }
  /// The text form (parse_type(t.str()) equals t).
  std::string str() const;
  /// Structural equality (tensor facts included).
  bool operator==(const Type& o) const;
  bool operator!=(const Type& o) const { return !(*this == o); }
  /// Whether a value of this type may be used where `o` is expected: equal types; any Tensor for a bare
  /// Tensor; None and T for Optional[T]; int, float and bool for Scalar and float (int only); anything for Any;
  /// elementwise for Tuple / List / Optional.
  bool is_subtype_of(const Type& o) const;

  static TypePtr any();
  static TypePtr tensor();  ///< a Tensor without facts
  static TypePtr tensor(TensorFacts facts);
  static TypePtr int_();
  static TypePtr float_();
  static TypePtr bool_();
  static TypePtr string_();
  static TypePtr none();
  static TypePtr device();
  static TypePtr scalar_type();
  static TypePtr generator();
  static TypePtr scalar();
  static TypePtr tuple(std::vector<TypePtr> elements);
  static TypePtr list(TypePtr element);
  static TypePtr optional(TypePtr element);
  /// Dict[key, value]; key must be str or int (TypeError otherwise).
  static TypePtr dict(TypePtr key, TypePtr value);
  static TypePtr class_(std::string name);

  Type(TypeKind kind, std::vector<TypePtr> contained, std::string name, TensorFacts facts);

 private:
  TypeKind kind_;
  std::vector<TypePtr> contained_;
  std::string name_;
  TensorFacts facts_;
};

/// Parses a type's text form; throws ember::Error naming the text on a malformed one.
EMBER_API TypePtr parse_type(std::string_view text);
/// The type of a schema argument type ("Tensor", "int[]", "Tensor?", "Scalar", "float[]?", ...).
EMBER_API TypePtr type_from_schema(std::string_view schema_type);
/// The type of a value (a tensor gets its dtype, shape and device as facts; an empty list is List[Any]).
EMBER_API TypePtr type_of(const IValue& v, bool tensor_facts = true);
/// Whether a value belongs to a type (Class types accept any object of that class name).
EMBER_API bool value_has_type(const IValue& v, const Type& t);

}  // namespace ember::jit
