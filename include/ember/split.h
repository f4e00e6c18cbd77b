// split / chunk / unbind from C++ (libtorch's names): vectors of views built on narrow/select, so
// autograd records each piece. Python has the same functions in python/ember/_tensor.py (tuples).
#pragma once
#include <vector>

#include "ember/core/tensor.h"

namespace ember {

/// Views of self along dim, split_size long each (the last may be shorter).
EMBER_API std::vector<Tensor> split(const Tensor& self, int64_t split_size, int64_t dim = 0);
/// Views of self along dim with the given sizes (they must sum to self.size(dim)).
EMBER_API std::vector<Tensor> split_with_sizes(const Tensor& self, IntArrayRef split_sizes, int64_t dim = 0);
/// At most chunks views of self of (nearly) equal size along dim.
EMBER_API std::vector<Tensor> chunk(const Tensor& self, int64_t chunks, int64_t dim = 0);
/// self.select(dim, i) for every i.
EMBER_API std::vector<Tensor> unbind(const Tensor& self, int64_t dim = 0);

}  // namespace ember
