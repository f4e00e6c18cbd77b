// IValue: a boxed value, libtorch's c10::IValue for ember. It carries op arguments and results
// through the registry (calls by name) and everything the JIT stores: constants, the interpreter's
// stack, module attributes.
//
// Note [IValue kinds]
//   value kinds      None, bool, int (int64), float (double), str, ScalarType (dtype), Device, and
//                    the typed lists int[], float[], Tensor[] (held by value: the op-argument forms)
//   reference kinds  Tensor, Generator, tuple (ivalue::Tuple, shared and immutable), list
//                    (GenericList: a shared, mutable list of IValues), dict (GenericDict: shared,
//                    mutable, insertion-ordered, keys str/int/float/bool/Tensor), Object
//                    (ivalue::Object: a class type and attribute slots, shared; the JIT's modules)
//   The heavy kinds are shared_ptrs, so copying an IValue never copies a container; the IValue
//   stays the size it had before they came (40 bytes).
// Equality (operator==) is deep for tuples, lists and dicts (dicts ignore order, as Python's) and
// by value for the value kinds; numbers of different kinds are different values, as in c10 (1 and
// 1.0 and True are three constants for the JIT; Python's numeric equality is an op, aten::eq).
// Tensors, generators and objects compare by identity (`is`). A typed list equals a generic list
// with the same elements (both are Python lists). IValue::is() is identity: the same object for
// the reference kinds, equal values for the value kinds.
// Hashing (IValue::hash, std::hash<IValue>) follows Python: lists and dicts are unhashable
// (TypeError "unhashable type: 'list'"), tuples hash their elements, tensors/objects hash by identity.
// Printing (operator<<, repr()) is Python's repr: `(1, 2.5, 'a')`, `[1, 2]`, `{'a': 1}`, `None`,
// `True`, `ember.float32`, `device(type='cpu')`; a tensor prints briefly, as
// `Tensor(shape=[2, 3], dtype=float32)` (`, device=meta` off the CPU), so containers stay one line.
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "ember/core/generator.h"
#include "ember/core/tensor.h"

namespace ember {

class IValue;
class GenericList;
class GenericDict;
namespace ivalue {
struct Tuple;
struct ListImpl;
struct DictImpl;
class ClassType;
class Object;
}  // namespace ivalue

/// A handle to a shared, mutable list of IValues (c10::List<IValue>): copies alias, as Python lists.
class EMBER_API GenericList {
 public:
  GenericList();
  explicit GenericList(std::vector<IValue> values);
  GenericList(std::initializer_list<IValue> values);
  size_t size() const;
  bool empty() const;
  const IValue& get(size_t i) const;  ///< the i-th element (IndexError when out of range)
  const IValue& operator[](size_t i) const { return get(i); }
  void set(size_t i, IValue v);
  void push_back(IValue v);
  void insert(size_t i, IValue v);
  void erase(size_t i);
  void clear();
  void reserve(size_t n);
  const std::vector<IValue>& vec() const;  ///< the elements
  std::vector<IValue>::const_iterator begin() const;
  std::vector<IValue>::const_iterator end() const;
  /// Whether both handles refer to the same list.
  bool is(const GenericList& o) const { return impl_ == o.impl_; }
  size_t use_count() const { return static_cast<size_t>(impl_.use_count()); }
  /// A new list holding the same elements (Python's list.copy()).
  GenericList copy() const;

 private:
  friend class IValue;
  explicit GenericList(std::shared_ptr<ivalue::ListImpl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<ivalue::ListImpl> impl_;
};

/// A handle to a shared, mutable dict (c10::Dict<IValue, IValue>) kept in insertion order. Keys are
/// str, int, float, bool or Tensor (by identity), as TorchScript's; another key throws TypeError.
class EMBER_API GenericDict {
 public:
  using Entry = std::pair<IValue, IValue>;
  using const_iterator = std::vector<Entry>::const_iterator;
  GenericDict();
  size_t size() const;
  bool empty() const;
  /// Adds key -> value unless key is present; returns whether it was added (c10::Dict::insert).
  bool insert(IValue key, IValue value);
  /// Sets key -> value, keeping key's position when present (Python's d[key] = value).
  void insert_or_assign(IValue key, IValue value);
  bool contains(const IValue& key) const;
  /// The value at key; throws IndexError ("KeyError: 'a'") when absent.
  const IValue& at(const IValue& key) const;
  const_iterator find(const IValue& key) const;  ///< end() when absent
  /// Removes key; returns whether it was present.
  bool erase(const IValue& key);
  void clear();
  const_iterator begin() const;
  const_iterator end() const;
  const std::vector<Entry>& entries() const;  ///< (key, value) in insertion order
  bool is(const GenericDict& o) const { return impl_ == o.impl_; }
  GenericDict copy() const;

 private:
  friend class IValue;
  explicit GenericDict(std::shared_ptr<ivalue::DictImpl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<ivalue::DictImpl> impl_;
};

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
  IValue(std::shared_ptr<ivalue::Tuple> t);  // NOLINT (null: None)
  IValue(GenericList l) : v_(std::move(l.impl_)) {}  // NOLINT
  IValue(GenericDict d) : v_(std::move(d.impl_)) {}  // NOLINT
  IValue(std::shared_ptr<ivalue::Object> o);  // NOLINT (null: None)

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
  bool isTuple() const { return std::holds_alternative<std::shared_ptr<ivalue::Tuple>>(v_); }
  /// A generic list (GenericList); the typed lists answer isIntList() etc.
  bool isList() const { return std::holds_alternative<std::shared_ptr<ivalue::ListImpl>>(v_); }
  bool isGenericDict() const { return std::holds_alternative<std::shared_ptr<ivalue::DictImpl>>(v_); }
  bool isObject() const { return std::holds_alternative<std::shared_ptr<ivalue::Object>>(v_); }
  /// Any list: generic or typed.
  bool isAnyList() const { return isList() || isIntList() || isDoubleList() || isTensorList(); }
  /// Name of the held kind, for error messages ("Tensor", "int", "None", "tuple", "list", ...).
  const char* tagName() const;

  const Tensor& toTensor() const;
  std::optional<Tensor> toOptionalTensor() const;
  const std::vector<Tensor>& toTensorVector() const;
  Scalar toScalar() const;
  std::optional<Scalar> toOptionalScalar() const;
  int64_t toInt() const;
  std::optional<int64_t> toOptionalInt() const;
  /// An int list (a single int is accepted as a one-element list, and so are a generic list and a
  /// tuple of ints).
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
  Generator toGenerator() const;
  /// The shared tuple / its reference.
  std::shared_ptr<ivalue::Tuple> toTuple() const;
  const ivalue::Tuple& toTupleRef() const;
  /// A handle sharing the generic list / the elements themselves.
  GenericList toList() const;
  const std::vector<IValue>& toListRef() const;
  GenericDict toGenericDict() const;
  std::shared_ptr<ivalue::Object> toObject() const;
  ivalue::Object& toObjectRef() const;

  /// Identity (Python's `is`; c10's isSameIdentity): the same object for tensors, generators,
  /// tuples, lists, dicts and objects; equal values for the value kinds.
  bool is(const IValue& o) const;
  /// Python's hash; throws TypeError "unhashable type: 'list'" for lists and dicts.
  size_t hash() const;
  /// Python's repr (Note [IValue kinds]).
  std::string repr() const;

  friend EMBER_API bool operator==(const IValue& a, const IValue& b);
  friend bool operator!=(const IValue& a, const IValue& b) { return !(a == b); }

 private:
  [[noreturn]] void bad(const char* want) const;
  friend struct IValueAccess;
  std::variant<std::monostate, Tensor, double, int64_t, bool, std::vector<int64_t>, std::vector<Tensor>,
               std::string, ScalarType, Device, Generator, std::vector<double>,
               std::shared_ptr<ivalue::Tuple>, std::shared_ptr<ivalue::ListImpl>,
               std::shared_ptr<ivalue::DictImpl>, std::shared_ptr<ivalue::Object>>
      v_;
};

EMBER_API std::ostream& operator<<(std::ostream& os, const IValue& v);

using Stack = std::vector<IValue>;

namespace ivalue {

/// An immutable tuple of IValues, shared by reference (c10::ivalue::Tuple).
struct EMBER_API Tuple {
  static std::shared_ptr<Tuple> create(std::vector<IValue> elements);
  static std::shared_ptr<Tuple> create(std::initializer_list<IValue> elements);
  const std::vector<IValue>& elements() const { return elements_; }
  size_t size() const { return elements_.size(); }
  const IValue& operator[](size_t i) const { return elements_[i]; }
  explicit Tuple(std::vector<IValue> e) : elements_(std::move(e)) {}

 private:
  std::vector<IValue> elements_;
};

struct ListImpl {
  std::vector<IValue> list;
};

struct EMBER_API DictImpl {
  struct Hash {
    size_t operator()(const IValue& k) const { return k.hash(); }
  };
  std::vector<std::pair<IValue, IValue>> entries;           // insertion order
  std::unordered_map<IValue, size_t, Hash> index;           // key -> position in entries
};

/// A class: its qualified name and attribute names; slot i of an instance holds attribute i.
/// Shared by its instances (the JIT's module types: one per scripted class).
class EMBER_API ClassType {
 public:
  static std::shared_ptr<ClassType> create(std::string name, std::vector<std::string> attributes = {});
  const std::string& name() const { return name_; }
  const std::vector<std::string>& attributeNames() const { return attributes_; }
  size_t numAttributes() const { return attributes_.size(); }
  /// The slot of an attribute, nullopt when the class has none of that name.
  std::optional<size_t> findAttributeSlot(const std::string& attr) const;
  /// Adds an attribute (or returns its slot when present).
  size_t addAttribute(const std::string& attr);
  explicit ClassType(std::string name, std::vector<std::string> attributes);

 private:
  std::string name_;
  std::vector<std::string> attributes_;
};

/// An instance of a ClassType: attribute slots holding IValues, shared by reference
/// (c10::ivalue::Object). Equality and hashing are by identity, as Python objects without __eq__.
class EMBER_API Object {
 public:
  static std::shared_ptr<Object> create(std::shared_ptr<ClassType> type);
  /// An object of a new class of that name (attributes are added by setAttr).
  static std::shared_ptr<Object> create(std::string class_name);
  const std::shared_ptr<ClassType>& type() const { return type_; }
  const std::string& name() const { return type_->name(); }
  /// Attribute by name; throws ValueError "'Net' object has no attribute 'x'".
  const IValue& getAttr(const std::string& attr) const;
  /// Sets an attribute, adding it to the class when it has none of that name.
  void setAttr(const std::string& attr, IValue v);
  bool hasAttr(const std::string& attr) const;
  const IValue& getSlot(size_t i) const;
  void setSlot(size_t i, IValue v);
  const std::vector<IValue>& slots() const { return slots_; }
  explicit Object(std::shared_ptr<ClassType> type);

 private:
  std::shared_ptr<ClassType> type_;
  std::vector<IValue> slots_;  // grows with the class's attributes
};

}  // namespace ivalue

namespace jit {
using IValue = ember::IValue;
using Stack = ember::Stack;
}  // namespace jit

}  // namespace ember

template <>
struct std::hash<ember::IValue> {
  size_t operator()(const ember::IValue& v) const { return v.hash(); }
};
