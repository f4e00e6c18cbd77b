// Embedding: Python's checks, N(0, 1) initialization (padding_idx row zeroed), from_pretrained and repr.
#include "ember/nn/modules/embedding.h"

#include <ostream>

#include "ember/core/grad_mode.h"
#include "ember/gen/functions.h"
#include "ember/nn/functional.h"
#include "ember/nn/init.h"
#include "nn/repr.h"

namespace ember::nn {
namespace F = functional;
using detail::py_bool;
using detail::py_float;

EmbeddingImpl::EmbeddingImpl(EmbeddingOptions options_) : Cloneable("Embedding"), options(std::move(options_)) {
  if (auto p = options.padding_idx()) {
    int64_t n = options.num_embeddings();
    EMBER_CHECK(*p < n && *p >= -n, "Padding_idx must be within num_embeddings");
    if (*p < 0) options.padding_idx(*p + n);
  }
  reset();
}

void EmbeddingImpl::reset() {
  if (options._weight().defined()) {
    const Tensor& w = options._weight();
    EMBER_CHECK(w.dim() == 2 && w.size(0) == options.num_embeddings() && w.size(1) == options.embedding_dim(),
                "Shape of weight does not match num_embeddings and embedding_dim");
    weight = register_parameter("weight", w);
  } else {
    weight = register_parameter("weight", empty({options.num_embeddings(), options.embedding_dim()}));
    reset_parameters();
  }
}

void EmbeddingImpl::reset_parameters() {
  init::normal_(weight);
  if (options.padding_idx()) {
    NoGradGuard no_grad;
    weight.select(0, *options.padding_idx()).fill_(0);
  }
}

void EmbeddingImpl::on_tensors_replaced() { weight = parameters_["weight"]; }

Tensor EmbeddingImpl::forward(const Tensor& indices) {
  return F::embedding(indices, weight, F::EmbeddingFuncOptions()
                                           .padding_idx(options.padding_idx())
                                           .max_norm(options.max_norm())
                                           .norm_type(options.norm_type())
                                           .scale_grad_by_freq(options.scale_grad_by_freq())
                                           .sparse(options.sparse()));
}

void EmbeddingImpl::pretty_print(std::ostream& s) const {
  s << "Embedding(" << options.num_embeddings() << ", " << options.embedding_dim();
  if (options.padding_idx()) s << ", padding_idx=" << *options.padding_idx();
  if (options.max_norm()) s << ", max_norm=" << py_float(*options.max_norm());
  if (options.norm_type() != 2) s << ", norm_type=" << py_float(options.norm_type());
  if (options.scale_grad_by_freq()) s << ", scale_grad_by_freq=True";
  if (options.sparse()) s << ", sparse=True";
  s << ")";
}

}  // namespace ember::nn
