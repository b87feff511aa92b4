// cuefinder app — the embedding map: shader-drawn points, pan/zoom, hover, click to play, box and
// lasso selection, colour by any attribute with a legend, layouts (catalog t-SNE, PCA, t-SNE in a
// worker), the query's place among its neighbours. The data behind it is the session's MapModel.
//
// [SECTION] Toolbar  [SECTION] Canvas input  [SECTION] Drawing  [SECTION] Legend, tooltip, selection
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/app.h"
#include "app/map_renderer.h"
#include "core/rhythm/tempo_reading.h"

namespace cf::app {

namespace {

const char* kColourKinds[] = {"Source", "Tempo (BPM)", "Loudness (LUFS)", "Duration", "Mood", "Tag", "Zero-shot label", "Custom tag"};

ImVec2 im(MapPoint p) { return ImVec2(p.x, p.y); }
MapPoint pt(ImVec2 p) { return MapPoint{p.x, p.y}; }

// A combo over names; true (and `index` set) when the user picked one.
bool name_combo(const char* id, float width, const std::vector<std::string>& names, int* index) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(width);
    bool picked = false;
    if (ImGui::BeginCombo(id, names[size_t(*index) % names.size()].c_str())) {
        for (size_t i = 0; i < names.size(); ++i)
            if (ImGui::Selectable(names[i].c_str(), int(i) == *index)) *index = int(i), picked = true;
        ImGui::EndCombo();
    }
    return picked;
}

}  // namespace

void App::draw_map_panel() {
    if (!session_.catalog()) {
        ImGui::TextDisabled("No catalog loaded.");
        return;
    }
    if (!renderer_) {
        renderer_ = std::make_unique<MapRenderer>();
        if (!renderer_->init()) session_.set_error("map: " + renderer_->error());
    }
    draw_map_toolbar();
    draw_map_colour_picker();
    draw_map_tools();
    session_.update_map();
    MapModel& map = session_.map();
    if (!map.view_fitted()) map.fit_view();
    const Canvas c = map_canvas();
    handle_map_input(c);
    upload_map_points();
    draw_map_overlays(c, map_tool_now());
    draw_map_tooltip();
    draw_selection_list();
}

// [SECTION] Toolbar ------------------------------------------------------------------------------

void App::draw_map_toolbar() {
    MapModel& map = session_.map();
    const char* layouts[] = {"Catalog t-SNE", "PCA", "t-SNE (this browser)"};
    int layout = int(map.layout());
    ImGui::SetNextItemWidth(150);
    if (ImGui::Combo("##layout", &layout, layouts, 3)) session_.show_layout(MapLayout(layout));
    mark("map_layout");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(110);
    ImGui::SliderFloat("##perplexity", &map.tsne_perplexity, 5.0f, 50.0f, "perplexity %.0f");
    mark("map_perplexity");
    ImGui::SameLine();
    if (ImGui::Button(map.tsne_running() ? "Stop" : "Run t-SNE")) {
        if (map.tsne_running()) session_.stop_tsne();
        else session_.start_tsne();
    }
    mark("map_tsne");
    if (!map.tsne_running()) return;
    ImGui::SameLine();
    char overlay[48];
    std::snprintf(overlay, sizeof overlay, "%d / %d", map.tsne_iteration(), map.tsne_total());
    ImGui::ProgressBar(map.tsne_total() ? float(map.tsne_iteration()) / float(map.tsne_total()) : 0.0f, ImVec2(110, 0), overlay);
}

void App::draw_map_colour_picker() {
    MapModel& map = session_.map();
    const std::vector<LabelScore>& labels = session_.words().label_scores();
    ColourBy by = map.colour_by();
    int kind = int(by.kind);
    ImGui::SetNextItemWidth(130);
    const auto& custom = session_.custom_tags().tags();
    if (ImGui::Combo("##colour", &kind, kColourKinds, !custom.empty() ? 8 : labels.empty() ? 6 : 7)) map.set_colour_by(ColourBy{ColourBy::Kind(kind), 0});
    mark("map_colour");
    by = map.colour_by();
    if (by.kind == ColourBy::Kind::mood) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(100);
        if (ImGui::Combo("##mood", &by.index, kMoodNames.data(), int(kNumMoods))) map.set_colour_by(by);
    } else if (by.kind == ColourBy::Kind::label && !labels.empty()) {
        std::vector<std::string> names;
        for (const LabelScore& l : labels) names.push_back(l.label);
        if (name_combo("##label", 120, names, &by.index)) map.set_colour_by(by);
    } else if (by.kind == ColourBy::Kind::custom_tag && !custom.empty()) {
        std::vector<std::string> names;
        for (const CustomTag& t : custom) names.push_back(t.tag.name);
        if (name_combo("##custom", 120, names, &by.index)) map.set_colour_by(by);
    } else if (by.kind == ColourBy::Kind::tag && !map.tag_vocabulary().empty()) {
        if (name_combo("##tag", 120, map.tag_vocabulary(), &by.index)) map.set_colour_by(by);
    }
}

void App::draw_map_tools() {
    MapModel& map = session_.map();
    ImGui::SameLine();
    int tool = int(map.tool);
    ImGui::RadioButton("Pan", &tool, 0);
    mark("tool_pan");
    ImGui::SameLine();
    ImGui::RadioButton("Box", &tool, 1);
    mark("tool_box");
    ImGui::SameLine();
    ImGui::RadioButton("Lasso", &tool, 2);
    mark("tool_lasso");
    map.tool = MapTool(tool);
    ImGui::SameLine();
    if (ImGui::SmallButton("Fit")) map.refit();
}

MapTool App::map_tool_now() const {
    const MapTool tool = session_.map().tool;
    return tool == MapTool::pan && ImGui::GetIO().KeyShift ? MapTool::box : tool;
}

// [SECTION] Canvas input -------------------------------------------------------------------------

App::Canvas App::map_canvas() {
    const float list_h = session_.map().selection().empty() ? 0.0f : std::min(200.0f, ImGui::GetContentRegionAvail().y * 0.35f);
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImVec2 size = ImGui::GetContentRegionAvail();
    size.y -= list_h;
    size.x = std::max(size.x, 50.0f);
    size.y = std::max(size.y, 50.0f);
    session_.map().fit_scale(size.x, size.y);
    ImGui::InvisibleButton("map_canvas", size, ImGuiButtonFlags_MouseButtonLeft);
    mark("map_canvas");
    return Canvas{p0.x, p0.y, p0.x + size.x, p0.y + size.y};
}

void App::handle_map_input(const Canvas& c) {
    MapModel& map = session_.map();
    const bool hovered = ImGui::IsItemHovered();
    const ImGuiIO& io = ImGui::GetIO();
    if (hovered && io.MouseWheel != 0.0f) map.view.zoom_at(pt(io.MousePos), c.centre(), std::pow(1.15f, io.MouseWheel));  // about the cursor
    // Hover: the nearest point within 8 px.
    hovered_point_.reset();
    if (hovered && !dragging_) hovered_point_ = map.pick(map.view.to_data(pt(io.MousePos), c.centre()), 8.0f / map.view.scale);
    if (ImGui::IsItemActivated()) {
        dragging_ = true;
        drag_start_screen_ = pt(io.MousePos);
        lasso_.clear();
    }
    const MapTool tool = map_tool_now();
    if (dragging_ && ImGui::IsItemActive()) {
        if (tool == MapTool::pan) {
            map.view.pan_px(io.MouseDelta.x, io.MouseDelta.y);
        } else if (tool == MapTool::lasso) {
            const MapPoint d = map.view.to_data(pt(io.MousePos), c.centre());
            if (lasso_.empty() || std::hypot(d.x - lasso_.back().x, d.y - lasso_.back().y) * map.view.scale > 3.0f) lasso_.push_back(d);
        }
    }
    if (dragging_ && ImGui::IsItemDeactivated()) finish_map_drag(c, tool);
    if (hovered && hovered_point_ && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left))
        session_.query_track(map.display_track()[*hovered_point_]);
    if (hovered && hovered_point_ && ImGui::IsMouseClicked(ImGuiMouseButton_Right)) {
        menu_track_ = map.display_track()[*hovered_point_];
        ImGui::OpenPopup("map_point_menu");
    }
    draw_map_point_menu();
}

// Right-click on a point: like, skip, play, find similar.
void App::draw_map_point_menu() {
    if (!ImGui::BeginPopup("map_point_menu")) return;
    if (menu_track_ && *menu_track_ < session_.catalog()->size()) {
        const uint32_t t = *menu_track_;
        const TrackMeta& m = session_.catalog()->tracks()[t];
        ImGui::TextDisabled("%s", (m.title.empty() ? m.id : m.title).c_str());
        if (ImGui::MenuItem("Like: more like this")) session_.like(t);
        mark("map_menu_like");
        if (ImGui::MenuItem("Skip: not this")) session_.skip(t);
        mark("map_menu_skip");
        if (ImGui::MenuItem("Play")) session_.play_track(t);
        if (ImGui::MenuItem("Find similar")) session_.query_track(t);
    }
    ImGui::EndPopup();
}

// A short drag is a click (play the point, select its row); else a box or a lasso selects.
void App::finish_map_drag(const Canvas& c, MapTool tool) {
    MapModel& map = session_.map();
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    dragging_ = false;
    if (std::hypot(mouse.x - drag_start_screen_.x, mouse.y - drag_start_screen_.y) < 4.0f) {
        if (const auto hit = map.pick(map.view.to_data(pt(mouse), c.centre()), 8.0f / map.view.scale)) {
            const uint32_t track = map.display_track()[*hit];
            session_.play_track(track);
            if (const int row = session_.results().row_of(track); row >= 0) session_.select_row(row), scroll_to_selected_ = true;
        }
    } else if (tool == MapTool::box) {
        map.select_box(map.view.to_data(drag_start_screen_, c.centre()), map.view.to_data(pt(mouse), c.centre()));
    } else if (tool == MapTool::lasso) {
        map.select_lasso(lasso_);
    }
    lasso_.clear();
}

// [SECTION] Drawing ------------------------------------------------------------------------------

void App::upload_map_points() {
    MapModel& map = session_.map();
    if (!map.states_dirty()) return;
    const size_t n_tracks = session_.catalog()->size();
    std::optional<uint32_t> playing;
    if (session_.playing_what() == Playing::track) playing = session_.playing_track();
    const std::vector<PointState> state = map.track_states(n_tracks, session_.results().hits, playing);
    const auto& track = map.display_track();
    const auto& xy = map.display_xy();
    std::vector<MapVertex> base(track.size()), overlay;
    for (size_t i = 0; i < track.size(); ++i) {
        const PointState s = state[track[i]];
        base[i] = MapVertex{xy[2 * i], xy[2 * i + 1], map.display_rgba()[i], s == PointState::dimmed ? 4.0f : 0.0f};
        if (s != PointState::normal && s != PointState::dimmed && i < n_tracks) overlay.push_back(MapVertex{base[i].x, base[i].y, base[i].rgba, float(s)});
    }
    renderer_->set_points(base, overlay);
    map.states_uploaded();
}

void App::draw_map_overlays(const Canvas& c, MapTool tool) {
    const MapModel& map = session_.map();
    const ImVec2 p0(c.x0, c.y0), p1(c.x1, c.y1), mouse = ImGui::GetIO().MousePos;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->PushClipRect(p0, p1, true);
    dl->AddRectFilled(p0, p1, IM_COL32(18, 20, 26, 255));
    const size_t n_points = map.display_track().size();
    const float point_px = std::clamp(2.0f + 2.5f * std::sqrt(1000.0f / float(std::max<size_t>(n_points, 1))), 2.5f, 9.0f);
    renderer_->draw(dl, p0.x, p0.y, p1.x, p1.y, map.view.cx, map.view.cy, map.view.scale, point_px);
    draw_playlist_path(c);
    draw_map_feedback_marks(c, point_px);
    if (const auto& where = session_.query().map_position) {  // the dropped file / query track: a cross with a ring
        const ImVec2 q = im(map.view.to_screen(*where, c.centre()));
        const ImU32 red = IM_COL32(255, 80, 80, 255);
        dl->AddCircle(q, 9.0f, red, 20, 2.5f);
        dl->AddLine(ImVec2(q.x - 13, q.y), ImVec2(q.x + 13, q.y), red, 2.0f);
        dl->AddLine(ImVec2(q.x, q.y - 13), ImVec2(q.x, q.y + 13), red, 2.0f);
        dl->AddText(ImVec2(q.x + 12, q.y - 18), IM_COL32(255, 120, 120, 255), session_.query().kind == Query::Kind::file ? "your file" : "query");
        layout_rects_["map_query"] = Rect{q.x - 9, q.y - 9, q.x + 9, q.y + 9};
    }
    const float drag_px = std::hypot(mouse.x - drag_start_screen_.x, mouse.y - drag_start_screen_.y);
    if (dragging_ && tool == MapTool::box && drag_px >= 4.0f) {
        dl->AddRectFilled(im(drag_start_screen_), mouse, IM_COL32(255, 160, 60, 40));
        dl->AddRect(im(drag_start_screen_), mouse, IM_COL32(255, 160, 60, 220));
    }
    if (lasso_.size() >= 2) {
        std::vector<ImVec2> pts;
        for (const MapPoint& d : lasso_) pts.push_back(im(map.view.to_screen(d, c.centre())));
        dl->AddPolyline(pts.data(), int(pts.size()), IM_COL32(255, 160, 60, 220), ImDrawFlags_Closed, 1.5f);
    }
    if (hovered_point_) {
        const size_t i = *hovered_point_;
        const MapPoint at{map.display_xy()[2 * i], map.display_xy()[2 * i + 1]};
        dl->AddCircle(im(map.view.to_screen(at, c.centre())), point_px + 3, IM_COL32(255, 255, 255, 230), 16, 1.5f);
    }
    draw_map_legend(c);
    char info[96];
    std::snprintf(info, sizeof info, "%zu points  |  scroll: zoom  drag: %s  click: play  double-click: similar", n_points,
                  tool == MapTool::pan ? "pan (Shift: box)" : tool == MapTool::box ? "box select" : "lasso");
    dl->AddText(ImVec2(p0.x + 8, p1.y - 18), IM_COL32(170, 170, 180, 255), info);
    dl->PopClipRect();
}

// Liked tracks: a green ring; skipped: a red cross (the last judgement of each).
void App::draw_map_feedback_marks(const Canvas& c, float point_px) {
    const MapModel& map = session_.map();
    const std::vector<float>& xy = map.layout_xy();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float r = point_px + 3.0f;
    for (const query::SessionEvent& e : session_.feedback().events()) {
        if (e.kind == query::SessionEvent::Kind::remark || 2 * size_t(e.track) + 1 >= xy.size()) continue;
        const ImVec2 q = im(map.view.to_screen(MapPoint{xy[2 * e.track], xy[2 * e.track + 1]}, c.centre()));
        const Judged j = session_.feedback().judged(e.track);
        if (j == Judged::liked) dl->AddCircle(q, r, IM_COL32(90, 230, 120, 255), 16, 2.5f);
        if (j == Judged::skipped) {
            dl->AddLine(ImVec2(q.x - r, q.y - r), ImVec2(q.x + r, q.y + r), IM_COL32(240, 80, 80, 255), 2.0f);
            dl->AddLine(ImVec2(q.x - r, q.y + r), ImVec2(q.x + r, q.y - r), IM_COL32(240, 80, 80, 255), 2.0f);
        }
    }
}

// The playlist as a path in play order, numbered every few steps; a costly step is drawn warmer.
void App::draw_playlist_path(const Canvas& c) {
    const auto& pl = session_.playlist().playlist();
    if (!pl || pl->entries.empty()) return;
    const MapModel& map = session_.map();
    const std::vector<float>& xy = map.layout_xy();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 prev{};
    for (size_t i = 0; i < pl->entries.size(); ++i) {
        const uint32_t t = pl->entries[i].track;
        if (2 * size_t(t) + 1 >= xy.size()) return;
        const ImVec2 q = im(map.view.to_screen(MapPoint{xy[2 * t], xy[2 * t + 1]}, c.centre()));
        if (i) {
            const float heat = std::clamp(pl->entries[i].transition_cost / 0.6f, 0.0f, 1.0f);
            dl->AddLine(prev, q, IM_COL32(int(120 + 135 * heat), int(200 - 90 * heat), 255 - int(200 * heat), 220), 2.0f);
        }
        dl->AddCircleFilled(q, 3.0f, IM_COL32(255, 255, 255, 230));
        if (i == 0 || i + 1 == pl->entries.size() || i % 5 == 0) {
            char n[8];
            std::snprintf(n, sizeof n, "%zu", i + 1);
            dl->AddText(ImVec2(q.x + 5, q.y - 14), IM_COL32(255, 255, 255, 240), n);
        }
        prev = q;
    }
}

// [SECTION] Legend, tooltip, selection -----------------------------------------------------------

// Legend (top-left corner of the canvas).
void App::draw_map_legend(const Canvas& c) {
    const ImVec2 at(c.x0 + 8, c.y0 + 8);
    if (session_.map().colour_by().kind == ColourBy::Kind::source) draw_source_legend(at);
    else draw_ramp_legend(at);
}

void App::draw_source_legend(const ImVec2& at) {
    const std::vector<std::string>& sources = session_.map().sources();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const size_t n = std::min<size_t>(sources.size(), 12);
    float text_w = ImGui::CalcTextSize("+ 999 more sources").x;
    for (size_t s = 0; s < n; ++s) text_w = std::max(text_w, ImGui::CalcTextSize(sources[s].substr(0, 22).c_str()).x);
    dl->AddRectFilled(at, ImVec2(at.x + text_w + 28, at.y + 6 + float(n + (sources.size() > 12)) * 15), IM_COL32(0, 0, 0, 150), 4);
    for (size_t s = 0; s < n; ++s) {
        const Rgba8 col = category_colour(s);
        const ImVec2 q(at.x + 6, at.y + 4 + float(s) * 15);
        dl->AddCircleFilled(ImVec2(q.x + 4, q.y + 7), 4, IM_COL32(col.r, col.g, col.b, 255));
        dl->AddText(ImVec2(q.x + 14, q.y), IM_COL32(220, 220, 225, 255), sources[s].substr(0, 22).c_str());
    }
    if (sources.size() > 12) {
        char more[48];
        std::snprintf(more, sizeof more, "+ %zu more sources", sources.size() - 12);
        dl->AddText(ImVec2(at.x + 20, at.y + 4 + 12 * 15), IM_COL32(180, 180, 185, 255), more);
    }
}

void App::draw_ramp_legend(const ImVec2& at) {
    const MapModel& map = session_.map();
    const ColourBy& by = map.colour_by();
    const std::vector<LabelScore>& labels = session_.words().label_scores();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float w = 150, h = 10;
    dl->AddRectFilled(at, ImVec2(at.x + w + 12, at.y + 54), IM_COL32(0, 0, 0, 150), 4);
    for (int i = 0; i < 30; ++i) {
        const Rgba8 col = ramp_colour(float(i) / 29.0f);
        dl->AddRectFilled(ImVec2(at.x + 6 + w * float(i) / 30, at.y + 6), ImVec2(at.x + 6 + w * float(i + 1) / 30, at.y + 6 + h),
                          IM_COL32(col.r, col.g, col.b, 255));
    }
    char lo[32], hi[32];
    std::snprintf(lo, sizeof lo, "%.2f", double(map.colour_range().lo));
    std::snprintf(hi, sizeof hi, "%.2f", double(map.colour_range().hi));
    std::string name = kColourKinds[int(by.kind)];
    if (by.kind == ColourBy::Kind::mood) name = kMoodNames[size_t(by.index) % kNumMoods];
    if (by.kind == ColourBy::Kind::tag && !map.tag_vocabulary().empty())
        name = "tag: " + map.tag_vocabulary()[size_t(by.index) % map.tag_vocabulary().size()];
    if (by.kind == ColourBy::Kind::label && !labels.empty()) name = "fit: " + labels[size_t(by.index) % labels.size()].label;
    const auto& custom = session_.custom_tags().tags();
    if (by.kind == ColourBy::Kind::custom_tag && !custom.empty()) name = "tag: " + custom[size_t(by.index) % custom.size()].tag.name;
    dl->AddText(ImVec2(at.x + 6, at.y + 20), IM_COL32(220, 220, 225, 255), lo);
    dl->AddText(ImVec2(at.x + 6 + w - ImGui::CalcTextSize(hi).x, at.y + 20), IM_COL32(220, 220, 225, 255), hi);
    dl->AddText(ImVec2(at.x + 6, at.y + 36), IM_COL32(200, 200, 205, 255), name.substr(0, 24).c_str());
}

void App::draw_map_tooltip() {
    if (!hovered_point_) return;
    const TrackMeta& t = session_.catalog()->tracks()[session_.map().display_track()[*hovered_point_]];
    ImGui::BeginTooltip();
    ImGui::Text("%s", t.title.empty() ? t.id.c_str() : t.title.c_str());
    const std::string by = !t.artist.empty() ? t.artist : t.composer;
    if (!by.empty()) ImGui::Text("by %s", by.c_str());
    ImGui::TextDisabled("%s  |  %s", t.source.c_str(), t.license.c_str());
    std::string tags;
    for (size_t i = 0; i < t.top_tags.size() && i < 4; ++i) tags += (i ? ", " : "") + t.top_tags[i].label;
    ImGui::Text("%s", tags.c_str());
    const std::string tempo = tempo_label(tempo_reading(t.bpm, t.bpm_confidence));  // "free tempo", "~107–135 BPM"
    if (!tempo.empty()) ImGui::Text("%s", tempo.c_str());
    ImGui::EndTooltip();
}

void App::draw_selection_list() {
    MapModel& map = session_.map();
    if (map.selection().empty()) return;
    ImGui::Text("%zu selected", map.selection().size());
    mark("selection_count");
    ImGui::SameLine();
    std::vector<ExportRow> rows;
    for (uint32_t t : map.selection()) rows.push_back(ExportRow{t, kUnknown, {}, {}});
    if (ImGui::SmallButton("CSV##sel")) session_.export_list(rows, "selection", "csv");
    ImGui::SameLine();
    if (ImGui::SmallButton("JSON##sel")) session_.export_list(rows, "selection", "json");
    ImGui::SameLine();
    if (ImGui::SmallButton("Credits##sel")) session_.export_list(rows, "selection", "credits");
    ImGui::SameLine();
    if (ImGui::SmallButton("Clear##sel")) map.clear_selection();
    ImGui::BeginChild("selection_list", ImVec2(0, 0), true);
    const auto& tracks = session_.catalog()->tracks();
    for (size_t i = 0; i < map.selection().size() && i < 500; ++i) {
        const uint32_t track = map.selection()[i];
        const TrackMeta& t = tracks[track];
        char label[300];
        std::snprintf(label, sizeof label, "%s  (%s)##sel%zu", (t.title.empty() ? t.id : t.title).c_str(), t.source.c_str(), i);
        if (ImGui::Selectable(label, session_.playing_what() == Playing::track && session_.playing_track() == track)) session_.play_track(track);
    }
    ImGui::EndChild();
}

}  // namespace cf::app
