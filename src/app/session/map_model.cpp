// cuefinder app session — the map's data: layouts, colours, drawn points, view, selection.
#include "app/session/map_model.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/common/random.h"
#include "core/rhythm/tempo_reading.h"

namespace cf::app {

namespace {

const std::string& source_name(const TrackMeta& t) {
    static const std::string unknown = "(unknown)";
    return t.source.empty() ? unknown : t.source;
}

// Tags that appear in any track's top tags, by how often (and how strongly) they do.
std::vector<std::string> tag_vocabulary_of(const Catalog& catalog) {
    std::map<std::string, double> weight;
    for (const TrackMeta& t : catalog.tracks())
        for (const TagScore& s : t.top_tags) weight[s.label] += s.prob;
    std::vector<std::pair<std::string, double>> v(weight.begin(), weight.end());
    std::stable_sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.second > b.second; });
    std::vector<std::string> out;
    for (auto& [label, w] : v) out.push_back(label);
    return out;
}

}  // namespace

MapPoint ViewTransform::to_data(MapPoint s, MapPoint c) const { return MapPoint{cx + (s.x - c.x) / scale, cy - (s.y - c.y) / scale}; }

MapPoint ViewTransform::to_screen(MapPoint d, MapPoint c) const { return MapPoint{c.x + (d.x - cx) * scale, c.y - (d.y - cy) * scale}; }

void ViewTransform::zoom_at(MapPoint screen, MapPoint c, float factor) {
    const MapPoint before = to_data(screen, c);
    scale *= factor;
    const MapPoint after = to_data(screen, c);
    cx += before.x - after.x;
    cy += before.y - after.y;
}

void MapModel::open(const Catalog& catalog) {
    std::map<std::string, size_t> counts;
    for (const TrackMeta& t : catalog.tracks()) ++counts[source_name(t)];
    std::vector<std::pair<std::string, size_t>> by_count(counts.begin(), counts.end());
    std::stable_sort(by_count.begin(), by_count.end(), [](auto& a, auto& b) { return a.second > b.second; });
    sources_.clear();
    std::map<std::string, uint32_t> index;
    for (auto& [s, n] : by_count) index[s] = uint32_t(sources_.size()), sources_.push_back(s);
    source_index_.clear();
    for (const TrackMeta& t : catalog.tracks()) source_index_.push_back(index[source_name(t)]);
    tag_vocabulary_ = tag_vocabulary_of(catalog);
    n_tracks_ = catalog.size();
    selection_.clear();
    tsne_xy_.clear();
    if (colour_by_.kind == ColourBy::Kind::label) colour_by_ = ColourBy{};
    set_layout(MapLayout::catalog, catalog.map_xy());
}

void MapModel::set_layout(MapLayout layout, std::vector<float> xy, bool refit) {
    layout_ = layout;
    layout_xy_ = std::move(xy);
    display_dirty_ = colours_dirty_ = states_dirty_ = true;
    if (refit) view_fitted_ = false;
}

bool MapModel::tsne_progress(const float* xy, size_t n_points, size_t n_tracks, int iteration, int total, bool done) {
    if (n_points != n_tracks || n_points != n_tracks_) return false;
    tsne_iteration_ = iteration;
    tsne_total_ = total;
    tsne_running_ = !done;
    const bool refit = !view_fitted_ || iteration < 300;  // follow the layout while it expands
    set_layout(MapLayout::tsne_browser, std::vector<float>(xy, xy + 2 * n_points));
    view_fitted_ = !refit;
    if (done) tsne_xy_ = layout_xy_;  // kept, so the layout menu can come back to it
    return true;
}

bool MapModel::update(const Catalog& catalog, std::span<const float> label_percentile) {
    const bool changed = display_dirty_ || colours_dirty_;
    if (display_dirty_) rebuild_display();
    if (colours_dirty_) {
        const std::vector<uint32_t> track_rgba = track_colours(catalog, label_percentile);
        display_rgba_.resize(display_track_.size());
        for (size_t i = 0; i < display_track_.size(); ++i) display_rgba_[i] = track_rgba[display_track_[i]];
        colours_dirty_ = false;
        states_dirty_ = true;
    }
    return changed;
}

void MapModel::rebuild_display() {
    const size_t n = display_points_ ? display_points_ : n_tracks_;
    display_xy_.assign(2 * n, 0.0f);
    display_track_.assign(n, 0);
    display_dirty_ = false;
    colours_dirty_ = states_dirty_ = true;
    if (n_tracks_ == 0 || layout_xy_.size() < 2 * n_tracks_) return;
    const MapBounds b = map_bounds(layout_xy_);
    const float spread = b.empty ? 1.0f : 0.01f * std::max(b.max_x - b.min_x, b.max_y - b.min_y);
    SplitMix64 rng(12345);
    for (size_t i = 0; i < n; ++i) {
        const uint32_t t = uint32_t(i % n_tracks_);
        display_track_[i] = t;
        float jx = 0, jy = 0;
        if (i >= n_tracks_) {  // benchmark copies: jittered around the original
            jx = spread * float(rng.normal());
            jy = spread * float(rng.normal());
        }
        display_xy_[2 * i] = layout_xy_[2 * t] + jx;
        display_xy_[2 * i + 1] = layout_xy_[2 * t + 1] + jy;
    }
}

float MapModel::colour_value(const TrackMeta& t, size_t i, std::span<const float> label_percentile) const {
    switch (colour_by_.kind) {
        case ColourBy::Kind::source: return kUnknown;
        case ColourBy::Kind::bpm:  // a free tempo has no BPM to colour by: grey, as unknown (core/rhythm/tempo_reading.h)
            return tempo_reading(t.bpm, t.bpm_confidence).kind == TempoKind::free ? kUnknown : t.bpm;
        case ColourBy::Kind::loudness: return t.loudness_lufs;
        case ColourBy::Kind::duration: return t.duration_s;
        case ColourBy::Kind::mood: return t.moods[size_t(colour_by_.index) % kNumMoods];
        case ColourBy::Kind::label:
        case ColourBy::Kind::custom_tag: return i < label_percentile.size() ? label_percentile[i] : kUnknown;
        case ColourBy::Kind::tag: {
            if (tag_vocabulary_.empty()) return 0.0f;
            const std::string& label = tag_vocabulary_[size_t(colour_by_.index) % tag_vocabulary_.size()];
            float value = 0.0f;
            for (const TagScore& s : t.top_tags)
                if (s.label == label) value = s.prob;
            return value;
        }
    }
    return kUnknown;
}

std::vector<uint32_t> MapModel::track_colours(const Catalog& catalog, std::span<const float> label_percentile) {
    const auto& tracks = catalog.tracks();
    std::vector<uint32_t> rgba(tracks.size());
    if (colour_by_.kind == ColourBy::Kind::source) {
        for (size_t i = 0; i < tracks.size(); ++i) rgba[i] = category_colour(i < source_index_.size() ? source_index_[i] : 0).packed();
        return rgba;
    }
    std::vector<float> value(tracks.size());
    for (size_t i = 0; i < tracks.size(); ++i) value[i] = colour_value(tracks[i], i, label_percentile);
    const bool unit = colour_by_.kind == ColourBy::Kind::mood || colour_by_.kind == ColourBy::Kind::label ||
                      colour_by_.kind == ColourBy::Kind::custom_tag;
    colour_range_ = unit ? ValueRange{0.0f, 1.0f} : robust_range(value);
    if (colour_by_.kind == ColourBy::Kind::tag) colour_range_ = ValueRange{0.0f, std::max(0.05f, colour_range_.hi)};
    for (size_t i = 0; i < tracks.size(); ++i) rgba[i] = ramp_colour(colour_range_.normalise(value[i])).packed();
    return rgba;
}

std::vector<PointState> MapModel::track_states(size_t n_tracks, std::span<const SearchHit> matches, std::optional<uint32_t> playing) const {
    std::vector<PointState> s(n_tracks, selection_.empty() ? PointState::normal : PointState::dimmed);
    for (uint32_t t : selection_)
        if (t < n_tracks) s[t] = PointState::selected;
    for (const SearchHit& h : matches)
        if (h.track < n_tracks) s[h.track] = PointState::match;
    if (playing && *playing < n_tracks) s[*playing] = PointState::playing;
    return s;
}

void MapModel::fit_view() {
    const MapBounds b = map_bounds(display_xy_);
    if (b.empty) return;
    view.cx = 0.5f * (b.min_x + b.max_x);
    view.cy = 0.5f * (b.min_y + b.max_y);
    view_fitted_ = true;
    scale_pending_ = true;
}

void MapModel::fit_scale(float canvas_w, float canvas_h) {
    if (!scale_pending_) return;
    const MapBounds b = map_bounds(display_xy_);
    const float bw = std::max(1e-6f, b.max_x - b.min_x), bh = std::max(1e-6f, b.max_y - b.min_y);
    view.scale = 0.92f * std::min(canvas_w / bw, canvas_h / bh);
    scale_pending_ = false;
}

std::optional<uint32_t> MapModel::pick(MapPoint at, float radius) const {
    if (display_dirty_) return std::nullopt;  // positions not built yet (update() first)
    return nearest_point(display_xy_, at, radius);
}

void MapModel::select_points(const std::vector<uint32_t>& points) {
    std::set<uint32_t> tracks;
    for (uint32_t i : points) tracks.insert(display_track_[i]);
    selection_.assign(tracks.begin(), tracks.end());
    states_dirty_ = true;
}

void MapModel::select_box(MapPoint a, MapPoint b) {
    if (display_dirty_) rebuild_display();
    select_points(cf::select_box(display_xy_, a, b));
}

void MapModel::select_lasso(std::span<const MapPoint> polygon) {
    if (polygon.size() < 3) return;
    if (display_dirty_) rebuild_display();
    select_points(cf::select_lasso(display_xy_, polygon));
}

}  // namespace cf::app
