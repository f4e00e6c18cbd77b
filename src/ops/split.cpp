// split / chunk / unbind (ember/split.h): vectors of narrow/select views; errors worded as PyTorch's.
#include "ember/split.h"

#include <algorithm>

#include "ember/gen/functions.h"

namespace ember {

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
  return split_with_sizes(self, sizes, d);
}

std::vector<Tensor> chunk(const Tensor& self, int64_t chunks, int64_t dim) {
  self.check_defined("chunk");
  EMBER_CHECK(self.dim() > 0, "chunk expects at least a 1-dimensional tensor");
  EMBER_CHECK(chunks > 0, "chunk expects `chunks` to be greater than 0, got: ", chunks);
  int64_t d = wrap_split_dim(self, dim), n = self.sizes()[d];
  int64_t size = (n + chunks - 1) / chunks;
  if (size == 0 && n == 0) return split_with_sizes(self, DimVector(static_cast<size_t>(chunks), 0), d);
  return split(self, size, d);
}

std::vector<Tensor> unbind(const Tensor& self, int64_t dim) {
  self.check_defined("unbind");
  EMBER_CHECK_INDEX(self.dim() > 0, "Dimension specified as 0 but tensor has no dimensions");
  int64_t d = wrap_split_dim(self, dim);
  std::vector<Tensor> out;
  for (int64_t i = 0; i < self.sizes()[d]; ++i) out.push_back(self.select(d, i));
  return out;
}

}  // namespace ember
