// ember::optim::MultiStepLR (declared with StepLR).
#pragma once
#include "ember/optim/schedulers/step_lr.h"
