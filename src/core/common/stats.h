// cuefinder core — small statistics shared by the modules.
#pragma once

#include <span>

namespace cf {

/// Pearson correlation of two series over their common length, clamped to −1..1. Returns false (r
/// unchanged) when that length is under 3 or either series is flat.
bool pearson(std::span<const double> a, std::span<const double> b, double* r);
bool pearson(std::span<const float> a, std::span<const float> b, double* r);

}  // namespace cf
