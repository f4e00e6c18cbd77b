// Embedding (libtorch's class and Embedding::from_pretrained; Python's N(0, 1) initialization with the
// padding_idx row zeroed, and repr). max_norm makes forward throw NotImplementedError (no renorm op).
// EmbeddingBag is not provided: ember has no embedding_bag op.
#pragma once
#include "ember/core/tensor.h"
#include "ember/nn/cloneable.h"
#include "ember/nn/options/embedding.h"
#include "ember/nn/pimpl.h"

namespace ember::nn {

/// A lookup table: forward(indices) returns the rows of weight (num_embeddings, embedding_dim).
class EMBER_API EmbeddingImpl : public Cloneable<EmbeddingImpl> {
 public:
  EmbeddingImpl(int64_t num_embeddings, int64_t embedding_dim)
      : EmbeddingImpl(EmbeddingOptions(num_embeddings, embedding_dim)) {}
  explicit EmbeddingImpl(EmbeddingOptions options_);
  void reset() override;
  /// weight N(0, 1), the padding_idx row 0.
  void reset_parameters();
  Tensor forward(const Tensor& indices);
  /// "Embedding(10, 3, padding_idx=0)".
  void pretty_print(std::ostream& stream) const override;
  EmbeddingOptions options;
  Tensor weight;

 protected:
  void on_tensors_replaced() override;
};

/// A holder of EmbeddingImpl with libtorch's from_pretrained.
class Embedding : public ModuleHolder<EmbeddingImpl> {
 public:
  using ModuleHolder<EmbeddingImpl>::ModuleHolder;
  using ModuleHolder<EmbeddingImpl>::get;
  /// An Embedding whose weight is embeddings (2-D); freeze() (default true) keeps it from training.
  static Embedding from_pretrained(const Tensor& embeddings, const EmbeddingFromPretrainedOptions& options = {}) {
    EMBER_CHECK(embeddings.dim() == 2, "Embeddings parameter is expected to be 2-dimensional");
    Embedding embedding(EmbeddingOptions(embeddings.size(0), embeddings.size(1))
                            ._weight(embeddings)
                            .padding_idx(options.padding_idx())
                            .max_norm(options.max_norm())
                            .norm_type(options.norm_type())
                            .scale_grad_by_freq(options.scale_grad_by_freq())
                            .sparse(options.sparse()));
    embedding->weight.set_requires_grad(!options.freeze());
    return embedding;
  }
};

}  // namespace ember::nn
