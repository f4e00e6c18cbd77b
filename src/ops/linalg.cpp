// matmul with numpy's rules, reduced to one batched kernel call: out[b] = a[b] @ b[b] on 3-D operands.
#include "ember/dispatch/dispatch.h"
#include "ember/gen/native.h"
#include "ops/structured.h"

namespace ember::native {

Tensor matmul(const Tensor& self, const Tensor& other) {
  self.check_defined("matmul");
  other.check_defined("matmul");
  int64_t da = self.dim(), db = other.dim();
  EMBER_CHECK(da > 0 && db > 0, "both arguments to matmul need to be at least 1D, but they are ", da, "D and ",
              db, "D");
  EMBER_CHECK(self.dtype() == other.dtype(), "expected m1 and m2 to have the same dtype, but got: ",
              dtype_name(self.dtype()), " != ", dtype_name(other.dtype()));
  EMBER_CHECK(self.device() == other.device(), "matmul: expected both tensors on the same device, got ",
              self.device(), " and ", other.device());
  // Promote 1-D operands to matrices, remembering which dims to drop from the result.
  Tensor a = da == 1 ? self.view({1, self.sizes()[0]}) : self;
  Tensor b = db == 1 ? other.view({other.sizes()[0], 1}) : other;
  int64_t n = a.sizes()[a.dim() - 2], k = a.sizes()[a.dim() - 1];
  int64_t k2 = b.sizes()[b.dim() - 2], m = b.sizes()[b.dim() - 1];
  EMBER_CHECK(k == k2, "mat1 and mat2 shapes cannot be multiplied (", n, "x", k, " and ", k2, "x", m, ")");
  IntArrayRef ba(a.sizes().data(), a.dim() - 2), bb(b.sizes().data(), b.dim() - 2);
  DimVector batch = structured::broadcast_shapes("matmul", ba, bb);
  int64_t nb = compute_numel(batch);
  DimVector ea(batch), eb(batch);
  ea.push_back(n);
  ea.push_back(k);
  eb.push_back(k);
  eb.push_back(m);
  Tensor a3 = a.expand(ea).reshape({nb, n, k});
  Tensor b3 = b.expand(eb).reshape({nb, k, m});
  Tensor out3 = ember::empty({nb, n, m}, self.options());
  dispatch::kernel<OpId::matmul>(self.device().type(), self.dtype())(out3, a3, b3);
  DimVector shape(batch);
  if (da > 1) shape.push_back(n);
  if (db > 1) shape.push_back(m);
  return out3.view(shape);
}

}  // namespace ember::native
