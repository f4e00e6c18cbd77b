// ThreadLocalState lives in the dispatch layer (ember/dispatch/thread_local_state.h): parallel loops
// of the runtime carry it.
#pragma once
#include "ember/dispatch/thread_local_state.h"
