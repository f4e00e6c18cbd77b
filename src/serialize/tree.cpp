// The IValue tree codec (Note [tree schema]) and save_value / load_value on top of the safetensors
// reader and writer.
#include "ember/serialize/tree.h"

#include <cmath>
#include <istream>
#include <iterator>
#include <limits>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "ember/core/tensor_impl.h"

namespace ember::serialize {

// Note [tree schema]: `__metadata__` holds "ember.format": "1" and "ember.tree": the JSON of the
// saved value, one node per value:
//   null / true / false / 123 / 1.5 / "text"        None, bool, int (int64), float, str
//   {"float": "nan" | "inf" | "-inf"}               a float JSON cannot spell
//   {"list": [node, ...]}  {"tuple": [node, ...]}   list, tuple
//   {"dict": [[key, value], ...]}                   dict in insertion order; keys str/int/bool/float
//   {"object": "Class", "attrs": [[name, node]]}    an ivalue::Object (Python: OrderedDict, numpy tags)
//   {"dtype": "float32"}  {"device": "cpu"}         ScalarType, Device
//   {"tensor": "entry"}                             the whole entry, as stored
//   {"tensor": "entry", "dtype": "F32", "shape": [..], "stride": [..], "offset": bytes}
//                                                   a view of the entry's storage (shared storage)
//   a tensor node may add "requires_grad": true.
// Entries are named by key path ("layer.weight", "state.0.exp_avg"), made unique with "~n". A
// tensor alone on its storage is written as its values (contiguous, whatever its strides); tensors
// sharing a storage (with at least one element) are written once as the used byte range of it
// (named after the first of them; its shape when one of them covers the range contiguously, else
// 1-D) and each becomes a view node.

namespace {
using json = nlohmann::json;
using ojson = nlohmann::ordered_json;
constexpr int kMaxDepth = 512;

struct Occurrence {
  Tensor t;
  std::string path;
  int group = -1;  // index into groups when it shares a storage with another occurrence
};

struct Group {
  Storage storage;
  std::vector<size_t> members;
  int64_t lo = std::numeric_limits<int64_t>::max(), hi = 0;  // used bytes
  std::string entry;
  Tensor entry_tensor;
  int plain = -1;  // the member stored as the entry itself, or -1
};

// Byte range [lo, hi) of the storage a non-empty tensor reads.
std::pair<int64_t, int64_t> byte_range(const Tensor& t) {
  const int64_t isz = static_cast<int64_t>(t.element_size());
  int64_t lo = t.storage_offset(), hi = t.storage_offset();
  for (int64_t d = 0; d < t.dim(); ++d) {
    const int64_t span = t.stride(d) * (t.size(d) - 1);
    (span < 0 ? lo : hi) += span;
  }
  return {lo * isz, (hi + 1) * isz};
}

std::string key_component(const IValue& k) {
  if (k.isString()) return k.toStringRef();
  if (k.isInt()) return std::to_string(k.toInt());
  if (k.isBool()) return k.toBool() ? "True" : "False";
  return k.repr();
}

std::string join(const std::string& a, const std::string& b) { return a.empty() ? b : b.empty() ? a : a + "." + b; }

class Encoder {
 public:
  EncodedTree run(const IValue& v) {
    collect(v, "", 0);
    assign_entries();
    next_ = 0;
    EncodedTree out;
    out.tree = emit(v).dump();
    out.tensors = std::move(entries_);
    return out;
  }

 private:
  void collect(const IValue& v, const std::string& path, int depth) {
    if (depth > kMaxDepth) throw ValueError(detail::str("ember.save: the value nests deeper than ", kMaxDepth, " levels (a cycle?)"));
    if (v.isTensor()) {
      const Tensor& t = v.toTensor();
      if (!t.defined()) throw ValueError("ember.save: cannot save an undefined tensor (at '" + path + "')");
      if (!t.device().is_cpu())
        throw TypeError(detail::str("ember.save: cannot save a tensor on device ", t.device(), " (at '", path,
                                    "'): only CPU tensors hold data; move it with .to(\"cpu\")"));
      occ_.push_back({t, path});
    } else if (v.isTensorList()) {
      const auto& l = v.toTensorVector();
      for (size_t i = 0; i < l.size(); ++i) collect(IValue(l[i]), join(path, std::to_string(i)), depth + 1);
    } else if (v.isTuple() || v.isList()) {
      const auto& e = v.isTuple() ? v.toTupleRef().elements() : v.toListRef();
      for (size_t i = 0; i < e.size(); ++i) collect(e[i], join(path, std::to_string(i)), depth + 1);
    } else if (v.isGenericDict()) {
      for (const auto& [k, x] : v.toGenericDict()) collect(x, join(path, key_component(k)), depth + 1);
    } else if (v.isObject()) {
      const auto& o = v.toObjectRef();
      const auto& names = o.type()->attributeNames();
      for (size_t i = 0; i < names.size(); ++i)
        collect(o.getSlot(i), names[i] == kValueAttr ? path : join(path, names[i]), depth + 1);
    } else if (v.isGenerator()) {
      throw TypeError("ember.save: cannot save a Generator (save its state tensor: get_state())");
    }
  }

  std::string unique_key(std::string k) {
    if (k.empty()) k = "tensor";
    if (used_.insert(k).second) return k;
    for (int n = 1;; ++n) {
      std::string c = k + "~" + std::to_string(n);
      if (used_.insert(c).second) return c;
    }
  }

  void assign_entries() {
    std::unordered_map<const StorageImpl*, std::vector<size_t>> by_storage;
    std::vector<const StorageImpl*> order;
    for (size_t i = 0; i < occ_.size(); ++i) {
      if (occ_[i].t.numel() == 0) continue;
      auto* s = occ_[i].t.impl()->storage().get();
      auto& m = by_storage[s];
      if (m.empty()) order.push_back(s);
      m.push_back(i);
    }
    for (const StorageImpl* s : order) {
      auto& m = by_storage[s];
      if (m.size() < 2) continue;
      Group g;
      g.storage = occ_[m[0]].t.impl()->storage();
      g.members = m;
      bool same_dtype = true;
      for (size_t i : m) {
        auto [lo, hi] = byte_range(occ_[i].t);
        g.lo = std::min(g.lo, lo);
        g.hi = std::max(g.hi, hi);
        same_dtype = same_dtype && occ_[i].t.dtype() == occ_[m[0]].t.dtype();
        occ_[i].group = static_cast<int>(groups_.size());
      }
      const ScalarType dt = same_dtype ? occ_[m[0]].t.dtype() : kUInt8;
      if (!same_dtype) g.lo = g.lo / 8 * 8;  // every view's byte offset then divides by its item size
      for (size_t i : m) {
        const Tensor& t = occ_[i].t;
        if (same_dtype && t.is_contiguous() && byte_range(t) == std::make_pair(g.lo, g.hi)) {
          g.plain = static_cast<int>(i);
          break;
        }
      }
      if (g.plain >= 0) {
        g.entry_tensor = occ_[g.plain].t;
      } else {
        const int64_t isz = static_cast<int64_t>(element_size(dt));
        g.entry_tensor = Tensor(std::make_shared<TensorImpl>(g.storage, dt, DimVector{(g.hi - g.lo) / isz},
                                                             DimVector{1}, g.lo / isz));
      }
      groups_.push_back(std::move(g));
    }
    // Entries in the order their first tensor appears in the tree.
    std::vector<bool> done(groups_.size(), false);
    for (size_t i = 0; i < occ_.size(); ++i) {
      Occurrence& o = occ_[i];
      if (o.group < 0) {
        keys_.push_back(unique_key(o.path));
        entries_.emplace_back(keys_.back(), o.t);
        continue;
      }
      Group& g = groups_[static_cast<size_t>(o.group)];
      if (!done[static_cast<size_t>(o.group)]) {
        done[static_cast<size_t>(o.group)] = true;
        g.entry = unique_key(g.plain >= 0 ? occ_[static_cast<size_t>(g.plain)].path : o.path);
        entries_.emplace_back(g.entry, g.entry_tensor);
      }
      keys_.push_back(g.entry);
    }
  }

  ojson tensor_node(size_t i) {
    const Occurrence& o = occ_[i];
    ojson n = ojson::object();
    n["tensor"] = keys_[i];
    const Group* g = o.group >= 0 ? &groups_[static_cast<size_t>(o.group)] : nullptr;
    // The entry's own tensor (and the same tensor again: one object after loading) is a plain node.
    if (g && !(g->plain >= 0 && occ_[static_cast<size_t>(g->plain)].t.impl() == o.t.impl())) {
      n["dtype"] = safetensors_dtype_name(o.t.dtype());
      n["shape"] = ojson(std::vector<int64_t>(o.t.sizes().begin(), o.t.sizes().end()));
      n["stride"] = ojson(std::vector<int64_t>(o.t.strides().begin(), o.t.strides().end()));
      n["offset"] = o.t.storage_offset() * static_cast<int64_t>(o.t.element_size()) - g->lo;
    }
    if (o.t.requires_grad()) n["requires_grad"] = true;
    return n;
  }

  static ojson number(double d) {
    if (std::isnan(d)) return ojson{{"float", "nan"}};
    if (std::isinf(d)) return ojson{{"float", d > 0 ? "inf" : "-inf"}};
    return ojson(d);
  }

  ojson seq(const char* tag, const std::vector<IValue>& e) {
    ojson a = ojson::array();
    for (const auto& x : e) a.push_back(emit(x));
    return ojson{{tag, std::move(a)}};
  }

  ojson emit(const IValue& v) {
    if (v.isNone()) return nullptr;
    if (v.isBool()) return v.toBool();
    if (v.isInt()) return v.toInt();
    if (v.isDouble()) return number(v.toDouble());
    if (v.isString()) return v.toStringRef();
    if (v.isTensor()) return tensor_node(next_++);
    if (v.isScalarType()) return ojson{{"dtype", dtype_name(v.toScalarType())}};
    if (v.isDevice()) {
      std::ostringstream s;
      s << v.toDevice();
      return ojson{{"device", s.str()}};
    }
    if (v.isIntList()) {
      const std::vector<int64_t> ints = v.toIntVector();  // by value
      std::vector<IValue> e(ints.begin(), ints.end());
      return seq("list", e);
    }
    if (v.isDoubleList()) {
      std::vector<IValue> e(v.toDoubleVector().begin(), v.toDoubleVector().end());
      return seq("list", e);
    }
    if (v.isTensorList()) {
      std::vector<IValue> e(v.toTensorVector().begin(), v.toTensorVector().end());
      return seq("list", e);
    }
    if (v.isTuple()) return seq("tuple", v.toTupleRef().elements());
    if (v.isList()) return seq("list", v.toListRef());
    if (v.isGenericDict()) {
      ojson a = ojson::array();
      for (const auto& [k, x] : v.toGenericDict()) {
        if (!(k.isString() || k.isInt() || k.isBool() || k.isDouble()))
          throw TypeError(detail::str("ember.save: dict keys must be str, int, bool or float, got ", k.tagName()));
        a.push_back(ojson::array({emit(k), emit(x)}));
      }
      return ojson{{"dict", std::move(a)}};
    }
    if (v.isObject()) {
      const auto& o = v.toObjectRef();
      ojson a = ojson::array();
      const auto& names = o.type()->attributeNames();
      for (size_t i = 0; i < names.size(); ++i) a.push_back(ojson::array({names[i], emit(o.getSlot(i))}));
      return ojson{{"object", o.name()}, {"attrs", std::move(a)}};
    }
    throw TypeError(detail::str("ember.save: cannot save a value of type ", v.tagName()));
  }

  std::vector<Occurrence> occ_;
  std::vector<Group> groups_;
  std::vector<std::string> keys_;  // entry name of each occurrence
  std::unordered_set<std::string> used_;
  NamedTensors entries_;
  size_t next_ = 0;
};

class Decoder {
 public:
  Decoder(const std::function<Tensor(const std::string&)>& entry, const std::string& source)
      : entry_(entry), source_(source) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw SerializationError("ember.load: " + source_ + ": " + what);
  }

  IValue node(const json& n, int depth) {
    if (depth > kMaxDepth) fail(detail::str("the saved tree nests deeper than ", kMaxDepth, " levels"));
    switch (n.type()) {
      case json::value_t::null: return IValue();
      case json::value_t::boolean: return IValue(n.get<bool>());
      case json::value_t::number_integer: return IValue(n.get<int64_t>());
      case json::value_t::number_unsigned:
        if (n.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) fail("integer " + n.dump() + " does not fit int64");
        return IValue(static_cast<int64_t>(n.get<uint64_t>()));
      case json::value_t::number_float: return IValue(n.get<double>());
      case json::value_t::string: return IValue(n.get<std::string>());
      case json::value_t::object: return tagged(n, depth);
      default: fail("unexpected " + std::string(n.type_name()) + " in the saved tree");
    }
  }

 private:
  const json& field(const json& n, const char* k) const {
    auto it = n.find(k);
    if (it == n.end()) fail(std::string("a tree node lacks '") + k + "': " + brief(n));
    return *it;
  }
  static std::string brief(const json& n) {
    std::string s = n.dump();
    return s.size() > 120 ? s.substr(0, 120) + "..." : s;
  }
  void only(const json& n, std::initializer_list<const char*> keys) const {
    for (auto it = n.begin(); it != n.end(); ++it) {
      bool ok = false;
      for (const char* k : keys) ok = ok || it.key() == k;
      if (!ok) fail("unexpected field '" + it.key() + "' in tree node " + brief(n));
    }
  }
  const json& array(const json& n, const char* k) const {
    const json& a = field(n, k);
    if (!a.is_array()) fail(std::string("'") + k + "' must be a list in tree node " + brief(n));
    return a;
  }
  std::vector<IValue> elements(const json& a, int depth) {
    std::vector<IValue> e;
    e.reserve(a.size());
    for (const json& x : a) e.push_back(node(x, depth + 1));
    return e;
  }
  int64_t integer(const json& n, const char* what) const {
    if (n.is_number_integer() && !(n.is_number_unsigned() && n.get<uint64_t>() > uint64_t(INT64_MAX)))
      return n.get<int64_t>();
    fail(std::string(what) + " must be an integer, got " + brief(n));
  }

  IValue tagged(const json& n, int depth) {
    if (n.contains("float")) {
      only(n, {"float"});
      const json& f = n["float"];
      const std::string s = f.is_string() ? f.get<std::string>() : "";
      if (s == "nan") return IValue(std::numeric_limits<double>::quiet_NaN());
      if (s == "inf") return IValue(std::numeric_limits<double>::infinity());
      if (s == "-inf") return IValue(-std::numeric_limits<double>::infinity());
      fail("bad float node " + brief(n));
    }
    if (n.contains("list")) {
      only(n, {"list"});
      return IValue(GenericList(elements(array(n, "list"), depth)));
    }
    if (n.contains("tuple")) {
      only(n, {"tuple"});
      return IValue(ivalue::Tuple::create(elements(array(n, "tuple"), depth)));
    }
    if (n.contains("dict")) {
      only(n, {"dict"});
      GenericDict d;
      for (const json& kv : array(n, "dict")) {
        if (!kv.is_array() || kv.size() != 2) fail("dict items must be [key, value] pairs, got " + brief(kv));
        IValue k = node(kv[0], depth + 1);
        if (!(k.isString() || k.isInt() || k.isBool() || k.isDouble())) fail("dict key must be str, int, bool or float, got " + brief(kv[0]));
        if (!d.insert(k, node(kv[1], depth + 1))) fail("duplicate dict key " + k.repr());
      }
      return IValue(std::move(d));
    }
    if (n.contains("object")) {
      only(n, {"object", "attrs"});
      if (!n["object"].is_string()) fail("object class must be a string: " + brief(n));
      auto o = ivalue::Object::create(n["object"].get<std::string>());
      for (const json& kv : array(n, "attrs")) {
        if (!kv.is_array() || kv.size() != 2 || !kv[0].is_string()) fail("object attrs must be [name, value] pairs, got " + brief(kv));
        if (o->hasAttr(kv[0].get<std::string>())) fail("duplicate object attribute '" + kv[0].get<std::string>() + "'");
        o->setAttr(kv[0].get<std::string>(), node(kv[1], depth + 1));
      }
      return IValue(std::move(o));
    }
    if (n.contains("dtype") && !n.contains("tensor")) {
      only(n, {"dtype"});
      if (!n["dtype"].is_string()) fail("bad dtype node " + brief(n));
      try {
        return IValue(dtype_from_name(n["dtype"].get<std::string>()));
      } catch (const Error&) {
        fail("unknown dtype in tree node " + brief(n));
      }
    }
    if (n.contains("device")) {
      only(n, {"device"});
      if (!n["device"].is_string()) fail("bad device node " + brief(n));
      try {
        return IValue(Device(n["device"].get<std::string>()));
      } catch (const Error&) {
        fail("unknown device in tree node " + brief(n));
      }
    }
    if (n.contains("tensor")) return tensor(n);
    fail("unknown tree node " + brief(n));
  }

  const Tensor& entry(const std::string& name) {
    auto it = cache_.find(name);
    if (it != cache_.end()) return it->second;
    return cache_.emplace(name, entry_(name)).first->second;
  }

  IValue tensor(const json& n) {
    only(n, {"tensor", "dtype", "shape", "stride", "offset", "requires_grad"});
    if (!n["tensor"].is_string()) fail("a tensor node names its entry by a string: " + brief(n));
    const Tensor& base = entry(n["tensor"].get<std::string>());
    Tensor t = base;
    if (n.contains("shape") || n.contains("stride") || n.contains("offset") || n.contains("dtype")) t = view(n, base);
    if (n.contains("requires_grad")) {
      if (!n["requires_grad"].is_boolean()) fail("requires_grad must be a bool: " + brief(n));
      if (n["requires_grad"].get<bool>()) t.requires_grad_(true);
    }
    return IValue(t);
  }

  Tensor view(const json& n, const Tensor& base) {
    if (!field(n, "dtype").is_string()) fail("a view's dtype must be a string: " + brief(n));
    ScalarType dt;
    try {
      dt = dtype_from_safetensors(n["dtype"].get<std::string>());
    } catch (const Error& e) {
      fail(e.msg());
    }
    const json& shape = array(n, "shape");
    const json& stride = array(n, "stride");
    if (shape.size() != stride.size()) fail("a view's shape and stride differ in length: " + brief(n));
    const int64_t off = integer(field(n, "offset"), "a view's offset");
    const __int128 isz = static_cast<__int128>(element_size(dt));
    const __int128 base_bytes = static_cast<__int128>(base.nbytes());
    DimVector sizes, strides;
    __int128 lo = off, hi = off;  // bytes relative to the entry's first byte
    bool empty = false;
    for (size_t d = 0; d < shape.size(); ++d) {
      const int64_t s = integer(shape[d], "a view's shape"), st = integer(stride[d], "a view's stride");
      if (s < 0) fail("a view's shape must be non-negative: " + brief(n));
      sizes.push_back(s);
      strides.push_back(st);
      if (s == 0) empty = true;
      const __int128 span = static_cast<__int128>(st) * (s > 0 ? s - 1 : 0) * isz;
      (span < 0 ? lo : hi) += span;
    }
    if (off < 0 || off % static_cast<int64_t>(isz) != 0) fail("a view's byte offset must be a non-negative multiple of its item size: " + brief(n));
    if (!empty && (lo < 0 || hi + isz > base_bytes))
      fail(detail::str("a view reaches outside its entry '", n["tensor"].get<std::string>(), "' (", base.nbytes(), " bytes): ", brief(n)));
    const int64_t start = base.storage_offset() * static_cast<int64_t>(base.element_size()) + off;
    if (start % static_cast<int64_t>(isz) != 0) fail("a view is misaligned in its entry: " + brief(n));
    Tensor v(std::make_shared<TensorImpl>(base.impl()->storage(), dt, sizes, strides, start / static_cast<int64_t>(isz)));
    // A view of a mapped entry that is not aligned for its dtype (a file from elsewhere) is copied.
    if (v.numel() > 0 && reinterpret_cast<uintptr_t>(v.data_ptr()) % static_cast<uintptr_t>(isz) != 0) v = v.clone();
    return v;
  }

  const std::function<Tensor(const std::string&)>& entry_;
  const std::string& source_;
  std::unordered_map<std::string, Tensor> cache_;
};

Metadata full_metadata(const EncodedTree& e, const Metadata& extra) {
  Metadata m{{kFormatKey, kFormatVersion}, {kTreeKey, e.tree}};
  for (const auto& kv : extra) {
    if (kv.first.rfind("ember.", 0) == 0 && kv.first != "ember.jit" && kv.first.rfind("ember.jit.", 0) != 0)
      throw ValueError("ember.save: metadata key '" + kv.first + "' is reserved");
    m.push_back(kv);
  }
  return m;
}
}  // namespace

EncodedTree encode_tree(const IValue& value) {
  try {
    return Encoder().run(value);
  } catch (const nlohmann::json::exception& e) {  // a str that is not UTF-8 (JSON holds text only)
    throw ValueError(std::string("ember.save: cannot encode the value: ") + e.what());
  }
}

IValue decode_tree(const std::string& tree, const std::function<Tensor(const std::string&)>& entry,
                   const std::string& source) {
  json j;
  try {
    j = json::parse(tree);
  } catch (const json::exception& e) {
    throw SerializationError("ember.load: " + source + ": the saved tree (" + std::string(kTreeKey) +
                             ") is not valid JSON: " + e.what());
  }
  return Decoder(entry, source).node(j, 0);
}

void save_value(const IValue& value, const std::string& path, const SaveOptions& options) {
  EncodedTree e = encode_tree(value);
  write_file(path, e.tensors, full_metadata(e, options.metadata), WriteOptions{options.fsync});
}

void save_value(const IValue& value, std::ostream& os, const Metadata& metadata) {
  EncodedTree e = encode_tree(value);
  write_stream(os, e.tensors, full_metadata(e, metadata));
}

std::string save_value_to_buffer(const IValue& value, const Metadata& metadata) {
  EncodedTree e = encode_tree(value);
  return write_buffer(e.tensors, full_metadata(e, metadata));
}

IValue load_value(const Reader& reader) {
  auto version = reader.metadata(kFormatKey);
  auto tree = reader.metadata(kTreeKey);
  if (!version || !tree) {  // a plain safetensors file: a dict of its tensors
    GenericDict d;
    for (auto& [name, t] : reader.tensors()) d.insert(IValue(name), IValue(std::move(t)));
    return IValue(std::move(d));
  }
  if (*version != kFormatVersion)
    throw SerializationError("ember.load: " + reader.source() + ": written in ember format " + *version +
                             "; this ember reads format " + kFormatVersion);
  return decode_tree(*tree, [&](const std::string& name) {
    if (!reader.contains(name)) throw SerializationError("ember.load: " + reader.source() + ": the saved tree refers to a missing tensor '" + name + "'");
    return reader.tensor(name);
  }, reader.source());
}

IValue load_value(const std::string& path, bool mmap) { return load_value(Reader::open(path, mmap)); }

IValue load_value_from_buffer(const void* data, size_t size) { return load_value(Reader::from_buffer(data, size)); }

IValue load_value(std::istream& is) {
  std::string bytes((std::istreambuf_iterator<char>(is)), std::istreambuf_iterator<char>());
  if (is.bad()) throw SerializationError("ember.load: <stream>: the stream failed while reading");
  return load_value(Reader::from_buffer(bytes.data(), bytes.size(), "<stream>"));
}

}  // namespace ember::serialize
