#include "ember/core/generator.h"

#include <random>

namespace ember {

Generator& default_generator() {
  static Generator g;
  return g;
}

void manual_seed(uint64_t s) { default_generator().set_current_seed(s); }

uint64_t seed() {
  std::random_device rd;
  uint64_t s = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  default_generator().set_current_seed(s);
  return s;
}

uint64_t initial_seed() { return default_generator().current_seed(); }

}  // namespace ember
