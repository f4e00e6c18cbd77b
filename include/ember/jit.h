// The JIT (docs/jit.md): graph IR, text form, linter, passes, interpreter, tracer, script modules.
// Everything here is in libember_runtime (Ember::runtime); tracing an nn::Module is in
// ember/jit_nn/trace.h (libember).
#pragma once
#include "ember/jit/function.h"
#include "ember/jit/ir.h"
#include "ember/jit/lint.h"
#include "ember/jit/module.h"
#include "ember/jit/passes.h"
#include "ember/jit/text.h"
#include "ember/jit/tracer.h"
#include "ember/jit/type.h"
