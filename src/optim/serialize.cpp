// Optimizer state_dict / load_state_dict in Python's layout, and each optimizer's options and
// per-param state written under Python's names (serialize / deserialize), so that ember::save of a
// C++ optimizer loads into ember.optim in Python and back (docs/serialization.md).
#include <tuple>
#include <unordered_map>

#include "ember/dispatch/ivalue.h"
#include "ember/optim/adagrad.h"
#include "ember/optim/adam.h"
#include "ember/optim/adamw.h"
#include "ember/optim/optimizer.h"
#include "ember/optim/rmsprop.h"
#include "ember/optim/sgd.h"
#include "ember/util/error.h"

namespace ember::optim {

namespace {
const IValue* lookup(const GenericDict& d, const char* key) {
  auto it = d.find(IValue(key));
  return it == d.end() ? nullptr : &it->second;
}
void read(const GenericDict& d, const char* key, double& out) {
  const IValue* v = lookup(d, key);
  if (!v) return;
  EMBER_CHECK_TYPE(v->isDouble() || v->isInt(), "load_state_dict: option '", key, "' must be a number, got ", v->tagName());
  out = v->isDouble() ? v->toDouble() : static_cast<double>(v->toInt());
}
void read(const GenericDict& d, const char* key, bool& out) {
  const IValue* v = lookup(d, key);
  if (!v) return;
  EMBER_CHECK_TYPE(v->isBool(), "load_state_dict: option '", key, "' must be a bool, got ", v->tagName());
  out = v->toBool();
}
void read(const GenericDict& d, const char* key, std::tuple<double, double>& out) {
  const IValue* v = lookup(d, key);
  if (!v) return;
  EMBER_CHECK_TYPE(v->isTuple() || v->isList() || v->isDoubleList(), "load_state_dict: option '", key,
                   "' must be a pair of numbers, got ", v->tagName());
  std::vector<IValue> e;
  if (v->isTuple()) e = v->toTupleRef().elements();
  else if (v->isList()) e = v->toListRef();
  else for (double x : v->toDoubleVector()) e.emplace_back(x);
  EMBER_CHECK_TYPE(e.size() == 2, "load_state_dict: option '", key, "' must be a pair of numbers, got ", e.size(), " values");
  GenericDict tmp;
  tmp.insert(IValue("a"), e[0]);
  tmp.insert(IValue("b"), e[1]);
  read(tmp, "a", std::get<0>(out));
  read(tmp, "b", std::get<1>(out));
}
void read(const GenericDict& d, const char* key, Tensor& out) {
  const IValue* v = lookup(d, key);
  if (!v || v->isNone()) return;
  EMBER_CHECK_TYPE(v->isTensor(), "load_state_dict: state '", key, "' must be a tensor, got ", v->tagName());
  out = v->toTensor();
}
void write(GenericDict& d, const char* key, const Tensor& t) {
  if (t.defined()) d.insert_or_assign(IValue(key), IValue(t));
}
void write(GenericDict& d, const char* key, std::tuple<double, double> b) {
  d.insert_or_assign(IValue(key), IValue(ivalue::Tuple::create({IValue(std::get<0>(b)), IValue(std::get<1>(b))})));
}
template <class T>
void write(GenericDict& d, const char* key, const T& v) {
  d.insert_or_assign(IValue(key), IValue(v));
}
// Python's options that C++ has no field for, written with their defaults so that a group saved from
// C++ has every key ember.optim reads.
void write_none(GenericDict& d, std::initializer_list<const char*> keys) {
  for (const char* k : keys) d.insert_or_assign(IValue(k), IValue());
}
void write_false(GenericDict& d, std::initializer_list<const char*> keys) {
  for (const char* k : keys) d.insert_or_assign(IValue(k), IValue(false));
}
}  // namespace

void OptimizerParamState::serialize(GenericDict&) const {
  throw NotImplementedError("OptimizerParamState::serialize: this optimizer's state does not implement serialize()");
}
void OptimizerParamState::deserialize(const GenericDict&) {
  throw NotImplementedError("OptimizerParamState::deserialize: this optimizer's state does not implement deserialize()");
}
void OptimizerOptions::serialize(GenericDict& d) const {
  if (initial_lr_) write(d, "initial_lr", *initial_lr_);
}
void OptimizerOptions::deserialize(const GenericDict& d) {
  if (const IValue* v = lookup(d, "initial_lr")) {
    double x = 0;
    read(d, "initial_lr", x);
    (void)v;
    initial_lr_ = x;
  }
}
std::unique_ptr<OptimizerParamState> Optimizer::make_param_state() const {
  throw NotImplementedError("Optimizer::load_state_dict: this optimizer does not implement make_param_state()");
}

GenericDict Optimizer::state_dict() const {
  GenericDict state, out;
  GenericList groups;
  int64_t index = 0;
  for (const auto& g : param_groups_) {
    GenericDict gd;
    g.options().serialize(gd);
    GenericList ids;
    for (const Tensor& p : g.params()) {
      auto it = state_.find(p.unsafeGetTensorImpl());
      if (it != state_.end() && it->second) {
        GenericDict s;
        it->second->serialize(s);
        state.insert(IValue(index), IValue(s));
      }
      ids.push_back(IValue(index++));
    }
    gd.insert_or_assign(IValue("params"), IValue(ids));
    groups.push_back(IValue(gd));
  }
  out.insert(IValue("state"), IValue(state));
  out.insert(IValue("param_groups"), IValue(groups));
  return out;
}

void Optimizer::load_state_dict(const GenericDict& sd) {
  const IValue* groups_v = lookup(sd, "param_groups");
  const IValue* state_v = lookup(sd, "state");
  EMBER_CHECK_VALUE(groups_v && state_v, "load_state_dict: expected a dict with 'state' and 'param_groups'");
  EMBER_CHECK_TYPE(groups_v->isList() && state_v->isGenericDict(),
                   "load_state_dict: 'param_groups' must be a list and 'state' a dict, got ", groups_v->tagName(),
                   " and ", state_v->tagName());
  const auto& groups = groups_v->toListRef();
  EMBER_CHECK_VALUE(groups.size() == param_groups_.size(), "loaded state dict has a different number of parameter groups");
  std::unordered_map<int64_t, const Tensor*> by_index;
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    EMBER_CHECK_TYPE(groups[gi].isGenericDict(), "load_state_dict: a param group must be a dict, got ", groups[gi].tagName());
    const GenericDict gd = groups[gi].toGenericDict();
    const IValue* ids = lookup(gd, "params");
    EMBER_CHECK_TYPE(ids && (ids->isList() || ids->isIntList()), "load_state_dict: a param group lacks its 'params' list");
    std::vector<int64_t> idx = ids->toIntVector();
    const auto& params = param_groups_[gi].params();
    EMBER_CHECK_VALUE(idx.size() == params.size(),
                      "loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
    for (size_t i = 0; i < idx.size(); ++i) by_index[idx[i]] = &params[i];
  }
  // Everything is checked before anything changes.
  std::unordered_map<void*, std::unique_ptr<OptimizerParamState>> new_state;
  for (const auto& [k, v] : state_v->toGenericDict()) {
    EMBER_CHECK_TYPE(k.isInt() && v.isGenericDict(), "load_state_dict: 'state' maps param indices to dicts, got ",
                     k.tagName(), " -> ", v.tagName());
    auto it = by_index.find(k.toInt());
    EMBER_CHECK_VALUE(it != by_index.end(), "load_state_dict: state for param index ", k.toInt(), ", which no group has");
    auto s = make_param_state();
    s->deserialize(v.toGenericDict());
    new_state[it->second->unsafeGetTensorImpl()] = std::move(s);
  }
  std::vector<std::unique_ptr<OptimizerOptions>> new_options;
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    auto o = param_groups_[gi].options().clone();
    o->deserialize(groups[gi].toGenericDict());
    new_options.push_back(std::move(o));
  }
  for (size_t gi = 0; gi < groups.size(); ++gi) param_groups_[gi].set_options(std::move(new_options[gi]));
  state_ = std::move(new_state);
}

// ---- SGD ----
void SGDOptions::serialize(GenericDict& d) const {
  write(d, "lr", lr());
  write(d, "momentum", momentum());
  write(d, "dampening", dampening());
  write(d, "weight_decay", weight_decay());
  write(d, "nesterov", nesterov());
  write(d, "maximize", maximize());
  write_none(d, {"foreach", "fused"});
  write_false(d, {"differentiable"});
  OptimizerOptions::serialize(d);
}
void SGDOptions::deserialize(const GenericDict& d) {
  read(d, "lr", lr_);
  read(d, "momentum", momentum_);
  read(d, "dampening", dampening_);
  read(d, "weight_decay", weight_decay_);
  read(d, "nesterov", nesterov_);
  read(d, "maximize", maximize_);
  OptimizerOptions::deserialize(d);
}
void SGDParamState::serialize(GenericDict& d) const { write(d, "momentum_buffer", momentum_buffer()); }
void SGDParamState::deserialize(const GenericDict& d) { read(d, "momentum_buffer", momentum_buffer_); }
std::unique_ptr<OptimizerParamState> SGD::make_param_state() const { return std::make_unique<SGDParamState>(); }

// ---- Adam and AdamW ----
#define EMBER_ADAM_SERIALIZE(Opt, State, Optim, decoupled)                     \
  void Opt::serialize(GenericDict& d) const {                                 \
    write(d, "lr", lr());                                                     \
    write(d, "betas", betas());                                               \
    write(d, "eps", eps());                                                   \
    write(d, "weight_decay", weight_decay());                                 \
    write(d, "amsgrad", amsgrad());                                           \
    write(d, "maximize", maximize());                                         \
    write_none(d, {"foreach", "fused"});                                      \
    write_false(d, {"capturable", "differentiable"});                         \
    write(d, "decoupled_weight_decay", decoupled);                            \
    OptimizerOptions::serialize(d);                                           \
  }                                                                           \
  void Opt::deserialize(const GenericDict& d) {                               \
    read(d, "lr", lr_);                                                       \
    read(d, "betas", betas_);                                                 \
    read(d, "eps", eps_);                                                     \
    read(d, "weight_decay", weight_decay_);                                   \
    read(d, "amsgrad", amsgrad_);                                             \
    read(d, "maximize", maximize_);                                           \
    OptimizerOptions::deserialize(d);                                         \
  }                                                                           \
  void State::serialize(GenericDict& d) const {                               \
    write(d, "step", step());                                                 \
    write(d, "exp_avg", exp_avg());                                           \
    write(d, "exp_avg_sq", exp_avg_sq());                                     \
    write(d, "max_exp_avg_sq", max_exp_avg_sq());                             \
  }                                                                           \
  void State::deserialize(const GenericDict& d) {                             \
    read(d, "step", step_);                                                   \
    read(d, "exp_avg", exp_avg_);                                             \
    read(d, "exp_avg_sq", exp_avg_sq_);                                       \
    read(d, "max_exp_avg_sq", max_exp_avg_sq_);                               \
  }                                                                           \
  std::unique_ptr<OptimizerParamState> Optim::make_param_state() const { return std::make_unique<State>(); }
EMBER_ADAM_SERIALIZE(AdamOptions, AdamParamState, Adam, false)
EMBER_ADAM_SERIALIZE(AdamWOptions, AdamWParamState, AdamW, true)
#undef EMBER_ADAM_SERIALIZE

// ---- Adagrad ----
void AdagradOptions::serialize(GenericDict& d) const {
  write(d, "lr", lr());
  write(d, "lr_decay", lr_decay());
  write(d, "eps", eps());
  write(d, "weight_decay", weight_decay());
  write(d, "initial_accumulator_value", initial_accumulator_value());
  write(d, "maximize", maximize());
  write_none(d, {"foreach", "fused"});
  write_false(d, {"differentiable"});
  OptimizerOptions::serialize(d);
}
void AdagradOptions::deserialize(const GenericDict& d) {
  read(d, "lr", lr_);
  read(d, "lr_decay", lr_decay_);
  read(d, "eps", eps_);
  read(d, "weight_decay", weight_decay_);
  read(d, "initial_accumulator_value", initial_accumulator_value_);
  read(d, "maximize", maximize_);
  OptimizerOptions::deserialize(d);
}
void AdagradParamState::serialize(GenericDict& d) const {
  write(d, "step", step());
  write(d, "sum", sum());
}
void AdagradParamState::deserialize(const GenericDict& d) {
  read(d, "step", step_);
  read(d, "sum", sum_);
}
std::unique_ptr<OptimizerParamState> Adagrad::make_param_state() const { return std::make_unique<AdagradParamState>(); }

// ---- RMSprop ----
void RMSpropOptions::serialize(GenericDict& d) const {
  write(d, "lr", lr());
  write(d, "momentum", momentum());
  write(d, "alpha", alpha());
  write(d, "eps", eps());
  write(d, "centered", centered());
  write(d, "weight_decay", weight_decay());
  write(d, "maximize", maximize());
  write_none(d, {"foreach"});
  write_false(d, {"capturable", "differentiable"});
  OptimizerOptions::serialize(d);
}
void RMSpropOptions::deserialize(const GenericDict& d) {
  read(d, "lr", lr_);
  read(d, "momentum", momentum_);
  read(d, "alpha", alpha_);
  read(d, "eps", eps_);
  read(d, "centered", centered_);
  read(d, "weight_decay", weight_decay_);
  read(d, "maximize", maximize_);
  OptimizerOptions::deserialize(d);
}
void RMSpropParamState::serialize(GenericDict& d) const {
  write(d, "step", step());
  write(d, "square_avg", square_avg());
  write(d, "momentum_buffer", momentum_buffer());
  write(d, "grad_avg", grad_avg());
}
void RMSpropParamState::deserialize(const GenericDict& d) {
  read(d, "step", step_);
  read(d, "square_avg", square_avg_);
  read(d, "momentum_buffer", momentum_buffer_);
  read(d, "grad_avg", grad_avg_);
}
std::unique_ptr<OptimizerParamState> RMSprop::make_param_state() const { return std::make_unique<RMSpropParamState>(); }

}  // namespace ember::optim
