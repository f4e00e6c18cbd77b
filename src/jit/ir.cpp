// The graph IR (include/ember/jit/ir.h): ownership, use lists, insertion, copying and inlining.
#include "ember/jit/ir.h"

#include <algorithm>
#include <sstream>

#include "ember/dispatch/library.h"
#include "ember/jit/text.h"

namespace ember::jit {

namespace {
struct KindName {
  NodeKind kind;
  const char* name;
};
constexpr KindName kKindNames[] = {
    {NodeKind::Param, "prim::Param"},
    {NodeKind::Return, "prim::Return"},
    {NodeKind::Constant, "prim::Constant"},
    {NodeKind::If, "prim::If"},
    {NodeKind::Loop, "prim::Loop"},
    {NodeKind::TupleConstruct, "prim::TupleConstruct"},
    {NodeKind::TupleUnpack, "prim::TupleUnpack"},
    {NodeKind::TupleIndex, "prim::TupleIndex"},
    {NodeKind::ListConstruct, "prim::ListConstruct"},
    {NodeKind::ListUnpack, "prim::ListUnpack"},
    {NodeKind::DictConstruct, "prim::DictConstruct"},
    {NodeKind::DictIndex, "prim::DictIndex"},
    {NodeKind::GetAttr, "prim::GetAttr"},
    {NodeKind::SetAttr, "prim::SetAttr"},
    {NodeKind::CallMethod, "prim::CallMethod"},
    {NodeKind::CallFunction, "prim::CallFunction"},
    {NodeKind::PythonOp, "prim::PythonOp"},
};
bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
}  // namespace

const char* prim_kind_name(NodeKind k) {
  for (const auto& kn : kKindNames)
    if (kn.kind == k) return kn.name;
  return "aten::?";
}

bool prim_kind_from_name(std::string_view name, NodeKind& out) {
  for (const auto& kn : kKindNames) {
    if (name == kn.name && kn.kind != NodeKind::Param && kn.kind != NodeKind::Return) {
      out = kn.kind;
      return true;
    }
  }
  return false;
}

// ---- Value ------------------------------------------------------------------------------------------

Value* Value::setType(TypePtr t) {
  type_ = std::move(t);
  return this;
}

Graph* Value::owningGraph() const { return node_->owningGraph(); }

Value* Value::setDebugName(const std::string& name) {
  Graph* g = owningGraph();
  if (!name_.empty()) {
    auto it = g->names_.find(name_);
    if (it != g->names_.end() && it->second == this) g->names_.erase(it);
    name_.clear();
  }
  if (name.empty() || all_digits(name)) return this;
  for (char ch : name)
    EMBER_CHECK_VALUE(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.',
                      "setDebugName: a value name holds letters, digits, '_' and '.', not '", name, "'");
  std::string candidate = name;
  if (g->names_.count(candidate)) {
    // "x" taken: "x.1", "x.2", ...; a name that already ends in ".N" continues from its base
    std::string base = name;
    size_t dot = name.rfind('.');
    if (dot != std::string::npos && all_digits(name.substr(dot + 1))) base = name.substr(0, dot);
    for (size_t k = 1;; ++k) {
      candidate = base + "." + std::to_string(k);
      if (!g->names_.count(candidate)) break;
    }
  }
  name_ = candidate;
  g->names_[name_] = this;
  return this;
}

void Value::replaceAllUsesWith(Value* v) {
  EMBER_CHECK(v != this, "replaceAllUsesWith: a value cannot replace itself");
  std::vector<Use> uses = uses_;
  for (const Use& u : uses) u.user->replaceInput(u.offset, v);
}

// ---- Node -------------------------------------------------------------------------------------------

std::string Node::kindName() const { return kind_ == NodeKind::Op ? op_->qualified : prim_kind_name(kind_); }

std::vector<Value*> Node::outputs() const {
  std::vector<Value*> out;
  out.reserve(outputs_.size());
  for (const auto& v : outputs_) out.push_back(v.get());
  return out;
}

Value* Node::addInput(Value* v) { return insertInput(inputs_.size(), v); }

Value* Node::insertInput(size_t i, Value* v) {
  EMBER_CHECK(v != nullptr, kindName(), ": a null input");
  EMBER_CHECK(v->owningGraph() == graph_, kindName(), ": an input from another graph");
  for (size_t k = i; k < inputs_.size(); ++k)
    for (Use& u : inputs_[k]->uses_)
      if (u.user == this && u.offset == k) { ++u.offset; break; }
  inputs_.insert(inputs_.begin() + static_cast<std::ptrdiff_t>(i), v);
  v->uses_.push_back({this, i});
  return v;
}

void Node::replaceInput(size_t i, Value* v) {
  Value* old = inputs_.at(i);
  auto& uses = old->uses_;
  uses.erase(std::find(uses.begin(), uses.end(), Use{this, i}));
  inputs_[i] = v;
  v->uses_.push_back({this, i});
}

void Node::replaceInputWith(Value* from, Value* to) {
  for (size_t i = 0; i < inputs_.size(); ++i)
    if (inputs_[i] == from) replaceInput(i, to);
}

void Node::removeInput(size_t i) {
  Value* old = inputs_.at(i);
  auto& uses = old->uses_;
  uses.erase(std::find(uses.begin(), uses.end(), Use{this, i}));
  for (size_t k = i + 1; k < inputs_.size(); ++k)
    for (Use& u : inputs_[k]->uses_)
      if (u.user == this && u.offset == k) { --u.offset; break; }
  inputs_.erase(inputs_.begin() + static_cast<std::ptrdiff_t>(i));
}

void Node::removeAllInputs() {
  while (!inputs_.empty()) removeInput(inputs_.size() - 1);
}

Value* Node::addOutput(TypePtr type) {
  outputs_.emplace_back(new Value(this, outputs_.size(), std::move(type), graph_->next_unique_++));
  return outputs_.back().get();
}

void Node::eraseOutput(size_t i) {
  Value* v = outputs_.at(i).get();
  EMBER_CHECK(!v->hasUses(), kindName(), ": eraseOutput of an output that still has uses");
  v->setDebugName("");
  outputs_.erase(outputs_.begin() + static_cast<std::ptrdiff_t>(i));
  for (size_t k = i; k < outputs_.size(); ++k) outputs_[k]->offset_ = k;
}

Block* Node::addBlock() {
  blocks_.emplace_back(new Block(graph_, this));
  return blocks_.back().get();
}

bool Node::hasAttribute(const std::string& name) const {
  for (const auto& a : attrs_)
    if (a.first == name) return true;
  return false;
}

const IValue& Node::attr(const std::string& name) const {
  for (const auto& a : attrs_)
    if (a.first == name) return a.second;
  throw Error(kindName() + ": the node has no attribute '" + name + "'");
}

Node* Node::setAttr(const std::string& name, IValue v) {
  for (auto& a : attrs_)
    if (a.first == name) {
      a.second = std::move(v);
      return this;
    }
  attrs_.emplace_back(name, std::move(v));
  return this;
}

Node* Node::insertBefore(Node* n) {
  EMBER_CHECK(!inBlockList(), kindName(), ": insertBefore of a node already in a block");
  EMBER_CHECK(n->kind_ != NodeKind::Param, kindName(), ": cannot insert before a block's param node");
  owning_block_ = n->owning_block_;
  prev_ = n->prev_;
  next_ = n;
  n->prev_->next_ = this;
  n->prev_ = this;
  return this;
}

Node* Node::insertAfter(Node* n) {
  EMBER_CHECK(n->kind_ != NodeKind::Return, kindName(), ": cannot insert after a block's return node");
  return insertBefore(n->next_);
}

void Node::unlink() {
  if (!inBlockList()) return;
  prev_->next_ = next_;
  next_->prev_ = prev_;
  prev_ = next_ = nullptr;
}

void Node::moveBefore(Node* n) {
  unlink();
  insertBefore(n);
}

void Node::moveAfter(Node* n) {
  unlink();
  insertAfter(n);
}

void Node::destroy() {
  for (const auto& o : outputs_)
    EMBER_CHECK(!o->hasUses(), kindName(), ": destroy() of a node whose output ", o->unique(), " still has uses");
  for (const auto& b : blocks_) {
    // inner nodes first, last to first, so that uses inside the block are gone before their defs
    for (Node* inner = b->return_->prev_; inner != b->param_;) {
      Node* p = inner->prev_;
      inner->removeAllInputs();
      inner = p;
    }
    b->return_->removeAllInputs();
    for (Node* inner = b->return_->prev_; inner != b->param_;) {
      Node* p = inner->prev_;
      inner->destroy();
      inner = p;
    }
  }
  removeAllInputs();
  unlink();
  for (const auto& o : outputs_) o->setDebugName("");
  graph_->all_nodes_.erase(this);
  graph_->insert_before_ = graph_->insert_before_ == this ? graph_->block_->return_ : graph_->insert_before_;
  delete this;
}

bool Node::isBefore(const Node* n) const {
  for (const Node* p = next_; p; p = p->next_)
    if (p == n) return true;
  return false;
}

// ---- Block ------------------------------------------------------------------------------------------

Block::Block(Graph* g, Node* owner) : graph_(g), owning_node_(owner) {
  param_ = g->newNode(NodeKind::Param, nullptr);
  return_ = g->newNode(NodeKind::Return, nullptr);
  param_->owning_block_ = return_->owning_block_ = this;
  param_->next_ = return_;
  return_->prev_ = param_;
}

Value* Block::addInput(TypePtr type, const std::string& name) {
  Value* v = param_->addOutput(std::move(type));
  if (!name.empty()) v->setDebugName(name);
  return v;
}

void Block::eraseInput(size_t i) { param_->eraseOutput(i); }

size_t Block::registerOutput(Value* v) {
  return_->addInput(v);
  return return_->inputs_.size() - 1;
}

void Block::eraseOutput(size_t i) { return_->removeInput(i); }

std::vector<Node*> Block::nodes() const {
  std::vector<Node*> out;
  for (Node* n = param_->next_; n != return_; n = n->next_) out.push_back(n);
  return out;
}

// ---- Graph ------------------------------------------------------------------------------------------

Graph::Graph() {
  block_.reset(new Block(this, nullptr));
  insert_before_ = block_->return_;
}

Graph::~Graph() {
  names_.clear();
  for (Node* n : all_nodes_) delete n;
}

Node* Graph::newNode(NodeKind kind, const OpInfo* op) {
  Node* n = new Node(this, kind, op);
  all_nodes_.insert(n);
  return n;
}

Node* Graph::create(NodeKind kind, const std::vector<Value*>& inputs, size_t num_outputs) {
  EMBER_CHECK(kind != NodeKind::Op, "Graph::create: use createOp for op nodes");
  Node* n = newNode(kind, nullptr);
  for (Value* v : inputs) n->addInput(v);
  for (size_t i = 0; i < num_outputs; ++i) n->addOutput(Type::any());
  return n;
}

Node* Graph::createOp(const OpInfo& op, const std::vector<Value*>& inputs) {
  Node* n = newNode(NodeKind::Op, &op);
  for (Value* v : inputs) n->addInput(v);
  const dispatch::FunctionSchema& s = dispatch::schema_of(op);
  for (const auto& r : s.returns) n->addOutput(type_from_schema(r.type()));
  return n;
}

Node* Graph::createOp(std::string_view qualified, const std::vector<Value*>& inputs) {
  const OpInfo* op = find_op(qualified);
  EMBER_CHECK_VALUE(op != nullptr && std::string_view(op->qualified) == qualified,
                    "jit: no op named '", std::string(qualified), "' in this build");
  return createOp(*op, inputs);
}

Node* Graph::createConstant(const IValue& v) {
  Node* n = create(NodeKind::Constant, {}, 1);
  n->output()->setType(type_of(v, false));
  if (!v.isNone()) n->setAttr("value", v);
  return n;
}

Node* Graph::insertNode(Node* n) { return n->insertBefore(insert_before_); }

Value* Graph::insertConstant(const IValue& v) { return insertNode(createConstant(v))->output(); }

size_t Graph::numNodes() const {
  size_t n = 0;
  for (Node* p : all_nodes_)
    if (p->kind_ != NodeKind::Param && p->kind_ != NodeKind::Return && p->inBlockList()) ++n;
  return n;
}

namespace {
void clone_block(const Block& from, Block* to, std::unordered_map<const Value*, Value*>& env, bool names);

Node* clone_node(const Node* n, Graph* g, std::unordered_map<const Value*, Value*>& env, bool names) {
  std::vector<Value*> ins;
  for (Value* v : n->inputs()) {
    auto it = env.find(v);
    EMBER_CHECK(it != env.end(), "Graph::copy: ", n->kindName(), " uses a value defined after it");
    ins.push_back(it->second);
  }
  Node* c;
  if (n->kind() == NodeKind::Op) {
    c = g->createOp(*n->op(), ins);
    while (c->numOutputs() > 0) c->eraseOutput(c->numOutputs() - 1);
  } else {
    c = g->create(n->kind(), ins, 0);
  }
  for (const auto& a : n->attributes()) c->setAttr(a.first, a.second);
  for (size_t i = 0; i < n->numOutputs(); ++i) {
    Value* o = c->addOutput(n->output(i)->type());
    if (names && n->output(i)->hasDebugName()) o->setDebugName(n->output(i)->debugName());
    env[n->output(i)] = o;
  }
  for (const auto& b : n->blocks()) clone_block(*b, c->addBlock(), env, names);
  return c;
}

void clone_block(const Block& from, Block* to, std::unordered_map<const Value*, Value*>& env, bool names) {
  for (Value* in : from.inputs()) env[in] = to->addInput(in->type(), names ? in->debugName() : "");
  for (Node* n : from.nodes()) to->appendNode(clone_node(n, to->owningGraph(), env, names));
  for (Value* out : from.outputs()) to->registerOutput(env.at(out));
}
}  // namespace

std::shared_ptr<Graph> Graph::copy() const {
  auto g = std::make_shared<Graph>();
  std::unordered_map<const Value*, Value*> env;
  clone_block(*block_, g->block(), env, true);
  return g;
}

std::vector<Value*> Graph::insertGraph(const Block& from, const std::vector<Value*>& inputs) {
  auto ins = from.inputs();
  EMBER_CHECK(ins.size() == inputs.size(), "insertGraph: the callee takes ", ins.size(), " inputs but got ",
              inputs.size());
  std::unordered_map<const Value*, Value*> env;
  for (size_t i = 0; i < ins.size(); ++i) env[ins[i]] = inputs[i];
  for (Node* n : from.nodes()) insertNode(clone_node(n, this, env, false));
  std::vector<Value*> outs;
  for (Value* o : from.outputs()) outs.push_back(env.at(o));
  return outs;
}

std::string Graph::str() const {
  std::ostringstream os;
  print(os, *this, nullptr);
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const Graph& g) {
  print(os, g, nullptr);
  return os;
}

}  // namespace ember::jit
