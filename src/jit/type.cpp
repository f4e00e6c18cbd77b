// JIT types (include/ember/jit/type.h): construction, text form, parsing, subtyping, type_of(IValue).
#include "ember/jit/type.h"

#include <sstream>

#include "jit/cursor.h"

namespace ember::jit {

bool TensorFacts::operator==(const TensorFacts& o) const {
  return dtype == o.dtype && sizes == o.sizes && device == o.device;
}

Type::Type(TypeKind kind, std::vector<TypePtr> contained, std::string name, TensorFacts facts)
    : kind_(kind), contained_(std::move(contained)), name_(std::move(name)), facts_(std::move(facts)) {}

namespace {
TypePtr make(TypeKind k, std::vector<TypePtr> c = {}, std::string name = "", TensorFacts f = {}) {
  return std::make_shared<const Type>(k, std::move(c), std::move(name), std::move(f));
}
TypePtr singleton(TypeKind k) {
  static const TypePtr all[] = {make(TypeKind::Any), make(TypeKind::Tensor), make(TypeKind::Int),
                                make(TypeKind::Float), make(TypeKind::Bool), make(TypeKind::Str),
                                make(TypeKind::None), make(TypeKind::Device), make(TypeKind::ScalarType),
                                make(TypeKind::Generator), make(TypeKind::Scalar)};
  return all[static_cast<int>(k)];
}
}  // namespace

TypePtr Type::any() { return singleton(TypeKind::Any); }
TypePtr Type::tensor() { return singleton(TypeKind::Tensor); }
TypePtr Type::tensor(TensorFacts facts) {
  return facts.empty() ? tensor() : make(TypeKind::Tensor, {}, "", std::move(facts));
}
TypePtr Type::int_() { return singleton(TypeKind::Int); }
TypePtr Type::float_() { return singleton(TypeKind::Float); }
TypePtr Type::bool_() { return singleton(TypeKind::Bool); }
TypePtr Type::string_() { return singleton(TypeKind::Str); }
TypePtr Type::none() { return singleton(TypeKind::None); }
TypePtr Type::device() { return singleton(TypeKind::Device); }
TypePtr Type::scalar_type() { return singleton(TypeKind::ScalarType); }
TypePtr Type::generator() { return singleton(TypeKind::Generator); }
TypePtr Type::scalar() { return singleton(TypeKind::Scalar); }
TypePtr Type::tuple(std::vector<TypePtr> e) { return make(TypeKind::Tuple, std::move(e)); }
TypePtr Type::list(TypePtr e) { return make(TypeKind::List, {std::move(e)}); }
TypePtr Type::optional(TypePtr e) {
  if (e->kind() == TypeKind::Optional || e->kind() == TypeKind::None || e->kind() == TypeKind::Any) return e;
  return make(TypeKind::Optional, {std::move(e)});
}
TypePtr Type::dict(TypePtr k, TypePtr v) {
  EMBER_CHECK_TYPE(k->kind() == TypeKind::Str || k->kind() == TypeKind::Int,
                   "Dict: keys must be str or int, not ", k->str());
  return make(TypeKind::Dict, {std::move(k), std::move(v)});
}
TypePtr Type::class_(std::string name) { return make(TypeKind::Class, {}, std::move(name)); }

std::string Type::str() const {
  switch (kind_) {
    case TypeKind::Any: return "Any";
    case TypeKind::Int: return "int";
    case TypeKind::Float: return "float";
    case TypeKind::Bool: return "bool";
    case TypeKind::Str: return "str";
    case TypeKind::None: return "NoneType";
    case TypeKind::Device: return "Device";
    case TypeKind::ScalarType: return "ScalarType";
    case TypeKind::Generator: return "Generator";
    case TypeKind::Scalar: return "Scalar";
    case TypeKind::Class: return "Class[" + name_ + "]";
    case TypeKind::Tensor: {
      if (facts_.empty()) return "Tensor";
      std::ostringstream os;
      os << "Tensor(";
      const char* sep = "";
      if (facts_.dtype) { os << "dtype=" << dtype_name(*facts_.dtype); sep = ", "; }
      if (facts_.sizes) {
        os << sep << "shape=[";
        for (size_t i = 0; i < facts_.sizes->size(); ++i) os << (i ? ", " : "") << (*facts_.sizes)[i];
        os << "]";
        sep = ", ";
      }
      if (facts_.device) os << sep << "device=" << facts_.device->str();
      os << ")";
      return os.str();
    }
    case TypeKind::Tuple:
    case TypeKind::List:
    case TypeKind::Optional:
    case TypeKind::Dict: {
      std::string s = kind_ == TypeKind::Tuple ? "Tuple[" : kind_ == TypeKind::List ? "List["
                      : kind_ == TypeKind::Optional ? "Optional[" : "Dict[";
      for (size_t i = 0; i < contained_.size(); ++i) s += (i ? ", " : "") + contained_[i]->str();
      return s + "]";
    }
  }
  return "?";
}

bool Type::operator==(const Type& o) const {
  if (kind_ != o.kind_ || name_ != o.name_ || !(facts_ == o.facts_) || contained_.size() != o.contained_.size())
    return false;
  for (size_t i = 0; i < contained_.size(); ++i)
    if (*contained_[i] != *o.contained_[i]) return false;
  return true;
}

bool Type::is_subtype_of(const Type& o) const {
  if (o.kind_ == TypeKind::Any || *this == o) return true;
  switch (o.kind_) {
    case TypeKind::Tensor:
      if (kind_ != TypeKind::Tensor) return false;
      return (!o.facts_.dtype || o.facts_.dtype == facts_.dtype) && (!o.facts_.sizes || o.facts_.sizes == facts_.sizes) &&
             (!o.facts_.device || o.facts_.device == facts_.device);
    case TypeKind::Optional:
      if (kind_ == TypeKind::None) return true;
      if (kind_ == TypeKind::Optional) return contained_[0]->is_subtype_of(*o.contained_[0]);
      return is_subtype_of(*o.contained_[0]);
    case TypeKind::Scalar:
      return kind_ == TypeKind::Int || kind_ == TypeKind::Float || kind_ == TypeKind::Bool;
    case TypeKind::Float:
      return kind_ == TypeKind::Int;  // an int is accepted where a float is expected (as PyTorch's schemas)
    case TypeKind::Int:
      return kind_ == TypeKind::Bool;
    case TypeKind::List:
      return kind_ == TypeKind::List && contained_[0]->is_subtype_of(*o.contained_[0]);
    case TypeKind::Tuple:
      if (kind_ != TypeKind::Tuple || contained_.size() != o.contained_.size()) return false;
      for (size_t i = 0; i < contained_.size(); ++i)
        if (!contained_[i]->is_subtype_of(*o.contained_[i])) return false;
      return true;
    case TypeKind::Dict:
      return kind_ == TypeKind::Dict && *contained_[0] == *o.contained_[0] &&
             contained_[1]->is_subtype_of(*o.contained_[1]);
    default:
      return false;
  }
}

namespace {

TypePtr parse_one(detail::Cursor& c) {
  std::string name = c.ident();
  auto args = [&](size_t n) {
    c.expect("[");
    std::vector<TypePtr> out;
    if (!c.peek("]")) {
      do out.push_back(parse_one(c)); while (c.eat(","));
    }
    c.expect("]");
    if (n != 0 && out.size() != n) c.fail(name + " takes " + std::to_string(n) + " type arguments");
    return out;
  };
  if (name == "Any") return Type::any();
  if (name == "int") return Type::int_();
  if (name == "float") return Type::float_();
  if (name == "bool") return Type::bool_();
  if (name == "str") return Type::string_();
  if (name == "NoneType") return Type::none();
  if (name == "Device") return Type::device();
  if (name == "ScalarType") return Type::scalar_type();
  if (name == "Generator") return Type::generator();
  if (name == "Scalar") return Type::scalar();
  if (name == "Tuple") return Type::tuple(args(0));
  if (name == "List") return Type::list(args(1)[0]);
  if (name == "Optional") return Type::optional(args(1)[0]);
  if (name == "Dict") {
    auto a = args(2);
    if (a[0]->kind() != TypeKind::Str && a[0]->kind() != TypeKind::Int) c.fail("Dict keys must be str or int");
    return Type::dict(a[0], a[1]);
  }
  if (name == "Class") {
    c.expect("[");
    std::string cls = c.ident();
    c.expect("]");
    return Type::class_(cls);
  }
  if (name == "Tensor") {
    TensorFacts f;
    if (c.eat("(")) {
      while (!c.eat(")")) {
        std::string key = c.ident();
        c.expect("=");
        if (key == "dtype") {
          std::string d = c.ident();
          try { f.dtype = dtype_from_name(d); } catch (const Error&) { c.fail("unknown dtype '" + d + "'"); }
        } else if (key == "shape") {
          std::vector<int64_t> sizes;
          c.expect("[");
          if (!c.peek("]")) {
            do sizes.push_back(std::stoll(c.number())); while (c.eat(","));
          }
          c.expect("]");
          f.sizes = sizes;
        } else if (key == "device") {
          std::string d = c.ident();
          if (c.eat(":")) d += ":" + c.number();
          try { f.device = Device(d); } catch (const Error&) { c.fail("unknown device '" + d + "'"); }
        } else {
          c.fail("unknown tensor fact '" + key + "'");
        }
        if (!c.peek(")")) c.expect(",");
      }
    }
    return Type::tensor(f);
  }
  c.fail("unknown type '" + name + "'");
}

}  // namespace

TypePtr detail::parse_type_at(detail::Cursor& c) { return parse_one(c); }

TypePtr parse_type(std::string_view text) {
  detail::Cursor c(text, "parse_type");
  TypePtr t = parse_one(c);
  if (!c.at_end()) c.fail("unexpected text after the type");
  return t;
}

TypePtr type_from_schema(std::string_view st) {
  std::string s(st);
  if (!s.empty() && s.back() == '?') return Type::optional(type_from_schema(s.substr(0, s.size() - 1)));
  if (s.size() > 2 && s.compare(s.size() - 2, 2, "[]") == 0) return Type::list(type_from_schema(s.substr(0, s.size() - 2)));
  if (s == "Tensor") return Type::tensor();
  if (s == "int" || s == "SymInt") return Type::int_();
  if (s == "float") return Type::float_();
  if (s == "bool") return Type::bool_();
  if (s == "str") return Type::string_();
  if (s == "Scalar") return Type::scalar();
  if (s == "ScalarType") return Type::scalar_type();
  if (s == "Device") return Type::device();
  if (s == "Generator") return Type::generator();
  if (s == "Layout" || s == "MemoryFormat") return Type::int_();
  return Type::any();
}

TypePtr type_of(const IValue& v, bool tensor_facts) {
  if (v.isNone()) return Type::none();
  if (v.isTensor()) {
    if (!tensor_facts || !v.toTensor().defined()) return Type::tensor();
    const Tensor& t = v.toTensor();
    TensorFacts f;
    f.dtype = t.dtype();
    f.sizes = std::vector<int64_t>(t.sizes().begin(), t.sizes().end());
    f.device = t.device();
    return Type::tensor(f);
  }
  if (v.isInt()) return Type::int_();
  if (v.isDouble()) return Type::float_();
  if (v.isBool()) return Type::bool_();
  if (v.isString()) return Type::string_();
  if (v.isScalarType()) return Type::scalar_type();
  if (v.isDevice()) return Type::device();
  if (v.isGenerator()) return Type::generator();
  if (v.isIntList()) return Type::list(Type::int_());
  if (v.isDoubleList()) return Type::list(Type::float_());
  if (v.isTensorList()) return Type::list(Type::tensor());
  if (v.isTuple()) {
    std::vector<TypePtr> e;
    for (const IValue& x : v.toTupleRef().elements()) e.push_back(type_of(x, tensor_facts));
    return Type::tuple(e);
  }
  if (v.isList()) {
    const auto& l = v.toListRef();
    if (l.empty()) return Type::list(Type::any());
    TypePtr e = type_of(l[0], false);
    for (const IValue& x : l)
      if (*type_of(x, false) != *e) return Type::list(Type::any());
    return Type::list(e);
  }
  if (v.isGenericDict()) {
    GenericDict d = v.toGenericDict();
    if (d.empty()) return Type::dict(Type::string_(), Type::any());
    TypePtr k = type_of(d.entries()[0].first, false), val = type_of(d.entries()[0].second, false);
    if (k->kind() != TypeKind::Str && k->kind() != TypeKind::Int) return Type::any();
    return Type::dict(k, val);
  }
  if (v.isObject()) return Type::class_(v.toObjectRef().name());
  return Type::any();
}

bool value_has_type(const IValue& v, const Type& t) {
  switch (t.kind()) {
    case TypeKind::Any: return true;
    case TypeKind::Class: return v.isObject() && v.toObjectRef().name() == t.class_name();
    case TypeKind::Optional: return v.isNone() || value_has_type(v, *t.contained()[0]);
    case TypeKind::Tensor: return v.isTensor() && type_of(v, true)->is_subtype_of(t);
    case TypeKind::List: {
      if (!v.isAnyList()) return false;
      if (v.isList()) {
        for (const IValue& x : v.toListRef())
          if (!value_has_type(x, *t.contained()[0])) return false;
        return true;
      }
      return type_of(v, false)->is_subtype_of(t);
    }
    case TypeKind::Tuple: {
      if (!v.isTuple() || v.toTupleRef().size() != t.contained().size()) return false;
      for (size_t i = 0; i < t.contained().size(); ++i)
        if (!value_has_type(v.toTupleRef()[i], *t.contained()[i])) return false;
      return true;
    }
    case TypeKind::Dict: {
      if (!v.isGenericDict()) return false;
      for (const auto& kv : v.toGenericDict().entries())
        if (!value_has_type(kv.first, *t.contained()[0]) || !value_has_type(kv.second, *t.contained()[1])) return false;
      return true;
    }
    default: return type_of(v, false)->is_subtype_of(t);
  }
}

}  // namespace ember::jit
