// Dead code elimination, constant pooling, constant propagation, CSE (include/ember/jit/passes.h).
#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "ember/dispatch/library.h"
#include "ember/gen/functions.h"
#include "ember/jit/passes.h"

namespace ember::jit {

bool is_pure(const Node& n) {
  switch (n.kind()) {
    case NodeKind::Op: {
      const auto& s = dispatch::schema_of(*n.op());
      return !s.is_mutable() && !dispatch::is_nondeterministic(*n.op());
    }
    case NodeKind::Constant:
    case NodeKind::TupleConstruct:
    case NodeKind::TupleUnpack:
    case NodeKind::TupleIndex:
    case NodeKind::ListConstruct:
    case NodeKind::ListUnpack:
    case NodeKind::DictConstruct:
    case NodeKind::DictIndex:
    case NodeKind::GetAttr:
      return true;
    default:  // If / Loop (decided by their blocks), SetAttr, calls, PythonOp
      return false;
  }
}

namespace {

bool has_effects(const Node& n) {
  if (n.kind() == NodeKind::If || n.kind() == NodeKind::Loop) {
    for (const auto& b : n.blocks())
      for (Node* inner : b->nodes())
        if (has_effects(*inner)) return true;
    return false;
  }
  return !is_pure(n);
}

bool unused(const Node& n) {
  for (size_t i = 0; i < n.numOutputs(); ++i)
    if (n.output(i)->hasUses()) return false;
  return true;
}

size_t dce_block(Block& b) {
  size_t removed = 0;
  auto nodes = b.nodes();
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
    Node* n = *it;
    for (const auto& inner : n->blocks()) removed += dce_block(*inner);
    if (unused(*n) && !has_effects(*n)) {
      n->destroy();
      ++removed;
    }
  }
  return removed;
}

bool same_constant(const Node& a, const Node& b) {
  if (*a.output()->type() != *b.output()->type()) return false;
  bool ha = a.hasAttribute("value"), hb = b.hasAttribute("value");
  if (ha != hb) return false;
  if (!ha) return true;
  const IValue &x = a.attr("value"), &y = b.attr("value");
  if (x.isTensor() || y.isTensor()) return x.isTensor() && y.isTensor() && x.is(y);
  if (x.isDouble() && y.isDouble()) {  // 0.0 and -0.0 differ; nan equals nan (same bits)
    double p = x.toDouble(), q = y.toDouble();
    return std::memcmp(&p, &q, sizeof p) == 0;
  }
  if (x.isGenericDict() || y.isGenericDict() || x.isList() || y.isList()) return false;  // mutable containers
  return x == y;
}

void collect_constants(Block& b, std::vector<Node*>& out) {
  for (Node* n : b.nodes()) {
    if (n->kind() == NodeKind::Constant) out.push_back(n);
    for (const auto& inner : n->blocks()) collect_constants(*inner, out);
  }
}

}  // namespace

size_t eliminate_dead_code(Graph& g) { return dce_block(*g.block()); }

size_t constant_pooling(Graph& g) {
  std::vector<Node*> constants;
  collect_constants(*g.block(), constants);
  std::vector<Node*> kept;
  size_t removed = 0;
  Node* anchor = g.block()->paramNode();
  for (Node* n : constants) {
    Node* same = nullptr;
    for (Node* k : kept)
      if (same_constant(*k, *n)) { same = k; break; }
    if (same) {
      n->output()->replaceAllUsesWith(same->output());
      n->destroy();
      ++removed;
      continue;
    }
    n->moveAfter(anchor);  // constants go to the top, in first-seen order
    anchor = n;
    kept.push_back(n);
  }
  return removed;
}

namespace {

bool all_constant_inputs(const Node& n) {
  for (Value* v : n.inputs())
    if (v->node()->kind() != NodeKind::Constant) return false;
  return true;
}
IValue constant_value(const Value* v) {
  const Node* c = v->node();
  return c->hasAttribute("value") ? c->attr("value") : IValue();
}
bool printable_constant(const IValue& v) {
  if (v.isTuple()) {
    for (const IValue& e : v.toTupleRef().elements())
      if (!printable_constant(e)) return false;
    return true;
  }
  return !(v.isGenericDict() || v.isObject() || v.isGenerator() || v.isList());
}

// Replaces node n's outputs by constants holding values; destroys n.
void replace_by_constants(Graph& g, Node* n, const std::vector<IValue>& values) {
  g.setInsertPoint(n);
  for (size_t i = 0; i < n->numOutputs(); ++i) {
    Node* c = g.insertNode(g.createConstant(values[i]));
    if (value_has_type(values[i], *n->output(i)->type())) c->output()->setType(n->output(i)->type());
    n->output(i)->replaceAllUsesWith(c->output());
  }
  g.setInsertPoint(g.block());
  n->destroy();
}

size_t fold_block(Graph& g, Block& b) {
  size_t folded = 0;
  for (Node* n : b.nodes()) {
    if (n->kind() == NodeKind::If && n->input(0)->node()->kind() == NodeKind::Constant) {
      // Take the branch: move its nodes before the If, map outputs, drop the If.
      bool cond = constant_value(n->input(0)).toBool();
      Block* taken = n->block(cond ? 0 : 1);
      for (Node* inner : taken->nodes()) inner->moveBefore(n);
      for (size_t i = 0; i < n->numOutputs(); ++i) n->output(i)->replaceAllUsesWith(taken->outputs()[i]);
      n->destroy();
      ++folded;
      continue;
    }
    for (const auto& inner : n->blocks()) folded += fold_block(g, *inner);
    if (!all_constant_inputs(*n)) continue;
    std::vector<IValue> ins;
    for (Value* v : n->inputs()) ins.push_back(constant_value(v));
    std::vector<IValue> outs;
    switch (n->kind()) {
      case NodeKind::Op: {
        if (!is_pure(*n) || dispatch::schema_of(*n->op()).is_view()) continue;
        Stack stack = ins;
        try {
          call_boxed(*n->op(), stack);
        } catch (const std::exception&) {
          continue;  // the error belongs to run time
        }
        outs = std::move(stack);
        break;
      }
      case NodeKind::TupleConstruct:
        outs.push_back(ivalue::Tuple::create(ins));
        break;
      case NodeKind::TupleIndex:
        outs.push_back(ins[0].toTupleRef()[static_cast<size_t>(n->attr("index").toInt())]);
        break;
      case NodeKind::ListConstruct: {
        const Type& t = *n->output()->type();
        TypeKind e = t.kind() == TypeKind::List ? t.contained()[0]->kind() : TypeKind::Any;
        if (e == TypeKind::Int) {
          std::vector<int64_t> l;
          for (const IValue& x : ins) l.push_back(x.toInt());
          outs.push_back(l);
        } else if (e == TypeKind::Float) {
          std::vector<double> l;
          for (const IValue& x : ins) l.push_back(x.toDouble());
          outs.push_back(l);
        } else {
          continue;  // tensor and generic lists stay nodes (a constant list would be shared and mutable)
        }
        break;
      }
      default:
        continue;
    }
    if (outs.size() != n->numOutputs()) continue;
    bool ok = true;
    for (const IValue& v : outs) ok &= printable_constant(v) && !(v.isTensor() && v.toTensor().requires_grad());
    if (!ok) continue;
    replace_by_constants(g, n, outs);
    ++folded;
  }
  return folded;
}

}  // namespace

size_t constant_propagation(Graph& g) {
  size_t total = 0;
  for (;;) {
    size_t k = fold_block(g, *g.block());
    total += k;
    if (!k) break;
  }
  eliminate_dead_code(g);
  constant_pooling(g);
  return total;
}

namespace {

// Values written by a mutating op, closed over view relations (a view and its base alias).
std::unordered_set<const Value*> written_values(const Graph& g) {
  std::unordered_set<const Value*> w;
  std::vector<std::pair<const Value*, const Value*>> views;  // (base, view)
  std::vector<const Block*> todo{g.block()};
  while (!todo.empty()) {
    const Block* b = todo.back();
    todo.pop_back();
    for (Node* n : b->nodes()) {
      for (const auto& inner : n->blocks()) todo.push_back(inner.get());
      if (n->kind() != NodeKind::Op) {
        if (!is_pure(*n)) for (Value* v : n->inputs()) w.insert(v);  // calls may write anything they get
        continue;
      }
      const auto& s = dispatch::schema_of(*n->op());
      for (size_t i = 0; i < s.arguments.size() && i < n->inputs().size(); ++i) {
        const auto& a = s.arguments[i].alias;
        if (!a) continue;
        if (a->is_write) {
          w.insert(n->input(i));
          for (Value* o : n->outputs()) w.insert(o);
        } else {
          for (Value* o : n->outputs()) views.emplace_back(n->input(i), o);
        }
      }
    }
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (const auto& bv : views) {
      bool a = w.count(bv.first), b = w.count(bv.second);
      if (a != b) {
        w.insert(a ? bv.second : bv.first);
        changed = true;
      }
    }
  }
  return w;
}

bool same_node(const Node& a, const Node& b) {
  if (a.kind() != b.kind() || a.op() != b.op() || a.inputs() != b.inputs() || a.numOutputs() != b.numOutputs() ||
      a.attributes().size() != b.attributes().size())
    return false;
  for (size_t i = 0; i < a.attributes().size(); ++i) {
    const auto &x = a.attributes()[i], &y = b.attributes()[i];
    if (x.first != y.first || x.second.isList() || x.second.isGenericDict() || !(x.second == y.second)) return false;
  }
  for (size_t i = 0; i < a.numOutputs(); ++i)
    if (*a.output(i)->type() != *b.output(i)->type()) return false;
  return true;
}

struct Cse {
  std::unordered_set<const Value*> written;
  std::vector<Node*> scope;  // candidate nodes visible here, in order
  size_t removed = 0;

  bool eligible(const Node& n) const {
    if (!n.blocks().empty() || n.numOutputs() == 0) return false;
    if (n.kind() != NodeKind::Op && n.kind() != NodeKind::TupleConstruct && n.kind() != NodeKind::TupleIndex &&
        n.kind() != NodeKind::TupleUnpack && n.kind() != NodeKind::GetAttr)
      return false;
    if (!is_pure(n)) return false;
    for (Value* v : n.inputs())
      if (written.count(v)) return false;
    for (Value* v : n.outputs())
      if (written.count(v)) return false;
    return true;
  }
  void block(Block& b) {
    size_t mark = scope.size();
    for (Node* n : b.nodes()) {
      if (eligible(*n)) {
        Node* same = nullptr;
        for (Node* k : scope)
          if (same_node(*k, *n)) { same = k; break; }
        if (same) {
          for (size_t i = 0; i < n->numOutputs(); ++i) n->output(i)->replaceAllUsesWith(same->output(i));
          n->destroy();
          ++removed;
          continue;
        }
        scope.push_back(n);
      }
      for (const auto& inner : n->blocks()) block(*inner);
    }
    scope.resize(mark);
  }
};

}  // namespace

size_t eliminate_common_subexpressions(Graph& g) {
  Cse c;
  c.written = written_values(g);
  c.block(*g.block());
  return c.removed;
}

}  // namespace ember::jit
