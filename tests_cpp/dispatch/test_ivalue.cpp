// IValue: every kind's construction, tag name, accessors and wrong-kind errors, equality, identity,
// hashing (and Python's unhashable errors), printing (Note [IValue kinds]).
#include <catch2/catch.hpp>
#include <sstream>
#include <unordered_set>

#include <ember/ember.h>
#include <ember/dispatch/ivalue.h>

using namespace ember;
using ivalue::Tuple;

namespace {
std::string repr(const IValue& v) {
  std::ostringstream os;
  os << v;
  return os.str();
}
}  // namespace

TEST_CASE("ivalue: kinds, tag names and accessors", "[ivalue]") {
  Tensor t = ones({2, 3});
  struct Case {
    IValue v;
    const char* tag;
  };
  std::vector<Case> cases = {
      {IValue(), "None"},
      {IValue(t), "Tensor"},
      {IValue(2.5), "float"},
      {IValue(int64_t(3)), "int"},
      {IValue(true), "bool"},
      {IValue(std::vector<int64_t>{1, 2}), "int[]"},
      {IValue(std::vector<Tensor>{t}), "Tensor[]"},
      {IValue("a"), "str"},
      {IValue(kFloat32), "ScalarType"},
      {IValue(Device(kMeta)), "Device"},
      {IValue(Generator()), "Generator"},
      {IValue(std::vector<double>{1.5}), "float[]"},
      {IValue(Tuple::create({1, 2.5})), "tuple"},
      {IValue(GenericList({1, "a"})), "list"},
      {IValue(GenericDict()), "dict"},
      {IValue(ivalue::Object::create("Net")), "Object"},
  };
  for (const auto& c : cases) CHECK(std::string(c.v.tagName()) == c.tag);

  CHECK(cases[0].v.isNone());
  CHECK(cases[1].v.toTensor().is_same(t));
  CHECK(cases[2].v.toDouble() == 2.5);
  CHECK(cases[3].v.toInt() == 3);
  CHECK(cases[3].v.toDouble() == 3.0);  // an int reads as a float, as in the schema
  CHECK(cases[4].v.toBool());
  CHECK(cases[7].v.toStringRef() == "a");
  CHECK(cases[8].v.toScalarType() == kFloat32);
  CHECK(cases[9].v.isDevice());
  CHECK(cases[9].v.toDevice() == Device(kMeta));
  CHECK(cases[12].v.isTuple());
  CHECK(cases[12].v.toTupleRef().elements().size() == 2);
  CHECK(cases[12].v.toTuple()->elements()[1].toDouble() == 2.5);
  CHECK(cases[13].v.isList());
  CHECK(cases[13].v.toListRef()[1].toStringRef() == "a");
  CHECK(cases[14].v.isGenericDict());
  CHECK(cases[15].v.isObject());
  CHECK(cases[15].v.toObjectRef().name() == "Net");
  CHECK(IValue(ivalue::Object::create("X")).toObject()->name() == "X");
  CHECK(IValue(std::shared_ptr<Tuple>()).isNone());  // a null pointer boxes as None

  // typed lists are lists too, and a generic list or tuple of ints reads as int[]
  CHECK(cases[5].v.isAnyList());
  CHECK(!cases[5].v.isList());
  CHECK(IValue(GenericList({1, 2})).toIntVector() == std::vector<int64_t>{1, 2});
  CHECK(IValue(Tuple::create({3, 4})).toIntVector() == std::vector<int64_t>{3, 4});
  CHECK_THROWS_WITH(IValue(GenericList({1, "a"})).toIntVector(), Catch::Contains("expected int[]") && Catch::Contains("str"));

  // wrong kinds: a TypeError naming the expected and the actual kind
  CHECK_THROWS_AS(IValue(1).toTensor(), TypeError);
  CHECK_THROWS_WITH(IValue(1).toTensor(), "IValue: expected Tensor but got int");
  CHECK_THROWS_WITH(IValue("s").toTuple(), "IValue: expected tuple but got str");
  CHECK_THROWS_WITH(IValue(Tuple::create({})).toList(), "IValue: expected list but got tuple");
  CHECK_THROWS_WITH(IValue(1).toGenericDict(), "IValue: expected dict but got int");
  CHECK_THROWS_WITH(IValue(GenericDict()).toObject(), "IValue: expected Object but got dict");
  CHECK_THROWS_WITH(IValue().toStringRef(), "IValue: expected str but got None");
  CHECK_THROWS_WITH(IValue(2.5).toDevice(), "IValue: expected Device but got float");
  CHECK_THROWS_WITH(IValue(true).toScalarType(), "IValue: expected ScalarType but got bool");
  CHECK_THROWS_AS(IValue(true).toInt(), TypeError);  // bool is not int here
  CHECK_THROWS_AS(IValue(2.5).toOptionalInt(), TypeError);
  CHECK(!IValue().toOptionalInt().has_value());
  CHECK(ember::jit::IValue(3).toInt() == 3);  // the JIT's name
}

TEST_CASE("ivalue: generic list is shared and mutable", "[ivalue]") {
  GenericList l({1, 2});
  IValue v(l);
  GenericList alias = v.toList();
  alias.push_back("x");
  CHECK(l.size() == 3);
  CHECK(l.is(alias));
  l.set(0, 10.5);
  CHECK(v.toListRef()[0].toDouble() == 10.5);
  l.insert(1, IValue());
  l.erase(0);
  CHECK(repr(v) == "[None, 2, 'x']");
  CHECK_THROWS_AS(l.get(7), IndexError);
  GenericList c = l.copy();
  c.clear();
  CHECK(l.size() == 3);
  CHECK(!c.is(l));
}

TEST_CASE("ivalue: dict keeps insertion order and restricts keys", "[ivalue]") {
  GenericDict d;
  CHECK(d.insert("b", 1));
  CHECK(d.insert(2, "two"));
  CHECK(!d.insert("b", 5));  // present: insert does not overwrite
  d.insert_or_assign("b", 3);
  d.insert_or_assign(1.5, true);
  d.insert_or_assign(false, IValue());
  CHECK(d.size() == 4);
  CHECK(d.at("b").toInt() == 3);
  CHECK(d.contains(2));
  CHECK(!d.contains(3));
  CHECK(!d.contains(IValue(2.0)));  // 2 and 2.0 are different keys (Note [IValue kinds])
  CHECK(repr(IValue(d)) == "{'b': 3, 2: 'two', 1.5: True, False: None}");
  CHECK(d.erase("b"));
  CHECK(!d.erase("b"));
  CHECK(repr(IValue(d)) == "{2: 'two', 1.5: True, False: None}");
  CHECK(d.at(false).isNone());
  CHECK_THROWS_AS(d.at("zz"), IndexError);
  CHECK_THROWS_WITH(d.at("zz"), Catch::Contains("KeyError: 'zz'"));
  CHECK_THROWS_AS(d.insert(GenericList(), 1), TypeError);
  CHECK_THROWS_WITH(d.insert(Tuple::create({1}), 1), "dict keys must be str, int, float, bool or Tensor, got tuple");
  CHECK_THROWS_WITH(d.insert(IValue(), 1), Catch::Contains("got None"));
  Tensor t = zeros({1});
  d.insert(t, "tensor key");  // by identity, as TorchScript
  CHECK(d.at(t).toStringRef() == "tensor key");
  CHECK(!d.contains(zeros({1})));
  GenericDict alias = IValue(d).toGenericDict();
  alias.clear();
  CHECK(d.empty());
}

TEST_CASE("ivalue: objects", "[ivalue]") {
  auto cls = ivalue::ClassType::create("__main__.Net", {"weight"});
  auto o = ivalue::Object::create(cls);
  CHECK(o->getAttr("weight").isNone());
  o->setAttr("weight", ones({2}));
  o->setAttr("training", true);  // a new attribute joins the class
  CHECK(cls->attributeNames() == std::vector<std::string>{"weight", "training"});
  CHECK(o->getSlot(1).toBool());
  CHECK(o->hasAttr("training"));
  CHECK_THROWS_WITH(o->getAttr("bias"), "'__main__.Net' object has no attribute 'bias'");
  CHECK_THROWS_AS(o->getSlot(5), IndexError);
  auto other = ivalue::Object::create(cls);  // made after the class grew: slots for every attribute
  CHECK(other->getAttr("training").isNone());
  IValue a(o), b(o), c(other);
  CHECK(a == b);
  CHECK(a.is(b));
  CHECK(a != c);  // identity, as Python objects without __eq__
  CHECK(a.hash() == b.hash());
  IValue(o).toObjectRef().setAttr("weight", 2);  // shared by reference
  CHECK(o->getAttr("weight").toInt() == 2);
  CHECK(repr(a).rfind("<__main__.Net object at 0x", 0) == 0);
}

TEST_CASE("ivalue: equality and identity", "[ivalue]") {
  Tensor t = ones({2});
  CHECK(IValue() == IValue());
  CHECK(IValue(1) == IValue(int64_t(1)));
  CHECK(IValue(1) != IValue(1.0));  // different kinds, as in c10
  CHECK(IValue(1) != IValue(true));
  CHECK(IValue(0.0) == IValue(-0.0));
  CHECK(IValue(std::nan("")) != IValue(std::nan("")));
  CHECK(IValue("a") == IValue(std::string("a")));
  CHECK(IValue(kInt64) == IValue(kInt64));
  CHECK(IValue(kInt64) != IValue(kInt32));
  CHECK(IValue(Device(kCPU)) == IValue(Device("cpu")));
  CHECK(IValue(t) == IValue(t));
  CHECK(IValue(t) != IValue(t.clone()));  // tensors: identity
  CHECK(IValue(t).is(IValue(t)));
  Generator g;
  CHECK(IValue(g) == IValue(g));
  CHECK(IValue(g) != IValue(Generator()));
  // deep for tuples, lists and dicts
  CHECK(IValue(Tuple::create({1, "a", Tuple::create({2.5})})) == IValue(Tuple::create({1, "a", Tuple::create({2.5})})));
  CHECK(IValue(Tuple::create({1, 2})) != IValue(Tuple::create({1, 2, 3})));
  CHECK(IValue(Tuple::create({1, 2})) != IValue(GenericList({1, 2})));  // (1, 2) != [1, 2]
  CHECK(IValue(GenericList({1, 2})) == IValue(GenericList({1, 2})));
  CHECK(IValue(GenericList({1, 2})) == IValue(std::vector<int64_t>{1, 2}));  // typed and generic lists
  CHECK(IValue(std::vector<double>{1.5}) == IValue(GenericList({1.5})));
  CHECK(IValue(std::vector<Tensor>{t}) == IValue(GenericList({t})));
  CHECK(IValue(std::vector<int64_t>{1}) != IValue(std::vector<double>{1.0}));
  GenericDict d1, d2;
  d1.insert("a", 1);
  d1.insert("b", GenericList({t}));
  d2.insert("b", GenericList({t}));
  d2.insert("a", 1);
  CHECK(IValue(d1) == IValue(d2));  // order does not matter, as in Python
  d2.insert_or_assign("a", 2);
  CHECK(IValue(d1) != IValue(d2));
  // identity: the same container, not an equal one
  GenericList l({1});
  CHECK(IValue(l).is(IValue(l)));
  CHECK(!IValue(l).is(IValue(GenericList({1}))));
  auto tup = Tuple::create({1});
  CHECK(IValue(tup).is(IValue(tup)));
  CHECK(!IValue(tup).is(IValue(Tuple::create({1}))));
  CHECK(IValue(5).is(IValue(5)));  // value kinds: equal values
  CHECK(!IValue(5).is(IValue(5.0)));
}

TEST_CASE("ivalue: hashing", "[ivalue]") {
  Tensor t = ones({2});
  CHECK(IValue().hash() == IValue().hash());
  CHECK(IValue(3).hash() == IValue(int64_t(3)).hash());
  CHECK(IValue(0.0).hash() == IValue(-0.0).hash());
  CHECK(IValue("abc").hash() == IValue(std::string("abc")).hash());
  CHECK(IValue(kFloat32).hash() == IValue(kFloat32).hash());
  CHECK(IValue(Device(kMeta)).hash() == IValue(Device(kMeta)).hash());
  CHECK(IValue(Tuple::create({1, "a"})).hash() == IValue(Tuple::create({1, "a"})).hash());
  CHECK(IValue(t).hash() == IValue(t).hash());
  CHECK(std::hash<IValue>()(IValue(true)) == IValue(true).hash());
  std::unordered_set<IValue> set{IValue(1), IValue(1.0), IValue("1"), IValue(Tuple::create({1})), IValue(1)};
  CHECK(set.size() == 4);
  CHECK_THROWS_AS(IValue(GenericList()).hash(), TypeError);
  CHECK_THROWS_WITH(IValue(GenericList()).hash(), "unhashable type: 'list'");
  CHECK_THROWS_WITH(IValue(std::vector<int64_t>{1}).hash(), "unhashable type: 'list'");
  CHECK_THROWS_WITH(IValue(GenericDict()).hash(), "unhashable type: 'dict'");
  CHECK_THROWS_WITH(IValue(Tuple::create({1, GenericList()})).hash(), "unhashable type: 'list'");
}

TEST_CASE("ivalue: printing as Python's repr", "[ivalue]") {
  CHECK(repr(IValue()) == "None");
  CHECK(repr(IValue(true)) == "True");
  CHECK(repr(IValue(false)) == "False");
  CHECK(repr(IValue(-7)) == "-7");
  CHECK(repr(IValue(2.5)) == "2.5");
  CHECK(repr(IValue(1.0)) == "1.0");
  CHECK(repr(IValue(0.1)) == "0.1");
  CHECK(repr(IValue(-0.0)) == "-0.0");
  CHECK(repr(IValue(1e16)) == "1e+16");
  CHECK(repr(IValue(123456789012345.0)) == "123456789012345.0");
  CHECK(repr(IValue(1.5e-5)) == "1.5e-05");
  CHECK(repr(IValue(0.0001)) == "0.0001");
  CHECK(repr(IValue(1e300)) == "1e+300");
  CHECK(repr(IValue(1.0 / 3)) == "0.3333333333333333");
  CHECK(repr(IValue(std::numeric_limits<double>::infinity())) == "inf");
  CHECK(repr(IValue(-std::numeric_limits<double>::infinity())) == "-inf");
  CHECK(repr(IValue(std::nan(""))) == "nan");
  CHECK(repr(IValue("a")) == "'a'");
  CHECK(repr(IValue("it's")) == "\"it's\"");
  CHECK(repr(IValue("say \"it's\"")) == "'say \"it\\'s\"'");
  CHECK(repr(IValue("a\nb\\")) == "'a\\nb\\\\'");
  CHECK(repr(IValue(kFloat32)) == "ember.float32");
  CHECK(repr(IValue(Device(kCPU))) == "device(type='cpu')");
  CHECK(repr(IValue(ones({2, 3}))) == "Tensor(shape=[2, 3], dtype=float32)");
  CHECK(repr(IValue(ones({}, kInt64))) == "Tensor(shape=[], dtype=int64)");
  CHECK(repr(IValue(empty({4}, TensorOptions().device(kMeta)))) == "Tensor(shape=[4], dtype=float32, device=meta)");
  CHECK(repr(IValue(Tensor())) == "Tensor(undefined)");
  CHECK(repr(IValue(Tuple::create({1, 2.5, "a"}))) == "(1, 2.5, 'a')");
  CHECK(repr(IValue(Tuple::create({1}))) == "(1,)");
  CHECK(repr(IValue(Tuple::create({}))) == "()");
  CHECK(repr(IValue(GenericList({1, 2}))) == "[1, 2]");
  CHECK(repr(IValue(GenericList())) == "[]");
  CHECK(repr(IValue(std::vector<int64_t>{1, 2})) == "[1, 2]");
  CHECK(repr(IValue(std::vector<double>{1, 2.5})) == "[1.0, 2.5]");
  CHECK(repr(IValue(std::vector<Tensor>{ones({1})})) == "[Tensor(shape=[1], dtype=float32)]");
  GenericDict d;
  d.insert("a", 1);
  d.insert(2, GenericList({Tuple::create({IValue(), true})}));
  CHECK(repr(IValue(d)) == "{'a': 1, 2: [(None, True)]}");
  CHECK(repr(IValue(GenericDict())) == "{}");
  CHECK(IValue(Tuple::create({1})).repr() == "(1,)");
}

TEST_CASE("ivalue: stays small and boxes op arguments as before", "[ivalue]") {
  CHECK(sizeof(IValue) <= 40);
  Stack s{ones({2, 2}), 1, std::vector<int64_t>{0}};
  CHECK(s[2].toIntVector() == std::vector<int64_t>{0});
  CHECK(IValue(Scalar(2)).isInt());
  CHECK(IValue(Scalar(2.5)).isDouble());
  CHECK(IValue(Scalar(true)).isBool());
}
