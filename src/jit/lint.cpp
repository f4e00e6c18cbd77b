// The graph linter (include/ember/jit/lint.h).
#include "ember/jit/lint.h"

#include <algorithm>
#include <sstream>
#include <unordered_set>

#include "ember/dispatch/library.h"

namespace ember::jit {

namespace {

struct Linter {
  std::vector<std::string> problems;
  std::unordered_set<const Value*> scope;  // values visible at the current point

  void bad(const Node& n, const std::string& msg) { problems.push_back(n.kindName() + ": " + msg); }

  static bool fits(const Type& have, const Type& want) {
    return have.kind() == TypeKind::Any || have.is_subtype_of(want);
  }
  void want_type(const Node& n, const Value* v, const Type& t, const std::string& what) {
    if (!fits(*v->type(), t)) bad(n, what + " has type " + v->type()->str() + " but " + t.str() + " is expected");
  }
  void count(const Node& n, size_t ins, size_t outs, size_t blocks) {
    if (ins != SIZE_MAX && n.inputs().size() != ins)
      bad(n, "takes " + std::to_string(ins) + " inputs, has " + std::to_string(n.inputs().size()));
    if (outs != SIZE_MAX && n.numOutputs() != outs)
      bad(n, "has " + std::to_string(outs) + " outputs, has " + std::to_string(n.numOutputs()));
    if (n.blocks().size() != blocks)
      bad(n, "has " + std::to_string(blocks) + " blocks, has " + std::to_string(n.blocks().size()));
  }
  void string_attr(const Node& n, const char* name) {
    if (!n.hasAttribute(name) || !n.attr(name).isString()) bad(n, std::string("needs a string attribute '") + name + "'");
  }

  void uses_consistent(const Node& n) {
    for (size_t i = 0; i < n.inputs().size(); ++i) {
      const auto& u = n.input(i)->uses();
      if (std::find(u.begin(), u.end(), Use{const_cast<Node*>(&n), i}) == u.end()) bad(n, "input " + std::to_string(i) + " misses its use");
    }
    for (size_t i = 0; i < n.numOutputs(); ++i) {
      const Value* o = n.output(i);
      if (o->node() != &n || o->offset() != i) bad(n, "output " + std::to_string(i) + " does not point back at its node");
      for (const Use& u : o->uses())
        if (u.offset >= u.user->inputs().size() || u.user->input(u.offset) != o)
          bad(n, "output " + std::to_string(i) + " lists a use that is not an input");
    }
  }

  void block(const Block& b, const Node* owner) {
    if (b.owningNode() != owner) problems.push_back("a block's owning node is wrong");
    if (b.paramNode()->owningBlock() != &b || b.returnNode()->owningBlock() != &b)
      problems.push_back("a block's param/return node does not point back at the block");
    uses_consistent(*b.paramNode());
    std::vector<Value*> ins = b.inputs();
    for (Value* v : ins) scope.insert(v);
    std::vector<const Value*> defined(ins.begin(), ins.end());
    for (Node* n = b.front(); n != b.returnNode(); n = n->next()) {
      if (!n || n->owningBlock() != &b) {
        problems.push_back("a node's owning block is wrong");
        break;
      }
      node(*n);
      for (Value* o : n->outputs()) {
        scope.insert(o);
        defined.push_back(o);
      }
    }
    const Node& r = *b.returnNode();
    uses_consistent(r);
    for (size_t i = 0; i < r.inputs().size(); ++i)
      if (!scope.count(r.input(i))) problems.push_back("a block output " + std::to_string(i) + " is not defined in scope");
    for (const Value* v : defined) scope.erase(v);  // leaving the block
  }

  void node(const Node& n) {
    for (size_t i = 0; i < n.inputs().size(); ++i)
      if (!scope.count(n.input(i)))
        bad(n, "input " + std::to_string(i) + " (%" + (n.input(i)->hasDebugName() ? n.input(i)->debugName() : std::to_string(n.input(i)->unique())) +
                   ") is used before it is defined or outside its block");
    uses_consistent(n);
    check_kind(n);
    for (const auto& b : n.blocks()) block(*b, &n);
  }

  void check_kind(const Node& n) {
    const auto& in = n.inputs();
    switch (n.kind()) {
      case NodeKind::Param:
      case NodeKind::Return:
        bad(n, "a param or return node inside a block's node list");
        break;
      case NodeKind::Constant:
        count(n, 0, 1, 0);
        if (n.numOutputs() == 1) {
          if (!n.hasAttribute("value")) {
            if (n.output()->type()->kind() != TypeKind::None) bad(n, "a constant without a value must be NoneType");
          } else if (!value_has_type(n.attr("value"), *n.output()->type())) {
            bad(n, "its value (" + std::string(n.attr("value").tagName()) + ") is not a " + n.output()->type()->str());
          }
        }
        break;
      case NodeKind::If:
        count(n, 1, SIZE_MAX, 2);
        if (in.size() == 1) want_type(n, in[0], *Type::bool_(), "the condition");
        for (const auto& b : n.blocks()) {
          if (!b->inputs().empty()) bad(n, "a branch takes no inputs");
          if (b->outputs().size() != n.numOutputs()) {
            bad(n, "a branch returns " + std::to_string(b->outputs().size()) + " values for " + std::to_string(n.numOutputs()) + " outputs");
            continue;
          }
          for (size_t i = 0; i < n.numOutputs(); ++i) want_type(n, b->outputs()[i], *n.output(i)->type(), "branch output " + std::to_string(i));
        }
        break;
      case NodeKind::Loop: {
        count(n, SIZE_MAX, SIZE_MAX, 1);
        if (in.size() < 2) { bad(n, "takes a trip count, a condition and the carried values"); break; }
        want_type(n, in[0], *Type::int_(), "the trip count");
        want_type(n, in[1], *Type::bool_(), "the condition");
        size_t carried = in.size() - 2;
        if (n.numOutputs() != carried) bad(n, "has one output per carried value");
        if (n.blocks().size() != 1) break;
        const Block& b = *n.block(0);
        if (b.inputs().size() != carried + 1 || b.outputs().size() != carried + 1) {
          bad(n, "its body takes (iteration, carried...) and returns (condition, carried...)");
          break;
        }
        want_type(n, b.inputs()[0], *Type::int_(), "the body's iteration number");
        want_type(n, b.outputs()[0], *Type::bool_(), "the body's condition");
        for (size_t i = 0; i < carried; ++i) {
          want_type(n, in[i + 2], *b.inputs()[i + 1]->type(), "carried input " + std::to_string(i));
          want_type(n, b.outputs()[i + 1], *b.inputs()[i + 1]->type(), "carried body output " + std::to_string(i));
          if (i < n.numOutputs()) want_type(n, b.outputs()[i + 1], *n.output(i)->type(), "carried output " + std::to_string(i));
        }
        break;
      }
      case NodeKind::TupleConstruct: {
        count(n, SIZE_MAX, 1, 0);
        if (n.numOutputs() != 1) break;
        const Type& t = *n.output()->type();
        if (t.kind() != TypeKind::Tuple || t.contained().size() != in.size()) { bad(n, "its output must be a Tuple of its inputs"); break; }
        for (size_t i = 0; i < in.size(); ++i) want_type(n, in[i], *t.contained()[i], "element " + std::to_string(i));
        break;
      }
      case NodeKind::TupleUnpack: {
        count(n, 1, SIZE_MAX, 0);
        if (in.size() != 1) break;
        const Type& t = *in[0]->type();
        if (t.kind() == TypeKind::Any) break;
        if (t.kind() != TypeKind::Tuple || t.contained().size() != n.numOutputs()) { bad(n, "unpacks a Tuple into one output per element"); break; }
        for (size_t i = 0; i < n.numOutputs(); ++i)
          if (!fits(*t.contained()[i], *n.output(i)->type())) bad(n, "output " + std::to_string(i) + " has the wrong type");
        break;
      }
      case NodeKind::TupleIndex: {
        count(n, 1, 1, 0);
        if (!n.hasAttribute("index") || !n.attr("index").isInt()) { bad(n, "needs an int attribute 'index'"); break; }
        if (in.size() != 1 || in[0]->type()->kind() == TypeKind::Any) break;
        const Type& t = *in[0]->type();
        int64_t k = n.attr("index").toInt();
        if (t.kind() != TypeKind::Tuple || k < 0 || k >= static_cast<int64_t>(t.contained().size())) bad(n, "index out of the tuple's range");
        break;
      }
      case NodeKind::ListConstruct: {
        count(n, SIZE_MAX, 1, 0);
        if (n.numOutputs() != 1) break;
        const Type& t = *n.output()->type();
        if (t.kind() != TypeKind::List) { bad(n, "its output must be a List"); break; }
        for (size_t i = 0; i < in.size(); ++i) want_type(n, in[i], *t.contained()[0], "element " + std::to_string(i));
        break;
      }
      case NodeKind::ListUnpack: {
        count(n, 1, SIZE_MAX, 0);
        if (in.size() == 1 && in[0]->type()->kind() != TypeKind::List && in[0]->type()->kind() != TypeKind::Any)
          bad(n, "unpacks a List");
        break;
      }
      case NodeKind::DictConstruct: {
        count(n, SIZE_MAX, 1, 0);
        if (in.size() % 2) bad(n, "takes key, value pairs");
        if (n.numOutputs() != 1) break;
        const Type& t = *n.output()->type();
        if (t.kind() != TypeKind::Dict) { bad(n, "its output must be a Dict"); break; }
        for (size_t i = 0; i + 1 < in.size(); i += 2) {
          want_type(n, in[i], *t.contained()[0], "key " + std::to_string(i / 2));
          want_type(n, in[i + 1], *t.contained()[1], "value " + std::to_string(i / 2));
        }
        break;
      }
      case NodeKind::DictIndex: {
        count(n, 1, 1, 0);
        if (!n.hasAttribute("key") || !(n.attr("key").isString() || n.attr("key").isInt())) bad(n, "needs a str or int attribute 'key'");
        if (in.size() == 1 && in[0]->type()->kind() != TypeKind::Dict && in[0]->type()->kind() != TypeKind::Any) bad(n, "indexes a Dict");
        break;
      }
      case NodeKind::GetAttr:
        count(n, 1, 1, 0);
        string_attr(n, "name");
        if (in.size() == 1 && in[0]->type()->kind() != TypeKind::Class && in[0]->type()->kind() != TypeKind::Any) bad(n, "reads an attribute of an object");
        break;
      case NodeKind::SetAttr:
        count(n, 2, 0, 0);
        string_attr(n, "name");
        break;
      case NodeKind::CallMethod:
        count(n, SIZE_MAX, SIZE_MAX, 0);
        string_attr(n, "name");
        if (in.empty() || (in[0]->type()->kind() != TypeKind::Class && in[0]->type()->kind() != TypeKind::Any))
          bad(n, "calls a method of its first input, an object");
        break;
      case NodeKind::CallFunction:
        count(n, SIZE_MAX, SIZE_MAX, 0);
        string_attr(n, "name");
        break;
      case NodeKind::PythonOp:
        count(n, SIZE_MAX, SIZE_MAX, 0);
        break;
      case NodeKind::Op:
        check_op(n);
        break;
    }
  }

  void check_op(const Node& n) {
    const OpInfo& op = *n.op();
    count(n, op.args.size(), SIZE_MAX, 0);
    const auto& s = dispatch::schema_of(op);
    if (n.numOutputs() != s.returns.size())
      bad(n, "its schema returns " + std::to_string(s.returns.size()) + " values, the node has " + std::to_string(n.numOutputs()) + " outputs");
    for (size_t i = 0; i < n.inputs().size() && i < op.args.size(); ++i) {
      const ArgInfo& a = op.args[i];
      const Type& have = *n.input(i)->type();
      TypePtr want = type_from_schema(a.type);
      bool ok = fits(have, *want);
      if (!ok && a.scalar_ok) ok = fits(have, *Type::scalar());  // a Python number for a Tensor
      if (!ok && a.size > 0 && want->kind() == TypeKind::List) ok = fits(have, *want->contained()[0]);  // int[2] given 3
      if (!ok && want->kind() == TypeKind::Optional && want->contained()[0]->kind() == TypeKind::List && a.size > 0)
        ok = fits(have, *want->contained()[0]->contained()[0]);
      if (!ok) bad(n, std::string("argument '") + a.name + "' has type " + have.str() + " but the schema wants " + a.type);
    }
    for (size_t i = 0; i < n.numOutputs() && i < s.returns.size(); ++i)
      if (!fits(*n.output(i)->type(), *type_from_schema(s.returns[i].type())))
        bad(n, "output " + std::to_string(i) + " has type " + n.output(i)->type()->str() + " but the schema returns " + s.returns[i].type());
  }
};

}  // namespace

std::vector<std::string> lint_problems(const Graph& g) {
  Linter l;
  l.block(*g.block(), nullptr);
  return l.problems;
}

void lint(const Graph& g) {
  auto p = lint_problems(g);
  if (p.empty()) return;
  std::ostringstream os;
  os << "jit lint: the graph is not well formed:\n";
  for (const auto& s : p) os << "  " << s << "\n";
  os << g.str();
  throw Error(os.str());
}

}  // namespace ember::jit
