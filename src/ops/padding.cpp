// Padding (src/ops/padding.yaml): composites over narrow / full / copy_ / index_select, so autograd,
// the meta device and every dtype come from the ops they call.
#include "ember/gen/functions.h"
#include "ember/gen/native.h"

namespace ember::native {

Tensor constant_pad_nd(const Tensor& self, IntArrayRef pad, const Scalar& value) {
  self.check_defined("constant_pad_nd");
  const int64_t n = static_cast<int64_t>(pad.size());
  EMBER_CHECK(n % 2 == 0, "Length of pad must be even but instead it equals ", n);
  EMBER_CHECK(n / 2 <= self.dim(), "Length of pad should be no more than twice the number of dimensions of the "
              "input. Pad length is ", n, " while the input has ", self.dim(), " dimensions.");
  Tensor x = self;
  DimVector out_sizes(self.sizes());
  for (int64_t i = 0; i < n / 2; ++i) {
    int64_t d = self.dim() - 1 - i, l = pad[2 * i], r = pad[2 * i + 1];
    int64_t size = self.sizes()[d] + l + r;
    EMBER_CHECK(size >= 0, "The input size ", self.sizes()[d], ", plus negative padding ", l, " and ", r,
                " resulted in a negative output size, which is invalid. Check dimension ", d, " of your input.");
    if (l < 0) x = x.narrow(d, -l, x.sizes()[d] + l);
    if (r < 0) x = x.narrow(d, 0, x.sizes()[d] + r);
    out_sizes[d] = size;
  }
  Tensor out = ember::full(out_sizes, value, self.options());
  Tensor window = out;
  for (int64_t i = 0; i < n / 2; ++i) {
    int64_t d = self.dim() - 1 - i;
    window = window.narrow(d, std::max<int64_t>(pad[2 * i], 0), x.sizes()[d]);
  }
  if (x.numel() > 0) window.copy_(x);
  return out;
}

}  // namespace ember::native
