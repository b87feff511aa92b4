#include "core/map/quality.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "core/map/detail/knn.h"

namespace cf {
namespace {
Status check_finite(const char* what, const float* x, size_t n, size_t dim) {
    for (size_t i = 0; i < n * dim; ++i)
        if (!std::isfinite(x[i]))
            return Status(ErrorCode::invalid_argument, std::string("trustworthiness: ") + what + "[" +
                                                           std::to_string(i / dim) + "][" + std::to_string(i % dim) +
                                                           "] is not finite");
    return Status::ok();
}
}  // namespace

Result<double> trustworthiness(const float* data, size_t n_points, size_t dim, const float* layout,
                               size_t layout_dim, int k) {
    if (data == nullptr || layout == nullptr || n_points == 0 || dim == 0 || layout_dim == 0)
        return Status(ErrorCode::invalid_argument, "trustworthiness: empty input");
    if (k < 1 || double(k) >= double(n_points) / 2.0)
        return Status(ErrorCode::invalid_argument, "trustworthiness: k = " + std::to_string(k) +
                                                       " must be in [1, n_points / 2) with n_points = " +
                                                       std::to_string(n_points));
    CF_RETURN_IF_ERROR(check_finite("data", data, n_points, dim));
    CF_RETURN_IF_ERROR(check_finite("layout", layout, n_points, layout_dim));
    const size_t n = n_points, kk = size_t(k);
    std::vector<std::pair<float, uint32_t>> low(n - 1);
    std::vector<float> high(n);
    double penalty = 0.0;
    for (size_t i = 0; i < n; ++i) {
        // k nearest in the layout (ties by index), like sklearn's NearestNeighbors.
        size_t m = 0;
        for (size_t j = 0; j < n; ++j)
            if (j != i)
                low[m++] = {map_detail::squared_distance<simd::ScalarOps>(layout + i * layout_dim,
                                                                          layout + j * layout_dim, layout_dim),
                            uint32_t(j)};
        std::partial_sort(low.begin(), low.begin() + std::ptrdiff_t(kk), low.end());
        for (size_t j = 0; j < n; ++j)
            high[j] = map_detail::squared_distance_best(data + i * dim, data + j * dim, dim);
        for (size_t r = 0; r < kk; ++r) {
            const uint32_t j = low[r].second;
            const float dj = high[j];
            // Rank of j among i's neighbours in the original space (1 = nearest; ties ranked by index).
            size_t rank = 1;
            for (size_t l = 0; l < n; ++l)
                if (l != i && (high[l] < dj || (high[l] == dj && l < j))) ++rank;
            if (rank > kk) penalty += double(rank - kk);
        }
    }
    const double nn = double(n), kd = double(k);
    return 1.0 - penalty * (2.0 / (nn * kd * (2.0 * nn - 3.0 * kd - 1.0)));
}

}  // namespace cf
