// Hand-written elementwise ops (elementwise.yaml entries marked native): where.
#include "ember/dispatch/dispatch.h"
#include "ember/gen/native.h"
#include "ops/structured.h"

namespace ember::native {

Tensor where(const Tensor& condition, const Tensor& self, const Tensor& other) {
  for (const Tensor* t : {&condition, &self, &other})
    EMBER_CHECK(t->defined(), "where: expected a defined tensor but got an undefined one");
  EMBER_CHECK(condition.dtype() == kBool, "where expected condition to be a boolean tensor, but got a tensor with "
              "dtype ", condition.dtype());
  structured::MetaResult m = structured::meta_binary("where", self, other);
  m.shape = structured::broadcast_shapes("where", condition.sizes(), m.shape);
  EMBER_CHECK(condition.device() == m.device || (condition.device().is_cpu() && condition.dim() == 0),
              "where: expected all tensors to be on the same device, but found at least two devices, ",
              condition.device(), " and ", m.device, "!");
  Tensor out = structured::alloc(m);
  Tensor a = structured::cast(self, m), b = structured::cast(other, m);
  dispatch::kernel<OpId::where>(m.device.type(), m.compute_dtype)(out, condition, a, b);
  return out;
}

}  // namespace ember::native
