// The backward engine: dependency-counted execution of the graph reachable from the roots, on the
// calling thread (independent graphs may run concurrently from several threads: the engine keeps no
// global state).
#include <functional>
#include <algorithm>
#include <cmath>
#include <queue>
#include <unordered_map>

#include "ember/autograd/autograd.h"
#include "ember/gen/functions.h"

namespace ember::autograd {

namespace {
std::atomic<bool> g_anomaly{false};

bool has_nan(const Tensor& t) {
  if (!t.defined() || !is_floating_point(t.dtype()) || t.is_meta()) return false;  // meta: no values
  NoGradGuard g;
  return t.numel() > 0 && t.isnan().any().item<bool>();  // ops on t's device; one value to the host
}

Tensor accumulate(const Tensor& a, const Tensor& b) { return a.defined() ? a + b : b; }
}  // namespace

namespace {
std::atomic<std::string (*)()> g_trace_provider{nullptr};
}
void set_trace_provider(std::string (*provider)()) { g_trace_provider.store(provider); }
std::string current_trace() {
  auto p = g_trace_provider.load();
  return p ? p() : std::string();
}

bool AnomalyMode::is_enabled() { return g_anomaly.load(std::memory_order_relaxed); }
void AnomalyMode::set_enabled(bool e) { g_anomaly.store(e); }

variable_list AccumulateGrad::apply(variable_list&& grads) {
  Tensor g = grads.empty() ? Tensor() : grads[0];
  if (!g.defined()) return {};
  AutogradMeta& m = materialize_meta(variable_);
  {
    std::lock_guard<std::mutex> lock(m.mutex_);  // Note [concurrent accumulation]
    if (!GradMode::is_enabled()) {
      // Plain accumulation: the new grad must not alias a tensor the caller still holds.
      if (!m.grad_.defined()) {
        m.grad_ = g.use_count() > 1 || g.requires_grad() ? g.detach().clone() : g;
      } else {
        m.grad_.add_(g);
      }
    } else {
      // create_graph: keep the graph of the gradient so it can be differentiated again.
      m.grad_ = m.grad_.defined() ? m.grad_ + g : g;
    }
  }
  for (auto& hook : m.post_acc_hooks_) hook(variable_);
  return {};
}

namespace {

struct GraphTask {
  std::unordered_map<Node*, int> dependencies;
  std::unordered_map<Node*, variable_list> buffers;
  // (node, input_nr) -> index into captured grads (autograd.grad and backward(inputs=)).
  std::unordered_map<Node*, std::vector<std::pair<uint32_t, size_t>>> captures;
  variable_list captured;
  std::unordered_map<Node*, bool> accumulate_here;  // AccumulateGrad nodes allowed to run
  bool restrict_accumulation = false;
  bool keep_graph = false;
  bool create_graph = false;
};

void add_to_buffer(GraphTask& task, Node* fn, uint32_t input_nr, const Tensor& g) {
  auto& buf = task.buffers[fn];
  if (buf.size() < fn->num_inputs()) buf.resize(fn->num_inputs());
  buf[input_nr] = accumulate(buf[input_nr], g);
}

void compute_dependencies(GraphTask& task, const std::vector<Node*>& roots) {
  std::vector<Node*> stack;
  std::unordered_map<Node*, bool> seen;
  for (Node* r : roots)
    if (!seen[r]) {
      seen[r] = true;
      stack.push_back(r);
    }
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (const Edge& e : n->next_edges()) {
      Node* next = e.function.get();
      if (!next) continue;
      task.dependencies[next] += 1;
      if (!seen[next]) {
        seen[next] = true;
        stack.push_back(next);
      }
    }
  }
}

void validate_outputs(const Node& fn, variable_list& grads) {
  if (grads.size() > fn.next_edges().size()) grads.resize(fn.next_edges().size());
}

// A node ready to run, with the shared_ptr that holds it (a root's keep-alive reference or the edge
// that reached it), so that saved outputs can give their node back (Note [saved variables]).
struct ReadyNode {
  Node* fn;
  const std::shared_ptr<Node>* holder;
};

__attribute__((tls_model("initial-exec"))) thread_local const std::shared_ptr<Node>* t_current_node = nullptr;

struct CurrentNodeGuard {
  const std::shared_ptr<Node>* prev;
  explicit CurrentNodeGuard(const std::shared_ptr<Node>* n) : prev(t_current_node) { t_current_node = n; }
  ~CurrentNodeGuard() { t_current_node = prev; }
};

// Note [final callbacks]: queue_callback adds to the list of the backward pass running on this thread;
// they run, in order, on this thread when its graph is done (callbacks may queue more).
__attribute__((tls_model("initial-exec"))) thread_local std::vector<std::function<void()>>* t_final_callbacks = nullptr;

struct FinalCallbacks {
  std::vector<std::function<void()>> list;
  std::vector<std::function<void()>>* prev;
  FinalCallbacks() : prev(t_final_callbacks) { t_final_callbacks = &list; }
  ~FinalCallbacks() { t_final_callbacks = prev; }
  void run() {
    for (size_t i = 0; i < list.size(); ++i) {  // by index: a callback may queue another
      auto cb = std::move(list[i]);
      cb();
    }
    list.clear();
  }
};

void execute(GraphTask& task, const std::vector<std::shared_ptr<Node>>& roots) {
  auto cmp = [](const ReadyNode& a, const ReadyNode& b) { return a.fn->sequence_nr() < b.fn->sequence_nr(); };
  std::priority_queue<ReadyNode, std::vector<ReadyNode>, decltype(cmp)> ready(cmp);
  for (const std::shared_ptr<Node>& r : roots)
    if (task.dependencies[r.get()] == 0) ready.push({r.get(), &r});
  AutoGradMode mode(task.create_graph);
  while (!ready.empty()) {
    Node* fn = ready.top().fn;
    const std::shared_ptr<Node>* holder = ready.top().holder;
    ready.pop();
    variable_list inputs = std::move(task.buffers[fn]);
    task.buffers.erase(fn);
    inputs.resize(fn->num_inputs());
    for (auto& [nr, hook] : fn->tensor_pre_hooks()) {
      if (nr < inputs.size() && inputs[nr].defined()) {
        Tensor r = hook(inputs[nr]);
        if (r.defined()) inputs[nr] = r;
      }
    }
    bool is_acc = dynamic_cast<AccumulateGrad*>(fn) != nullptr;
    if (is_acc && inputs[0].defined()) {
      if (AutogradMeta* m = meta(static_cast<AccumulateGrad*>(fn)->variable())) {
        for (auto& hook : m->leaf_hooks_) {
          Tensor r = hook(inputs[0]);
          if (r.defined()) inputs[0] = r;
        }
      }
    }
    for (const auto& [id, hook] : fn->prehooks()) {
      variable_list r = hook(inputs);
      if (!r.empty()) {
        EMBER_CHECK(r.size() == inputs.size(), "a pre-hook of ", fn->name(), " returned ", r.size(),
                    " gradients but the node receives ", inputs.size());
        inputs = std::move(r);
      }
    }
    auto cap = task.captures.find(fn);
    if (cap != task.captures.end())
      for (auto& [nr, idx] : cap->second) task.captured[idx] = accumulate(task.captured[idx], inputs[nr]);
    bool run = true;
    if (is_acc && task.restrict_accumulation) run = task.accumulate_here.count(fn) > 0;
    variable_list outputs;
    if (run) {
      bool any = std::any_of(inputs.begin(), inputs.end(), [](const Tensor& t) { return t.defined(); });
      if (any) {
        CurrentNodeGuard current(holder);
        if (fn->posthooks().empty()) {
          outputs = fn->apply(std::move(inputs));
        } else {
          variable_list received = inputs;
          outputs = fn->apply(std::move(inputs));
          for (const auto& [id, hook] : fn->posthooks()) {
            variable_list r = hook(outputs, received);
            if (!r.empty()) {
              EMBER_CHECK(r.size() == outputs.size(), "a hook of ", fn->name(), " returned ", r.size(),
                          " gradients but the node produces ", outputs.size());
              outputs = std::move(r);
            }
          }
        }
      }
      if (AnomalyMode::is_enabled())
        for (const Tensor& o : outputs)
          if (has_nan(o))
            throw Error(detail::str("Function '", fn->name(), "' returned nan values in its output.",
                                    fn->creation_trace().empty() ? std::string()
                                                                 : "\nThe forward op was created at:\n" +
                                                                       fn->creation_trace()));
      validate_outputs(*fn, outputs);
    }
    if (!task.keep_graph) fn->release_variables();
    const auto& edges = fn->next_edges();
    for (size_t i = 0; i < edges.size(); ++i) {
      Node* next = edges[i].function.get();
      if (!next) continue;
      if (i < outputs.size() && outputs[i].defined()) add_to_buffer(task, next, edges[i].input_nr, outputs[i]);
      if (--task.dependencies[next] == 0) ready.push({next, &edges[i].function});
    }
  }
}

variable_list run_backward(const variable_list& outputs, const variable_list& grad_outputs, bool keep_graph,
                           bool create_graph, const variable_list& inputs, bool allow_unused, bool accumulate_grad,
                           const char* api) {
  EMBER_CHECK(!outputs.empty(), api, ": no tensors to differentiate");
  EMBER_CHECK(grad_outputs.empty() || grad_outputs.size() == outputs.size(), api, ": got ", grad_outputs.size(),
              " gradients for ", outputs.size(), " tensors");
  GraphTask task;
  task.keep_graph = keep_graph;
  task.create_graph = create_graph;
  std::vector<std::shared_ptr<Node>> roots;
  std::vector<std::shared_ptr<Node>> keep_alive;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Tensor& out = outputs[i];
    out.check_defined(api);
    Edge e = gradient_edge(out);
    EMBER_CHECK(e.is_valid(), "element ", i, " of tensors does not require grad and does not have a grad_fn");
    Tensor g = grad_outputs.empty() ? Tensor() : grad_outputs[i];
    if (!g.defined()) {
      EMBER_CHECK(out.numel() == 1, "grad can be implicitly created only for scalar outputs (got a tensor of shape ",
                  out.sizes(), ")");
      g = ember::ones_like(out);
    } else {
      EMBER_CHECK(g.sizes().equals(out.sizes()), "Mismatch in shape: grad_output[", i, "] has a shape of ",
                  g.sizes(), " and output[", i, "] has a shape of ", out.sizes(), ".");
    }
    keep_alive.push_back(e.function);
    add_to_buffer(task, e.function.get(), e.input_nr, g);
    if (std::find(roots.begin(), roots.end(), e.function) == roots.end()) roots.push_back(e.function);
  }
  std::vector<Edge> input_edges;
  if (!inputs.empty()) {
    task.restrict_accumulation = true;
    task.captured.resize(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
      const Tensor& in = inputs[i];
      in.check_defined(api);
      EMBER_CHECK(in.requires_grad(), "One of the differentiated Tensors does not require grad");
      Edge e = gradient_edge(in);
      input_edges.push_back(e);
      keep_alive.push_back(e.function);
      if (accumulate_grad && in.is_leaf()) task.accumulate_here[e.function.get()] = true;
      else task.captures[e.function.get()].push_back({e.input_nr, i});
    }
  } else if (!accumulate_grad) {
    throw Error(detail::str(api, ": inputs must not be empty"));
  }
  std::vector<Node*> root_ptrs;
  for (const auto& r : roots) root_ptrs.push_back(r.get());
  compute_dependencies(task, root_ptrs);
  {
    FinalCallbacks callbacks;
    execute(task, roots);
    callbacks.run();
  }
  if (!accumulate_grad) {
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (!task.captured[i].defined())
        EMBER_CHECK(allow_unused, "One of the differentiated Tensors appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior.");
      else if (!create_graph)
        task.captured[i] = task.captured[i].detach();
    }
    return task.captured;
  }
  // backward(inputs=[non-leaf]): accumulate the captured gradients into their .grad.
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!task.captured[i].defined()) continue;
    const Tensor& in = inputs[i];
    Tensor g = create_graph ? task.captured[i] : task.captured[i].detach();
    in.set_grad(in.grad().defined() ? in.grad() + g : g);
  }
  return {};
}

}  // namespace

const std::shared_ptr<Node>* current_engine_node() { return t_current_node; }

void queue_callback(std::function<void()> callback) {
  EMBER_CHECK(t_final_callbacks != nullptr, "Final callbacks can only be installed during backward pass.");
  t_final_callbacks->push_back(std::move(callback));
}

void backward(const variable_list& tensors, const variable_list& grad_tensors, std::optional<bool> retain_graph,
              bool create_graph, const variable_list& inputs) {
  run_backward(tensors, grad_tensors, retain_graph.value_or(create_graph), create_graph, inputs, true, true,
               "backward");
}

variable_list grad(const variable_list& outputs, const variable_list& inputs, const variable_list& grad_outputs,
                   std::optional<bool> retain_graph, bool create_graph, bool allow_unused) {
  return run_backward(outputs, grad_outputs, retain_graph.value_or(create_graph), create_graph, inputs,
                      allow_unused, false, "grad");
}

}  // namespace ember::autograd
