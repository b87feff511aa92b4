#include "core/map/pca.h"

#include <cmath>
#include <string>

#include "core/map/detail/random.h"

namespace cf {
namespace {

// W = Xcᵀ (Xc V) / n for the two columns of V (dim × 2, column-major), without forming Xcᵀ Xc.
void covariance_times(const float* data, size_t n, size_t dim, const std::vector<double>& mean,
                      const std::vector<double>& v, std::vector<double>& w) {
    w.assign(2 * dim, 0.0);
    for (size_t i = 0; i < n; ++i) {
        const float* row = data + i * dim;
        double s0 = 0.0, s1 = 0.0;
        for (size_t d = 0; d < dim; ++d) {
            const double x = double(row[d]) - mean[d];
            s0 += x * v[d];
            s1 += x * v[dim + d];
        }
        for (size_t d = 0; d < dim; ++d) {
            const double x = double(row[d]) - mean[d];
            w[d] += x * s0;
            w[dim + d] += x * s1;
        }
    }
    for (double& x : w) x /= double(n);
}

double dot(const double* a, const double* b, size_t dim) {
    double s = 0.0;
    for (size_t d = 0; d < dim; ++d) s += a[d] * b[d];
    return s;
}

// Gram–Schmidt on the two columns; a column that vanishes (rank < 2) becomes 0.
void orthonormalise(std::vector<double>& v, size_t dim) {
    double* a = v.data();
    double* b = v.data() + dim;
    const double na = std::sqrt(dot(a, a, dim));
    if (na > 0.0) for (size_t d = 0; d < dim; ++d) a[d] /= na;
    const double ab = dot(a, b, dim);
    for (size_t d = 0; d < dim; ++d) b[d] -= ab * a[d];
    const double nb = std::sqrt(dot(b, b, dim));
    if (nb > 1e-300 && na > 0.0) for (size_t d = 0; d < dim; ++d) b[d] /= nb;
    else for (size_t d = 0; d < dim; ++d) b[d] = 0.0;
}

}  // namespace

Result<std::vector<float>> pca_2d(const float* data, size_t n_points, size_t dim) {
    if (data == nullptr || n_points == 0 || dim == 0)
        return Status(ErrorCode::invalid_argument, "pca_2d: empty input (n_points = " + std::to_string(n_points) +
                                                       ", dim = " + std::to_string(dim) + ")");
    std::vector<double> mean(dim, 0.0);
    for (size_t i = 0; i < n_points; ++i)
        for (size_t d = 0; d < dim; ++d) {
            const float x = data[i * dim + d];
            if (!std::isfinite(x))
                return Status(ErrorCode::invalid_argument, "pca_2d: data[" + std::to_string(i) + "][" +
                                                               std::to_string(d) + "] is not finite");
            mean[d] += x;
        }
    for (double& m : mean) m /= double(n_points);

    std::vector<float> out(n_points * 2, 0.0f);
    // Deterministic start: pseudo-random, so it is never orthogonal to a principal axis by construction.
    map_detail::SplitMix64 rng(0x5ca1ab1eull);
    std::vector<double> v(2 * dim), w;
    for (double& x : v) x = rng.normal();
    orthonormalise(v, dim);
    for (int it = 0; it < 1000; ++it) {
        covariance_times(data, n_points, dim, mean, v, w);
        orthonormalise(w, dim);
        double change = 0.0;
        for (size_t d = 0; d < 2 * dim; ++d) change = std::fmax(change, std::fabs(w[d] - v[d]));
        v.swap(w);
        if (change < 1e-10) break;
    }
    // Rayleigh–Ritz: rotate the converged 2-D subspace onto the eigenvectors of H = Vᵀ C V.
    covariance_times(data, n_points, dim, mean, v, w);
    const double h00 = dot(v.data(), w.data(), dim), h11 = dot(v.data() + dim, w.data() + dim, dim);
    const double h01 = 0.5 * (dot(v.data(), w.data() + dim, dim) + dot(v.data() + dim, w.data(), dim));
    const double angle = 0.5 * std::atan2(2.0 * h01, h00 - h11);  // eigenvector of the larger eigenvalue
    const double c = std::cos(angle), s = std::sin(angle);
    std::vector<double> axes(2 * dim);
    for (size_t d = 0; d < dim; ++d) {
        axes[d] = c * v[d] + s * v[dim + d];
        axes[dim + d] = -s * v[d] + c * v[dim + d];
    }
    for (int a = 0; a < 2; ++a) {
        double* axis = axes.data() + size_t(a) * dim;
        size_t arg = 0;
        for (size_t d = 1; d < dim; ++d)
            if (std::fabs(axis[d]) > std::fabs(axis[arg]) + 1e-12) arg = d;
        if (axis[arg] < 0.0) for (size_t d = 0; d < dim; ++d) axis[d] = -axis[d];
    }
    for (size_t i = 0; i < n_points; ++i) {
        double p0 = 0.0, p1 = 0.0;
        for (size_t d = 0; d < dim; ++d) {
            const double x = double(data[i * dim + d]) - mean[d];
            p0 += x * axes[d];
            p1 += x * axes[dim + d];
        }
        out[2 * i] = float(p0);
        out[2 * i + 1] = float(p1);
    }
    return out;
}

}  // namespace cf
