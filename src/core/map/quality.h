// cuefinder core — how faithful a low-dimensional layout is to the original neighbourhoods.
//
//   cf::Result<double> t = cf::trustworthiness(data, n_points, dim, layout, 2, 10);  // in [0, 1], 1 = best
//
// ref: J. Venna and S. Kaski, "Neighborhood Preservation in Nonlinear Projection Methods: An
//      Experimental Study", ICANN 2001; the same definition and normalisation as scikit-learn's
//      sklearn.manifold.trustworthiness (Euclidean metric):
//        T(k) = 1 − 2 / (n·k·(2n − 3k − 1)) · Σ_i Σ_{j ∈ U_i(k)} max(0, r(i, j) − k)
//      where U_i(k) are the k nearest neighbours of i in the layout and r(i, j) the rank (1 = nearest)
//      of j among i's neighbours in the original space. Ties in distance are ranked by index.
//      O(n²·dim) time, O(n) extra memory: fine for 10k points natively, slow for 100k.
#pragma once

#include <cstddef>

#include "core/common/status.h"

namespace cf {

/// Trustworthiness of `layout` ([n_points × layout_dim]) as a view of `data` ([n_points × dim]).
/// Errors (invalid_argument): k < 1 or k ≥ n_points / 2 (as scikit-learn), zero sizes, null
/// pointers, non-finite values (the message names which input, row and column).
Result<double> trustworthiness(const float* data, size_t n_points, size_t dim, const float* layout,
                               size_t layout_dim, int k);

}  // namespace cf
