#include "ember/util/warning.h"

#include <atomic>
#include <iostream>

namespace ember {

namespace {
void print_warning(const std::string& msg) { std::cerr << "Warning: " << msg << "\n"; }
std::atomic<WarningHandler> g_handler{&print_warning};
}  // namespace

void warn(const std::string& msg) { g_handler.load()(msg); }

WarningHandler set_warning_handler(WarningHandler handler) {
  return g_handler.exchange(handler ? handler : &print_warning);
}

}  // namespace ember
