// Grad modes live in the core layer (ember/core/grad_mode.h): the runtime's op bodies read them.
#pragma once
#include "ember/core/grad_mode.h"
