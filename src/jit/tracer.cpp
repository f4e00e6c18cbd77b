// The tracer (include/ember/jit/tracer.h): op observer -> Graph.
#include "ember/jit/tracer.h"

#include "ember/jit/passes.h"

namespace ember::jit {

Tracer::Tracer() : graph_(std::make_shared<Graph>()) {}
Tracer::~Tracer() = default;

Value* Tracer::add_input_of_type(TypePtr type, const std::string& name) {
  return graph_->addInput(std::move(type), name);
}

Value* Tracer::add_input(const IValue& example, const std::string& name) {
  TypePtr t = type_of(example, false);
  std::function<void(const IValue&)> check = [&](const IValue& v) {
    if (v.isTensor()) return;
    if (v.isTuple()) { for (const IValue& e : v.toTupleRef().elements()) check(e); return; }
    if (v.isTensorList()) return;
    if (v.isList()) { for (const IValue& e : v.toListRef()) check(e); return; }
    if (v.isGenericDict()) {
      for (const auto& kv : v.toGenericDict().entries()) {
        EMBER_CHECK_TYPE(kv.first.isString() || kv.first.isInt(), "jit.trace: dict inputs need str or int keys, got ",
                         kv.first.tagName());
        check(kv.second);
      }
      return;
    }
    throw TypeError(std::string("jit.trace: inputs must be tensors or tuples, lists or dicts of tensors, got ") + v.tagName());
  };
  check(example);
  Value* v = graph_->addInput(t, name);
  graph_->setInsertPoint(graph_->block());
  unpack_input(example, v);
  return v;
}

Value* Tracer::unpack_input(const IValue& example, Value* v) {
  if (example.isTensor()) {
    bind(example.toTensor(), v);
    return v;
  }
  std::vector<IValue> elems;
  NodeKind kind;
  if (example.isTuple()) {
    elems = example.toTupleRef().elements();
    kind = NodeKind::TupleUnpack;
  } else if (example.isTensorList()) {
    for (const Tensor& t : example.toTensorVector()) elems.emplace_back(t);
    kind = NodeKind::ListUnpack;
  } else if (example.isList()) {
    elems = example.toListRef();
    kind = NodeKind::ListUnpack;
  } else {  // dict: one DictIndex per key
    for (const auto& kv : example.toGenericDict().entries()) {
      Node* n = graph_->insertNode(graph_->create(NodeKind::DictIndex, {v}, 1));
      n->setAttr("key", kv.first);
      n->output()->setType(type_of(kv.second, false));
      unpack_input(kv.second, n->output());
    }
    return v;
  }
  Node* n = graph_->insertNode(graph_->create(kind, {v}, elems.size()));
  for (size_t i = 0; i < elems.size(); ++i) {
    n->output(i)->setType(type_of(elems[i], false));
    unpack_input(elems[i], n->output(i));
  }
  return v;
}

void Tracer::bind(const Tensor& t, Value* v) {
  env_[t.unsafeGetTensorImpl()] = v;
  keep_alive_.push_back(t);
}

bool Tracer::is_traced(const Tensor& t) const { return t.defined() && env_.count(t.unsafeGetTensorImpl()) > 0; }

Value* Tracer::constant(const IValue& v) { return graph_->insertConstant(v); }

Value* Tracer::value_of(const IValue& v) {
  if (v.isTensor()) {
    const Tensor& t = v.toTensor();
    if (t.defined()) {
      auto it = env_.find(t.unsafeGetTensorImpl());
      if (it != env_.end()) return it->second;
    }
    return constant(v);
  }
  auto list_of = [&](const std::vector<IValue>& items, TypePtr elem) {
    std::vector<Value*> vals;
    for (const IValue& x : items) vals.push_back(value_of(x));
    Node* n = graph_->insertNode(graph_->create(NodeKind::ListConstruct, vals, 1));
    n->output()->setType(Type::list(std::move(elem)));
    return n->output();
  };
  if (v.isTensorList()) {
    std::vector<IValue> items(v.toTensorVector().begin(), v.toTensorVector().end());
    return list_of(items, Type::tensor());
  }
  if (v.isList()) {
    bool any_tensor = false;
    for (const IValue& x : v.toListRef()) any_tensor |= x.isTensor();
    if (!any_tensor) return constant(v);
    bool has_none = false;
    for (const IValue& x : v.toListRef()) has_none |= x.isNone();
    return list_of(v.toListRef(), has_none ? Type::optional(Type::tensor()) : Type::tensor());
  }
  if (v.isTuple()) {
    std::vector<Value*> vals;
    std::vector<TypePtr> types;
    for (const IValue& x : v.toTupleRef().elements()) {
      vals.push_back(value_of(x));
      types.push_back(vals.back()->type());
    }
    Node* n = graph_->insertNode(graph_->create(NodeKind::TupleConstruct, vals, 1));
    n->output()->setType(Type::tuple(types));
    return n->output();
  }
  if (v.isGenericDict()) {
    std::vector<Value*> vals;
    TypePtr kt = Type::string_(), vt;
    for (const auto& kv : v.toGenericDict().entries()) {
      vals.push_back(value_of(kv.first));
      vals.push_back(value_of(kv.second));
      kt = vals[vals.size() - 2]->type();
      vt = vt && *vt != *vals.back()->type() ? Type::any() : vals.back()->type();
    }
    Node* n = graph_->insertNode(graph_->create(NodeKind::DictConstruct, vals, 1));
    n->output()->setType(Type::dict(kt, vt ? vt : Type::any()));
    return n->output();
  }
  return constant(v);
}

void Tracer::on_op(const dispatch::OpCall& call) {
  const OpInfo* op = find_op(call.name);
  EMBER_CHECK(op != nullptr, "jit.trace: the op '", std::string(call.name), "' is not in the registry");
  graph_->setInsertPoint(graph_->block());
  std::vector<Value*> ins;
  ins.reserve(call.args.size());
  for (size_t i = 0; i < call.args.size(); ++i) {
    const IValue& a = call.args[i];
    if (a.isTensor() && call.is_wrapped_scalar(i)) {  // a Python number: a number constant
      ins.push_back(constant(IValue(a.toTensor().item())));
      continue;
    }
    ins.push_back(value_of(a));
  }
  Node* n = graph_->insertNode(graph_->createOp(*op, ins));
  for (size_t i = 0; i < call.outputs.size() && i < n->numOutputs(); ++i) {
    const IValue& o = call.outputs[i];
    if (o.isTensor() && o.toTensor().defined()) {
      n->output(i)->setType(type_of(o, true));
      bind(o.toTensor(), n->output(i));
    } else if (o.isTensorList()) {
      const auto& ts = o.toTensorVector();
      Node* u = graph_->insertNode(graph_->create(NodeKind::ListUnpack, {n->output(i)}, ts.size()));
      for (size_t k = 0; k < ts.size(); ++k) {
        u->output(k)->setType(type_of(IValue(ts[k]), true));
        bind(ts[k], u->output(k));
      }
    }
  }
}

std::shared_ptr<Graph> Tracer::finish(const IValue& output) {
  EMBER_CHECK(dispatch::current_observer() != this, "Tracer::finish: the tracer is still installed");
  graph_->setInsertPoint(graph_->block());
  graph_->registerOutput(value_of(output));
  eliminate_dead_code(*graph_);
  constant_pooling(*graph_);
  return graph_;
}

std::shared_ptr<Graph> trace(const std::function<IValue(const std::vector<IValue>&)>& fn,
                             const std::vector<IValue>& inputs) {
  Tracer tracer;
  for (size_t i = 0; i < inputs.size(); ++i) tracer.add_input(inputs[i], "input" + std::to_string(i));
  IValue out;
  {
    dispatch::ObserverGuard guard(&tracer);
    out = fn(inputs);
  }
  return tracer.finish(out);
}

std::shared_ptr<Graph> trace_method(Module& m, const std::function<IValue(const std::vector<IValue>&)>& fn,
                                   const std::vector<IValue>& inputs, const std::string& method) {
  Tracer tracer;
  Value* self = tracer.add_input_of_type(Type::class_(m.type_name()), "self");
  // GetAttr chains for every parameter and buffer (unused ones go with dead code elimination)
  std::function<void(const Module&, Value*)> bind_all = [&](const Module& mod, Value* obj) {
    for (const std::string& name : mod._ivalue()->type()->attributeNames()) {
      auto kind = mod.attr_kind(name);
      if (kind != AttrKind::Parameter && kind != AttrKind::Buffer && kind != AttrKind::Module) continue;
      IValue v = mod.attr(name);
      if (kind != AttrKind::Module && !(v.isTensor() && v.toTensor().defined())) continue;
      Graph& g = tracer.graph();
      Node* get = g.insertNode(g.create(NodeKind::GetAttr, {obj}, 1));
      get->setAttr("name", name);
      if (kind == AttrKind::Module) {
        get->output()->setType(Type::class_(v.toObjectRef().name()));
        for (const auto& c : mod.named_children())
          if (c.first == name) bind_all(c.second, get->output());
      } else {
        get->output()->setType(Type::tensor());
        if (!tracer.is_traced(v.toTensor())) tracer.bind(v.toTensor(), get->output());  // shared: first path
      }
    }
  };
  bind_all(m, self);
  for (size_t i = 0; i < inputs.size(); ++i) tracer.add_input(inputs[i], "input" + std::to_string(i));
  IValue out;
  {
    dispatch::ObserverGuard guard(&tracer);
    out = fn(inputs);
  }
  std::shared_ptr<Graph> g = tracer.finish(out);
  m.define_method(method, g);
  return g;
}

std::shared_ptr<Graph> trace(const std::function<Tensor(const std::vector<Tensor>&)>& fn,
                             const std::vector<Tensor>& inputs) {
  std::vector<IValue> boxed(inputs.begin(), inputs.end());
  return trace(std::function<IValue(const std::vector<IValue>&)>([&](const std::vector<IValue>& in) -> IValue {
                 std::vector<Tensor> ts;
                 for (const IValue& v : in) ts.push_back(v.toTensor());
                 return fn(ts);
               }),
               boxed);
}

}  // namespace ember::jit
