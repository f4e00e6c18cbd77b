#include "ember/dispatch/ivalue.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace ember {

IValue::IValue(const Scalar& s) {
  if (s.is_bool()) v_ = s.to_bool();
  else if (s.is_integral()) v_ = s.to_long();
  else v_ = s.to_double();
}
IValue::IValue(std::shared_ptr<ivalue::Tuple> t) {
  if (t) v_ = std::move(t);
}
IValue::IValue(std::shared_ptr<ivalue::Object> o) {
  if (o) v_ = std::move(o);
}

const char* IValue::tagName() const {
  static const char* names[] = {"None", "Tensor", "float", "int", "bool", "int[]", "Tensor[]", "str",
                                "ScalarType", "Device", "Generator", "float[]", "tuple", "list", "dict",
                                "Object"};
  static_assert(sizeof(names) / sizeof(names[0]) == std::variant_size_v<decltype(v_)>);
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
  if (isIntList()) return std::get<std::vector<int64_t>>(v_);
  if (isList() || isTuple()) {
    const std::vector<IValue>& e = isList() ? toListRef() : toTupleRef().elements();
    std::vector<int64_t> out;
    out.reserve(e.size());
    for (const IValue& x : e) {
      if (!x.isInt()) throw TypeError(detail::str("IValue: expected int[] but got a ", tagName(), " holding a ", x.tagName()));
      out.push_back(x.toInt());
    }
    return out;
  }
  bad("int[]");
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
  return toGenerator();
}
Generator IValue::toGenerator() const {
  if (!isGenerator()) bad("Generator");
  return std::get<Generator>(v_);
}
std::shared_ptr<ivalue::Tuple> IValue::toTuple() const {
  if (!isTuple()) bad("tuple");
  return std::get<std::shared_ptr<ivalue::Tuple>>(v_);
}
const ivalue::Tuple& IValue::toTupleRef() const {
  if (!isTuple()) bad("tuple");
  return *std::get<std::shared_ptr<ivalue::Tuple>>(v_);
}
GenericList IValue::toList() const {
  if (!isList()) bad("list");
  return GenericList(std::get<std::shared_ptr<ivalue::ListImpl>>(v_));
}
const std::vector<IValue>& IValue::toListRef() const {
  if (!isList()) bad("list");
  return std::get<std::shared_ptr<ivalue::ListImpl>>(v_)->list;
}
GenericDict IValue::toGenericDict() const {
  if (!isGenericDict()) bad("dict");
  return GenericDict(std::get<std::shared_ptr<ivalue::DictImpl>>(v_));
}
std::shared_ptr<ivalue::Object> IValue::toObject() const {
  if (!isObject()) bad("Object");
  return std::get<std::shared_ptr<ivalue::Object>>(v_);
}
ivalue::Object& IValue::toObjectRef() const {
  if (!isObject()) bad("Object");
  return *std::get<std::shared_ptr<ivalue::Object>>(v_);
}

// ---- identity, equality, hashing --------------------------------------------------------------

struct IValueAccess {
  static const auto& v(const IValue& x) { return x.v_; }
};

namespace {

// The first pointer of a reference kind (its identity), nullptr for the value kinds.
const void* identity(const IValue& x) {
  if (x.isTensor()) return x.toTensor().unsafeGetTensorImpl();
  if (x.isGenerator()) return x.toGenerator().impl().get();
  const auto& v = IValueAccess::v(x);
  if (x.isTuple()) return std::get<std::shared_ptr<ivalue::Tuple>>(v).get();
  if (x.isList()) return std::get<std::shared_ptr<ivalue::ListImpl>>(v).get();
  if (x.isGenericDict()) return std::get<std::shared_ptr<ivalue::DictImpl>>(v).get();
  if (x.isObject()) return std::get<std::shared_ptr<ivalue::Object>>(v).get();
  return nullptr;
}

bool is_reference(const IValue& x) {
  return x.isTensor() || x.isGenerator() || x.isTuple() || x.isList() || x.isGenericDict() || x.isObject();
}

size_t list_size(const IValue& x) {
  if (x.isList()) return x.toListRef().size();
  if (x.isIntList()) return std::get<std::vector<int64_t>>(IValueAccess::v(x)).size();
  if (x.isDoubleList()) return x.toDoubleVector().size();
  return x.toTensorVector().size();
}
IValue list_item(const IValue& x, size_t i) {
  if (x.isList()) return x.toListRef()[i];
  if (x.isIntList()) return std::get<std::vector<int64_t>>(IValueAccess::v(x))[i];
  if (x.isDoubleList()) return x.toDoubleVector()[i];
  return x.toTensorVector()[i];
}

size_t combine(size_t seed, size_t h) { return seed ^ (h + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2)); }

}  // namespace

bool IValue::is(const IValue& o) const {
  if (is_reference(*this) || is_reference(o)) return v_.index() == o.v_.index() && identity(*this) == identity(o);
  return *this == o;
}

bool operator==(const IValue& a, const IValue& b) {
  if (a.isAnyList() && b.isAnyList()) {
    if (a.isList() && b.isList() && a.toList().is(b.toList())) return true;
    size_t n = list_size(a);
    if (n != list_size(b)) return false;
    for (size_t i = 0; i < n; ++i)
      if (list_item(a, i) != list_item(b, i)) return false;
    return true;
  }
  if (a.v_.index() != b.v_.index()) return false;
  if (is_reference(a) && identity(a) == identity(b)) return true;
  if (a.isTuple()) {
    const auto& x = a.toTupleRef().elements();
    const auto& y = b.toTupleRef().elements();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i)
      if (x[i] != y[i]) return false;
    return true;
  }
  if (a.isGenericDict()) {
    GenericDict x = a.toGenericDict(), y = b.toGenericDict();
    if (x.size() != y.size()) return false;
    for (const auto& [k, v] : x) {
      auto it = y.find(k);
      if (it == y.end() || it->second != v) return false;
    }
    return true;
  }
  if (is_reference(a)) return false;  // tensors, generators and objects: identity only
  // value kinds (double: IEEE, so nan != nan)
  if (a.isNone()) return true;
  if (a.isBool()) return a.toBool() == b.toBool();
  if (a.isInt()) return a.toInt() == b.toInt();
  if (a.isDouble()) return a.toDouble() == b.toDouble();
  if (a.isString()) return a.toStringRef() == b.toStringRef();
  if (a.isScalarType()) return a.toScalarType() == b.toScalarType();
  return a.toDevice() == b.toDevice();
}

size_t IValue::hash() const {
  if (isAnyList()) throw TypeError("unhashable type: 'list'");
  if (isGenericDict()) throw TypeError("unhashable type: 'dict'");
  size_t tag = v_.index();
  if (isNone()) return 0x3456;
  if (isBool()) return combine(tag, toBool() ? 1 : 0);
  if (isInt()) return combine(tag, std::hash<int64_t>()(toInt()));
  if (isDouble()) {
    double d = toDouble();
    return combine(tag, d == 0 ? 0 : std::hash<double>()(d));  // -0.0 == 0.0
  }
  if (isString()) return combine(tag, std::hash<std::string>()(toStringRef()));
  if (isScalarType()) return combine(tag, static_cast<size_t>(toScalarType()));
  if (isDevice()) return combine(tag, static_cast<size_t>(static_cast<int>(toDevice().type()) * 1000 + toDevice().index() + 1));
  if (isTuple()) {
    size_t h = combine(tag, toTupleRef().size());
    for (const IValue& e : toTupleRef().elements()) h = combine(h, e.hash());
    return h;
  }
  return combine(tag, std::hash<const void*>()(identity(*this)));  // Tensor, Generator, Object
}

// ---- printing -----------------------------------------------------------------------------------

namespace {

// Python's repr of a float: the shortest digits that round-trip, fixed notation for exponents in
// [-4, 16), else scientific with a signed two-digit exponent ('1e+20', '1.5e-05').
void print_double(std::ostream& os, double d) {
  if (std::isnan(d)) { os << "nan"; return; }
  if (std::isinf(d)) { os << (d < 0 ? "-inf" : "inf"); return; }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  std::string s(buf, r.ptr);  // "-1.2345e+02"
  bool neg = s[0] == '-';
  if (neg) s.erase(0, 1);
  size_t epos = s.find('e');
  int exp = std::stoi(s.substr(epos + 1));
  std::string digits = s.substr(0, epos);
  if (digits.size() > 1) digits.erase(1, 1);  // drop the '.'
  if (neg) os << '-';
  if (exp >= -4 && exp < 16) {
    std::string out;
    if (exp < 0) {
      out = "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
    } else if (static_cast<size_t>(exp) + 1 >= digits.size()) {
      out = digits + std::string(static_cast<size_t>(exp) + 1 - digits.size(), '0') + ".0";
    } else {
      out = digits.substr(0, static_cast<size_t>(exp) + 1) + "." + digits.substr(static_cast<size_t>(exp) + 1);
    }
    os << out;
    return;
  }
  os << digits[0];
  if (digits.size() > 1) os << '.' << digits.substr(1);
  char e[16];
  std::snprintf(e, sizeof(e), "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
  os << e;
}

// Python's repr of a str: single quotes unless the text has ' and no ".
void print_string(std::ostream& os, const std::string& s) {
  char q = (s.find('\'') != std::string::npos && s.find('"') == std::string::npos) ? '"' : '\'';
  os << q;
  for (unsigned char c : s) {
    if (c == '\\') os << "\\\\";
    else if (c == static_cast<unsigned char>(q)) os << '\\' << q;
    else if (c == '\n') os << "\\n";
    else if (c == '\r') os << "\\r";
    else if (c == '\t') os << "\\t";
    else if (c < 0x20 || c == 0x7f) {
      char b[8];
      std::snprintf(b, sizeof(b), "\\x%02x", c);
      os << b;
    } else {
      os << c;  // printable ASCII and UTF-8 bytes pass through, as Python prints them
    }
  }
  os << q;
}

template <class Seq, class F>
void print_seq(std::ostream& os, const Seq& s, const char* open, const char* close, F&& item) {
  os << open;
  bool first = true;
  for (const auto& x : s) {
    if (!first) os << ", ";
    first = false;
    item(x);
  }
  os << close;
}

void print_tensor(std::ostream& os, const Tensor& t) {
  if (!t.defined()) { os << "Tensor(undefined)"; return; }
  os << "Tensor(shape=[";
  for (size_t i = 0; i < t.sizes().size(); ++i) os << (i ? ", " : "") << t.sizes()[i];
  os << "], dtype=" << dtype_name(t.dtype());
  if (!t.is_cpu()) os << ", device=" << t.device().str();
  os << ")";
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const IValue& v) {
  auto item = [&](const IValue& x) { os << x; };
  if (v.isNone()) return os << "None";
  if (v.isBool()) return os << (v.toBool() ? "True" : "False");
  if (v.isInt()) return os << v.toInt();
  if (v.isDouble()) { print_double(os, v.toDouble()); return os; }
  if (v.isString()) { print_string(os, v.toStringRef()); return os; }
  if (v.isTensor()) { print_tensor(os, v.toTensor()); return os; }
  if (v.isScalarType()) return os << "ember." << dtype_name(v.toScalarType());
  if (v.isDevice()) {
    Device d = v.toDevice();
    os << "device(type='" << device_type_name(d.type()) << "'";
    if (d.has_index()) os << ", index=" << d.index();
    return os << ")";
  }
  if (v.isGenerator()) return os << "<ember.Generator object at " << v.toGenerator().impl().get() << ">";
  if (v.isIntList()) { print_seq(os, v.toIntVector(), "[", "]", [&](int64_t x) { os << x; }); return os; }
  if (v.isDoubleList()) { print_seq(os, v.toDoubleVector(), "[", "]", [&](double x) { print_double(os, x); }); return os; }
  if (v.isTensorList()) { print_seq(os, v.toTensorVector(), "[", "]", [&](const Tensor& t) { print_tensor(os, t); }); return os; }
  if (v.isList()) { print_seq(os, v.toListRef(), "[", "]", item); return os; }
  if (v.isTuple()) {
    const auto& e = v.toTupleRef().elements();
    print_seq(os, e, "(", e.size() == 1 ? ",)" : ")", item);
    return os;
  }
  if (v.isGenericDict()) {
    print_seq(os, v.toGenericDict().entries(), "{", "}", [&](const GenericDict::Entry& kv) { os << kv.first << ": " << kv.second; });
    return os;
  }
  const ivalue::Object& o = v.toObjectRef();
  return os << "<" << o.name() << " object at " << static_cast<const void*>(&o) << ">";
}

std::string IValue::repr() const {
  std::ostringstream os;
  os << *this;
  return os.str();
}

// ---- GenericList --------------------------------------------------------------------------------

GenericList::GenericList() : impl_(std::make_shared<ivalue::ListImpl>()) {}
GenericList::GenericList(std::vector<IValue> values) : impl_(std::make_shared<ivalue::ListImpl>()) {
  impl_->list = std::move(values);
}
GenericList::GenericList(std::initializer_list<IValue> values) : GenericList(std::vector<IValue>(values)) {}
size_t GenericList::size() const { return impl_->list.size(); }
bool GenericList::empty() const { return impl_->list.empty(); }
const IValue& GenericList::get(size_t i) const {
  if (i >= impl_->list.size()) throw IndexError(detail::str("list index ", i, " out of range for a list of ", impl_->list.size()));
  return impl_->list[i];
}
void GenericList::set(size_t i, IValue v) {
  if (i >= impl_->list.size()) throw IndexError(detail::str("list assignment index ", i, " out of range for a list of ", impl_->list.size()));
  impl_->list[i] = std::move(v);
}
void GenericList::push_back(IValue v) { impl_->list.push_back(std::move(v)); }
void GenericList::insert(size_t i, IValue v) {
  auto& l = impl_->list;
  l.insert(l.begin() + static_cast<std::ptrdiff_t>(std::min(i, l.size())), std::move(v));
}
void GenericList::erase(size_t i) {
  get(i);
  impl_->list.erase(impl_->list.begin() + static_cast<std::ptrdiff_t>(i));
}
void GenericList::clear() { impl_->list.clear(); }
void GenericList::reserve(size_t n) { impl_->list.reserve(n); }
const std::vector<IValue>& GenericList::vec() const { return impl_->list; }
std::vector<IValue>::const_iterator GenericList::begin() const { return impl_->list.begin(); }
std::vector<IValue>::const_iterator GenericList::end() const { return impl_->list.end(); }
GenericList GenericList::copy() const { return GenericList(impl_->list); }

// ---- GenericDict --------------------------------------------------------------------------------

namespace {
void check_key(const IValue& k) {
  if (!(k.isString() || k.isInt() || k.isDouble() || k.isBool() || k.isTensor()))
    throw TypeError(detail::str("dict keys must be str, int, float, bool or Tensor, got ", k.tagName()));
}
}  // namespace

GenericDict::GenericDict() : impl_(std::make_shared<ivalue::DictImpl>()) {}
size_t GenericDict::size() const { return impl_->entries.size(); }
bool GenericDict::empty() const { return impl_->entries.empty(); }
bool GenericDict::insert(IValue key, IValue value) {
  check_key(key);
  auto [it, added] = impl_->index.emplace(key, impl_->entries.size());
  if (added) impl_->entries.emplace_back(std::move(key), std::move(value));
  return added;
}
void GenericDict::insert_or_assign(IValue key, IValue value) {
  check_key(key);
  auto [it, added] = impl_->index.emplace(key, impl_->entries.size());
  if (added) impl_->entries.emplace_back(std::move(key), std::move(value));
  else impl_->entries[it->second].second = std::move(value);
}
bool GenericDict::contains(const IValue& key) const { return find(key) != end(); }
const IValue& GenericDict::at(const IValue& key) const {
  auto it = find(key);
  if (it == end()) throw IndexError(detail::str("KeyError: ", key));
  return it->second;
}
GenericDict::const_iterator GenericDict::find(const IValue& key) const {
  check_key(key);
  auto it = impl_->index.find(key);
  if (it == impl_->index.end()) return end();
  return impl_->entries.begin() + static_cast<std::ptrdiff_t>(it->second);
}
bool GenericDict::erase(const IValue& key) {
  check_key(key);
  auto it = impl_->index.find(key);
  if (it == impl_->index.end()) return false;
  size_t pos = it->second;
  impl_->index.erase(it);
  impl_->entries.erase(impl_->entries.begin() + static_cast<std::ptrdiff_t>(pos));
  for (auto& [k, p] : impl_->index)
    if (p > pos) --p;
  return true;
}
void GenericDict::clear() {
  impl_->entries.clear();
  impl_->index.clear();
}
GenericDict::const_iterator GenericDict::begin() const { return impl_->entries.begin(); }
GenericDict::const_iterator GenericDict::end() const { return impl_->entries.end(); }
const std::vector<GenericDict::Entry>& GenericDict::entries() const { return impl_->entries; }
GenericDict GenericDict::copy() const {
  GenericDict d;
  *d.impl_ = *impl_;
  return d;
}

// ---- Tuple, ClassType, Object -------------------------------------------------------------------

namespace ivalue {

std::shared_ptr<Tuple> Tuple::create(std::vector<IValue> elements) { return std::make_shared<Tuple>(std::move(elements)); }
std::shared_ptr<Tuple> Tuple::create(std::initializer_list<IValue> elements) {
  return std::make_shared<Tuple>(std::vector<IValue>(elements));
}

ClassType::ClassType(std::string name, std::vector<std::string> attributes)
    : name_(std::move(name)), attributes_(std::move(attributes)) {}
std::shared_ptr<ClassType> ClassType::create(std::string name, std::vector<std::string> attributes) {
  return std::make_shared<ClassType>(std::move(name), std::move(attributes));
}
std::optional<size_t> ClassType::findAttributeSlot(const std::string& attr) const {
  for (size_t i = 0; i < attributes_.size(); ++i)
    if (attributes_[i] == attr) return i;
  return std::nullopt;
}
size_t ClassType::addAttribute(const std::string& attr) {
  if (auto i = findAttributeSlot(attr)) return *i;
  attributes_.push_back(attr);
  return attributes_.size() - 1;
}

Object::Object(std::shared_ptr<ClassType> type) : type_(std::move(type)) {
  EMBER_CHECK(type_ != nullptr, "ivalue::Object: a null class type");
  slots_.resize(type_->numAttributes());
}
std::shared_ptr<Object> Object::create(std::shared_ptr<ClassType> type) { return std::make_shared<Object>(std::move(type)); }
std::shared_ptr<Object> Object::create(std::string class_name) { return create(ClassType::create(std::move(class_name))); }
const IValue& Object::getAttr(const std::string& attr) const {
  auto i = type_->findAttributeSlot(attr);
  if (!i) throw ValueError(detail::str("'", name(), "' object has no attribute '", attr, "'"));
  return getSlot(*i);
}
void Object::setAttr(const std::string& attr, IValue v) { setSlot(type_->addAttribute(attr), std::move(v)); }
bool Object::hasAttr(const std::string& attr) const { return type_->findAttributeSlot(attr).has_value(); }
const IValue& Object::getSlot(size_t i) const {
  static const IValue none;
  if (i >= type_->numAttributes())
    throw IndexError(detail::str("'", name(), "' object: slot ", i, " out of range for ", type_->numAttributes(), " attributes"));
  return i < slots_.size() ? slots_[i] : none;  // an attribute the class gained after this object was made
}
void Object::setSlot(size_t i, IValue v) {
  if (i >= type_->numAttributes())
    throw IndexError(detail::str("'", name(), "' object: slot ", i, " out of range for ", type_->numAttributes(), " attributes"));
  if (slots_.size() <= i) slots_.resize(type_->numAttributes());
  slots_[i] = std::move(v);
}

}  // namespace ivalue
}  // namespace ember
