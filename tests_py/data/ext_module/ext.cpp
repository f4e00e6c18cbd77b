// Takes and returns ember.Tensor through <ember/python.h> (the C API capsule of ember._C).
#include <ember/python.h>

#include <pybind11/stl.h>

PYBIND11_MODULE(ember_ext_test, m) {
  ember::python::api();
  m.def("bad_index", [](const ember::Tensor& t) { return t.select(0, 100); });
  m.def("scale", [](const ember::Tensor& t, double k) { return t * k; });
  m.def("arange2d", [](int64_t rows, int64_t cols) {
    return ember::arange(rows * cols, ember::TensorOptions(ember::kFloat64)).view({rows, cols});
  });
  m.def("split_rows", [](const ember::Tensor& t) { return t.unbind(0); });  // std::vector<Tensor> -> list
  m.def("same", [](const ember::Tensor& a, const ember::Tensor& b) { return a.is_same(b); });
  m.def("maybe", [](const ember::Tensor& t) { return t.defined(); });  // None -> an undefined tensor
  m.def("fails", [](const ember::Tensor& t) { return t.view({7, 7}); });  // ember errors keep their type
}
