// split / split_with_sizes / chunk / unbind / meshgrid (joining.yaml, Tensor(a)[] returns): vectors of
// narrow / select / expand views, so autograd records each piece; errors worded as PyTorch's.
#include <algorithm>

#include "ember/gen/native.h"

namespace ember::native {

static int64_t wrap_split_dim(const Tensor& self, int64_t dim) {
  int64_t n = std::max<int64_t>(self.dim(), 1);
  EMBER_CHECK_INDEX(dim >= -n && dim < n, "Dimension out of range (expected to be in range of [", -n, ", ", n - 1,
                    "], but got ", dim, ")");
  return dim < 0 ? dim + n : dim;
}

std::vector<Tensor> split_with_sizes(const Tensor& self, IntArrayRef split_sizes, int64_t dim) {
  self.check_defined("split_with_sizes");
  EMBER_CHECK(self.dim() > 0, "split expects at least a 1-dimensional tensor");
  int64_t d = wrap_split_dim(self, dim), n = self.sizes()[d], total = 0;
  bool negative = false;
  for (int64_t s : split_sizes) {
    total += s;
    negative |= s < 0;
  }
  EMBER_CHECK(!negative && total == n, "split_with_sizes expects split_sizes to sum exactly to ", n,
              " (input tensor's size at dimension ", d, "), but got split_sizes=", split_sizes);
  std::vector<Tensor> out;
  int64_t start = 0;
  for (int64_t s : split_sizes) {
    out.push_back(self.narrow(d, start, s));
    start += s;
  }
  return out;
}

std::vector<Tensor> split_sizes(const Tensor& self, IntArrayRef split_size, int64_t dim) {
  return native::split_with_sizes(self, split_size, dim);
}

std::vector<Tensor> split(const Tensor& self, int64_t split_size, int64_t dim) {
  self.check_defined("split");
  EMBER_CHECK(self.dim() > 0, "split expects at least a 1-dimensional tensor");
  int64_t d = wrap_split_dim(self, dim), n = self.sizes()[d];
  EMBER_CHECK(split_size >= 0, "split expects split_size be non-negative, but got split_size=", split_size);
  EMBER_CHECK(split_size > 0 || n == 0, "split_size can only be 0 if dimension size is 0, but got dimension size of ",
              n);
  int64_t count = split_size > 0 ? std::max<int64_t>((n + split_size - 1) / split_size, 1) : 1;
  DimVector sizes;
  for (int64_t i = 0; i < count; ++i) sizes.push_back(std::min(split_size, n - i * split_size));
  return native::split_with_sizes(self, sizes, d);
}

std::vector<Tensor> chunk(const Tensor& self, int64_t chunks, int64_t dim) {
  self.check_defined("chunk");
  EMBER_CHECK(self.dim() > 0, "chunk expects at least a 1-dimensional tensor");
  EMBER_CHECK(chunks > 0, "chunk expects `chunks` to be greater than 0, got: ", chunks);
  int64_t d = wrap_split_dim(self, dim), n = self.sizes()[d];
  int64_t size = (n + chunks - 1) / chunks;
  if (size == 0 && n == 0) return native::split_with_sizes(self, DimVector(static_cast<size_t>(chunks), 0), d);
  return native::split(self, size, d);
}

std::vector<Tensor> unbind(const Tensor& self, int64_t dim) {
  self.check_defined("unbind");
  EMBER_CHECK_INDEX(self.dim() > 0, "Dimension specified as 0 but tensor has no dimensions");
  int64_t d = wrap_split_dim(self, dim);
  std::vector<Tensor> out;
  for (int64_t i = 0; i < self.sizes()[d]; ++i) out.push_back(self.select(d, i));
  return out;
}

std::vector<Tensor> meshgrid_indexing(TensorList tensors, const std::string& indexing) {
  EMBER_CHECK_VALUE(indexing == "ij" || indexing == "xy",
                    "torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: ", indexing);
  std::vector<Tensor> ts(tensors.begin(), tensors.end());
  for (const Tensor& t : ts) {
    t.check_defined("meshgrid");
    EMBER_CHECK(t.dim() <= 1, "torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: ", t.sizes());
  }
  bool swap = indexing == "xy" && ts.size() >= 2;
  if (swap) std::swap(ts[0], ts[1]);
  DimVector shape;
  for (const Tensor& t : ts) shape.push_back(t.numel());
  std::vector<Tensor> out;
  for (size_t i = 0; i < ts.size(); ++i) {
    DimVector view(ts.size(), 1);
    view[i] = -1;
    out.push_back(ts[i].reshape(view).expand(shape));
  }
  if (swap) std::swap(out[0], out[1]);
  return out;
}

std::vector<Tensor> meshgrid(TensorList tensors) { return native::meshgrid_indexing(tensors, "ij"); }

}  // namespace ember::native
