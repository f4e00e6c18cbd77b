// Whether this process is a child made by fork() (set by the pthread_atfork handler in threads.cpp).
#pragma once
#include <atomic>

namespace ember {

/// Set in a child process after fork(): OpenMP's pool is not usable there (Note [thread policy]).
extern std::atomic<bool> g_in_forked_child;

}  // namespace ember
