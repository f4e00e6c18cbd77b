// The umbrella header: everything a C++ user of ember needs.
#pragma once
#include "ember/autograd/autograd.h"
#include "ember/autograd/function.h"
#include "ember/core/tensor.h"
#include "ember/core/tensor_new.h"
#include "ember/dispatch/registry.h"
#include "ember/gen/functions.h"
#include "ember/nn.h"
#include "ember/ops/indexing.h"
#include "ember/util/error.h"
#include "ember/util/threads.h"
#include "ember/util/warning.h"
