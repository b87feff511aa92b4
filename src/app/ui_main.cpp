// cuefinder app — the frame: menu bar, panel layout, keyboard navigation, the about panel.
#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "app/app.h"
#include "app/map_renderer.h"

namespace cf::app {

void App::mark(const char* name) {
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    layout_rects_[name] = Rect{a.x, a.y, b.x, b.y};
}

void App::frame() {
    layout_rects_.clear();
    step_analysis(0.006);  // ≤ ~6 ms per frame (the page pumps more between frames: App::pump)
    if (filters_changed_) {
        filters_changed_ = false;
        run_search();
    }
    if (playing_what_ != Playing::none && !host_.playing() && host_.position_s() <= 0.0 && !host_.playback_error().empty()) {
        error_ = host_.playback_error();
        playing_what_ = Playing::none;
    }
    handle_keys();
    draw_menu();

    const ImGuiIO& io = ImGui::GetIO();
    const float top = ImGui::GetFrameHeight();
    const float w = io.DisplaySize.x, h = io.DisplaySize.y - top;
    const ImGuiWindowFlags fixed = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                                   ImGuiWindowFlags_NoBringToFrontOnFocus;
    // A laptop screen (≥ 1000 CSS px): three columns — query + filters | matches | map.
    // Narrower: two columns — query + filters | matches over map.
    float left_w, mid_w;
    if (w >= 1000) {
        left_w = std::max(300.0f, std::floor(w * 0.27f));
        mid_w = std::max(340.0f, std::floor(w * 0.33f));
    } else {
        left_w = std::floor(w * 0.42f);
        mid_w = w - left_w;
    }
    const float query_h = std::floor(h * 0.60f);
    ImGui::SetNextWindowPos(ImVec2(0, top));
    ImGui::SetNextWindowSize(ImVec2(left_w, query_h));
    if (ImGui::Begin("Query", nullptr, fixed)) draw_query_panel();
    ImGui::End();
    ImGui::SetNextWindowPos(ImVec2(0, top + query_h));
    ImGui::SetNextWindowSize(ImVec2(left_w, h - query_h));
    if (ImGui::Begin("Filters and tags", nullptr, fixed) && ImGui::BeginTabBar("lower")) {
        const bool filters_open = ImGui::BeginTabItem("Filters");
        mark("tab_filters");
        if (filters_open) {
            draw_filters_panel();
            ImGui::EndTabItem();
        }
        const bool tags_open = ImGui::BeginTabItem("Zero-shot tags");
        mark("tab_tags");
        if (tags_open) {
            draw_tags_panel();
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    ImGui::End();
    if (w >= 1000) {
        ImGui::SetNextWindowPos(ImVec2(left_w, top));
        ImGui::SetNextWindowSize(ImVec2(mid_w, h));
        if (ImGui::Begin("Matches", nullptr, fixed)) draw_results_panel();
        ImGui::End();
        ImGui::SetNextWindowPos(ImVec2(left_w + mid_w, top));
        ImGui::SetNextWindowSize(ImVec2(w - left_w - mid_w, h));
    } else {
        const float results_h = std::floor(h * 0.45f);
        ImGui::SetNextWindowPos(ImVec2(left_w, top));
        ImGui::SetNextWindowSize(ImVec2(mid_w, results_h));
        if (ImGui::Begin("Matches", nullptr, fixed)) draw_results_panel();
        ImGui::End();
        ImGui::SetNextWindowPos(ImVec2(left_w, top + results_h));
        ImGui::SetNextWindowSize(ImVec2(mid_w, h - results_h));
    }
    if (ImGui::Begin("Map", nullptr, fixed | ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) draw_map_panel();
    ImGui::End();

    if (show_about_) draw_about();

    // Downloads at start-up: a progress bar over everything.
    if (!loading_text_.empty()) {
        ImGui::SetNextWindowPos(ImVec2(w * 0.5f, io.DisplaySize.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
        ImGui::SetNextWindowSize(ImVec2(std::min(520.0f, w - 40), 0));
        ImGui::Begin("Loading", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
        ImGui::TextUnformatted(loading_text_.c_str());
        ImGui::ProgressBar(float(loading_fraction_), ImVec2(-1, 0));
        ImGui::End();
    }
}

void App::draw_menu() {
    if (!ImGui::BeginMainMenuBar()) return;
    if (ImGui::BeginMenu("File")) {
        if (ImGui::MenuItem("Open audio file...", "Ctrl+O")) host_.open_file_picker();
        ImGui::Separator();
        std::vector<ExportRow> rows = export_rows(results_);
        const bool has = !rows.empty();
        if (ImGui::MenuItem("Export matches as CSV", nullptr, false, has)) export_list(rows, "matches", "csv");
        if (ImGui::MenuItem("Export matches as JSON", nullptr, false, has)) export_list(rows, "matches", "json");
        if (ImGui::MenuItem("Export credits (attribution text)", nullptr, false, has)) export_list(rows, "matches", "credits");
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Help")) {
        if (ImGui::MenuItem("About cuefinder, models and licenses")) show_about_ = true;
        ImGui::EndMenu();
    }
    if (ImGui::SmallButton("About")) show_about_ = true;
    mark("about_button");
    if (catalog_) {
        ImGui::TextDisabled("  %s: %zu tracks", catalog_name_.c_str(), catalog_->size());
    }
    ImGui::TextDisabled("  |  everything runs on this device: dropped files are never uploaded");
    if (!status_text_.empty()) {
        ImGui::SameLine();
        ImGui::TextDisabled("  |  %s", status_text_.c_str());
        ImGui::SameLine();
        ImGui::ProgressBar(float(status_fraction_), ImVec2(90, ImGui::GetTextLineHeight()), "");
    }
    ImGui::EndMainMenuBar();
}

void App::handle_keys() {
    const ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput) return;
    if (results_.empty()) return;
    int row = selected_row_;
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_DownArrow))) row = std::min(int(results_.size()) - 1, row + 1);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_UpArrow))) row = std::max(0, row - 1);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Home))) row = 0;
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_End))) row = int(results_.size()) - 1;
    if (row != selected_row_) {
        selected_row_ = row;
        scroll_to_selected_ = true;
        states_dirty_ = true;
    }
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter), false)) {
        if (io.KeyShift && selected_row_ >= 0) query_track(results_[size_t(selected_row_)].track);
        else if (selected_row_ >= 0) play_result(size_t(selected_row_));
    }
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false)) {
        if (host_.playing()) host_.pause();
        else if (playing_what_ != Playing::none) host_.resume();
        else if (selected_row_ >= 0) play_result(size_t(selected_row_));
    }
    if (!io.KeyCtrl && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_A), false)) toggle_ab();
}

void App::draw_about() {
    const ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(std::min(720.0f, io.DisplaySize.x - 40), std::min(560.0f, io.DisplaySize.y - 60)), ImGuiCond_Appearing);
    if (!ImGui::Begin("About cuefinder", &show_about_, ImGuiWindowFlags_NoCollapse)) {
        ImGui::End();
        return;
    }
    mark("about_window");
    ImGui::TextWrapped(
        "cuefinder finds music for a file you drop, by sound: the audio is decoded and analysed on this device "
        "(C++ in WebAssembly, models in ONNX Runtime Web) and compared with the catalog's embeddings. Nothing you "
        "drop is uploaded; the page only downloads its own files (the app, the models, the catalog).");
    ImGui::Separator();
    ImGui::TextUnformatted("Models");
    ImGui::TextWrapped(
        "Essentia MusiCNN models (MTG, Universitat Pompeu Fabra), converted to ONNX without changing their weights. "
        "License: CC BY-NC-ND 4.0 - non-commercial use only; see models/LICENSE-essentia-models.txt.");
    if (ImGui::BeginTable("models", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
        for (const AudioModel& m : models_) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(m.name.c_str());
            ImGui::TableNextColumn();
            auto it = model_notes_.find(m.name);
            ImGui::TextWrapped("%s (%s)", it != model_notes_.end() ? it->second.c_str() : "", m.key.c_str());
        }
        ImGui::EndTable();
    }
    ImGui::Separator();
    if (catalog_) {
        ImGui::Text("Catalog: %s, %zu tracks, embedding %s (%zu-d)", catalog_name_.c_str(), catalog_->size(),
                    catalog_->embedding_name().c_str(), catalog_->dim());
        std::map<std::string, std::pair<std::string, int>> by_source;  // source -> (license, count)
        for (const TrackMeta& t : catalog_->tracks()) {
            auto& e = by_source[t.source.empty() ? "(unknown)" : t.source];
            if (e.first.empty()) e.first = t.license;
            else if (e.first.find(t.license) == std::string::npos && e.first.size() < 120) e.first += ", " + t.license;
            ++e.second;
        }
        if (ImGui::BeginTable("sources", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV,
                              ImVec2(0, 220))) {
            ImGui::TableSetupColumn("Source");
            ImGui::TableSetupColumn("Tracks", ImGuiTableColumnFlags_WidthFixed, 50);
            ImGui::TableSetupColumn("License");
            ImGui::TableHeadersRow();
            for (const auto& [src, e] : by_source) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(src.c_str());
                ImGui::TableNextColumn();
                ImGui::Text("%d", e.second);
                ImGui::TableNextColumn();
                ImGui::TextWrapped("%s", e.first.c_str());
            }
            ImGui::EndTable();
        }
    }
    ImGui::Separator();
    ImGui::TextWrapped(
        "Software: cuefinder (MIT), Dear ImGui (MIT), SDL2 (zlib), ONNX Runtime Web (MIT), mpg123 (LGPL-2.1), "
        "libvorbis/libogg/opus/opusfile/FLAC (BSD), libsamplerate (BSD-2), libebur128 (MIT). Full list: licenses/THIRD_PARTY.md.");
    if (ImGui::Button("Close")) show_about_ = false;
    mark("about_close");
    ImGui::End();
}

}  // namespace cf::app
