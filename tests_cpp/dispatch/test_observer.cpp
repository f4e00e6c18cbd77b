// The op observer (include/ember/dispatch/observer.h): record a program, replay it through the boxed registry.
#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <thread>

#include <ember/autograd/thread_local_state.h>
#include <ember/dispatch/observer.h>
#include <ember/ember.h>

using namespace ember;

namespace {

struct Record {
  std::string name;
  std::vector<IValue> args, outputs;
  std::vector<bool> wrapped;
};

struct Recorder : dispatch::OpObserver {
  std::vector<Record> records;
  bool call_ops_inside = false;
  void on_op(const dispatch::OpCall& c) override {
    Record r{std::string(c.name), c.args, c.outputs, {}};
    for (size_t i = 0; i < c.args.size(); ++i) r.wrapped.push_back(c.is_wrapped_scalar(i));
    records.push_back(std::move(r));
    if (call_ops_inside) (void)(ember::ones({2}) + 1);  // the observer's own ops are not reported
  }
  std::vector<std::string> names() const {
    std::vector<std::string> n;
    for (const auto& r : records) n.push_back(r.name);
    return n;
  }
};

// Replays records through call_boxed, mapping each recorded tensor output to its replayed value.
std::vector<IValue> replay(const std::vector<Record>& records, std::map<TensorImpl*, Tensor>& env) {
  std::vector<IValue> last;
  for (const Record& r : records) {
    Stack stack;
    auto subst = [&](const Tensor& t) {
      auto it = env.find(t.unsafeGetTensorImpl());
      return it == env.end() ? t : it->second;
    };
    for (const IValue& a : r.args) {
      if (a.isTensor()) {
        stack.emplace_back(subst(a.toTensor()));
      } else if (a.isTensorList()) {
        std::vector<Tensor> l;
        for (const Tensor& t : a.toTensorVector()) l.push_back(subst(t));
        stack.emplace_back(std::move(l));
      } else {
        stack.push_back(a);
      }
    }
    call_boxed(r.name, stack);
    REQUIRE(stack.size() == r.outputs.size());
    for (size_t i = 0; i < stack.size(); ++i) {
      if (r.outputs[i].isTensor()) env[r.outputs[i].toTensor().unsafeGetTensorImpl()] = stack[i].toTensor();
      if (r.outputs[i].isTensorList())
        for (size_t j = 0; j < r.outputs[i].toTensorVector().size(); ++j)
          env[r.outputs[i].toTensorVector()[j].unsafeGetTensorImpl()] = stack[i].toTensorVector()[j];
    }
    last = stack;
  }
  return last;
}

}  // namespace

TEST_CASE("observer: records top-level ops with names, args and outputs", "[observer]") {
  Tensor x = ember::arange(6, TensorOptions(kFloat64)).view({2, 3});
  Recorder rec;
  Tensor y, m;
  {
    dispatch::ObserverGuard guard(&rec);
    REQUIRE(dispatch::current_observer() == &rec);
    y = (x * 2).relu();
    m = std::get<0>(y.max(1));
    y.add_(m.unsqueeze(1));
  }
  REQUIRE(dispatch::current_observer() == nullptr);
  (void)(x + 1);  // no observer: not recorded
  REQUIRE(rec.names() == std::vector<std::string>{"aten::mul.Tensor", "aten::relu.default", "aten::max.dim",
                                                  "aten::unsqueeze.default", "aten::add_.Tensor"});
  const Record& mul = rec.records[0];
  REQUIRE(mul.args.size() == 2);
  REQUIRE(mul.args[0].toTensor().is_same(x));
  REQUIRE(!mul.wrapped[0]);
  REQUIRE(mul.wrapped[1]);  // the number 2
  REQUIRE(mul.args[1].toTensor().item<double>() == 2.0);
  REQUIRE(rec.records[2].args.size() == 3);  // self, dim, keepdim (default filled in)
  REQUIRE(rec.records[2].args[1].toInt() == 1);
  REQUIRE(rec.records[2].args[2].toBool() == false);
  REQUIRE(rec.records[2].outputs.size() == 2);  // values, indices
  REQUIRE(rec.records[4].args.size() == 3);     // self, other, alpha
  REQUIRE(rec.records[4].outputs[0].toTensor().is_same(y));
}

TEST_CASE("observer: ops inside ops and inside on_op are not reported", "[observer]") {
  Tensor a = ember::randn({3, 4}, TensorOptions(kFloat64));
  Tensor b = ember::randn({4}, TensorOptions(kFloat64));
  Recorder rec;
  rec.call_ops_inside = true;
  {
    dispatch::ObserverGuard guard(&rec);
    (void)ember::matmul(a, b);            // a composite: its inner mv is not reported
    (void)ember::var(a, {1}, 1, false);   // composite statistics
    (void)ember::zeros({2, 2});           // a factory: dtype/device/requires_grad boxed
    Tensor out = ember::empty({6, 4}, TensorOptions(kFloat64));
    ember::cat_out(out, {a, a}, 0);       // out= form: out last
  }
  auto n = rec.names();
  REQUIRE(n.size() == 5);
  REQUIRE(n[0] == "aten::matmul.default");
  REQUIRE(n[1].rfind("aten::var.", 0) == 0);
  REQUIRE(n[2] == "aten::zeros.default");
  REQUIRE(rec.records[2].args.size() == 4);
  REQUIRE(rec.records[2].args[1].isNone());
  REQUIRE(n[3] == "aten::empty.memory_format");
  REQUIRE(n[4] == "aten::cat.out");
  REQUIRE(rec.records[4].args.back().toTensor().sizes() == std::vector<int64_t>{6, 4});
}

TEST_CASE("observer: a recorded program replays through the boxed registry", "[observer]") {
  Tensor x = ember::randn({3, 4}, TensorOptions(kFloat64));
  Tensor w = ember::randn({4, 2}, TensorOptions(kFloat64));
  Recorder rec;
  Tensor result;
  {
    dispatch::ObserverGuard guard(&rec);
    Tensor h = ember::matmul(x, w).tanh();
    auto parts = h.chunk(2, 1);
    Tensor s = ember::cat({parts[1], parts[0] * 3}, 0);
    result = s.clamp(-0.5, 0.5).sum(0) - 1;
  }
  REQUIRE(rec.records.size() >= 7);
  std::map<TensorImpl*, Tensor> env;
  // replay on new inputs: the same program with x doubled
  Tensor x2 = x * 2;
  env[x.unsafeGetTensorImpl()] = x2;
  std::vector<IValue> out = replay(rec.records, env);
  Tensor h2 = ember::matmul(x2, w).tanh();
  auto p2 = h2.chunk(2, 1);
  Tensor expect = ember::cat({p2[1], p2[0] * 3}, 0).clamp(-0.5, 0.5).sum(0) - 1;
  REQUIRE(ember::allclose(out[0].toTensor(), expect));
  // and on the original inputs it reproduces the recorded result
  std::map<TensorImpl*, Tensor> same;
  REQUIRE(ember::equal(replay(rec.records, same)[0].toTensor(), result));
}

TEST_CASE("observer: per thread, nested guards, exceptions", "[observer]") {
  Recorder outer, inner;
  {
    dispatch::ObserverGuard g1(&outer);
    (void)ember::ones({1});
    {
      dispatch::ObserverGuard g2(&inner);
      (void)ember::zeros({1});
      std::thread([] {  // another thread has no observer
        REQUIRE(dispatch::current_observer() == nullptr);
        (void)ember::ones({3});
      }).join();
    }
    REQUIRE_THROWS(ember::ones({2}) + ember::ones({3}));  // a failing op is not reported
    (void)ember::ones({4});
  }
  REQUIRE(outer.names() == std::vector<std::string>{"aten::ones.default", "aten::ones.default",
                                                    "aten::ones.default", "aten::ones.default"});
  REQUIRE(inner.names() == std::vector<std::string>{"aten::zeros.default"});
  {
    dispatch::ObserverGuard g(&outer);
    dispatch::ObserverGuard off(nullptr);  // suspends
    (void)ember::ones({1});
  }
  REQUIRE(outer.records.size() == 4);
}

TEST_CASE("observer: carried to another thread by ThreadLocalState", "[observer][thread_local_state]") {
  Recorder rec;
  {
    dispatch::ObserverGuard guard(&rec);
    ThreadLocalState state;  // captured at top level: the worker reports its ops
    std::thread([&] {
      REQUIRE(dispatch::current_observer() == nullptr);
      ThreadLocalStateGuard g(state);
      REQUIRE(dispatch::current_observer() == &rec);
      (void)ember::ones({2});
    }).join();
  }
  REQUIRE(rec.names() == std::vector<std::string>{"aten::ones.default"});
  // A state captured inside an op (e.g. a parallel loop's caller) keeps the worker "inside": nothing is
  // reported there.
  struct Capturing : dispatch::OpObserver {
    std::optional<ThreadLocalState> inside;
    std::vector<std::string> names;
    void on_op(const dispatch::OpCall& c) override {
      names.emplace_back(c.name);
      if (!inside) inside.emplace();  // on_op runs inside the op's depth
    }
  } cap;
  {
    dispatch::ObserverGuard guard(&cap);
    (void)ember::zeros({1});
  }
  std::thread([&] {
    ThreadLocalStateGuard g(*cap.inside);
    (void)ember::ones({3});
  }).join();
  REQUIRE(cap.names == std::vector<std::string>{"aten::zeros.default"});
}
