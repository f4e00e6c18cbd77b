// ember::save / ember::load of modules, optimizers, tensors and dicts of tensors, archives, and
// load_state_dict (include/ember/io/serialize.h).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <sstream>

#include <ember/ember.h>
#include <ember/io/serialize.h>

using namespace ember;

namespace {
std::string tmp_path(const std::string& name) { return "/tmp/ember_test_io_" + std::to_string(::getpid()) + "_" + name; }

struct NetImpl : nn::Module {
  NetImpl(int64_t in = 3, int64_t hidden = 4) : nn::Module("Net") {
    fc1 = register_module("fc1", nn::Linear(in, hidden));
    fc2 = register_module("fc2", nn::Linear(hidden, 2));
    register_buffer("steps", ember::zeros({1}, TensorOptions(kInt64)));
  }
  Tensor forward(const Tensor& x) { return fc2->forward(ember::relu(fc1->forward(x))); }
  nn::Linear fc1{nullptr}, fc2{nullptr};
};
EMBER_MODULE(Net);
}  // namespace

TEST_CASE("io: module save and load round trip, by state_dict keys", "[io]") {
  Net a, b;
  a->named_buffers()["steps"].fill_(7);
  std::string path = tmp_path("net.safetensors");
  ember::save(a, path);
  // The keys a safetensors reader sees are the state_dict keys.
  auto sd = ember::load_state_dict(path);
  std::vector<std::string> keys;
  for (const auto& item : sd) keys.push_back(item.key());
  CHECK(keys == std::vector<std::string>{"steps", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"});
  Tensor w_before = b->fc1->weight;
  ember::load(b, path);
  CHECK(b->fc1->weight.impl() == w_before.impl());  // copied in place
  CHECK(ember::equal(b->fc1->weight, a->fc1->weight));
  CHECK(ember::equal(b->named_buffers()["steps"], a->named_buffers()["steps"]));
  Tensor x = ember::randn({5, 3});
  CHECK(ember::allclose(a->forward(x), b->forward(x)));
  CHECK(b->fc1->weight.requires_grad());
  // Streams.
  std::stringstream ss;
  ember::save(a, ss);
  Net c;
  ember::load(c, ss);
  CHECK(ember::equal(c->fc2->bias, a->fc2->bias));
  std::remove(path.c_str());
}

TEST_CASE("io: module load errors name missing, unexpected and mismatched keys", "[io]") {
  std::string path = tmp_path("bad.safetensors");
  OrderedDict<std::string, Tensor> sd;
  sd.insert("fc1.weight", ember::zeros({5, 3}));
  sd.insert("extra", ember::zeros({1}));
  ember::save(sd, path);
  Net n;
  Tensor before = n->fc1->weight.clone();
  try {
    ember::load(n, path);
    FAIL("no error");
  } catch (const Error& e) {
    std::string m = e.what();
    CHECK_THAT(m, Catch::Contains("Error(s) in loading state_dict for Net"));
    CHECK_THAT(m, Catch::Contains("Missing key(s) in state_dict: \"steps\", \"fc1.bias\""));
    CHECK_THAT(m, Catch::Contains("Unexpected key(s) in state_dict: \"extra\""));
    CHECK_THAT(m, Catch::Contains("size mismatch for fc1.weight: copying a param with shape [5, 3] from checkpoint, "
                                  "the shape in current model is [4, 3]"));
  }
  CHECK(ember::equal(n->fc1->weight, before));  // nothing copied
  ember::save(std::vector<Tensor>{ember::ones({1})}, path);
  CHECK_THROWS_AS(ember::load(n, path), TypeError);
  std::remove(path.c_str());
}

TEST_CASE("io: tensors, lists and maps of tensors", "[io]") {
  std::string path = tmp_path("t.safetensors");
  Tensor t = ember::randn({2, 3});
  ember::save(t, path);
  Tensor u;
  ember::load(u, path);
  CHECK(ember::equal(u, t));
  std::vector<Tensor> v{t, ember::arange(3)};
  ember::save(v, path);
  std::vector<Tensor> w;
  ember::load(w, path);
  REQUIRE(w.size() == 2);
  CHECK(ember::equal(w[1], v[1]));
  CHECK_THROWS_AS(ember::load(u, path), TypeError);
  std::map<std::string, Tensor> m{{"b", t}, {"a", t * 2}};
  ember::save(m, path);
  auto sd = ember::load_state_dict(path, true);
  CHECK(sd.size() == 2);
  CHECK(ember::equal(sd["a"], t * 2));
  std::unordered_map<std::string, Tensor> um{{"x", t}};
  ember::save(um, path);
  CHECK(ember::equal(ember::load_state_dict(path)["x"], t));
  ember::save_value(IValue(int64_t(3)), path);
  CHECK_THROWS_WITH(ember::load_state_dict(path), Catch::Contains("expected a dict of tensors, found a int"));
  std::remove(path.c_str());
}

TEST_CASE("io: archives, nested and streamed", "[io]") {
  serialize::OutputArchive out, inner;
  inner.write("w", ember::ones({2}));
  out.write("x", ember::arange(4.), /*is_buffer=*/true);
  out.write("n", IValue(int64_t(5)));
  out.write("inner", inner);
  std::string path = tmp_path("archive.safetensors");
  out.save_to(path, /*fsync=*/true);
  std::string bytes = out.save_to_buffer();
  std::string via_func;
  out.save_to([&](const void* d, size_t n) {
    via_func.append(static_cast<const char*>(d), n);
    return n;
  });
  CHECK(via_func == bytes);
  serialize::InputArchive in;
  in.load_from(path);
  CHECK(in.keys() == std::vector<std::string>{"x", "n", "inner"});
  Tensor x;
  in.read("x", x);
  CHECK(ember::equal(x, ember::arange(4.)));
  Tensor into = ember::zeros({4});
  in.read("x", into);  // in place
  CHECK(ember::equal(into, ember::arange(4.)));
  Tensor wrong = ember::zeros({3});
  CHECK_THROWS_WITH(in.read("x", wrong), Catch::Contains("size mismatch for 'x'"));
  IValue n;
  in.read("n", n);
  CHECK(n.toInt() == 5);
  serialize::InputArchive nested;
  in.read("inner", nested);
  Tensor w;
  nested.read("w", w);
  CHECK(ember::equal(w, ember::ones({2})));
  CHECK_FALSE(in.try_read("missing", n));
  CHECK_THROWS_WITH(in.read("missing", n), Catch::Contains("key 'missing' not found"));
  serialize::InputArchive from_bytes;
  from_bytes.load_from(bytes.data(), bytes.size());
  CHECK(from_bytes.keys().size() == 3);
  std::stringstream ss(bytes);
  serialize::InputArchive from_stream;
  from_stream.load_from(ss);
  CHECK(from_stream.keys().size() == 3);
  // A module through archives.
  Net a, b;
  serialize::OutputArchive ma;
  ma << a.ptr();
  serialize::InputArchive mi;
  std::string mb = ma.save_to_buffer();
  mi.load_from(mb.data(), mb.size());
  mi >> b.ptr();
  CHECK(ember::equal(a->fc2->weight, b->fc2->weight));
  std::remove(path.c_str());
}

TEST_CASE("io: optimizer state round trips through a file", "[io]") {
  Net net;
  auto train = [&](optim::Optimizer& opt, int steps) {
    for (int i = 0; i < steps; ++i) {
      opt.zero_grad();
      net->forward(ember::ones({2, 3})).sum().backward();
      opt.step();
    }
  };
  std::string path = tmp_path("opt.safetensors");
  SECTION("Adam") {
    optim::Adam a(net->parameters(), optim::AdamOptions(0.01).amsgrad(true).betas({0.8, 0.9}));
    train(a, 2);
    ember::save(a, path);
    optim::Adam b(net->parameters(), optim::AdamOptions(0.5));
    ember::load(b, path);
    const auto& o = static_cast<const optim::AdamOptions&>(b.param_groups()[0].options());
    CHECK(o.lr() == 0.01);
    CHECK(o.amsgrad());
    CHECK(std::get<0>(o.betas()) == 0.8);
    auto& st = static_cast<optim::AdamParamState&>(*b.state().at(net->fc1->weight.unsafeGetTensorImpl()));
    CHECK(st.step().item<double>() == 2);
    auto& st0 = static_cast<optim::AdamParamState&>(*a.state().at(net->fc1->weight.unsafeGetTensorImpl()));
    CHECK(ember::equal(st.exp_avg(), st0.exp_avg()));
    CHECK(st.max_exp_avg_sq().defined());
    // the saved layout is Python's
    IValue v = ember::load_value(path);
    const GenericDict& d = v.toGenericDict();
    CHECK(d.at(IValue("state")).toGenericDict().size() == 4);
    CHECK(d.at(IValue("param_groups")).toListRef()[0].toGenericDict().at(IValue("params")).toListRef().size() == 4);
  }
  SECTION("SGD, AdamW, Adagrad, RMSprop") {
    optim::SGD s(net->parameters(), optim::SGDOptions(0.1).momentum(0.9).nesterov(true));
    train(s, 1);
    ember::save(s, path);
    optim::SGD s2(net->parameters(), optim::SGDOptions(0.3));
    ember::load(s2, path);
    CHECK(static_cast<optim::SGDOptions&>(s2.param_groups()[0].options()).nesterov());
    CHECK(static_cast<optim::SGDParamState&>(*s2.state().at(net->fc2->bias.unsafeGetTensorImpl())).momentum_buffer().defined());
    optim::AdamW w(net->parameters(), optim::AdamWOptions(0.02));
    train(w, 1);
    std::stringstream ss;
    ember::save(w, ss);
    optim::AdamW w2(net->parameters());
    ember::load(w2, ss);
    CHECK(w2.param_groups()[0].options().get_lr() == 0.02);
    optim::Adagrad g(net->parameters(), optim::AdagradOptions(0.3).lr_decay(0.1));
    train(g, 1);
    ember::save(g, path);
    optim::Adagrad g2(net->parameters());
    ember::load(g2, path);
    CHECK(static_cast<optim::AdagradOptions&>(g2.param_groups()[0].options()).lr_decay() == 0.1);
    optim::RMSprop r(net->parameters(), optim::RMSpropOptions(0.01).centered(true).momentum(0.5));
    train(r, 1);
    serialize::OutputArchive ar;
    ar << r;
    optim::RMSprop r2(net->parameters());
    serialize::InputArchive ir;
    std::string rb = ar.save_to_buffer();
    ir.load_from(rb.data(), rb.size());
    ir >> r2;
    auto& rs = static_cast<optim::RMSpropParamState&>(*r2.state().at(net->fc1->bias.unsafeGetTensorImpl()));
    CHECK(rs.grad_avg().defined());
    CHECK(rs.momentum_buffer().defined());
    // wrong group sizes
    optim::SGD small(std::vector<Tensor>{net->fc1->weight}, optim::SGDOptions(0.1));
    CHECK_THROWS_WITH(ember::load(small, path), Catch::Contains("doesn't match the size of optimizer's group"));
  }
  std::remove(path.c_str());
}
