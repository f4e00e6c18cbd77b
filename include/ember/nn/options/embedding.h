// Options of Embedding, Embedding::from_pretrained and F::embedding (libtorch's names and defaults).
// max_norm is accepted, but forward throws NotImplementedError (ember has no embedding_renorm_ op).
#pragma once
#include <cstdint>
#include <optional>

#include "ember/arg.h"
#include "ember/core/tensor.h"

namespace ember::nn {

/// Embedding(num_embeddings, embedding_dim).padding_idx(nullopt).max_norm(nullopt).norm_type(2.)
/// .scale_grad_by_freq(false).sparse(false)._weight(Tensor()).
struct EmbeddingOptions {
  EmbeddingOptions(int64_t num_embeddings, int64_t embedding_dim)
      : num_embeddings_(num_embeddings), embedding_dim_(embedding_dim) {}
  EMBER_ARG(int64_t, num_embeddings);
  EMBER_ARG(int64_t, embedding_dim);
  EMBER_ARG(std::optional<int64_t>, padding_idx) = std::nullopt;
  EMBER_ARG(std::optional<double>, max_norm) = std::nullopt;
  EMBER_ARG(double, norm_type) = 2.;
  EMBER_ARG(bool, scale_grad_by_freq) = false;
  EMBER_ARG(bool, sparse) = false;
  EMBER_ARG(Tensor, _weight) = Tensor();
};

/// Embedding::from_pretrained(embeddings, EmbeddingFromPretrainedOptions().freeze(true)...).
struct EmbeddingFromPretrainedOptions {
  EMBER_ARG(bool, freeze) = true;
  EMBER_ARG(std::optional<int64_t>, padding_idx) = std::nullopt;
  EMBER_ARG(std::optional<double>, max_norm) = std::nullopt;
  EMBER_ARG(double, norm_type) = 2.;
  EMBER_ARG(bool, scale_grad_by_freq) = false;
  EMBER_ARG(bool, sparse) = false;
};

namespace functional {
/// F::embedding(indices, weight, EmbeddingFuncOptions().padding_idx(0)).
struct EmbeddingFuncOptions {
  EMBER_ARG(std::optional<int64_t>, padding_idx) = std::nullopt;
  EMBER_ARG(std::optional<double>, max_norm) = std::nullopt;
  EMBER_ARG(double, norm_type) = 2.;
  EMBER_ARG(bool, scale_grad_by_freq) = false;
  EMBER_ARG(bool, sparse) = false;
};
}  // namespace functional

}  // namespace ember::nn
