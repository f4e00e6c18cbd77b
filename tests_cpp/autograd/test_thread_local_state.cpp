// ThreadLocalState / ThreadLocalStateGuard: a snapshot taken on one thread is set on another for
// a scope (every field), the other thread's own state comes back after, and parallel_for's
// workers run under the caller's state (Note [thread-local state]).
#include <catch2/catch.hpp>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include <ember/autograd/thread_local_state.h>
#include <ember/ember.h>

#include "kernels/cpu/parallel.h"

using namespace ember;
using autograd::GradMode;

namespace {
struct CountingState : autograd::SavedTensorHookState {
  Tensor t;
  Tensor unpack() override { return t; }
};

struct Seen {
  bool grad = true, outer = true, inference = false;
  int hooks = 0;
};
Seen seen_here() {
  return {GradMode::is_enabled(), GradMode::outer_enabled(), autograd::InferenceMode::is_enabled(),
          autograd::num_saved_tensors_hooks()};
}
}  // namespace

TEST_CASE("thread-local state: a snapshot travels to another thread", "[thread_local_state]") {
  std::atomic<int> packed{0};
  autograd::push_saved_tensors_hook([&](const Tensor& t) {
    auto s = std::make_shared<CountingState>();
    s->t = t;
    ++packed;
    return s;
  });
  std::optional<ThreadLocalState> state;
  {
    NoGradGuard no_grad;
    state.emplace();
  }
  autograd::pop_saved_tensors_hook();
  CHECK(!state->grad_enabled());
  CHECK(state->num_saved_tensors_hooks() == 1);

  Seen before, inside, after;
  int packed_inside = -1;
  std::thread worker([&] {
    before = seen_here();
    {
      ThreadLocalStateGuard guard(*state);
      inside = seen_here();
      // the hook captured on the main thread packs what this thread saves
      AutoGradMode enable(true);
      Tensor x = ones({3}).requires_grad_(true);
      Tensor y = x * x;
      packed_inside = packed.load();
      y.sum().backward();
      CHECK(x.grad().sum().item<double>() == 6.0);
    }
    after = seen_here();
  });
  worker.join();
  CHECK(before.grad);  // a new thread starts from the defaults
  CHECK(before.hooks == 0);
  CHECK(!inside.grad);
  CHECK(inside.outer);
  CHECK(!inside.inference);
  CHECK(inside.hooks == 1);
  CHECK(packed_inside >= 1);
  CHECK(after.grad);  // the worker's own state is back
  CHECK(after.outer);
  CHECK(after.hooks == 0);
  CHECK(seen_here().hooks == 0);  // and the main thread's is untouched
  CHECK(GradMode::is_enabled());
}

TEST_CASE("thread-local state: inference mode and the outer grad mode", "[thread_local_state]") {
  std::optional<ThreadLocalState> state;
  {
    InferenceMode guard;
    state.emplace();
  }
  CHECK(state->inference_mode());
  CHECK(!state->grad_enabled());
  Seen inside, after;
  bool inference_tensor = false;
  std::thread worker([&] {
    {
      ThreadLocalStateGuard guard(*state);
      inside = seen_here();
      inference_tensor = ones({2}).unsafeGetTensorImpl()->is_inference();
    }
    after = seen_here();
  });
  worker.join();
  CHECK(inside.inference);
  CHECK(!inside.grad);
  CHECK(inference_tensor);
  CHECK(!after.inference);
  CHECK(after.grad);

  // outer grad mode (AutoGradMode's record) travels too
  {
    NoGradGuard a;
    AutoGradMode b(true);  // grad on, outer off
    state.emplace();
  }
  std::thread w2([&] {
    ThreadLocalStateGuard guard(*state);
    inside = seen_here();
  });
  w2.join();
  CHECK(inside.grad);
  CHECK(!inside.outer);
}

TEST_CASE("thread-local state: a matching state sets nothing", "[thread_local_state]") {
  ThreadLocalState here;
  CHECK(here.matches_current());
  {
    NoGradGuard g;
    CHECK(!here.matches_current());
    ThreadLocalStateGuard guard(here);
    CHECK(GradMode::is_enabled());
  }
  CHECK(GradMode::is_enabled());
}

TEST_CASE("thread-local state: parallel_for workers run under the caller's state", "[thread_local_state]") {
  int prev = get_num_threads();
  set_num_threads(2);
  std::mutex m;
  std::set<std::thread::id> threads;
  bool all_no_grad = true;
  {
    NoGradGuard no_grad;
    parallel_for(1 << 20, 1 << 10, [&](int64_t, int64_t) {
      std::lock_guard<std::mutex> lock(m);
      threads.insert(std::this_thread::get_id());
      all_no_grad = all_no_grad && !GradMode::is_enabled();
    });
  }
  CHECK(all_no_grad);
  // the workers are back to their own state: a loop with grad enabled sees it enabled everywhere
  bool all_grad = true;
  parallel_for(1 << 20, 1 << 10, [&](int64_t, int64_t) {
    std::lock_guard<std::mutex> lock(m);
    all_grad = all_grad && GradMode::is_enabled();
  });
  CHECK(all_grad);
  set_num_threads(prev);
#ifdef _OPENMP
  CHECK(threads.size() >= 1);
#endif
}
