// The IValue tree codec (Note [tree schema]): round trips of every kind, shared storage restored as
// views of one storage, negative strides, key paths a plain safetensors reader sees, streams, mmap,
// and malformed trees.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <sstream>

#include <ember/ember.h>
#include <ember/serialize/tree.h>

using namespace ember;
using namespace ember::serialize;

namespace {
std::string tmp_path(const std::string& name) {
  return "/tmp/ember_test_tree_" + std::to_string(::getpid()) + "_" + name;
}
IValue roundtrip(const IValue& v) {
  std::string b = save_value_to_buffer(v);
  return load_value_from_buffer(b.data(), b.size());
}
GenericDict dict(std::initializer_list<std::pair<IValue, IValue>> kv) {
  GenericDict d;
  for (const auto& [k, v] : kv) d.insert(k, v);
  return d;
}
}  // namespace

TEST_CASE("tree: plain values round trip", "[serialize]") {
  auto obj = ivalue::Object::create("my.Thing");
  obj->setAttr("x", IValue(int64_t(3)));
  IValue v(dict({{IValue("none"), IValue()},
                 {IValue("b"), IValue(true)},
                 {IValue("i"), IValue(int64_t(-(1LL << 62)))},
                 {IValue("f"), IValue(2.0)},
                 {IValue("tiny"), IValue(1e-310)},
                 {IValue("s"), IValue("h\u00e9llo \"q\"")},
                 {IValue(int64_t(7)), IValue(GenericList({IValue(1), IValue(2.5)}))},
                 {IValue("t"), IValue(ivalue::Tuple::create({IValue(), IValue(false)}))},
                 {IValue("dt"), IValue(kBFloat16)},
                 {IValue("dev"), IValue(Device("meta"))},
                 {IValue("ints"), IValue(std::vector<int64_t>{1, 2})},
                 {IValue("obj"), IValue(obj)}}));
  IValue r = roundtrip(v);
  REQUIRE(r.isGenericDict());
  const GenericDict& d = r.toGenericDict();
  CHECK(d.at(IValue("none")).isNone());
  CHECK(d.at(IValue("b")).toBool());
  CHECK(d.at(IValue("i")).toInt() == -(1LL << 62));
  CHECK(d.at(IValue("f")).isDouble());
  CHECK(d.at(IValue("f")).toDouble() == 2.0);
  CHECK(d.at(IValue("tiny")).toDouble() == 1e-310);
  CHECK(d.at(IValue("s")).toStringRef() == "h\u00e9llo \"q\"");
  CHECK(d.at(IValue(int64_t(7))).isList());
  CHECK(d.at(IValue("t")).isTuple());
  CHECK(d.at(IValue("dt")).toScalarType() == kBFloat16);
  CHECK(d.at(IValue("dev")).toDevice().is_meta());
  CHECK(d.at(IValue("ints")).toListRef().size() == 2);
  CHECK(d.at(IValue("obj")).toObjectRef().name() == "my.Thing");
  CHECK(d.at(IValue("obj")).toObjectRef().getAttr("x").toInt() == 3);
  // order kept
  CHECK(d.entries()[0].first.toStringRef() == "none");
  IValue nan = roundtrip(IValue(std::nan("")));
  CHECK(std::isnan(nan.toDouble()));
  CHECK(roundtrip(IValue(-INFINITY)).toDouble() == -INFINITY);
  CHECK(roundtrip(IValue()).isNone());
}

TEST_CASE("tree: tensors, key paths and shared storage", "[serialize]") {
  Tensor w = ember::randn({4, 3});
  Tensor b = ember::arange(5., TensorOptions(kFloat64));
  Tensor wt = w.t();
  Tensor row = w.select(0, 1);
  Tensor flipped = b.flip({0});   // a copy: its own storage
  Tensor rev = b.narrow(0, 0, 5);
  GenericDict layer = dict({{IValue("weight"), IValue(w)}, {IValue("bias"), IValue(flipped)}});
  IValue v(dict({{IValue("layer"), IValue(layer)},
                 {IValue("wt"), IValue(wt)},
                 {IValue("row"), IValue(row)},
                 {IValue("list"), IValue(GenericList({IValue(b), IValue(rev)}))}}));
  EncodedTree e = encode_tree(v);
  std::vector<std::string> names;
  for (const auto& [n, t] : e.tensors) names.push_back(n);
  // w, wt and row share w's storage: one entry named after w (its shape, as it covers the range);
  // b and its view share another (named after b).
  CHECK(names == std::vector<std::string>{"layer.weight", "layer.bias", "list.0"});
  std::string buf = save_value_to_buffer(v);
  Reader plain = Reader::from_buffer(buf.data(), buf.size());
  CHECK(plain.info("layer.weight").shape == std::vector<int64_t>{4, 3});
  IValue r = load_value_from_buffer(buf.data(), buf.size());
  const GenericDict& d = r.toGenericDict();
  Tensor w2 = d.at(IValue("layer")).toGenericDict().at(IValue("weight")).toTensor();
  Tensor wt2 = d.at(IValue("wt")).toTensor();
  Tensor row2 = d.at(IValue("row")).toTensor();
  CHECK(ember::equal(w2, w));
  CHECK(ember::equal(wt2, wt));
  CHECK(ember::equal(row2, row));
  CHECK(wt2.strides() == wt.strides());
  CHECK(w2.impl()->storage() == wt2.impl()->storage());
  CHECK(w2.impl()->storage() == row2.impl()->storage());
  w2.add_(1);  // views of one storage: the change shows through the others
  CHECK(ember::equal(wt2, w2.t()));
  CHECK(ember::equal(d.at(IValue("layer")).toGenericDict().at(IValue("bias")).toTensor(), flipped));
  const auto& l = d.at(IValue("list")).toListRef();
  CHECK(l[0].toTensor().impl()->storage() == l[1].toTensor().impl()->storage());
}

TEST_CASE("tree: negative strides, partial storage, mixed groups and empty tensors", "[serialize]") {
  Tensor base = ember::arange(10., TensorOptions(kFloat32));
  Tensor a = base.narrow(0, 2, 4);  // bytes 8..24
  Tensor neg = base.narrow(0, 4, 4);
  // A negative-stride view of the same storage (ember views t[::-1] without a copy).
  Tensor rev(std::make_shared<TensorImpl>(base.impl()->storage(), kFloat32, DimVector{3}, DimVector{-1}, int64_t(7)));
  IValue v(GenericList({IValue(a), IValue(neg), IValue(rev), IValue(ember::zeros({0, 2}))}));
  EncodedTree e = encode_tree(v);
  REQUIRE(e.tensors.size() == 2);
  CHECK(e.tensors[0].second.numel() == 6);  // only the used range [2, 8) is written
  IValue r = roundtrip(v);
  const auto& l = r.toListRef();
  CHECK(ember::equal(l[0].toTensor(), a));
  CHECK(ember::equal(l[1].toTensor(), neg));
  CHECK(ember::equal(l[2].toTensor(), rev));
  CHECK(l[2].toTensor().stride(0) == -1);
  CHECK(l[3].toTensor().sizes() == IntArrayRef{0, 2});
  // Tensors of different dtypes on one storage: one U8 entry, each a view at its own byte offset.
  Tensor f = ember::arange(6., TensorOptions(kFloat32));
  Tensor as_int(std::make_shared<TensorImpl>(f.impl()->storage(), kInt32, DimVector{2}, DimVector{1}, int64_t(3)));
  Tensor as_byte(std::make_shared<TensorImpl>(f.impl()->storage(), kUInt8, DimVector{3}, DimVector{1}, int64_t(5)));
  IValue mixed(GenericList({IValue(f.narrow(0, 2, 3)), IValue(as_int), IValue(as_byte)}));
  EncodedTree me = encode_tree(mixed);
  REQUIRE(me.tensors.size() == 1);
  CHECK(me.tensors[0].second.dtype() == kUInt8);
  IValue mr = roundtrip(mixed);
  const auto& ml = mr.toListRef();
  CHECK(ember::equal(ml[0].toTensor(), f.narrow(0, 2, 3)));
  CHECK(ember::equal(ml[1].toTensor(), as_int));
  CHECK(ember::equal(ml[2].toTensor(), as_byte));
  CHECK(ml[0].toTensor().impl()->storage() == ml[1].toTensor().impl()->storage());
  // Alone on its storage, a negative-stride view is written contiguous.
  Tensor solo(std::make_shared<TensorImpl>(ember::arange(4., TensorOptions(kFloat64)).impl()->storage(), kFloat64,
                                           DimVector{4}, DimVector{-1}, int64_t(3)));
  Tensor s2 = roundtrip(IValue(solo)).toTensor();
  CHECK(ember::equal(s2, solo));
  CHECK(s2.is_contiguous());
}

TEST_CASE("tree: requires_grad, files, streams and mmap", "[serialize]") {
  Tensor p = ember::randn({3}).requires_grad_(true);
  std::string path = tmp_path("t.safetensors");
  save_value(IValue(dict({{IValue("p"), IValue(p)}, {IValue("n"), IValue(1)}})), path, SaveOptions{true, {{"user", "x"}}});
  for (bool mm : {false, true}) {
    IValue r = load_value(path, mm);
    Tensor p2 = r.toGenericDict().at(IValue("p")).toTensor();
    CHECK(p2.requires_grad());
    CHECK(ember::equal(p2.detach(), p.detach()));
  }
  CHECK(*Reader::open(path).metadata("user") == "x");
  CHECK(*Reader::open(path).metadata(kFormatKey) == "1");
  std::stringstream ss;
  save_value(IValue(p.detach()), ss);
  CHECK(ember::equal(load_value(ss).toTensor(), p.detach()));
  std::remove(path.c_str());
  CHECK_THROWS_AS(save_value_to_buffer(IValue(1), {{"ember.tree", "x"}}), ValueError);
  CHECK_THROWS_AS(save_value_to_buffer(IValue(ember::ones({1}, TensorOptions().device(kMeta)))), TypeError);
  CHECK_THROWS_AS(save_value_to_buffer(IValue(Generator())), TypeError);
  GenericList cyc;
  cyc.push_back(IValue(cyc));
  CHECK_THROWS_WITH(save_value_to_buffer(IValue(cyc)), Catch::Contains("a cycle"));
  cyc.clear();
}

TEST_CASE("tree: malformed trees raise SerializationError", "[serialize]") {
  Tensor t = ember::arange(6., TensorOptions(kFloat32));
  auto bad = [&](const std::string& tree, const std::string& version = "1") {
    std::string b = write_buffer({{"t", t}}, {{kFormatKey, version}, {kTreeKey, tree}});
    try {
      load_value_from_buffer(b.data(), b.size());
    } catch (const SerializationError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(bad(R"({"tensor":"t"})").empty());
  CHECK(bad(R"({"tensor":"t","dtype":"F32","shape":[2,2],"stride":[1,2],"offset":8})").empty());
  CHECK_THAT(bad("{", "1"), Catch::Contains("not valid JSON"));
  CHECK_THAT(bad("1", "2"), Catch::Contains("format 2"));
  CHECK_THAT(bad(R"({"tensor":"nope"})"), Catch::Contains("missing tensor 'nope'"));
  CHECK_THAT(bad(R"({"what":1})"), Catch::Contains("unknown tree node"));
  CHECK_THAT(bad(R"({"list":1})"), Catch::Contains("must be a list"));
  CHECK_THAT(bad(R"({"list":[],"x":1})"), Catch::Contains("unexpected field 'x'"));
  CHECK_THAT(bad(R"({"dict":[[1,2],[1,3]]})"), Catch::Contains("duplicate dict key"));
  CHECK_THAT(bad(R"({"dict":[[[1],2]]})"), Catch::Contains("unexpected array"));
  CHECK_THAT(bad(R"({"dict":[[null,2]]})"), Catch::Contains("dict key must be"));
  CHECK_THAT(bad(R"({"float":"big"})"), Catch::Contains("bad float node"));
  CHECK_THAT(bad(R"({"dtype":"float99"})"), Catch::Contains("unknown dtype"));
  CHECK_THAT(bad(R"(18446744073709551615)"), Catch::Contains("does not fit int64"));
  CHECK_THAT(bad(R"({"tensor":"t","dtype":"F32","shape":[7],"stride":[1],"offset":0})"), Catch::Contains("reaches outside"));
  CHECK_THAT(bad(R"({"tensor":"t","dtype":"F32","shape":[2],"stride":[-1],"offset":0})"), Catch::Contains("reaches outside"));
  CHECK_THAT(bad(R"({"tensor":"t","dtype":"F32","shape":[2],"stride":[1],"offset":2})"), Catch::Contains("multiple of its item size"));
  CHECK_THAT(bad(R"({"tensor":"t","dtype":"F32","shape":[2],"stride":[1,1],"offset":0})"), Catch::Contains("differ in length"));
  CHECK_THAT(bad(R"({"tensor":"t","dtype":"F32","shape":[-2],"stride":[1],"offset":0})"), Catch::Contains("non-negative"));
  CHECK_THAT(bad(R"({"tensor":"t","dtype":"F32","shape":[4611686018427387904],"stride":[4611686018427387904],"offset":0})"),
             Catch::Contains("reaches outside"));
  CHECK_THAT(bad(std::string(600, '[') + std::string(600, ']')), Catch::Contains("unexpected array in the saved tree"));
  std::string deep;
  for (int i = 0; i < 600; ++i) deep += R"({"list":[)";
  deep += "1";
  for (int i = 0; i < 600; ++i) deep += "]}";
  CHECK_THAT(bad(deep), Catch::Contains("nests deeper"));
}
