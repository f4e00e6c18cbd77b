// Helpers of the JIT tests: every graph a test makes goes through `checked` (lint + text round trip).
#pragma once
#include <catch2/catch.hpp>

#include <ember/jit.h>

namespace jit_test {

/// Lints g and round-trips its text form (throws with the texts on a failure); returns g.
inline std::shared_ptr<ember::jit::Graph> checked(std::shared_ptr<ember::jit::Graph> g) {
  ember::jit::lint(*g);
  ember::jit::check_round_trip(*g);
  return g;
}

/// The number of nodes of a kind in the top-level block and nested blocks.
inline size_t count_kind(const ember::jit::Block& b, const std::string& kind) {
  size_t n = 0;
  for (ember::jit::Node* node : b.nodes()) {
    if (node->kindName() == kind) ++n;
    for (const auto& inner : node->blocks()) n += count_kind(*inner, kind);
  }
  return n;
}
inline size_t count_kind(const ember::jit::Graph& g, const std::string& kind) { return count_kind(*g.block(), kind); }

}  // namespace jit_test
