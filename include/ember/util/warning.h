// Warnings: ember::warn(msg) hands a message to the current handler. The default prints it to stderr
// (as libtorch's TORCH_WARN); the Python bindings install one that raises a Python UserWarning.
#pragma once
#include <string>

#include "ember/util/export.h"

namespace ember {

/// Receives every warning; may throw (the Python handler does when warnings are errors).
using WarningHandler = void (*)(const std::string& msg);

/// Issues a warning through the current handler.
EMBER_API void warn(const std::string& msg);
/// Installs handler (nullptr: the default, printing to stderr); returns the previous one.
EMBER_API WarningHandler set_warning_handler(WarningHandler handler);

}  // namespace ember
