// Error types and the EMBER_CHECK family. Every failure in ember throws one of these; the Python
// bindings map each class to one Python exception type (bindings/errors.cpp).
#pragma once
#include <exception>
#include <sstream>
#include <string>
#include <utility>

#include "ember/util/export.h"

namespace ember {

/// Base of every ember error; maps to Python RuntimeError.
class EMBER_API Error : public std::exception {
 public:
  explicit Error(std::string msg) : msg_(std::move(msg)) {}
  const char* what() const noexcept override { return msg_.c_str(); }
  const std::string& msg() const { return msg_; }

 private:
  std::string msg_;
};

/// Wrong argument type or dtype; maps to Python TypeError.
class EMBER_API TypeError : public Error { using Error::Error; };
/// Argument value out of its domain; maps to Python ValueError.
class EMBER_API ValueError : public Error { using Error::Error; };
/// Index or dimension out of range; maps to Python IndexError.
class EMBER_API IndexError : public Error { using Error::Error; };
/// A feature or kernel that does not exist yet; maps to Python NotImplementedError.
class EMBER_API NotImplementedError : public Error { using Error::Error; };

namespace detail {
inline void str_into(std::ostringstream&) {}
template <class T, class... Rest>
void str_into(std::ostringstream& os, const T& v, const Rest&... rest) {
  os << v;
  str_into(os, rest...);
}
/// Concatenates the printed form of every argument.
template <class... Args>
std::string str(const Args&... args) {
  std::ostringstream os;
  str_into(os, args...);
  return os.str();
}
}  // namespace detail
}  // namespace ember

#define EMBER_CHECK_AS(kind, cond, ...)                          \
  do {                                                           \
    if (__builtin_expect(!(cond), 0)) {                          \
      throw ::ember::kind(::ember::detail::str(__VA_ARGS__));    \
    }                                                            \
  } while (0)

/// Throws ember::Error (Python RuntimeError) with the concatenated message unless cond holds.
#define EMBER_CHECK(cond, ...) EMBER_CHECK_AS(Error, cond, __VA_ARGS__)
#define EMBER_CHECK_TYPE(cond, ...) EMBER_CHECK_AS(TypeError, cond, __VA_ARGS__)
#define EMBER_CHECK_VALUE(cond, ...) EMBER_CHECK_AS(ValueError, cond, __VA_ARGS__)
#define EMBER_CHECK_INDEX(cond, ...) EMBER_CHECK_AS(IndexError, cond, __VA_ARGS__)
