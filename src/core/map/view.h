// cuefinder core — what the embedding-map view needs that is not drawing: picking, box and lasso
// selection, placing a new point among its neighbours, and colour scales. Headless and testable;
// the app (src/app/map_*.cpp) draws with these.
//
//   cf::MapBounds b = cf::map_bounds(xy);                        // data-space extent (xy: n × 2)
//   auto hit = cf::nearest_point(xy, {mx, my}, max_dist);        // hover: nearest within a radius
//   std::vector<uint32_t> sel = cf::select_lasso(xy, polygon);   // polygon: k × 2, closed implicitly
//   auto where = cf::place_among(xy, neighbours, weights);       // a dropped file's place on the map
//   cf::Rgba8 c = cf::ramp_colour(0.7f);                         // continuous scale (perceptually ordered)
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace cf {

struct MapPoint {
    float x = 0.0f, y = 0.0f;
};

struct MapBounds {
    float min_x = 0.0f, min_y = 0.0f, max_x = 0.0f, max_y = 0.0f;
    bool empty = true;  ///< no finite point
};

/// Extent of the finite points of `xy` (n × 2 floats).
MapBounds map_bounds(std::span<const float> xy);

/// Index of the point nearest to `at` whose distance is at most `max_distance` (same units as xy),
/// or nullopt. Non-finite points are skipped. Ties: the lower index.
std::optional<uint32_t> nearest_point(std::span<const float> xy, MapPoint at, float max_distance);

/// Points inside the axis-aligned box spanned by corners a and b (any order), ascending indices.
std::vector<uint32_t> select_box(std::span<const float> xy, MapPoint a, MapPoint b);

/// Points inside the polygon (even-odd rule; the last vertex joins the first), ascending indices.
/// Fewer than 3 vertices select nothing.
std::vector<uint32_t> select_lasso(std::span<const float> xy, std::span<const MapPoint> polygon);

/// Even-odd point-in-polygon test (exposed for tests).
bool point_in_polygon(MapPoint p, std::span<const MapPoint> polygon);

/// Where a new item goes on the map: the weighted mean of its neighbours' positions (weights ≥ 0,
/// e.g. similarities; all-zero weights mean equal weights). nullopt when no neighbour is valid.
std::optional<MapPoint> place_among(std::span<const float> xy, std::span<const uint32_t> neighbours,
                                    std::span<const float> weights);

struct Rgba8 {
    uint8_t r = 0, g = 0, b = 0, a = 255;
    uint32_t packed() const { return uint32_t(r) | uint32_t(g) << 8 | uint32_t(b) << 16 | uint32_t(a) << 24; }
};

/// Continuous colour scale for t in [0, 1] (clamped; NaN gives grey): dark blue → teal → yellow,
/// monotonic in lightness so order survives greyscale and most colour-vision deficiencies.
Rgba8 ramp_colour(float t);

/// Colour for category `index` of a qualitative palette (12 distinct hues, then repeats lighter).
Rgba8 category_colour(size_t index);

/// Maps values to [0, 1] for ramp_colour between robust limits (the 2nd and 98th percentiles of the
/// finite values, so one outlier does not flatten the scale). Returns {lo, hi}; lo == hi when fewer
/// than 2 distinct finite values exist.
struct ValueRange {
    float lo = 0.0f, hi = 0.0f;
    float normalise(float v) const;  ///< (v - lo) / (hi - lo) clamped to [0, 1]; NaN stays NaN
};
ValueRange robust_range(std::span<const float> values);

}  // namespace cf
