// ember::optim::LinearLR (declared with CosineAnnealingLR).
#pragma once
#include "ember/optim/schedulers/cosine_annealing_lr.h"
