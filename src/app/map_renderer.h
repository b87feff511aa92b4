// cuefinder app — draws the map's points with the project's shaders (shaders/points.{vert,frag})
// from one vertex buffer, inside an ImGui window (an ImDrawList callback), so 100k points cost one
// draw call, not 100k ImGui primitives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

struct ImDrawList;
struct ImDrawCmd;

namespace cf::app {

struct MapVertex {
    float x = 0, y = 0;   ///< data space
    uint32_t rgba = 0;    ///< packed RGBA8 (r in the low byte)
    float state = 0;      ///< see points.vert
};

class MapRenderer {
public:
    MapRenderer();
    ~MapRenderer();
    /// Compiles the shaders; false with a message in error() (no WebGL2, driver trouble).
    bool init();
    const std::string& error() const { return error_; }

    /// Replaces the points (base layer) and the overlay (highlighted points, drawn on top).
    void set_points(const std::vector<MapVertex>& base, const std::vector<MapVertex>& overlay);

    /// Adds the draw to `list` for the canvas rectangle (ImGui coordinates) and view.
    void draw(ImDrawList* list, float canvas_x0, float canvas_y0, float canvas_x1, float canvas_y1, float centre_x,
              float centre_y, float scale_px_per_unit, float point_px);

private:
    static void callback(const ImDrawList* list, const ImDrawCmd* cmd);
    void render();
    std::string error_;
    unsigned program_ = 0, vao_ = 0, vbo_ = 0, overlay_vao_ = 0, overlay_vbo_ = 0;
    int loc_centre_ = -1, loc_scale_ = -1, loc_viewport_ = -1, loc_point_ = -1;
    size_t n_base_ = 0, n_overlay_ = 0;
    float canvas_[4] = {0, 0, 0, 0};
    float centre_[2] = {0, 0};
    float scale_ = 1, point_px_ = 4;
};

}  // namespace cf::app
