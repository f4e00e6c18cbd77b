// ember::optim::SequentialLR (declared with OneCycleLR).
#pragma once
#include "ember/optim/schedulers/one_cycle_lr.h"
