// A character cursor for the JIT's small text parsers (types, graphs): whitespace skipping, identifiers,
// numbers, quoted strings, and errors that name the line and column.
#pragma once
#include <cctype>
#include <string>
#include <memory>
#include <string_view>

#include "ember/util/error.h"

namespace ember::jit::detail {

struct Cursor {
  std::string_view s;
  size_t i = 0;
  const char* who;  // "parse_graph", "parse_type"

  Cursor(std::string_view text, const char* who_) : s(text), who(who_) {}

  [[noreturn]] void fail(const std::string& msg) const {
    size_t line = 1, col = 1, start = 0;
    for (size_t k = 0; k < i && k < s.size(); ++k) {
      if (s[k] == '\n') { ++line; col = 1; start = k + 1; } else { ++col; }
    }
    size_t end = s.find('\n', start);
    std::string text(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    throw Error(std::string(who) + ": " + msg + " at line " + std::to_string(line) + ", column " +
                std::to_string(col) + ": '" + text + "'");
  }
  void ws() {
    while (i < s.size()) {
      if (std::isspace(static_cast<unsigned char>(s[i]))) { ++i; continue; }
      if (s[i] == '#') { while (i < s.size() && s[i] != '\n') ++i; continue; }  // comments
      break;
    }
  }
  bool at_end() { ws(); return i >= s.size(); }
  bool peek(std::string_view t) { ws(); return s.substr(i, t.size()) == t; }
  char peek_char() { ws(); return i < s.size() ? s[i] : '\0'; }
  bool eat(std::string_view t) {
    if (!peek(t)) return false;
    i += t.size();
    return true;
  }
  void expect(std::string_view t) {
    if (!eat(t)) fail("expected '" + std::string(t) + "'");
  }
  static bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }
  /// An identifier: letters, digits, '_', '.' and '::' ("aten::add.Tensor", "x.1", "__main__.Net").
  std::string ident() {
    ws();
    size_t b = i;
    while (i < s.size()) {
      if (ident_char(s[i])) { ++i; continue; }
      if (s[i] == ':' && i + 1 < s.size() && s[i + 1] == ':' && i > b) { i += 2; continue; }
      break;
    }
    if (i == b) fail("expected a name");
    return std::string(s.substr(b, i - b));
  }
  /// A number token: returns its text ("-1", "2.5", "1e-05", "inf", "-nan").
  std::string number() {
    ws();
    size_t b = i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (s.substr(i, 3) == "inf" || s.substr(i, 3) == "nan") {
      i += 3;
      return std::string(s.substr(b, i - b));
    }
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '.' ||
                            ((s[i] == '-' || s[i] == '+') && (s[i - 1] == 'e' || s[i - 1] == 'E'))))
      ++i;
    if (i == b) fail("expected a number");
    return std::string(s.substr(b, i - b));
  }
  /// A double-quoted string with C escapes (\", \\, \n, \t, \xHH).
  std::string quoted() {
    ws();
    if (i >= s.size() || s[i] != '"') fail("expected a string");
    ++i;
    std::string out;
    while (i < s.size() && s[i] != '"') {
      char c = s[i++];
      if (c != '\\') { out += c; continue; }
      if (i >= s.size()) fail("unterminated string");
      char e = s[i++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case 'x': {
          if (i + 2 > s.size()) fail("bad \\x escape");
          out += static_cast<char>(std::stoi(std::string(s.substr(i, 2)), nullptr, 16));
          i += 2;
          break;
        }
        default: fail("unknown escape in a string");
      }
    }
    if (i >= s.size()) fail("unterminated string");
    ++i;
    return out;
  }
};

/// Writes s as a double-quoted string that Cursor::quoted reads back.
inline std::string quote(const std::string& s) {
  std::string out = "\"";
  static const char* hex = "0123456789abcdef";
  for (unsigned char c : s) {
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else if (c < 0x20 || c == 0x7f) { out += "\\x"; out += hex[c >> 4]; out += hex[c & 15]; }
    else out += static_cast<char>(c);
  }
  return out + "\"";
}

}  // namespace ember::jit::detail

namespace ember::jit {
class Type;
namespace detail {
/// Parses one type at the cursor (type.cpp).
std::shared_ptr<const Type> parse_type_at(Cursor& c);
}  // namespace detail
}  // namespace ember::jit
