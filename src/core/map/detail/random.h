// Internal: the map code's random generator is the core's (common/random.h).
#pragma once

#include "core/common/random.h"

namespace cf::map_detail {
using cf::SplitMix64;
}  // namespace cf::map_detail
