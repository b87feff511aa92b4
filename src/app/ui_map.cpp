// cuefinder app — the embedding map: shader-drawn points, pan/zoom, hover, click to play, box and
// lasso selection, colour by any attribute with a legend, layouts (catalog t-SNE, PCA, t-SNE in a
// worker), the query's place among its neighbours.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "app/app.h"
#include "app/map_renderer.h"

namespace cf::app {

namespace {

const char* kColourKinds[] = {"Source", "Tempo (BPM)", "Loudness (LUFS)", "Duration", "Mood", "Tag", "Zero-shot label"};

}  // namespace

void App::draw_map_panel() {
    if (!catalog_) {
        ImGui::TextDisabled("No catalog loaded.");
        return;
    }
    if (!renderer_) {
        renderer_ = std::make_unique<MapRenderer>();
        if (!renderer_->init()) error_ = "map: " + renderer_->error();
    }
    // ---- toolbar
    const char* layouts[] = {"Catalog t-SNE", "PCA", "t-SNE (this browser)"};
    int layout = int(layout_);
    ImGui::SetNextItemWidth(150);
    if (ImGui::Combo("##layout", &layout, layouts, 3)) {
        if (layout == 0) {
            layout_xy_ = catalog_->map_xy();
            layout_ = MapLayout::catalog;
            display_dirty_ = true;
            view_fitted_ = false;
            run_search();
        } else if (layout == 1) {
            compute_pca();
        } else if (!tsne_xy_.empty()) {
            layout_xy_ = tsne_xy_;
            layout_ = MapLayout::tsne_browser;
            display_dirty_ = true;
        } else {
            layout = int(layout_);
        }
    }
    mark("map_layout");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(110);
    ImGui::SliderFloat("##perplexity", &tsne_perplexity_, 5.0f, 50.0f, "perplexity %.0f");
    mark("map_perplexity");
    ImGui::SameLine();
    if (ImGui::Button(tsne_running_ ? "Stop" : "Run t-SNE")) {
        if (tsne_running_) {
            host_.stop_tsne();
            tsne_running_ = false;
        } else {
            const size_t n = catalog_->size(), dim = catalog_->dim();
            std::vector<float> data(n * dim);
            for (uint32_t i = 0; i < n; ++i) {
                std::vector<float> e = catalog_->embedding(i);
                std::copy(e.begin(), e.end(), data.begin() + ptrdiff_t(i) * ptrdiff_t(dim));
            }
            const float perplexity = std::min(tsne_perplexity_, std::max(2.0f, float(n - 1) / 3.0f - 1.0f));
            host_.start_tsne(data.data(), n, dim, perplexity, 1);
            tsne_running_ = true;
            tsne_iteration_ = 0;
            view_fitted_ = false;
        }
    }
    mark("map_tsne");
    if (tsne_running_) {
        ImGui::SameLine();
        char overlay[48];
        std::snprintf(overlay, sizeof overlay, "%d / %d", tsne_iteration_, tsne_total_);
        ImGui::ProgressBar(tsne_total_ ? float(tsne_iteration_) / float(tsne_total_) : 0.0f, ImVec2(110, 0), overlay);
    }

    int kind = int(colour_by_.kind);
    ImGui::SetNextItemWidth(130);
    if (ImGui::Combo("##colour", &kind, kColourKinds, label_scores_.empty() ? 6 : 7)) {
        colour_by_.kind = ColourBy::Kind(kind);
        colour_by_.index = 0;
        colours_dirty_ = true;
    }
    mark("map_colour");
    if (colour_by_.kind == ColourBy::Kind::mood) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(100);
        if (ImGui::Combo("##mood", &colour_by_.index, kMoodNames.data(), int(kNumMoods))) colours_dirty_ = true;
    } else if (colour_by_.kind == ColourBy::Kind::label && !label_scores_.empty()) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(120);
        if (ImGui::BeginCombo("##label", label_scores_[size_t(colour_by_.index) % label_scores_.size()].label.c_str())) {
            for (size_t i = 0; i < label_scores_.size(); ++i)
                if (ImGui::Selectable(label_scores_[i].label.c_str(), int(i) == colour_by_.index)) colour_by_.index = int(i), colours_dirty_ = true;
            ImGui::EndCombo();
        }
    } else if (colour_by_.kind == ColourBy::Kind::tag && !tag_vocabulary_.empty()) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(120);
        if (ImGui::BeginCombo("##tag", tag_vocabulary_[size_t(colour_by_.index) % tag_vocabulary_.size()].c_str())) {
            for (size_t i = 0; i < tag_vocabulary_.size(); ++i)
                if (ImGui::Selectable(tag_vocabulary_[i].c_str(), int(i) == colour_by_.index)) colour_by_.index = int(i), colours_dirty_ = true;
            ImGui::EndCombo();
        }
    }
    ImGui::SameLine();
    int tool = int(tool_);
    ImGui::RadioButton("Pan", &tool, 0);
    mark("tool_pan");
    ImGui::SameLine();
    ImGui::RadioButton("Box", &tool, 1);
    mark("tool_box");
    ImGui::SameLine();
    ImGui::RadioButton("Lasso", &tool, 2);
    mark("tool_lasso");
    tool_ = MapTool(tool);
    ImGui::SameLine();
    if (ImGui::SmallButton("Fit")) view_fitted_ = false;

    // ---- data
    if (display_dirty_) rebuild_display();
    if (colours_dirty_) recolour();
    if (!view_fitted_) fit_view();

    const float list_h = selection_.empty() ? 0.0f : std::min(200.0f, ImGui::GetContentRegionAvail().y * 0.35f);
    ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImVec2 size = ImGui::GetContentRegionAvail();
    size.y -= list_h;
    size.x = std::max(size.x, 50.0f);
    size.y = std::max(size.y, 50.0f);
    const ImVec2 p1(p0.x + size.x, p0.y + size.y);
    const ImVec2 c(0.5f * (p0.x + p1.x), 0.5f * (p0.y + p1.y));
    if (view_scale_ <= 0) {
        const MapBounds b = map_bounds(display_xy_);
        const float bw = std::max(1e-6f, b.max_x - b.min_x), bh = std::max(1e-6f, b.max_y - b.min_y);
        view_scale_ = 0.92f * std::min(size.x / bw, size.y / bh);
    }
    ImGui::InvisibleButton("map_canvas", size, ImGuiButtonFlags_MouseButtonLeft);
    mark("map_canvas");
    const bool hovered = ImGui::IsItemHovered();
    const ImGuiIO& io = ImGui::GetIO();
    auto to_data = [&](ImVec2 s) { return MapPoint{view_cx_ + (s.x - c.x) / view_scale_, view_cy_ - (s.y - c.y) / view_scale_}; };
    auto to_screen = [&](float x, float y) { return ImVec2(c.x + (x - view_cx_) * view_scale_, c.y - (y - view_cy_) * view_scale_); };

    // Zoom about the cursor.
    if (hovered && io.MouseWheel != 0.0f) {
        const MapPoint before = to_data(io.MousePos);
        view_scale_ *= std::pow(1.15f, io.MouseWheel);
        const MapPoint after = to_data(io.MousePos);
        view_cx_ += before.x - after.x;
        view_cy_ += before.y - after.y;
    }
    // Hover: the nearest point within 8 px.
    hovered_track_.reset();
    std::optional<uint32_t> hovered_point;
    if (hovered && !dragging_) {
        hovered_point = nearest_point(display_xy_, to_data(io.MousePos), 8.0f / view_scale_);
        if (hovered_point) hovered_track_ = display_track_[*hovered_point];
    }
    // Drag: pan, box or lasso (Shift+drag is a box in pan mode).
    const MapTool tool_now = (tool_ == MapTool::pan && io.KeyShift) ? MapTool::box : tool_;
    if (ImGui::IsItemActivated()) {
        dragging_ = true;
        drag_start_screen_ = MapPoint{io.MousePos.x, io.MousePos.y};
        lasso_.clear();
    }
    const float drag_px = std::hypot(io.MousePos.x - drag_start_screen_.x, io.MousePos.y - drag_start_screen_.y);
    if (dragging_ && ImGui::IsItemActive()) {
        if (tool_now == MapTool::pan) {
            view_cx_ -= io.MouseDelta.x / view_scale_;
            view_cy_ += io.MouseDelta.y / view_scale_;
        } else if (tool_now == MapTool::lasso) {
            const MapPoint d = to_data(io.MousePos);
            if (lasso_.empty() || std::hypot(d.x - lasso_.back().x, d.y - lasso_.back().y) * view_scale_ > 3.0f) lasso_.push_back(d);
        }
    }
    if (dragging_ && ImGui::IsItemDeactivated()) {
        dragging_ = false;
        if (drag_px < 4.0f) {  // a click
            const auto hit = nearest_point(display_xy_, to_data(io.MousePos), 8.0f / view_scale_);
            if (hit) {
                const uint32_t track = display_track_[*hit];
                play_track(track);
                for (size_t i = 0; i < results_.size(); ++i)
                    if (results_[i].track == track) selected_row_ = int(i), scroll_to_selected_ = true;
            }
        } else if (tool_now == MapTool::box) {
            const MapPoint a = to_data(ImVec2(drag_start_screen_.x, drag_start_screen_.y)), b = to_data(io.MousePos);
            std::set<uint32_t> tracks;
            for (uint32_t i : select_box(display_xy_, a, b)) tracks.insert(display_track_[i]);
            selection_.assign(tracks.begin(), tracks.end());
            states_dirty_ = true;
        } else if (tool_now == MapTool::lasso && lasso_.size() >= 3) {
            std::set<uint32_t> tracks;
            for (uint32_t i : select_lasso(display_xy_, lasso_)) tracks.insert(display_track_[i]);
            selection_.assign(tracks.begin(), tracks.end());
            states_dirty_ = true;
        }
        lasso_.clear();
    }
    if (hovered && hovered_point && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) query_track(display_track_[*hovered_point]);

    // ---- point states and upload
    if (states_dirty_) {
        std::vector<uint8_t> track_state(catalog_->size(), 0);
        if (!selection_.empty()) std::fill(track_state.begin(), track_state.end(), uint8_t(4));
        for (uint32_t t : selection_) track_state[t] = 2;
        for (const SearchHit& h : results_) track_state[h.track] = 1;
        if (playing_what_ == Playing::track && playing_track_ < track_state.size()) track_state[playing_track_] = 3;
        std::vector<MapVertex> base(display_track_.size()), overlay;
        for (size_t i = 0; i < display_track_.size(); ++i) {
            const uint8_t s = track_state[display_track_[i]];
            base[i] = MapVertex{display_xy_[2 * i], display_xy_[2 * i + 1], display_rgba_[i], float(s == 4 ? 4 : 0)};
            if (s >= 1 && s <= 3 && i < catalog_->size()) overlay.push_back(MapVertex{base[i].x, base[i].y, base[i].rgba, float(s)});
        }
        renderer_->set_points(base, overlay);
        states_dirty_ = false;
    }

    // ---- draw
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->PushClipRect(p0, p1, true);
    dl->AddRectFilled(p0, p1, IM_COL32(18, 20, 26, 255));
    const float point_px = std::clamp(2.0f + 2.5f * std::sqrt(1000.0f / float(std::max<size_t>(display_track_.size(), 1))), 2.5f, 9.0f);
    renderer_->draw(dl, p0.x, p0.y, p1.x, p1.y, view_cx_, view_cy_, view_scale_, point_px);
    if (query_.map_position) {  // the dropped file / query track: a cross with a ring
        const ImVec2 q = to_screen(query_.map_position->x, query_.map_position->y);
        dl->AddCircle(q, 9.0f, IM_COL32(255, 80, 80, 255), 20, 2.5f);
        dl->AddLine(ImVec2(q.x - 13, q.y), ImVec2(q.x + 13, q.y), IM_COL32(255, 80, 80, 255), 2.0f);
        dl->AddLine(ImVec2(q.x, q.y - 13), ImVec2(q.x, q.y + 13), IM_COL32(255, 80, 80, 255), 2.0f);
        dl->AddText(ImVec2(q.x + 12, q.y - 18), IM_COL32(255, 120, 120, 255), query_.kind == Query::Kind::file ? "your file" : "query");
        layout_rects_["map_query"] = Rect{q.x - 9, q.y - 9, q.x + 9, q.y + 9};
    }
    if (dragging_ && tool_now == MapTool::box && drag_px >= 4.0f) {
        dl->AddRectFilled(ImVec2(drag_start_screen_.x, drag_start_screen_.y), io.MousePos, IM_COL32(255, 160, 60, 40));
        dl->AddRect(ImVec2(drag_start_screen_.x, drag_start_screen_.y), io.MousePos, IM_COL32(255, 160, 60, 220));
    }
    if (lasso_.size() >= 2) {
        std::vector<ImVec2> pts;
        for (const MapPoint& d : lasso_) pts.push_back(to_screen(d.x, d.y));
        dl->AddPolyline(pts.data(), int(pts.size()), IM_COL32(255, 160, 60, 220), ImDrawFlags_Closed, 1.5f);
    }
    if (hovered_track_) {
        const size_t i = *hovered_point;
        dl->AddCircle(to_screen(display_xy_[2 * i], display_xy_[2 * i + 1]), point_px + 3, IM_COL32(255, 255, 255, 230), 16, 1.5f);
    }
    // Legend (top-left corner of the canvas).
    {
        ImVec2 at(p0.x + 8, p0.y + 8);
        if (colour_by_.kind == ColourBy::Kind::source) {
            const size_t n = std::min<size_t>(sources_.size(), 12);
            float text_w = ImGui::CalcTextSize("+ 999 more sources").x;
            for (size_t s = 0; s < n; ++s) text_w = std::max(text_w, ImGui::CalcTextSize(sources_[s].substr(0, 22).c_str()).x);
            dl->AddRectFilled(at, ImVec2(at.x + text_w + 28, at.y + 6 + float(n + (sources_.size() > 12)) * 15), IM_COL32(0, 0, 0, 150), 4);
            for (size_t s = 0; s < n; ++s) {
                const Rgba8 col = category_colour(s);
                const ImVec2 q(at.x + 6, at.y + 4 + float(s) * 15);
                dl->AddCircleFilled(ImVec2(q.x + 4, q.y + 7), 4, IM_COL32(col.r, col.g, col.b, 255));
                dl->AddText(ImVec2(q.x + 14, q.y), IM_COL32(220, 220, 225, 255), sources_[s].substr(0, 22).c_str());
            }
            if (sources_.size() > 12) {
                char more[48];
                std::snprintf(more, sizeof more, "+ %zu more sources", sources_.size() - 12);
                dl->AddText(ImVec2(at.x + 20, at.y + 4 + 12 * 15), IM_COL32(180, 180, 185, 255), more);
            }
        } else {
            const float w = 150, h = 10;
            dl->AddRectFilled(at, ImVec2(at.x + w + 12, at.y + 54), IM_COL32(0, 0, 0, 150), 4);
            for (int i = 0; i < 30; ++i) {
                const Rgba8 col = ramp_colour(float(i) / 29.0f);
                dl->AddRectFilled(ImVec2(at.x + 6 + w * float(i) / 30, at.y + 6), ImVec2(at.x + 6 + w * float(i + 1) / 30, at.y + 6 + h),
                                  IM_COL32(col.r, col.g, col.b, 255));
            }
            char lo[32], hi[32];
            std::snprintf(lo, sizeof lo, "%.2f", double(colour_range_.lo));
            std::snprintf(hi, sizeof hi, "%.2f", double(colour_range_.hi));
            std::string name = kColourKinds[int(colour_by_.kind)];
            if (colour_by_.kind == ColourBy::Kind::mood) name = kMoodNames[size_t(colour_by_.index) % kNumMoods];
            if (colour_by_.kind == ColourBy::Kind::tag && !tag_vocabulary_.empty()) name = "tag: " + tag_vocabulary_[size_t(colour_by_.index) % tag_vocabulary_.size()];
            if (colour_by_.kind == ColourBy::Kind::label && !label_scores_.empty())
                name = "fit: " + label_scores_[size_t(colour_by_.index) % label_scores_.size()].label;
            dl->AddText(ImVec2(at.x + 6, at.y + 20), IM_COL32(220, 220, 225, 255), lo);
            dl->AddText(ImVec2(at.x + 6 + w - ImGui::CalcTextSize(hi).x, at.y + 20), IM_COL32(220, 220, 225, 255), hi);
            dl->AddText(ImVec2(at.x + 6, at.y + 36), IM_COL32(200, 200, 205, 255), name.substr(0, 24).c_str());
        }
    }
    char info[96];
    std::snprintf(info, sizeof info, "%zu points  |  scroll: zoom  drag: %s  click: play  double-click: similar", display_track_.size(),
                  tool_now == MapTool::pan ? "pan (Shift: box)" : tool_now == MapTool::box ? "box select" : "lasso");
    dl->AddText(ImVec2(p0.x + 8, p1.y - 18), IM_COL32(170, 170, 180, 255), info);
    dl->PopClipRect();

    if (hovered_track_) {
        const TrackMeta& t = catalog_->tracks()[*hovered_track_];
        ImGui::BeginTooltip();
        ImGui::Text("%s", t.title.empty() ? t.id.c_str() : t.title.c_str());
        const std::string by = !t.artist.empty() ? t.artist : t.composer;
        if (!by.empty()) ImGui::Text("by %s", by.c_str());
        ImGui::TextDisabled("%s  |  %s", t.source.c_str(), t.license.c_str());
        std::string tags;
        for (size_t i = 0; i < t.top_tags.size() && i < 4; ++i) tags += (i ? ", " : "") + t.top_tags[i].label;
        ImGui::Text("%s", tags.c_str());
        if (std::isfinite(t.bpm)) ImGui::Text("%.0f BPM", double(t.bpm));
        ImGui::EndTooltip();
    }

    // ---- selection list
    if (!selection_.empty()) {
        ImGui::Text("%zu selected", selection_.size());
        mark("selection_count");
        ImGui::SameLine();
        std::vector<ExportRow> rows;
        for (uint32_t t : selection_) rows.push_back(ExportRow{t, kUnknown, {}, {}});
        if (ImGui::SmallButton("CSV##sel")) export_list(rows, "selection", "csv");
        ImGui::SameLine();
        if (ImGui::SmallButton("JSON##sel")) export_list(rows, "selection", "json");
        ImGui::SameLine();
        if (ImGui::SmallButton("Credits##sel")) export_list(rows, "selection", "credits");
        ImGui::SameLine();
        if (ImGui::SmallButton("Clear##sel")) {
            selection_.clear();
            states_dirty_ = true;
        }
        ImGui::BeginChild("selection_list", ImVec2(0, 0), true);
        for (size_t i = 0; i < selection_.size() && i < 500; ++i) {
            const TrackMeta& t = catalog_->tracks()[selection_[i]];
            char label[300];
            std::snprintf(label, sizeof label, "%s  (%s)##sel%zu", (t.title.empty() ? t.id : t.title).c_str(), t.source.c_str(), i);
            if (ImGui::Selectable(label, playing_what_ == Playing::track && playing_track_ == selection_[i])) play_track(selection_[i]);
        }
        ImGui::EndChild();
    }
}

}  // namespace cf::app
