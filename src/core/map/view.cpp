#include "core/map/view.h"

#include <algorithm>
#include <cmath>

namespace cf {

namespace {

bool finite_at(std::span<const float> xy, size_t i) { return std::isfinite(xy[2 * i]) && std::isfinite(xy[2 * i + 1]); }

}  // namespace

MapBounds map_bounds(std::span<const float> xy) {
    MapBounds b;
    for (size_t i = 0; i < xy.size() / 2; ++i) {
        if (!finite_at(xy, i)) continue;
        const float x = xy[2 * i], y = xy[2 * i + 1];
        if (b.empty) {
            b = {x, y, x, y, false};
        } else {
            b.min_x = std::min(b.min_x, x);
            b.max_x = std::max(b.max_x, x);
            b.min_y = std::min(b.min_y, y);
            b.max_y = std::max(b.max_y, y);
        }
    }
    return b;
}

std::optional<uint32_t> nearest_point(std::span<const float> xy, MapPoint at, float max_distance) {
    std::optional<uint32_t> best;
    float best_d2 = max_distance * max_distance;
    for (size_t i = 0; i < xy.size() / 2; ++i) {
        if (!finite_at(xy, i)) continue;
        const float dx = xy[2 * i] - at.x, dy = xy[2 * i + 1] - at.y;
        const float d2 = dx * dx + dy * dy;
        if (d2 < best_d2 || (d2 == best_d2 && !best)) {
            best_d2 = d2;
            best = uint32_t(i);
        }
    }
    return best;
}

std::vector<uint32_t> select_box(std::span<const float> xy, MapPoint a, MapPoint b) {
    const float x0 = std::min(a.x, b.x), x1 = std::max(a.x, b.x);
    const float y0 = std::min(a.y, b.y), y1 = std::max(a.y, b.y);
    std::vector<uint32_t> out;
    for (size_t i = 0; i < xy.size() / 2; ++i) {
        const float x = xy[2 * i], y = xy[2 * i + 1];
        if (x >= x0 && x <= x1 && y >= y0 && y <= y1) out.push_back(uint32_t(i));  // NaN fails every comparison
    }
    return out;
}

bool point_in_polygon(MapPoint p, std::span<const MapPoint> polygon) {
    // Even-odd rule: count crossings of a ray towards +x with the polygon's edges.
    bool inside = false;
    const size_t n = polygon.size();
    if (n < 3) return false;
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
        const MapPoint& a = polygon[i];
        const MapPoint& b = polygon[j];
        if ((a.y > p.y) != (b.y > p.y)) {
            const float x_cross = a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y);
            if (p.x < x_cross) inside = !inside;
        }
    }
    return inside;
}

std::vector<uint32_t> select_lasso(std::span<const float> xy, std::span<const MapPoint> polygon) {
    std::vector<uint32_t> out;
    if (polygon.size() < 3) return out;
    // Bounding box first: most points of a big map are rejected without the edge loop.
    MapBounds box{polygon[0].x, polygon[0].y, polygon[0].x, polygon[0].y, false};
    for (const MapPoint& v : polygon) {
        box.min_x = std::min(box.min_x, v.x);
        box.max_x = std::max(box.max_x, v.x);
        box.min_y = std::min(box.min_y, v.y);
        box.max_y = std::max(box.max_y, v.y);
    }
    for (size_t i = 0; i < xy.size() / 2; ++i) {
        const MapPoint p{xy[2 * i], xy[2 * i + 1]};
        if (!(p.x >= box.min_x && p.x <= box.max_x && p.y >= box.min_y && p.y <= box.max_y)) continue;
        if (point_in_polygon(p, polygon)) out.push_back(uint32_t(i));
    }
    return out;
}

std::optional<MapPoint> place_among(std::span<const float> xy, std::span<const uint32_t> neighbours,
                                    std::span<const float> weights) {
    double sx = 0, sy = 0, sw = 0, ux = 0, uy = 0;
    size_t n_valid = 0;
    for (size_t k = 0; k < neighbours.size(); ++k) {
        const size_t i = neighbours[k];
        if (i >= xy.size() / 2 || !finite_at(xy, i)) continue;
        const double w = k < weights.size() && std::isfinite(weights[k]) ? std::max(0.0f, weights[k]) : 0.0;
        sx += w * xy[2 * i];
        sy += w * xy[2 * i + 1];
        sw += w;
        ux += xy[2 * i];
        uy += xy[2 * i + 1];
        ++n_valid;
    }
    if (n_valid == 0) return std::nullopt;
    if (sw <= 0) return MapPoint{float(ux / double(n_valid)), float(uy / double(n_valid))};
    return MapPoint{float(sx / sw), float(sy / sw)};
}

Rgba8 ramp_colour(float t) {
    if (std::isnan(t)) return {140, 140, 140, 255};
    t = std::clamp(t, 0.0f, 1.0f);
    // Control points chosen by hand along a dark-blue → teal → green → yellow path of rising lightness.
    static constexpr float kStops[6][3] = {
        {0.16f, 0.11f, 0.38f}, {0.19f, 0.30f, 0.55f}, {0.13f, 0.50f, 0.55f},
        {0.22f, 0.67f, 0.44f}, {0.60f, 0.80f, 0.25f}, {0.99f, 0.90f, 0.15f},
    };
    const float f = t * 5.0f;
    const int i = std::min(4, int(f));
    const float u = f - float(i);
    auto channel = [&](int c) { return uint8_t(std::lround(255.0f * (kStops[i][c] + u * (kStops[i + 1][c] - kStops[i][c])))); };
    return {channel(0), channel(1), channel(2), 255};
}

Rgba8 category_colour(size_t index) {
    static constexpr uint8_t kPalette[12][3] = {
        {31, 119, 180}, {255, 127, 14}, {44, 160, 44},  {214, 39, 40},  {148, 103, 189}, {140, 86, 75},
        {227, 119, 194}, {188, 189, 34}, {23, 190, 207}, {174, 199, 232}, {255, 187, 120}, {152, 223, 138},
    };
    const auto& c = kPalette[index % 12];
    if (index < 12) return {c[0], c[1], c[2], 255};
    // Later rounds: blend towards white so repeated hues stay distinguishable from the first round.
    const int round = int(std::min<size_t>(index / 12, 3));
    auto lift = [&](uint8_t v) { return uint8_t(v + (255 - v) * round / 5); };
    return {lift(c[0]), lift(c[1]), lift(c[2]), 255};
}

float ValueRange::normalise(float v) const {
    if (std::isnan(v)) return v;
    if (!(hi > lo)) return 0.5f;
    return std::clamp((v - lo) / (hi - lo), 0.0f, 1.0f);
}

ValueRange robust_range(std::span<const float> values) {
    std::vector<float> finite;
    finite.reserve(values.size());
    for (float v : values)
        if (std::isfinite(v)) finite.push_back(v);
    if (finite.size() < 2) return finite.empty() ? ValueRange{} : ValueRange{finite[0], finite[0]};
    std::sort(finite.begin(), finite.end());
    const auto at = [&](double q) { return finite[size_t(std::lround(q * double(finite.size() - 1)))]; };
    ValueRange r{at(0.02), at(0.98)};
    if (!(r.hi > r.lo)) r = {finite.front(), finite.back()};
    return r;
}

}  // namespace cf
