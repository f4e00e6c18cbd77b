#include "ember/util/pool.h"
#include <atomic>
#include <cstdlib>
#include <new>
#include <utility>

#include "ember/autograd/autograd.h"
#include "ember/gen/functions.h"

namespace ember::autograd {

namespace {
// Thread-local, as PyTorch's sequence numbers: ordering matters only within one thread's graph.
__attribute__((tls_model("initial-exec"))) thread_local uint64_t t_next_sequence_nr = 0;
}

const Node::Extras Node::kNoExtras{};

Node::Node() : sequence_nr_(t_next_sequence_nr++) {}
namespace {
// Note [iterative node deletion]: dropping the last reference to a long chain of nodes would
// recurse through every next_edges shared_ptr and overflow the stack. Deletion recurses as usual
// (cheapest) up to kMaxDeleteDepth nested nodes; deeper, a node hands its dying edges to the
// outermost destructor on this thread, which releases them one by one.
constexpr int kMaxDeleteDepth = 64;
__attribute__((tls_model("initial-exec"))) thread_local int t_delete_depth = 0;
__attribute__((tls_model("initial-exec"))) thread_local std::vector<std::shared_ptr<Node>>* t_deferred = nullptr;
}  // namespace

Node::~Node() {
  if (t_delete_depth >= kMaxDeleteDepth) {
    for (Edge& e : next_edges_)
      if (e.function && e.function.use_count() == 1) t_deferred->push_back(std::move(e.function));
    return;
  }
  if (t_delete_depth > 0) {
    ++t_delete_depth;
    for (Edge& e : next_edges_) e.function.reset();
    --t_delete_depth;
    return;
  }
  std::vector<std::shared_ptr<Node>> deferred;
  t_deferred = &deferred;
  t_delete_depth = 1;
  for (Edge& e : next_edges_) e.function.reset();
  while (!deferred.empty()) {
    std::shared_ptr<Node> n = std::move(deferred.back());
    deferred.pop_back();
    n.reset();  // its destructor may defer its own dying edges onto `deferred`
  }
  t_delete_depth = 0;
  t_deferred = nullptr;
}

struct SavedVariable::OutputParts {
  Storage storage;
  std::shared_ptr<VersionCounter> counter;  // empty when it is the storage's own (the usual case)
  VersionCounter& version() const { return counter ? *counter : storage->version_counter(); }
  DimVector sizes, strides;  // strides empty: contiguous
  int64_t offset;
  ScalarType dtype;
  std::weak_ptr<Node> grad_fn;  // empty when owner_ is set
  uint32_t output_nr;
};

void SavedVariable::PartsDeleter::operator()(OutputParts* p) const noexcept {
  p->~OutputParts();
  internal::pool_free(p, sizeof(OutputParts));
}

SavedVariable::SavedVariable(const Tensor& t, bool is_output) { save(t, is_output); }
SavedVariable::SavedVariable(SavedVariable&& o) noexcept = default;
SavedVariable& SavedVariable::operator=(SavedVariable&& o) noexcept = default;
SavedVariable::~SavedVariable() = default;

void SavedVariable::save_parts(const TensorImpl* impl, uint32_t output_nr) {
  void* mem = internal::pool_allocate(sizeof(OutputParts));
  bool own = impl->has_storage_version_counter();  // then the storage reference covers it
  out_.reset(new (mem) OutputParts{impl->storage(), own ? nullptr : impl->shared_version_counter(),
                                   DimVector(impl->sizes()),
                               impl->is_contiguous() ? DimVector() : DimVector(impl->strides()),
                               impl->storage_offset(), impl->dtype(), std::weak_ptr<Node>(), output_nr});
}

namespace {
// The pack-hook stack lives in the runtime's thread-local state (src/dispatch/thread_local_state.cpp),
// which ThreadLocalState carries to worker threads.
struct PackHookPop {  // takes the top hook off while it runs (a hook's own ops must not re-enter it)
  SavedTensorPackHook hook;
  PackHookPop() : hook(take_top_saved_tensors_hook()) {}
  ~PackHookPop() { push_saved_tensors_hook(std::move(hook)); }
};
}  // namespace

void SavedVariable::save(const Tensor& t, bool is_output) {
  was_defined_ = t.defined();
  if (!t.defined()) return;
  EMBER_CHECK(!t.unsafeGetTensorImpl()->is_inference() || InferenceMode::is_enabled(), "Inference tensors cannot "
              "be saved for backward. To work around you can make a clone to get a normal tensor and use it in "
              "autograd.");
  version_ = t._version();
  if (num_saved_tensors_hooks() > 0) {
    PackHookPop top;
    hooked_ = std::make_unique<Hooked>();
    hooked_->state = top.hook(is_output ? t.detach() : t);
    hooked_->needs_history = is_output && t.requires_grad();
    hooked_->grad_fn = t.grad_fn();
    hooked_->output_nr = t.output_nr();
    return;
  }
  if (!is_output && t.unsafeGetTensorImpl()->is_wrapped_number() && t.is_cpu() && !t.requires_grad()) {
    // A Python number (x * 1.01): keep the value, not three heap blocks, until backward.
    number_ = t.item();
    number_dtype_ = t.dtype();
    return;
  }
  if (!is_output || !t.requires_grad()) {
    data_ = t;
    return;
  }
  // Note [saved variables]: keep the parts, not the tensor (that would be node -> tensor -> node).
  const TensorImpl* impl = t.unsafeGetTensorImpl();
  save_parts(impl, impl->output_nr());
  out_->grad_fn = impl->grad_fn();
}

void SavedVariable::save_output_of(const Tensor& t, const Node* owner) {
  if (num_saved_tensors_hooks() > 0) {
    was_defined_ = t.defined();
    if (!was_defined_) return;
    version_ = t._version();
    PackHookPop top;
    hooked_ = std::make_unique<Hooked>();
    hooked_->state = top.hook(t.detach());
    hooked_->needs_history = true;
    owner_ = owner;
    return;
  }
  was_defined_ = true;
  version_ = t._version();
  owner_ = owner;
  save_parts(t.unsafeGetTensorImpl(), 0);
}

void SavedVariable::reset() {
  if (!was_defined_) return;
  released_ = true;
  data_ = Tensor();
  out_.reset();
  hooked_.reset();
  number_dtype_ = ScalarType::Undefined;
}

namespace {
// The grad_fn of a saved output whose grad_fn is the node holding it (owner_ set).
std::shared_ptr<Node> owner_node(const Node* raw, const std::shared_ptr<Node>& given) {
  if (given && given.get() == raw) return given;
  const std::shared_ptr<Node>* running = current_engine_node();
  if (running && running->get() == raw) return *running;
  return given;  // outside backward, without the node: no history (it only matters under create_graph)
}
}  // namespace

Tensor SavedVariable::unpack(const std::shared_ptr<Node>& owner) const {
  if (!was_defined_) return Tensor();
  if (released_)
    throw Error("Trying to backward through the graph a second time (or directly access saved tensors after "
                "they have already been freed). Saved intermediate values of the graph are freed when you call "
                ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
                "graph a second time or if you need to access saved tensors after calling backward.");
  if (number_dtype_ != ScalarType::Undefined) {
    Tensor t = empty({}, TensorOptions(number_dtype_));
    t.fill_(number_);
    t.unsafeGetTensorImpl()->set_wrapped_number(true);
    return t;
  }
  if (hooked_) {  // unpack hooks decide what comes back; no version check (PyTorch does the same)
    Tensor t = hooked_->state ? hooked_->state->unpack() : Tensor();
    if (hooked_->needs_history && t.defined()) {
      std::shared_ptr<Node> fn = owner_ ? owner_node(owner_, owner) : hooked_->grad_fn.lock();
      if (!fn) fn = owner;
      t = t.detach();
      if (fn) set_history(t, std::move(fn), hooked_->output_nr);
    }
    return t;
  }
  uint32_t now = out_ ? out_->version().current() : data_._version();
  if (now != version_) {
    std::shared_ptr<Node> fn = out_ ? out_->grad_fn.lock() : data_.grad_fn();
    std::string fn_name = owner_ ? owner_->name() : fn ? fn->name() : std::string();
    ScalarType dt = out_ ? out_->dtype : data_.dtype();
    IntArrayRef sizes = out_ ? out_->sizes.ref() : data_.sizes();
    uint32_t nr = out_ ? out_->output_nr : data_.output_nr();
    throw Error(detail::str(
        "one of the variables needed for gradient computation has been modified by an inplace operation: [",
        scalar_type_name(dt), " ", sizes, "]",
        !fn_name.empty() ? ", which is output " + std::to_string(nr) + " of " + fn_name : std::string(),
        ", is at version ", now, "; expected version ", version_,
        " instead. Hint: the backtrace further above can help find the operation that modified it in place."));
  }
  if (!out_) return data_;
  DimVector strides = out_->strides.empty() && !out_->sizes.empty() ? contiguous_strides(out_->sizes) : out_->strides;
  Tensor t(internal::make_pooled<TensorImpl>(out_->storage, out_->dtype, out_->sizes, std::move(strides), out_->offset));
  if (out_->counter) t.impl()->set_version_counter(out_->counter);  // else the new impl aliases the storage's
  std::shared_ptr<Node> fn = owner_ ? owner_node(owner_, owner) : out_->grad_fn.lock();
  if (!fn) fn = owner;
  if (fn) set_history(t, std::move(fn), out_->output_nr);
  return t;
}

namespace {
std::atomic<uint64_t> g_next_node_hook_id{1};
}

uint64_t Node::register_prehook(FunctionPreHook h) {
  uint64_t id = g_next_node_hook_id++;
  extras().node_pre_hooks.emplace_back(id, std::move(h));
  return id;
}

uint64_t Node::register_hook(FunctionPostHook h) {
  uint64_t id = g_next_node_hook_id++;
  extras().node_post_hooks.emplace_back(id, std::move(h));
  return id;
}

bool Node::remove_hook(uint64_t id) {
  if (!extras_) return false;
  auto drop = [id](auto& v) {
    for (auto it = v.begin(); it != v.end(); ++it)
      if (it->first == id) {
        v.erase(it);
        return true;
      }
    return false;
  };
  return drop(extras_->node_pre_hooks) || drop(extras_->node_post_hooks);
}

}  // namespace ember::autograd
