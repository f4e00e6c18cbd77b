// The JIT's graph IR (docs/jit_format.md), PyTorch's design in small: a Graph owns Nodes, Values and
// Blocks; a Block is a list of nodes between a param node (whose outputs are the block's inputs) and a
// return node (whose inputs are the block's outputs); a Node has a kind, inputs, outputs, attributes
// and nested blocks (prim::If, prim::Loop). Op nodes call a registry entry by its qualified name
// ("aten::add.Tensor"), resolved to the OpInfo when the node is made or parsed.
//
//   graph(%x : Tensor, %n : int):
//     %c : float = prim::Constant[value=1.01]()
//     %y : Tensor = aten::mul.Tensor(%x, %c)
//     return (%y)
//
// Printing (str / print) and parsing (parse_graph, include/ember/jit/text.h) round-trip.
#pragma once
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "ember/dispatch/registry.h"
#include "ember/jit/type.h"

namespace ember::jit {

/// What a node does. `Op` calls a registry entry; the others are the interpreter's own (prim::).
enum class NodeKind : uint8_t {
  Op,
  Param,   // a block's inputs (not printed as a node)
  Return,  // a block's outputs (printed as "return (...)" / "-> (...)")
  Constant, If, Loop,
  TupleConstruct, TupleUnpack, TupleIndex,
  ListConstruct, ListUnpack,
  DictConstruct, DictIndex,
  GetAttr, SetAttr, CallMethod, CallFunction,
  PythonOp,  // reserved for the script compiler (a call back into Python); never runs here
};

/// "prim::If", ... ("aten::..." names belong to Op nodes and come from their OpInfo).
EMBER_API const char* prim_kind_name(NodeKind k);
/// The prim kind of "prim::If" etc.; false when the name is not a prim node.
EMBER_API bool prim_kind_from_name(std::string_view name, NodeKind& out);

class Graph;
class Block;
class Node;
class Value;

struct Use {
  Node* user;
  size_t offset;  // which input of user
  bool operator==(const Use& o) const { return user == o.user && offset == o.offset; }
};

class EMBER_API Value {
 public:
  Node* node() const { return node_; }
  size_t offset() const { return offset_; }
  const TypePtr& type() const { return type_; }
  Value* setType(TypePtr t);
  const std::vector<Use>& uses() const { return uses_; }
  bool hasUses() const { return !uses_.empty(); }
  /// A unique number within the graph (stable for the value's life).
  size_t unique() const { return unique_; }
  bool hasDebugName() const { return !name_.empty(); }
  const std::string& debugName() const { return name_; }
  /// Sets the name ("x" -> "x.1" when another value has it); a name of digits only clears it.
  Value* setDebugName(const std::string& name);
  /// Points every use of this value at v instead.
  void replaceAllUsesWith(Value* v);
  Graph* owningGraph() const;

 private:
  friend class Node;
  friend class Graph;
  Value(Node* node, size_t offset, TypePtr type, size_t unique)
      : node_(node), offset_(offset), type_(std::move(type)), unique_(unique) {}
  Node* node_;
  size_t offset_;
  TypePtr type_;
  size_t unique_;
  std::string name_;
  std::vector<Use> uses_;
};

class EMBER_API Node {
 public:
  NodeKind kind() const { return kind_; }
  /// The registry entry of an Op node (nullptr for prim nodes).
  const OpInfo* op() const { return op_; }
  /// "aten::add.Tensor" or "prim::If".
  std::string kindName() const;
  const std::vector<Value*>& inputs() const { return inputs_; }
  Value* input(size_t i) const { return inputs_.at(i); }
  Value* output(size_t i = 0) const { return outputs_.at(i).get(); }
  size_t numOutputs() const { return outputs_.size(); }
  std::vector<Value*> outputs() const;
  const std::vector<std::unique_ptr<Block>>& blocks() const { return blocks_; }
  Block* block(size_t i) const { return blocks_.at(i).get(); }
  Block* owningBlock() const { return owning_block_; }
  Graph* owningGraph() const { return graph_; }
  Node* next() const { return next_; }
  Node* prev() const { return prev_; }
  /// Whether the node is in a block's list (destroy() and a not-yet-inserted node: false).
  bool inBlockList() const { return next_ != nullptr; }

  Value* addInput(Value* v);
  Value* insertInput(size_t i, Value* v);
  void replaceInput(size_t i, Value* v);
  /// Replaces every input equal to from with to.
  void replaceInputWith(Value* from, Value* to);
  void removeInput(size_t i);
  void removeAllInputs();
  Value* addOutput(TypePtr type);
  /// Removes output i, which must have no uses.
  void eraseOutput(size_t i);
  Block* addBlock();

  // Attributes: named IValues (a constant's value, GetAttr's name, CallMethod's method name ...).
  const std::vector<std::pair<std::string, IValue>>& attributes() const { return attrs_; }
  bool hasAttribute(const std::string& name) const;
  /// The attribute's value; throws ember::Error naming the node when absent.
  const IValue& attr(const std::string& name) const;
  Node* setAttr(const std::string& name, IValue v);
  /// The attribute "name" as a string (GetAttr, SetAttr, CallMethod, CallFunction).
  const std::string& s(const std::string& name) const { return attr(name).toStringRef(); }

  /// Inserts this (not yet in a block) node before / after n, in n's block.
  Node* insertBefore(Node* n);
  Node* insertAfter(Node* n);
  /// Moves this node (already in a block) before / after n.
  void moveBefore(Node* n);
  void moveAfter(Node* n);
  /// Unlinks the node from its block and frees it; its outputs must have no uses. Inputs are released.
  void destroy();
  /// Whether this node comes before n in the same block (walks the list).
  bool isBefore(const Node* n) const;

 private:
  friend class Graph;
  friend class Block;
  Node(Graph* g, NodeKind kind, const OpInfo* op) : kind_(kind), op_(op), graph_(g) {}
  void unlink();
  NodeKind kind_;
  const OpInfo* op_;
  Graph* graph_;
  Block* owning_block_ = nullptr;
  Node* prev_ = nullptr;
  Node* next_ = nullptr;
  std::vector<Value*> inputs_;
  std::vector<std::unique_ptr<Value>> outputs_;
  std::vector<std::unique_ptr<Block>> blocks_;
  std::vector<std::pair<std::string, IValue>> attrs_;
};

class EMBER_API Block {
 public:
  /// The block's inputs (the param node's outputs) and outputs (the return node's inputs).
  std::vector<Value*> inputs() const { return param_->outputs(); }
  const std::vector<Value*>& outputs() const { return return_->inputs(); }
  Value* addInput(TypePtr type, const std::string& name = "");
  void eraseInput(size_t i);
  size_t registerOutput(Value* v);
  void eraseOutput(size_t i);
  Node* paramNode() const { return param_; }
  Node* returnNode() const { return return_; }
  Node* owningNode() const { return owning_node_; }
  Graph* owningGraph() const { return graph_; }
  /// Appends / prepends a node not yet in a block.
  Node* appendNode(Node* n) { return n->insertBefore(return_); }
  Node* prependNode(Node* n) { return n->insertAfter(param_); }
  /// The nodes in order (a snapshot; safe to destroy nodes while iterating it).
  std::vector<Node*> nodes() const;
  Node* front() const { return param_->next(); }  ///< == returnNode() when empty
  bool empty() const { return param_->next() == return_; }

 private:
  friend class Node;
  friend class Graph;
  Block(Graph* g, Node* owner);
  Graph* graph_;
  Node* owning_node_;
  Node* param_;
  Node* return_;
};

class EMBER_API Graph {
 public:
  Graph();
  ~Graph();
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  Block* block() const { return block_.get(); }
  std::vector<Value*> inputs() const { return block_->inputs(); }
  const std::vector<Value*>& outputs() const { return block_->outputs(); }
  Value* addInput(TypePtr type, const std::string& name = "") { return block_->addInput(std::move(type), name); }
  size_t registerOutput(Value* v) { return block_->registerOutput(v); }

  /// A new node (not in a block): a prim node with `num_outputs` outputs of type Any (callers set types).
  Node* create(NodeKind kind, const std::vector<Value*>& inputs = {}, size_t num_outputs = 1);
  /// An Op node calling `op` with these inputs; outputs typed from the op's schema returns.
  Node* createOp(const OpInfo& op, const std::vector<Value*>& inputs);
  /// An Op node by qualified name ("aten::add.Tensor"); ValueError naming the op when unknown.
  Node* createOp(std::string_view qualified, const std::vector<Value*>& inputs);
  /// A prim::Constant node holding v, typed type_of(v) (tensor facts dropped unless keep_facts).
  Node* createConstant(const IValue& v);
  /// Inserts n at the insertion point (the end of the graph's block unless set).
  Node* insertNode(Node* n);
  /// Creates and inserts a constant; returns its output.
  Value* insertConstant(const IValue& v);
  /// Later insertNode calls put nodes before n (in n's block).
  void setInsertPoint(Node* n) { insert_before_ = n; }
  /// ... at the end of block b.
  void setInsertPoint(Block* b) { insert_before_ = b->returnNode(); }
  Node* insertPoint() const { return insert_before_; }

  /// A deep copy (values keep their names).
  std::shared_ptr<Graph> copy() const;
  /// Copies the nodes of `from` (another graph's block or this one's) into the insertion point, mapping
  /// from's inputs to `inputs`; returns the values its outputs map to (inlining).
  std::vector<Value*> insertGraph(const Block& from, const std::vector<Value*>& inputs);

  /// The text form (tensor constants print as tensor(<shape, dtype>) and do not parse back; use
  /// print() with a constant table for a text that does).
  std::string str() const;
  size_t numNodes() const;  ///< every node in every block (param and return nodes excluded)

 private:
  friend class Node;
  friend class Value;
  friend class Block;
  Node* newNode(NodeKind kind, const OpInfo* op);
  size_t next_unique_ = 0;
  std::unordered_set<Node*> all_nodes_;
  std::unordered_map<std::string, Value*> names_;
  std::unique_ptr<Block> block_;
  Node* insert_before_;
};

EMBER_API std::ostream& operator<<(std::ostream& os, const Graph& g);

}  // namespace ember::jit
