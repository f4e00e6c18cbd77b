// Python-like source of a graph (include/ember/jit/text.h, python_code): what ScriptModule.code shows.
#include <sstream>
#include <unordered_map>

#include "ember/jit/text.h"
#include "jit/cursor.h"

namespace ember::jit {

namespace {

std::string literal(const IValue& v) {
  if (v.isNone()) return "None";
  if (v.isBool()) return v.toBool() ? "True" : "False";
  if (v.isString()) return detail::quote(v.toStringRef());
  if (v.isScalarType()) return std::string("ember.") + dtype_name(v.toScalarType());
  if (v.isDevice()) return "ember.device(" + detail::quote(v.toDevice().str()) + ")";
  return v.repr();
}

struct CodePrinter {
  std::ostringstream os;
  std::unordered_map<const Value*, std::string> names;
  size_t next = 0, tensor_constants = 0;

  std::string fresh(const Value* v) {
    std::string n = v->hasDebugName() ? v->debugName() : "_" + std::to_string(next++);
    for (char& c : n)
      if (c == '.') c = '_';
    return names[v] = n;
  }
  std::string use(const Value* v) {
    auto it = names.find(v);
    return it == names.end() ? "<undefined>" : it->second;
  }
  std::string uses(const std::vector<Value*>& vs) {
    std::string s;
    for (size_t i = 0; i < vs.size(); ++i) s += (i ? ", " : "") + use(vs[i]);
    return s;
  }
  std::string defs(const Node& n) {
    std::string s;
    for (size_t i = 0; i < n.numOutputs(); ++i) s += (i ? ", " : "") + fresh(n.output(i));
    return s;
  }
  void line(int indent, const std::string& text) { os << std::string(indent * 4, ' ') << text << "\n"; }

  void block(const Block& b, int indent) {
    bool empty = true;
    for (Node* n : b.nodes()) {
      node(*n, indent);
      empty = false;
    }
    if (empty && b.outputs().empty()) line(indent, "pass");
  }
  void assign(int indent, const std::vector<Value*>& to, const std::vector<Value*>& from) {
    if (to.empty()) return;
    line(indent, uses(to) + " = " + uses(from));
  }
  void node(const Node& n, int indent) {
    const auto& in = n.inputs();
    switch (n.kind()) {
      case NodeKind::Constant: {
        IValue v = n.hasAttribute("value") ? n.attr("value") : IValue();
        std::string lit = v.isTensor() ? "CONSTANTS.c" + std::to_string(tensor_constants++) : literal(v);
        names[n.output()] = lit;  // inlined at each use
        return;
      }
      case NodeKind::Op:
        line(indent, (n.numOutputs() ? defs(n) + " = " : "") + "ember.ops." + n.op()->qualified.substr(0, n.op()->qualified.find("::")) +
                         "." + n.op()->name + "." + n.op()->overload + "(" + uses(in) + ")");
        return;
      case NodeKind::GetAttr: line(indent, defs(n) + " = " + use(in[0]) + "." + n.s("name")); return;
      case NodeKind::SetAttr: line(indent, use(in[0]) + "." + n.s("name") + " = " + use(in[1])); return;
      case NodeKind::TupleConstruct: line(indent, defs(n) + " = (" + uses(in) + (in.size() == 1 ? ",)" : ")")); return;
      case NodeKind::TupleUnpack:
      case NodeKind::ListUnpack: line(indent, defs(n) + (n.numOutputs() == 1 ? ", = " : " = ") + use(in[0])); return;
      case NodeKind::TupleIndex: line(indent, defs(n) + " = " + use(in[0]) + "[" + std::to_string(n.attr("index").toInt()) + "]"); return;
      case NodeKind::ListConstruct: line(indent, defs(n) + " = [" + uses(in) + "]"); return;
      case NodeKind::DictConstruct: {
        std::string s;
        for (size_t i = 0; i + 1 < in.size(); i += 2) s += (i ? ", " : "") + use(in[i]) + ": " + use(in[i + 1]);
        line(indent, defs(n) + " = {" + s + "}");
        return;
      }
      case NodeKind::DictIndex: line(indent, defs(n) + " = " + use(in[0]) + "[" + literal(n.attr("key")) + "]"); return;
      case NodeKind::CallMethod:
        line(indent, (n.numOutputs() ? defs(n) + " = " : "") + use(in[0]) + "." + n.s("name") + "(" +
                         uses(std::vector<Value*>(in.begin() + 1, in.end())) + ")");
        return;
      case NodeKind::CallFunction: line(indent, (n.numOutputs() ? defs(n) + " = " : "") + n.s("name") + "(" + uses(in) + ")"); return;
      case NodeKind::PythonOp: line(indent, (n.numOutputs() ? defs(n) + " = " : "") + "<python>(" + uses(in) + ")"); return;
      case NodeKind::If: {
        std::vector<Value*> outs = n.outputs();
        for (Value* o : outs) fresh(o);
        line(indent, "if " + use(in[0]) + ":");
        block(*n.block(0), indent + 1);
        assign(indent + 1, outs, n.block(0)->outputs());
        if (n.block(0)->empty() && outs.empty()) line(indent + 1, "pass");
        line(indent, "else:");
        block(*n.block(1), indent + 1);
        assign(indent + 1, outs, n.block(1)->outputs());
        if (n.block(1)->empty() && outs.empty()) line(indent + 1, "pass");
        return;
      }
      case NodeKind::Loop: {
        const Block& body = *n.block(0);
        auto params = body.inputs();
        std::string cond = "_cond" + std::to_string(next++);
        std::vector<Value*> carried(params.begin() + 1, params.end());
        for (Value* p : params) fresh(p);
        line(indent, cond + " = " + use(in[1]));
        if (!carried.empty()) assign(indent, carried, std::vector<Value*>(in.begin() + 2, in.end()));
        line(indent, "for " + use(params[0]) + " in range(" + use(in[0]) + "):");
        line(indent + 1, "if not " + cond + ":");
        line(indent + 2, "break");
        block(body, indent + 1);
        std::string lhs = cond;
        for (Value* c : carried) lhs += ", " + use(c);
        line(indent + 1, lhs + " = " + uses(body.outputs()));
        for (size_t i = 0; i < n.numOutputs(); ++i) line(indent, fresh(n.output(i)) + " = " + use(carried[i]));
        return;
      }
      case NodeKind::Param:
      case NodeKind::Return: return;
    }
  }
};

}  // namespace

std::string python_code(const Graph& g, const std::string& name) {
  CodePrinter p;
  std::string params;
  for (Value* in : g.inputs()) {
    std::string n = p.fresh(in);
    params += (params.empty() ? "" : ", ") + n + (in->type()->kind() == TypeKind::Class ? "" : ": " + in->type()->str());
  }
  p.os << "def " << name << "(" << params << "):\n";
  p.block(*g.block(), 1);
  p.line(1, "return " + (g.outputs().empty() ? std::string("None") : p.uses(g.outputs())));
  return p.os.str();
}

}  // namespace ember::jit
