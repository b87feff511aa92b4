// cuefinder core — 2-D PCA view of a point set (and the t-SNE initial layout).
//
//   cf::Result<std::vector<float>> xy = cf::pca_2d(data, n_points, dim);   // [n_points × 2]
//   if (!xy) report(xy.status().message());
//
// ref: subspace (block power) iteration on the covariance, applied as Xcᵀ(Xc·V) so the dim × dim
//      matrix is never formed, then a 2 × 2 Rayleigh–Ritz rotation to the principal axes
//      (Golub & Van Loan, "Matrix Computations", §8.2.4 orthogonal iteration). O(N·dim) per iteration.
#pragma once

#include <cstddef>
#include <vector>

#include "core/common/status.h"

namespace cf {

/// Projects the centred rows of `data` ([n_points × dim], row-major) on the first two principal
/// axes: [n_points × 2], column 0 the axis of largest variance. Each axis' sign is fixed so that its
/// largest-magnitude coordinate (first one on ties) is positive, so the result is deterministic.
/// dim = 1 gives a zero second column; constant data gives all zeros.
/// Errors (invalid_argument): n_points = 0, dim = 0, a null pointer, or a non-finite value
/// (the message names the row and column).
Result<std::vector<float>> pca_2d(const float* data, size_t n_points, size_t dim);

}  // namespace cf
