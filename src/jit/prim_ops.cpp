// The `prim` ops (docs/jit_format.md, "prim nodes and prim ops"): operations on ints, floats, bools and
// tensors-as-numbers that graphs need around control flow (a loop's condition from a tensor, trip counts),
// registered like any other op so that the op set of a saved file lists them and a loader can check them.
// Structural nodes (prim::If, prim::TupleConstruct, ...) are not ops: the interpreter runs them itself.
#include "ember/dispatch/library.h"
#include "ember/gen/functions.h"

namespace {

using ember::Tensor;

// floor division and modulo with Python's signs (TorchScript's int // and %)
int64_t floordiv(int64_t a, int64_t b) {
  EMBER_CHECK(b != 0, "prim::floordiv.int: integer division by zero");
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
int64_t remainder(int64_t a, int64_t b) {
  EMBER_CHECK(b != 0, "prim::remainder.int: integer modulo by zero");
  int64_t r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}

}  // namespace

EMBER_LIBRARY(prim, m) {
  // Python's bool(t) / int(t) / float(t) of a one-element tensor.
  m.def("Bool.Tensor(Tensor a) -> bool", [](const Tensor& a) { return a.item().to<bool>(); });
  m.def("Int.Tensor(Tensor a) -> int", [](const Tensor& a) { return a.item().to<int64_t>(); });
  m.def("Float.Tensor(Tensor a) -> float", [](const Tensor& a) { return a.item().to<double>(); });
  m.def("add.int(int a, int b) -> int", [](int64_t a, int64_t b) { return a + b; });
  m.def("sub.int(int a, int b) -> int", [](int64_t a, int64_t b) { return a - b; });
  m.def("mul.int(int a, int b) -> int", [](int64_t a, int64_t b) { return a * b; });
  m.def("floordiv.int(int a, int b) -> int", [](int64_t a, int64_t b) { return floordiv(a, b); });
  m.def("remainder.int(int a, int b) -> int", [](int64_t a, int64_t b) { return remainder(a, b); });
  m.def("neg.int(int a) -> int", [](int64_t a) { return -a; });
  m.def("add.float(float a, float b) -> float", [](double a, double b) { return a + b; });
  m.def("sub.float(float a, float b) -> float", [](double a, double b) { return a - b; });
  m.def("mul.float(float a, float b) -> float", [](double a, double b) { return a * b; });
  m.def("div.float(float a, float b) -> float", [](double a, double b) { return a / b; });
  m.def("lt.int(int a, int b) -> bool", [](int64_t a, int64_t b) { return a < b; });
  m.def("le.int(int a, int b) -> bool", [](int64_t a, int64_t b) { return a <= b; });
  m.def("gt.int(int a, int b) -> bool", [](int64_t a, int64_t b) { return a > b; });
  m.def("ge.int(int a, int b) -> bool", [](int64_t a, int64_t b) { return a >= b; });
  m.def("eq.int(int a, int b) -> bool", [](int64_t a, int64_t b) { return a == b; });
  m.def("ne.int(int a, int b) -> bool", [](int64_t a, int64_t b) { return a != b; });
}
