// The interpreter (include/ember/jit/function.h): a graph lowered once to instructions over registers.
//
// Note [interpreter registers]
//   Every value gets a register, except constants, which live in a constant table that the code keeps
//   (a number constant given for a Tensor parameter marked scalar_ok is stored as the wrapped 0-d tensor
//   the boxed call would make from it, once, not per call). An operand is a register index or a
//   constant index (kConst); the last use of a value that is defined and only used in one block moves
//   out of its register (kMove), so an op's input is not kept alive by the register file and reference
//   counts do not bounce. prim::If lowers to a conditional jump over its branches, prim::Loop to a test
//   at the head, the body, a parallel copy of the carried values and a jump back.
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "ember/gen/functions.h"
#include "ember/jit/function.h"

namespace ember::jit {

namespace {
constexpr uint32_t kConst = 1u << 31;
constexpr uint32_t kMove = 1u << 30;
constexpr uint32_t kIndex = kMove - 1;

enum class Ins : uint8_t {
  Op, JumpIfFalse, Jump, Copy, LoopInit, LoopTest, LoopNext,
  TupleConstruct, TupleUnpack, TupleIndex, ListConstruct, ListUnpack, DictConstruct, DictIndex,
  GetAttr, SetAttr, CallFunction, CallMethod, Fail
};
}  // namespace

struct Instr {
  Ins kind;
  uint32_t in = 0, nin = 0;    // operands[in, in + nin)
  uint32_t out = 0, nout = 0;  // operands[out, out + nout): registers
  uint32_t target = 0;         // jump target, tuple index, list element kind
  const OpInfo* op = nullptr;
  const Node* node = nullptr;  // attributes and error messages
};

struct Code {
  std::shared_ptr<Graph> graph;  // keeps the nodes the instructions point at alive
  std::vector<Instr> instrs;
  std::vector<uint32_t> operands;
  std::vector<IValue> constants;
  uint32_t num_regs = 0;
  std::vector<uint32_t> inputs;   // registers of the graph inputs
  std::vector<uint32_t> outputs;  // operands of the graph outputs
};

namespace {

enum ListKind : uint32_t { kGenericList, kIntList, kDoubleList, kTensorList };

struct Lowering {
  Code& c;
  std::unordered_map<const Value*, uint32_t> loc;
  std::unordered_map<const Node*, size_t> pos;
  std::unordered_set<const Node*> visited;
  std::vector<std::pair<const Node*, size_t>> moves_list;
  std::unordered_map<const Node*, std::vector<size_t>> moves;  // user -> input slots that move

  uint32_t new_reg() { return c.num_regs++; }
  uint32_t def(const Value* v) { return loc[v] = new_reg(); }
  uint32_t constant(IValue v) {
    c.constants.push_back(std::move(v));
    return kConst | static_cast<uint32_t>(c.constants.size() - 1);
  }
  uint32_t use(const Node* user, size_t i) {
    uint32_t e = loc.at(user->input(i));
    if (e & kConst) return e;
    auto it = moves.find(user);
    if (it != moves.end())
      for (size_t s : it->second)
        if (s == i) return e | kMove;
    return e;
  }
  uint32_t push_operands(const std::vector<uint32_t>& ops) {
    uint32_t at = static_cast<uint32_t>(c.operands.size());
    c.operands.insert(c.operands.end(), ops.begin(), ops.end());
    return at;
  }
  size_t emit(Ins kind, const std::vector<uint32_t>& ins, const std::vector<uint32_t>& outs, const Node* n = nullptr) {
    Instr in;
    in.kind = kind;
    in.in = push_operands(ins);
    in.nin = static_cast<uint32_t>(ins.size());
    in.out = push_operands(outs);
    in.nout = static_cast<uint32_t>(outs.size());
    in.node = n;
    c.instrs.push_back(in);
    return c.instrs.size() - 1;
  }
  std::vector<uint32_t> inputs_of(const Node* n) {
    std::vector<uint32_t> v;
    for (size_t i = 0; i < n->inputs().size(); ++i) v.push_back(use(n, i));
    return v;
  }
  std::vector<uint32_t> def_outputs(const Node* n) {
    std::vector<uint32_t> v;
    for (Value* o : n->outputs()) v.push_back(def(o));
    return v;
  }

  // Which uses may move (Note [interpreter registers]).
  void number(const Block& b) {
    size_t k = 0;
    for (Node* n : b.nodes()) {
      pos[n] = k++;
      for (const auto& inner : n->blocks()) number(*inner);
    }
    pos[b.returnNode()] = k;
  }
  void plan_value(const Value* v, const Block* home) {
    const Node* last = nullptr;
    size_t last_slot = 0;
    for (const Use& u : v->uses()) {
      if (u.user->owningBlock() != home) return;  // used in a nested block: copies only
      if (!last || pos.at(u.user) > pos.at(last) || (u.user == last && u.offset > last_slot)) {
        last = u.user;
        last_slot = u.offset;
      }
    }
    if (last) moves[last].push_back(last_slot);
  }
  void plan(const Block& b, bool top) {
    for (Value* in : b.inputs()) plan_value(in, &b);
    for (Node* n : b.nodes()) {
      if (n->kind() != NodeKind::Constant)
        for (Value* o : n->outputs()) plan_value(o, &b);
      for (const auto& inner : n->blocks()) plan(*inner, false);
    }
  }

  void block(const Block& b) {
    for (Node* n : b.nodes()) node(n);
  }
  // Parallel copy of operands into registers.
  void copy(const std::vector<uint32_t>& from, const std::vector<uint32_t>& to) {
    if (!from.empty()) emit(Ins::Copy, from, to);
  }
  std::vector<uint32_t> block_outputs(const Block& b) {
    std::vector<uint32_t> v;
    for (size_t i = 0; i < b.outputs().size(); ++i) v.push_back(use(b.returnNode(), i));
    return v;
  }

  void node(const Node* n) {
    switch (n->kind()) {
      case NodeKind::Constant: {
        loc[n->output()] = constant(n->hasAttribute("value") ? n->attr("value") : IValue());
        return;
      }
      case NodeKind::Op: {
        std::vector<uint32_t> ins;
        for (size_t i = 0; i < n->inputs().size(); ++i) {
          uint32_t e = use(n, i);
          const ArgInfo& a = n->op()->args[i];
          if ((e & kConst) && a.scalar_ok) {  // pre-wrap a number given for a Tensor (once, not per call)
            const IValue& v = c.constants[e & kIndex];
            if (v.isInt() || v.isDouble() || v.isBool()) e = constant(scalar_to_tensor(v.toScalar()));
          }
          ins.push_back(e);
        }
        size_t k = emit(Ins::Op, ins, def_outputs(n), n);
        c.instrs[k].op = n->op();
        return;
      }
      case NodeKind::If: {
        size_t jf = emit(Ins::JumpIfFalse, {use(n, 0)}, {}, n);
        std::vector<uint32_t> outs = def_outputs(n);
        block(*n->block(0));
        copy(block_outputs(*n->block(0)), outs);
        size_t j = emit(Ins::Jump, {}, {});
        c.instrs[jf].target = static_cast<uint32_t>(c.instrs.size());
        block(*n->block(1));
        copy(block_outputs(*n->block(1)), outs);
        c.instrs[j].target = static_cast<uint32_t>(c.instrs.size());
        return;
      }
      case NodeKind::Loop: {
        const Block& body = *n->block(0);
        uint32_t counter = new_reg(), trip = new_reg(), cond = new_reg();
        std::vector<uint32_t> params;
        for (Value* p : body.inputs()) params.push_back(def(p));
        std::vector<uint32_t> carried_init;
        for (size_t i = 2; i < n->inputs().size(); ++i) carried_init.push_back(use(n, i));
        emit(Ins::LoopInit, {use(n, 0), use(n, 1)}, {counter, trip, cond}, n);
        copy(carried_init, std::vector<uint32_t>(params.begin() + 1, params.end()));
        size_t head = emit(Ins::LoopTest, {counter, trip, cond}, {params[0]}, n);
        block(body);
        std::vector<uint32_t> outs = block_outputs(body);
        std::vector<uint32_t> dst{cond};
        dst.insert(dst.end(), params.begin() + 1, params.end());
        copy(outs, dst);
        size_t next = emit(Ins::LoopNext, {counter}, {});
        c.instrs[next].target = static_cast<uint32_t>(head);
        c.instrs[head].target = static_cast<uint32_t>(c.instrs.size());
        copy(std::vector<uint32_t>(params.begin() + 1, params.end()), def_outputs(n));
        return;
      }
      case NodeKind::ListConstruct: {
        size_t k = emit(Ins::ListConstruct, inputs_of(n), def_outputs(n), n);
        const Type& t = *n->output()->type();
        TypeKind e = t.kind() == TypeKind::List ? t.contained()[0]->kind() : TypeKind::Any;
        c.instrs[k].target = e == TypeKind::Int ? kIntList : e == TypeKind::Float ? kDoubleList
                             : e == TypeKind::Tensor ? kTensorList : kGenericList;
        return;
      }
      case NodeKind::TupleIndex: {
        size_t k = emit(Ins::TupleIndex, inputs_of(n), def_outputs(n), n);
        c.instrs[k].target = static_cast<uint32_t>(n->attr("index").toInt());
        return;
      }
      case NodeKind::TupleConstruct: emit(Ins::TupleConstruct, inputs_of(n), def_outputs(n), n); return;
      case NodeKind::TupleUnpack: emit(Ins::TupleUnpack, inputs_of(n), def_outputs(n), n); return;
      case NodeKind::ListUnpack: emit(Ins::ListUnpack, inputs_of(n), def_outputs(n), n); return;
      case NodeKind::DictConstruct: emit(Ins::DictConstruct, inputs_of(n), def_outputs(n), n); return;
      case NodeKind::DictIndex: emit(Ins::DictIndex, inputs_of(n), def_outputs(n), n); return;
      case NodeKind::GetAttr: emit(Ins::GetAttr, inputs_of(n), def_outputs(n), n); return;
      case NodeKind::SetAttr: emit(Ins::SetAttr, inputs_of(n), def_outputs(n), n); return;
      case NodeKind::CallFunction: emit(Ins::CallFunction, inputs_of(n), def_outputs(n), n); return;
      case NodeKind::CallMethod: emit(Ins::CallMethod, inputs_of(n), def_outputs(n), n); return;
      case NodeKind::PythonOp: emit(Ins::Fail, inputs_of(n), def_outputs(n), n); return;
      case NodeKind::Param:
      case NodeKind::Return: return;
    }
  }
};

std::shared_ptr<const Code> lower(std::shared_ptr<Graph> g) {
  auto code = std::make_shared<Code>();
  code->graph = g;
  Lowering l{*code, {}, {}, {}, {}, {}};
  l.number(*g->block());
  l.plan(*g->block(), true);
  for (Value* in : g->inputs()) code->inputs.push_back(l.def(in));
  l.block(*g->block());
  for (size_t i = 0; i < g->outputs().size(); ++i) code->outputs.push_back(l.use(g->block()->returnNode(), i));
  return code;
}

thread_local std::vector<std::vector<IValue>> t_frames;  // register files, reused across calls

struct Frame {
  std::vector<IValue> regs;
  explicit Frame(size_t n) {
    if (!t_frames.empty()) {
      regs = std::move(t_frames.back());
      t_frames.pop_back();
    }
    regs.resize(n);
  }
  ~Frame() {
    regs.clear();
    if (t_frames.size() < 16) t_frames.push_back(std::move(regs));
  }
};

[[noreturn]] void fail_node(const Node* n, const std::string& msg) {
  throw Error("jit interpreter: " + (n ? n->kindName() : std::string("?")) + ": " + msg);
}

void execute(const Code& c, Stack& stack, const CompilationUnit* unit) {
  const size_t nin = c.inputs.size();
  EMBER_CHECK(stack.size() >= nin, "jit interpreter: the graph takes ", nin, " inputs but the stack holds ", stack.size());
  Frame f(c.num_regs);
  IValue* regs = f.regs.data();
  const size_t base = stack.size() - nin;
  for (size_t i = 0; i < nin; ++i) regs[c.inputs[i]] = std::move(stack[base + i]);
  stack.resize(base);
  const uint32_t* ops = c.operands.data();
  auto fetch = [&](uint32_t e) -> IValue {
    if (e & kConst) return c.constants[e & kIndex];
    if (e & kMove) return std::move(regs[e & kIndex]);
    return regs[e];
  };
  auto ref = [&](uint32_t e) -> const IValue& { return (e & kConst) ? c.constants[e & kIndex] : regs[e & kIndex]; };
  auto push_inputs = [&](const Instr& in) {
    for (uint32_t k = 0; k < in.nin; ++k) stack.push_back(fetch(ops[in.in + k]));
  };
  auto pop_outputs = [&](const Instr& in) {
    EMBER_CHECK(stack.size() == base + in.nout, "jit interpreter: ", in.node ? in.node->kindName() : "?", " returned ",
                stack.size() - base, " values for ", in.nout, " outputs");
    for (uint32_t k = 0; k < in.nout; ++k) regs[ops[in.out + k]] = std::move(stack[base + k]);
    stack.resize(base);
  };
  const Instr* code = c.instrs.data();
  const size_t n = c.instrs.size();
  for (size_t pc = 0; pc < n;) {
    const Instr& in = code[pc];
    switch (in.kind) {
      case Ins::Op:
        push_inputs(in);
        call_boxed(*in.op, stack);
        pop_outputs(in);
        ++pc;
        break;
      case Ins::JumpIfFalse:
        pc = ref(ops[in.in]).toBool() ? pc + 1 : in.target;
        break;
      case Ins::Jump:
        pc = in.target;
        break;
      case Ins::Copy:
        push_inputs(in);
        pop_outputs(in);
        ++pc;
        break;
      case Ins::LoopInit: {
        regs[ops[in.out]] = int64_t{0};
        regs[ops[in.out + 1]] = ref(ops[in.in]).toInt();
        regs[ops[in.out + 2]] = ref(ops[in.in + 1]).toBool();
        ++pc;
        break;
      }
      case Ins::LoopTest: {
        int64_t i = regs[ops[in.in]].toInt();
        if (i < regs[ops[in.in + 1]].toInt() && regs[ops[in.in + 2]].toBool()) {
          regs[ops[in.out]] = i;
          ++pc;
        } else {
          pc = in.target;
        }
        break;
      }
      case Ins::LoopNext: {
        IValue& r = regs[ops[in.in]];
        r = r.toInt() + 1;
        pc = in.target;
        break;
      }
      case Ins::TupleConstruct: {
        std::vector<IValue> e;
        e.reserve(in.nin);
        for (uint32_t k = 0; k < in.nin; ++k) e.push_back(fetch(ops[in.in + k]));
        regs[ops[in.out]] = ivalue::Tuple::create(std::move(e));
        ++pc;
        break;
      }
      case Ins::TupleUnpack: {
        IValue t = fetch(ops[in.in]);
        const auto& e = t.toTupleRef().elements();
        if (e.size() != in.nout) fail_node(in.node, "a tuple of " + std::to_string(e.size()) + " elements unpacked into " + std::to_string(in.nout));
        for (uint32_t k = 0; k < in.nout; ++k) regs[ops[in.out + k]] = e[k];
        ++pc;
        break;
      }
      case Ins::TupleIndex: {
        const IValue& t = ref(ops[in.in]);
        if (in.target >= t.toTupleRef().size()) fail_node(in.node, "tuple index out of range");
        regs[ops[in.out]] = t.toTupleRef()[in.target];
        ++pc;
        break;
      }
      case Ins::ListConstruct: {
        IValue out;
        if (in.target == kIntList) {
          std::vector<int64_t> l;
          for (uint32_t k = 0; k < in.nin; ++k) l.push_back(ref(ops[in.in + k]).toInt());
          out = std::move(l);
        } else if (in.target == kDoubleList) {
          std::vector<double> l;
          for (uint32_t k = 0; k < in.nin; ++k) l.push_back(ref(ops[in.in + k]).toDouble());
          out = std::move(l);
        } else if (in.target == kTensorList) {
          std::vector<Tensor> l;
          for (uint32_t k = 0; k < in.nin; ++k) l.push_back(ref(ops[in.in + k]).toTensor());
          out = std::move(l);
        } else {
          std::vector<IValue> l;
          for (uint32_t k = 0; k < in.nin; ++k) l.push_back(fetch(ops[in.in + k]));
          out = GenericList(std::move(l));
        }
        regs[ops[in.out]] = std::move(out);
        ++pc;
        break;
      }
      case Ins::ListUnpack: {
        IValue l = fetch(ops[in.in]);
        std::vector<IValue> e;
        if (l.isTensorList()) for (const Tensor& t : l.toTensorVector()) e.emplace_back(t);
        else if (l.isIntList()) for (int64_t x : l.toIntVector()) e.emplace_back(x);
        else if (l.isDoubleList()) for (double x : l.toDoubleVector()) e.emplace_back(x);
        else e = l.toListRef();
        if (e.size() != in.nout) fail_node(in.node, "a list of " + std::to_string(e.size()) + " elements unpacked into " + std::to_string(in.nout) + " values");
        for (uint32_t k = 0; k < in.nout; ++k) regs[ops[in.out + k]] = std::move(e[k]);
        ++pc;
        break;
      }
      case Ins::DictConstruct: {
        GenericDict d;
        for (uint32_t k = 0; k + 1 < in.nin; k += 2) d.insert_or_assign(fetch(ops[in.in + k]), fetch(ops[in.in + k + 1]));
        regs[ops[in.out]] = std::move(d);
        ++pc;
        break;
      }
      case Ins::DictIndex: {
        const IValue& d = ref(ops[in.in]);
        regs[ops[in.out]] = d.toGenericDict().at(in.node->attr("key"));
        ++pc;
        break;
      }
      case Ins::GetAttr: {
        const IValue& o = ref(ops[in.in]);
        regs[ops[in.out]] = o.toObjectRef().getAttr(in.node->s("name"));
        ++pc;
        break;
      }
      case Ins::SetAttr: {
        const IValue& o = ref(ops[in.in]);
        o.toObjectRef().setAttr(in.node->s("name"), fetch(ops[in.in + 1]));
        ++pc;
        break;
      }
      case Ins::CallFunction:
      case Ins::CallMethod: {
        std::string name = in.node->s("name");
        if (in.kind == Ins::CallMethod) name = ref(ops[in.in]).toObjectRef().name() + "." + name;
        if (!unit) fail_node(in.node, "no compilation unit to find '" + name + "' in");
        const Function& fn = unit->get_function(name);
        push_inputs(in);
        fn.run(stack);
        pop_outputs(in);
        ++pc;
        break;
      }
      case Ins::Fail:
        fail_node(in.node, "a call back into Python cannot run in the C++ interpreter");
    }
  }
  for (uint32_t e : c.outputs) stack.push_back(fetch(e));
}

}  // namespace

// ---- Function / CompilationUnit ---------------------------------------------------------------------------

Function::Function(std::string name, std::shared_ptr<Graph> graph, const CompilationUnit* unit)
    : name_(std::move(name)), graph_(std::move(graph)), unit_(unit) {
  EMBER_CHECK(graph_ != nullptr, "jit::Function '", name_, "': a null graph");
}

Function::~Function() = default;

void Function::set_graph(std::shared_ptr<Graph> g) {
  std::lock_guard<std::mutex> lock(mu_);
  graph_ = std::move(g);
  code_.reset();
}

const Code& Function::code() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!code_) code_ = lower(graph_);
  return *code_;
}

void Function::run(Stack& stack) const {
  std::shared_ptr<const Code> c;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!code_) code_ = lower(graph_);
    c = code_;
  }
  execute(*c, stack, unit_);
}

IValue Function::operator()(std::vector<IValue> inputs) const {
  EMBER_CHECK_TYPE(inputs.size() == num_inputs(), name_, "() expected ", num_inputs(), " arguments but got ",
                   inputs.size());
  Stack stack = std::move(inputs);
  run(stack);
  if (stack.size() == 1) return std::move(stack[0]);
  return ivalue::Tuple::create(std::move(stack));
}

size_t Function::num_instructions() const { return code().instrs.size(); }

Function& CompilationUnit::define(const std::string& name, std::shared_ptr<Graph> graph) {
  auto f = std::make_unique<Function>(name, std::move(graph), this);
  Function& ref = *f;
  functions_[name] = std::move(f);
  return ref;
}

Function* CompilationUnit::find_function(const std::string& name) const {
  auto it = functions_.find(name);
  return it == functions_.end() ? nullptr : it->second.get();
}

Function& CompilationUnit::get_function(const std::string& name) const {
  Function* f = find_function(name);
  EMBER_CHECK_VALUE(f != nullptr, "jit: no function named '", name, "' in the compilation unit");
  return *f;
}

std::vector<Function*> CompilationUnit::functions() const {
  std::vector<Function*> out;
  for (const auto& kv : functions_) out.push_back(kv.second.get());
  return out;
}

}  // namespace ember::jit
