// cuefinder app session — the embedding map without drawing: layouts, colour-by and its colours, the
// drawn points (display arrays), the view transform (data ↔ screen), picking, box and lasso selection
// in data coordinates, the t-SNE run's progress. The view (src/app/ui_map.cpp) draws what this holds.
//
//   cf::app::MapModel map;
//   map.open(catalog);                                  // catalog layout, sources, tag vocabulary
//   map.update(catalog, label_percentiles);             // rebuilds what is dirty
//   map.fit_scale(canvas_w, canvas_h);                  // after fit_view(), once the canvas size is known
//   map.select_box(map.to_data(a, centre), map.to_data(b, centre));
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/map/view.h"

namespace cf::app {

enum class MapTool { pan, box, lasso };
enum class MapLayout { catalog, pca, tsne_browser };

struct ColourBy {
    enum class Kind { source, bpm, loudness, duration, mood, tag, label, custom_tag } kind = Kind::source;
    int index = 0;  ///< mood index (kMoodNames), tag index (MapModel::tag_vocabulary()), zero-shot label or custom tag index
};

/// Data → screen: (p - centre) * scale + the canvas centre, y up.
struct ViewTransform {
    float cx = 0, cy = 0, scale = 1;
    MapPoint to_data(MapPoint screen, MapPoint canvas_centre) const;
    MapPoint to_screen(MapPoint data, MapPoint canvas_centre) const;
    /// Zooms by `factor` keeping the data point under `screen` in place.
    void zoom_at(MapPoint screen, MapPoint canvas_centre, float factor);
    void pan_px(float dx, float dy) { cx -= dx / scale, cy += dy / scale; }
};

/// What a track looks like on the map (points.vert): the overlay draws 1..3 on top.
enum class PointState : uint8_t { normal = 0, match = 1, selected = 2, playing = 3, dimmed = 4 };

class MapModel {
public:
    /// A new catalog: its own layout, sources (most frequent first), tag vocabulary; no selection.
    void open(const Catalog& catalog);

    // ---- layout
    MapLayout layout() const { return layout_; }
    const std::vector<float>& layout_xy() const { return layout_xy_; }
    /// Shows `xy` (2 per track) as `layout`; the view refits unless `refit` is false.
    void set_layout(MapLayout layout, std::vector<float> xy, bool refit = true);
    bool has_browser_tsne() const { return !tsne_xy_.empty(); }
    const std::vector<float>& browser_tsne_xy() const { return tsne_xy_; }

    // ---- t-SNE progress (the run itself is the Host's worker)
    float tsne_perplexity = 30.0f;
    bool tsne_running() const { return tsne_running_; }
    int tsne_iteration() const { return tsne_iteration_; }
    int tsne_total() const { return tsne_total_; }
    void tsne_started() { tsne_running_ = true, tsne_iteration_ = 0, view_fitted_ = false; }
    void tsne_stopped() { tsne_running_ = false; }
    /// A progress message; false when it does not fit this catalog (`n_tracks` points expected).
    bool tsne_progress(const float* xy, size_t n_points, size_t n_tracks, int iteration, int total, bool done);

    // ---- colours
    const ColourBy& colour_by() const { return colour_by_; }
    void set_colour_by(ColourBy c) { colour_by_ = c, colours_dirty_ = true; }
    void colours_changed() { colours_dirty_ = true; }
    const ValueRange& colour_range() const { return colour_range_; }
    const std::vector<std::string>& sources() const { return sources_; }
    const std::vector<std::string>& tag_vocabulary() const { return tag_vocabulary_; }
    /// Per track packed RGBA for the current colour-by. `label_percentile`: the chosen zero-shot label's
    /// per-track fit (used by ColourBy::Kind::label; empty leaves those tracks grey).
    std::vector<uint32_t> track_colours(const Catalog& catalog, std::span<const float> label_percentile);

    // ---- drawn points: one per track, or `n` (benchmark copies, jittered)
    void set_display_points(size_t n) { display_points_ = n, display_dirty_ = colours_dirty_ = states_dirty_ = true; }
    /// Rebuilds positions and colours when they changed; true if anything did (re-upload states too).
    bool update(const Catalog& catalog, std::span<const float> label_percentile);
    const std::vector<float>& display_xy() const { return display_xy_; }
    const std::vector<uint32_t>& display_track() const { return display_track_; }
    const std::vector<uint32_t>& display_rgba() const { return display_rgba_; }
    bool states_dirty() const { return states_dirty_; }
    void states_changed() { states_dirty_ = true; }
    void states_uploaded() { states_dirty_ = false; }
    /// Per track: playing > match > selected > (dimmed when a selection exists) > normal.
    std::vector<PointState> track_states(size_t n_tracks, std::span<const SearchHit> matches, std::optional<uint32_t> playing) const;

    // ---- view
    ViewTransform view;
    MapTool tool = MapTool::pan;          ///< what a drag does (Shift+drag in pan: a box)
    bool view_fitted() const { return view_fitted_; }
    void refit() { view_fitted_ = false; }
    /// Centres the view on the points; the scale follows from the canvas (fit_scale).
    void fit_view();
    /// Sets the scale so the points fill 92 % of a w × h canvas, when fit_view() asked for it.
    void fit_scale(float canvas_w, float canvas_h);

    // ---- picking and selection (data coordinates)
    /// The drawn point nearest `at` within `radius` (data units), as a display index.
    std::optional<uint32_t> pick(MapPoint at, float radius) const;
    const std::vector<uint32_t>& selection() const { return selection_; }  ///< tracks, ascending
    void select_box(MapPoint a, MapPoint b);
    void select_lasso(std::span<const MapPoint> polygon);  ///< fewer than 3 vertices: unchanged
    void clear_selection() { selection_.clear(), states_dirty_ = true; }

private:
    void rebuild_display();
    void select_points(const std::vector<uint32_t>& points);
    float colour_value(const TrackMeta& t, size_t i, std::span<const float> label_percentile) const;

    MapLayout layout_ = MapLayout::catalog;
    ColourBy colour_by_;
    std::vector<float> layout_xy_;        ///< per track, the current layout
    std::vector<float> tsne_xy_;          ///< the browser t-SNE's last finished layout
    std::vector<float> display_xy_;       ///< per drawn point
    std::vector<uint32_t> display_track_; ///< drawn point → track
    std::vector<uint32_t> display_rgba_;  ///< packed colours
    size_t display_points_ = 0;           ///< 0 = one per track
    size_t n_tracks_ = 0;
    bool display_dirty_ = true, colours_dirty_ = true, states_dirty_ = true;
    bool view_fitted_ = false, scale_pending_ = false;
    std::vector<uint32_t> selection_;
    ValueRange colour_range_;
    std::vector<std::string> sources_;          ///< distinct sources, for colours
    std::vector<uint32_t> source_index_;        ///< per track
    std::vector<std::string> tag_vocabulary_;
    bool tsne_running_ = false;
    int tsne_iteration_ = 0, tsne_total_ = 0;
};

}  // namespace cf::app
