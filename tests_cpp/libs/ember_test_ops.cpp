// A library of ops registered at run time (docs/registry.md's example): built as its own shared
// library (libember_test_ops.so) and loaded by the tests with ember::dispatch::load_library (C++) and
// ember.ops.load_library (Python). Namespace `ember_test`.
#include <ember/autograd/function.h>
#include <ember/dispatch/library.h>
#include <ember/ember.h>

using ember::Tensor;

namespace {

// scale(x, k) = x * k: CPU, Meta and Autograd kernels registered separately.
Tensor scale_cpu(const Tensor& self, double k) {
  Tensor out = ember::empty(self.sizes(), ember::TensorOptions(self.dtype()));
  Tensor src = self.contiguous();
  ember::visit_dtype(self.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      const T* s = src.data_ptr<T>();
      T* o = out.data_ptr<T>();
      for (int64_t i = 0; i < out.numel(); ++i) o[i] = static_cast<T>(s[i] * k);
    } else {
      throw ember::TypeError("ember_test::scale: expected a floating-point tensor");
    }
  });
  return out;
}

Tensor scale_meta(const Tensor& self, double) {
  return ember::empty(self.sizes(), ember::TensorOptions(self.dtype()).device(ember::Device("meta")));
}

struct ScaleFunction : ember::autograd::Function<ScaleFunction> {
  static Tensor forward(ember::autograd::AutogradContext* ctx, const Tensor& self, double k) {
    ctx->saved_data["k"] = k;
    ember::Stack s{self, k};  // below autograd (grad mode is off in forward): the device kernel runs
    ember::dispatch::call_boxed("ember_test::scale.default", s);
    return s.back().toTensor();
  }
  static ember::autograd::variable_list backward(ember::autograd::AutogradContext* ctx,
                                                 ember::autograd::variable_list g) {
    return {g[0] * ctx->saved_data["k"].toDouble(), Tensor()};
  }
};

Tensor scale_autograd(const Tensor& self, double k) { return ScaleFunction::apply(self, k); }

// A composite: one kernel for every device; autograd flows through the ops it calls.
Tensor fast_gelu(const Tensor& x) { return x * ember::sigmoid(x * 1.702); }

// CPU only and no derivative: backward through it raises, naming the op.
Tensor square_cpu(const Tensor& x) { return x * x; }

std::tuple<Tensor, Tensor> halves_cpu(const Tensor& x, int64_t dim) {
  auto parts = x.chunk(2, dim);
  return {parts[0].clone(), parts[1].clone()};
}

Tensor noisy_cpu(const Tensor& x, std::optional<ember::Generator> gen) {
  return x + ember::randn(x.sizes(), gen, ember::TensorOptions(x.dtype()));
}

}  // namespace

EMBER_LIBRARY(ember_test, m) {
  m.def("scale(Tensor self, float k=2.0) -> Tensor");
  m.def("fast_gelu(Tensor x) -> Tensor", &fast_gelu);
  m.def("square(Tensor x) -> Tensor");
  m.def("halves(Tensor x, int dim=0) -> (Tensor, Tensor)");
  m.def("noisy(Tensor x, Generator? generator=None) -> Tensor");
  m.def("sum_all(Tensor[] xs) -> Tensor", [](std::vector<Tensor> xs) {
    Tensor acc = ember::zeros({}, ember::TensorOptions(xs.at(0).dtype()));
    for (const Tensor& t : xs) acc = acc + t.sum();
    return acc;
  });
}

EMBER_LIBRARY_IMPL(ember_test, CPU, m) {
  m.impl("scale", &scale_cpu);
  m.impl("square", &square_cpu);
  m.impl("halves", &halves_cpu);
  m.impl("noisy", &noisy_cpu);
}

EMBER_LIBRARY_IMPL(ember_test, Meta, m) { m.impl("scale", &scale_meta); }

EMBER_LIBRARY_IMPL(ember_test, Autograd, m) { m.impl("scale", &scale_autograd); }
