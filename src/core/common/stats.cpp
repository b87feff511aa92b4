#include "core/common/stats.h"

#include <algorithm>
#include <cmath>

namespace cf {
namespace {

template <class T>
bool pearson_of(std::span<const T> a, std::span<const T> b, double* r) {
    const size_t n = std::min(a.size(), b.size());
    if (n < 3) return false;
    double ma = 0.0, mb = 0.0;
    for (size_t i = 0; i < n; ++i) ma += a[i], mb += b[i];
    ma /= double(n), mb /= double(n);
    double sab = 0.0, saa = 0.0, sbb = 0.0;
    for (size_t i = 0; i < n; ++i) {
        const double da = double(a[i]) - ma, db = double(b[i]) - mb;
        sab += da * db, saa += da * da, sbb += db * db;
    }
    if (saa < 1e-12 * double(n) || sbb < 1e-12 * double(n)) return false;
    *r = std::clamp(sab / std::sqrt(saa * sbb), -1.0, 1.0);
    return true;
}

}  // namespace

bool pearson(std::span<const double> a, std::span<const double> b, double* r) { return pearson_of(a, b, r); }
bool pearson(std::span<const float> a, std::span<const float> b, double* r) { return pearson_of(a, b, r); }

}  // namespace cf
