// Thread policy and fork(): a forked child must not deadlock in OpenMP, neither in ember's own loops
// nor in the float32 GEMM (oneDNN's sgemm runs on the same libgomp pool; Note [GEMM backends]).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include <ember/ember.h>

using namespace ember;

namespace {
/// What the child computes; true when every result is exact.
bool products_are_right() {
  bool ok = matmul(ones({64, 64}), ones({64, 64})).sum().item<double>() == 64.0 * 64 * 64;
  ok = ok && matmul(ones({3, 128, 96}), ones({3, 96, 32})).sum().item<double>() == 3.0 * 128 * 32 * 96;
  ok = ok && matmul(ones({64, 64}, kFloat64), ones({64, 64}, kFloat64)).sum().item<double>() == 64.0 * 64 * 64;
  ok = ok && arange(1 << 21, kFloat64).mul(2).sum().item<double>() == double(1 << 21) * ((1 << 21) - 1);
  return ok;
}
}  // namespace

TEST_CASE("set_num_threads sizes the pool; float32 matmul is right at every thread count") {
  int n = get_num_threads();
  REQUIRE(n >= 1);
  for (int t : {1, 2, n}) {
    set_num_threads(t);
    REQUIRE(get_num_threads() == t);
    REQUIRE(matmul(ones({200, 300}), ones({300, 100})).sum().item<double>() == 200.0 * 100 * 300);
  }
  set_num_threads(n);
  REQUIRE_THROWS(set_num_threads(0));
}

TEST_CASE("a forked child runs matmul and OpenMP loops without deadlock") {
  // Start the OpenMP pool (ember's loops and oneDNN's sgemm) and OpenBLAS's threads in the parent.
  REQUIRE(products_are_right());
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    bool ok = false;
    try {
      ok = get_num_threads() == 1 && products_are_right();
      set_num_threads(2);  // still serial OpenMP loops and a fork-safe GEMM in the child
      ok = ok && products_are_right();
    } catch (...) {
    }
    _exit(ok ? 0 : 1);  // never back into Catch2 in the child
  }
  int status = 0;
  pid_t done = 0;
  for (int i = 0; i < 600 && done == 0; ++i) {  // 60 s at most
    done = waitpid(pid, &status, WNOHANG);
    if (done == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (done == 0) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    FAIL("the forked child hung (killed after 60 s)");
  }
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
}
