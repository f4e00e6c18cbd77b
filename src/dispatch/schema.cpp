// The schema parser (include/ember/dispatch/schema.h): a small recursive-descent parser over the text.
#include "ember/dispatch/schema.h"

#include <cctype>

namespace ember::dispatch {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  FunctionSchema schema() {
    FunctionSchema f;
    std::string qual = ident_path();
    size_t colons = qual.find("::");
    if (colons != std::string::npos) {
      f.ns = qual.substr(0, colons);
      qual = qual.substr(colons + 2);
    }
    if (f.ns.empty() && colons != std::string::npos) fail("an empty namespace");
    f.name = qual;
    if (f.name.empty()) fail("an op name");
    if (eat('.')) {
      f.overload = ident();
      if (f.overload.empty()) fail("an overload name after '.'");
    }
    expect('(');
    bool kw = false;
    if (!peek(')')) {
      do {
        skip_ws();
        if (eat('*')) {
          if (kw) fail("one '*' at most");
          kw = true;
          continue;
        }
        Argument a = argument(true);
        a.kwarg_only = kw;
        for (const Argument& o : f.arguments)
          if (o.name == a.name) fail("distinct argument names ('" + a.name + "' twice)");
        f.arguments.push_back(std::move(a));
      } while (eat(','));
    }
    expect(')');
    skip_ws();
    if (!(eat('-') && eat('>'))) fail("'->'");
    skip_ws();
    if (eat('(')) {
      f.returns_tuple = true;
      if (!peek(')')) {
        do f.returns.push_back(argument(false));
        while (eat(','));
      }
      expect(')');
    } else {
      f.returns.push_back(argument(false));
    }
    skip_ws();
    if (pos_ != s_.size()) fail("the end of the schema");
    return f;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(detail::str("malformed op schema '", std::string(s_), "': expected ", what, " at position ", pos_));
  }
  void skip_ws() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool peek(char c) {
    skip_ws();
    return pos_ < s_.size() && s_[pos_] == c;
  }
  bool eat(char c) {
    if (!peek(c)) return false;
    ++pos_;
    return true;
  }
  void expect(char c) {
    if (!eat(c)) fail(std::string("'") + c + "'");
  }
  static bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
  std::string ident() {
    skip_ws();
    size_t b = pos_;
    while (pos_ < s_.size() && ident_char(s_[pos_])) ++pos_;
    return std::string(s_.substr(b, pos_ - b));
  }
  std::string ident_path() {  // name or ns::name
    std::string a = ident();
    if (pos_ + 1 < s_.size() && s_[pos_] == ':' && s_[pos_ + 1] == ':') {
      pos_ += 2;
      return a + "::" + ident();
    }
    return a;
  }
  // A default value: text up to the next top-level ',' or ')'.
  std::string default_text() {
    skip_ws();
    size_t b = pos_;
    int depth = 0;
    char quote = 0;
    for (; pos_ < s_.size(); ++pos_) {
      char c = s_[pos_];
      if (quote) {
        if (c == quote) quote = 0;
        continue;
      }
      if (c == '\'' || c == '"') quote = c;
      else if (c == '[' || c == '(') ++depth;
      else if ((c == ']' || c == ')') && depth > 0) --depth;
      else if ((c == ',' || c == ')') && depth == 0) break;
    }
    if (quote) fail("a closing quote");
    std::string t(s_.substr(b, pos_ - b));
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
    if (t.empty()) fail("a default value after '='");
    return t;
  }
  Argument argument(bool is_input) {
    Argument a;
    a.base = ident();
    if (a.base.empty()) fail("a type");
    if (peek('(')) {  // alias annotation
      ++pos_;
      AliasInfo info;
      skip_ws();
      size_t b = pos_;
      while (pos_ < s_.size() && (ident_char(s_[pos_]) || s_[pos_] == '|' || s_[pos_] == '*')) ++pos_;
      info.set = std::string(s_.substr(b, pos_ - b));
      if (info.set.empty()) fail("an alias set name");
      info.is_write = eat('!');
      expect(')');
      a.alias = info;
    }
    if (peek('[')) {
      ++pos_;
      skip_ws();
      a.is_list = true;
      size_t b = pos_;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      if (pos_ > b) a.list_size = std::stoi(std::string(s_.substr(b, pos_ - b)));
      expect(']');
    }
    if (pos_ < s_.size() && s_[pos_] == '?') {
      ++pos_;
      a.optional = true;
    }
    skip_ws();
    if (pos_ < s_.size() && ident_char(s_[pos_])) a.name = ident();
    if (is_input && a.name.empty()) fail("an argument name");
    if (eat('=')) {
      if (!is_input) fail("no default on a return");
      a.default_value = default_text();
    }
    return a;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

std::string Argument::type() const { return base + (is_list ? "[]" : "") + (optional ? "?" : ""); }

std::string Argument::type_text() const {
  std::string t = base;
  if (alias) t += "(" + alias->set + (alias->is_write ? "!" : "") + ")";
  if (is_list) t += "[" + (list_size ? std::to_string(list_size) : std::string()) + "]";
  if (optional) t += "?";
  return t;
}

bool Argument::operator==(const Argument& o) const {
  return name == o.name && base == o.base && is_list == o.is_list && list_size == o.list_size &&
         optional == o.optional && alias == o.alias && default_value == o.default_value && kwarg_only == o.kwarg_only;
}

std::string FunctionSchema::qualified_name() const {
  return (ns.empty() ? std::string("aten") : ns) + "::" + name + "." + (overload.empty() ? "default" : overload);
}

std::string FunctionSchema::str() const {
  std::string s = ns.empty() ? "" : ns + "::";
  s += name;
  if (!overload.empty()) s += "." + overload;
  s += "(";
  bool kw = false;
  for (size_t i = 0; i < arguments.size(); ++i) {
    const Argument& a = arguments[i];
    if (i) s += ", ";
    if (a.kwarg_only && !kw) {
      s += "*, ";
      kw = true;
    }
    s += a.type_text() + " " + a.name;
    if (a.default_value) s += "=" + *a.default_value;
  }
  s += ") -> ";
  auto ret = [](const Argument& r) { return r.type_text() + (r.name.empty() ? "" : " " + r.name); };
  if (returns_tuple || returns.size() != 1) {
    s += "(";
    for (size_t i = 0; i < returns.size(); ++i) s += (i ? ", " : "") + ret(returns[i]);
    s += ")";
  } else {
    s += ret(returns[0]);
  }
  return s;
}

bool FunctionSchema::is_mutable() const {
  for (const Argument& a : arguments)
    if (a.alias && a.alias->is_write) return true;
  return false;
}

bool FunctionSchema::is_view() const {
  for (const Argument& r : returns)
    if (r.alias && !r.alias->is_write) return true;
  return false;
}

bool FunctionSchema::is_inplace() const {
  return !arguments.empty() && arguments[0].alias && arguments[0].alias->is_write && !arguments[0].kwarg_only &&
         !name.empty() && name.back() == '_';
}

bool FunctionSchema::operator==(const FunctionSchema& o) const {
  return ns == o.ns && name == o.name && overload == o.overload && arguments == o.arguments && returns == o.returns &&
         returns_tuple == o.returns_tuple;
}

FunctionSchema parse_schema(std::string_view text) { return Parser(text).schema(); }

}  // namespace ember::dispatch
