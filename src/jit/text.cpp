// The graph's text form (include/ember/jit/text.h): printer, parser, structural equality, round trip.
// Grammar: docs/jit_format.md.
#include "ember/jit/text.h"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <unordered_map>

#include "ember/gen/functions.h"
#include "jit/cursor.h"

namespace ember::jit {

namespace {

std::string double_text(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[40];
  for (int prec = 15; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  std::string s = buf;
  if (s.find_first_of(".en") == std::string::npos) s += ".";
  return s;
}

void print_ivalue(std::ostream& os, const IValue& v, ConstantTable* table) {
  if (v.isNone()) { os << "None"; return; }
  if (v.isBool()) { os << (v.toBool() ? "True" : "False"); return; }
  if (v.isInt()) { os << v.toInt(); return; }
  if (v.isDouble()) { os << double_text(v.toDouble()); return; }
  if (v.isString()) { os << detail::quote(v.toStringRef()); return; }
  if (v.isScalarType()) { os << "ember." << dtype_name(v.toScalarType()); return; }
  if (v.isDevice()) { os << "device(" << detail::quote(v.toDevice().str()) << ")"; return; }
  if (v.isTensor()) {
    const Tensor& t = v.toTensor();
    if (table) {
      os << "tensor(" << table->size() << ")";
      table->push_back(t);
    } else {
      os << "tensor(<" << type_of(v)->str() << ">)";
    }
    return;
  }
  auto seq = [&](const auto& items, const char* open, const char* close) {
    os << open;
    size_t i = 0;
    for (const auto& x : items) {
      if (i++) os << ", ";
      print_ivalue(os, IValue(x), table);
    }
    if (std::string(open) == "(" && i == 1) os << ",";
    os << close;
  };
  if (v.isIntList()) return seq(v.toIntVector(), "[", "]");
  if (v.isDoubleList()) return seq(v.toDoubleVector(), "[", "]");
  if (v.isTensorList()) return seq(v.toTensorVector(), "[", "]");
  if (v.isList()) return seq(v.toListRef(), "[", "]");
  if (v.isTuple()) return seq(v.toTupleRef().elements(), "(", ")");
  throw Error(std::string("jit print: a constant of kind '") + v.tagName() + "' has no text form");
}

struct Printer {
  std::ostream& os;
  ConstantTable* table;
  std::unordered_map<const Value*, std::string> names;
  size_t next = 0;

  const std::string& name(const Value* v) {
    auto it = names.find(v);
    if (it != names.end()) return it->second;
    std::string n = v->hasDebugName() ? v->debugName() : std::to_string(next++);
    return names[v] = n;
  }
  void defs(const std::vector<Value*>& vs) {
    for (size_t i = 0; i < vs.size(); ++i) os << (i ? ", " : "") << "%" << name(vs[i]) << " : " << vs[i]->type()->str();
  }
  void uses(const std::vector<Value*>& vs) {
    os << "(";
    for (size_t i = 0; i < vs.size(); ++i) {
      auto it = names.find(vs[i]);
      os << (i ? ", " : "") << "%" << (it == names.end() ? "<undefined " + std::to_string(vs[i]->unique()) + ">" : it->second);
    }
    os << ")";
  }
  void block(const Block& b, int indent) {
    for (Node* n : b.nodes()) node(*n, indent);
  }
  void node(const Node& n, int indent) {
    os << std::string(indent, ' ');
    if (n.numOutputs()) {
      defs(n.outputs());
      os << " = ";
    }
    os << n.kindName();
    if (!n.attributes().empty()) {
      os << "[";
      size_t i = 0;
      for (const auto& a : n.attributes()) {
        os << (i++ ? ", " : "") << a.first << "=";
        print_ivalue(os, a.second, table);
      }
      os << "]";
    }
    uses(n.inputs());
    os << "\n";
    for (size_t k = 0; k < n.blocks().size(); ++k) {
      const Block& b = *n.block(k);
      os << std::string(indent + 2, ' ') << "block" << k << "(";
      defs(b.inputs());
      os << "):\n";
      block(b, indent + 4);
      os << std::string(indent + 4, ' ') << "-> ";
      uses(b.outputs());
      os << "\n";
    }
  }
};

// ---- parser -------------------------------------------------------------------------------------------

struct Parser {
  detail::Cursor c;
  const ConstantTable* table;
  std::shared_ptr<Graph> g = std::make_shared<Graph>();
  std::unordered_map<std::string, Value*> env;

  Parser(std::string_view text, const ConstantTable* t) : c(text, "parse_graph"), table(t) {}

  std::string value_name() {
    c.expect("%");
    return c.ident();
  }
  void define(const std::string& n, Value* v) {
    if (env.count(n)) c.fail("the value %" + n + " is defined twice");
    env[n] = v;
    v->setDebugName(n);
  }
  Value* use() {
    std::string n = value_name();
    auto it = env.find(n);
    if (it == env.end()) c.fail("the value %" + n + " is used before it is defined");
    return it->second;
  }
  std::vector<Value*> use_list() {
    std::vector<Value*> out;
    c.expect("(");
    if (!c.eat(")")) {
      do out.push_back(use()); while (c.eat(","));
      c.expect(")");
    }
    return out;
  }
  void params(Block* b) {
    c.expect("(");
    if (!c.eat(")")) {
      do {
        std::string n = value_name();
        c.expect(":");
        define(n, b->addInput(detail::parse_type_at(c)));
      } while (c.eat(","));
      c.expect(")");
    }
    c.expect(":");
  }

  IValue ivalue() {
    if (c.peek("\"")) return c.quoted();
    if (c.eat("[")) {
      std::vector<IValue> items;
      if (!c.eat("]")) {
        do items.push_back(ivalue()); while (c.eat(","));
        c.expect("]");
      }
      bool ints = true, doubles = true, tensors = true;
      for (const IValue& x : items) {
        ints &= x.isInt();
        doubles &= x.isDouble();
        tensors &= x.isTensor();
      }
      if (ints) {
        std::vector<int64_t> l;
        for (const IValue& x : items) l.push_back(x.toInt());
        return l;
      }
      if (doubles) {
        std::vector<double> l;
        for (const IValue& x : items) l.push_back(x.toDouble());
        return l;
      }
      if (tensors) {
        std::vector<Tensor> l;
        for (const IValue& x : items) l.push_back(x.toTensor());
        return l;
      }
      return GenericList(items);
    }
    if (c.eat("(")) {
      std::vector<IValue> items;
      while (!c.eat(")")) {
        items.push_back(ivalue());
        if (!c.peek(")")) c.expect(",");
      }
      return ivalue::Tuple::create(items);
    }
    char ch = c.peek_char();
    if (ch == '-' || ch == '+' || (ch >= '0' && ch <= '9')) return number(c.number());
    std::string word = c.ident();
    if (word == "None") return IValue();
    if (word == "True") return true;
    if (word == "False") return false;
    if (word == "inf" || word == "nan") return number(word);
    if (word.rfind("ember.", 0) == 0) {
      try { return dtype_from_name(word.substr(6)); } catch (const Error&) { c.fail("unknown dtype '" + word + "'"); }
    }
    if (word == "device") {
      c.expect("(");
      std::string d = c.quoted();
      c.expect(")");
      try { return Device(d); } catch (const Error&) { c.fail("unknown device '" + d + "'"); }
    }
    if (word == "tensor") {
      c.expect("(");
      if (c.peek("<")) c.fail("a tensor constant printed without a constant table does not parse back");
      std::string idx = c.number();
      c.expect(")");
      size_t k = std::stoull(idx);
      if (!table) c.fail("a tensor constant needs a constant table");
      if (k >= table->size()) c.fail("tensor constant " + idx + " is not in the table of " + std::to_string(table->size()));
      return (*table)[k];
    }
    c.fail("unexpected '" + word + "' in an attribute");
  }
  IValue number(const std::string& t) {
    bool is_float = t.find_first_of(".eEn") != std::string::npos || t.find("inf") != std::string::npos;
    try {
      if (is_float) {
        if (t == "nan" || t == "-nan" || t == "+nan") return std::nan("");
        return std::stod(t);
      }
      size_t pos = 0;
      int64_t v = std::stoll(t, &pos);
      if (pos != t.size()) c.fail("malformed number '" + t + "'");
      return v;
    } catch (const std::logic_error&) {
      c.fail("malformed number '" + t + "'");
    }
  }
  // A constant's value as its declared type (an empty list is List[int] as parsed).
  IValue coerce(IValue v, const Type& t) {
    if (t.kind() != TypeKind::List) return v;
    TypeKind e = t.contained()[0]->kind();
    if (v.isIntList() && v.toIntVector().empty()) {
      if (e == TypeKind::Float) return std::vector<double>{};
      if (e == TypeKind::Tensor) return std::vector<Tensor>{};
      if (e != TypeKind::Int) return GenericList();
    }
    if (v.isIntList() && e == TypeKind::Float) {
      std::vector<double> d;
      for (int64_t x : v.toIntVector()) d.push_back(static_cast<double>(x));
      return d;
    }
    return v;
  }

  // Parses statements up to "return" / "->"; returns after the arrow or the keyword.
  void statements(Block* b) {
    for (;;) {
      if (c.eat("return") || c.eat("->")) {
        for (Value* v : use_list()) b->registerOutput(v);
        return;
      }
      if (c.at_end()) c.fail("expected 'return'");
      statement(b);
    }
  }
  void statement(Block* b) {
    std::vector<std::pair<std::string, TypePtr>> outs;
    if (c.peek("%")) {
      do {
        std::string n = value_name();
        c.expect(":");
        outs.emplace_back(n, detail::parse_type_at(c));
      } while (c.eat(","));
      c.expect("=");
    }
    size_t kind_pos = c.i;
    std::string kind = c.ident();
    std::vector<std::pair<std::string, IValue>> attrs;
    if (c.eat("[")) {
      do {
        std::string k = c.ident();
        c.expect("=");
        attrs.emplace_back(k, ivalue());
      } while (c.eat(","));
      c.expect("]");
    }
    std::vector<Value*> ins = use_list();
    NodeKind nk = NodeKind::Op;
    Node* n;
    if (prim_kind_from_name(kind, nk)) {
      n = g->create(nk, ins, 0);
    } else {
      const OpInfo* op = find_op(kind);
      if (!op || op->qualified != kind) {
        c.i = kind_pos;
        if (kind.find("::") == std::string::npos || kind.find('.') == std::string::npos)
          c.fail("'" + kind + "' is not a qualified op name (ns::name.overload) or a prim node");
        throw ValueError("parse_graph: unknown op '" + kind +
                         "' (not in this build; a custom op's library may not be loaded)");
      }
      n = g->createOp(*op, ins);
      while (n->numOutputs()) n->eraseOutput(n->numOutputs() - 1);
    }
    for (auto& a : attrs) {
      if (n->hasAttribute(a.first)) c.fail("the attribute '" + a.first + "' is given twice");
      n->setAttr(a.first, nk == NodeKind::Constant && a.first == "value" && outs.size() == 1
                              ? coerce(a.second, *outs[0].second) : a.second);
    }
    b->appendNode(n);
    // blocks come before the outputs are visible (they cannot use the node's own outputs)
    size_t k = 0;
    while (c.peek("block")) {
      std::string label = c.ident();
      if (label != "block" + std::to_string(k)) c.fail("expected block" + std::to_string(k));
      Block* inner = n->addBlock();
      params(inner);
      statements(inner);
      ++k;
    }
    for (auto& o : outs) define(o.first, n->addOutput(o.second));
  }

  std::shared_ptr<Graph> run() {
    c.expect("graph");
    params(g->block());
    statements(g->block());
    if (!c.at_end()) c.fail("unexpected text after the graph's return");
    return g;
  }
};

bool attr_equal(const IValue& a, const IValue& b) {
  if (a.isTensor() && b.isTensor()) {
    const Tensor &x = a.toTensor(), &y = b.toTensor();
    return x.dtype() == y.dtype() && x.sizes() == y.sizes() && x.device() == y.device() && ember::equal(x, y);
  }
  if (a.isDouble() && b.isDouble() && std::isnan(a.toDouble())) return std::isnan(b.toDouble());
  return a == b;
}

struct Comparer {
  std::unordered_map<const Value*, const Value*> map;
  bool same_value(const Value* a, const Value* b) {
    auto it = map.find(a);
    return it != map.end() && it->second == b;
  }
  bool defs(const std::vector<Value*>& a, const std::vector<Value*>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (*a[i]->type() != *b[i]->type()) return false;
      map[a[i]] = b[i];
    }
    return true;
  }
  bool uses(const std::vector<Value*>& a, const std::vector<Value*>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!same_value(a[i], b[i])) return false;
    return true;
  }
  bool block(const Block& a, const Block& b) {
    if (!defs(a.inputs(), b.inputs())) return false;
    auto na = a.nodes(), nb = b.nodes();
    if (na.size() != nb.size()) return false;
    for (size_t i = 0; i < na.size(); ++i)
      if (!node(*na[i], *nb[i])) return false;
    return uses(a.outputs(), b.outputs());
  }
  bool node(const Node& a, const Node& b) {
    if (a.kind() != b.kind() || a.op() != b.op() || !uses(a.inputs(), b.inputs())) return false;
    if (a.attributes().size() != b.attributes().size() || a.blocks().size() != b.blocks().size()) return false;
    for (size_t i = 0; i < a.attributes().size(); ++i)
      if (a.attributes()[i].first != b.attributes()[i].first ||
          !attr_equal(a.attributes()[i].second, b.attributes()[i].second))
        return false;
    for (size_t i = 0; i < a.blocks().size(); ++i)
      if (!block(*a.block(i), *b.block(i))) return false;
    return defs(a.outputs(), b.outputs());
  }
};

}  // namespace

void print(std::ostream& os, const Graph& g, ConstantTable* table) {
  Printer p{os, table, {}, 0};
  os << "graph(";
  p.defs(g.inputs());
  os << "):\n";
  p.block(*g.block(), 2);
  os << "  return ";
  p.uses(g.outputs());
  os << "\n";
}

std::string to_text(const Graph& g, ConstantTable* table) {
  std::ostringstream os;
  print(os, g, table);
  return os.str();
}

std::shared_ptr<Graph> parse_graph(std::string_view text, const ConstantTable* table) {
  Parser p(text, table);
  return p.run();
}

bool graphs_equal(const Graph& a, const Graph& b) {
  Comparer c;
  return c.block(*a.block(), *b.block());
}

void check_round_trip(const Graph& g) {
  ConstantTable table;
  std::string text = to_text(g, &table);
  std::shared_ptr<Graph> back;
  try {
    back = parse_graph(text, &table);
  } catch (const Error& e) {
    throw Error(std::string("check_round_trip: the printed graph does not parse: ") + e.what() + "\n" + text);
  }
  ConstantTable table2;
  std::string again = to_text(*back, &table2);
  EMBER_CHECK(graphs_equal(g, *back), "check_round_trip: the parsed graph differs from the original:\n", text,
              "parsed back:\n", again);
  EMBER_CHECK(again == text, "check_round_trip: the parsed graph prints differently:\n", text, "parsed back:\n", again);
}

}  // namespace ember::jit
