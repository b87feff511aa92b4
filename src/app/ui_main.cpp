// cuefinder app — the frame: menu bar, panel layout, keyboard navigation, the about panel.
#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "app/app.h"
#include "app/map_renderer.h"
#include "core/common/json.h"

namespace cf::app {

App::App(Host& host, Embedder* embedder) : session_(host, embedder) {}
App::~App() = default;

void App::mark(const char* name) {
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    layout_rects_[name] = Rect{a.x, a.y, b.x, b.y};
}

std::string App::state_json() const {
    return session_.state_json([&](JsonWriter& w) { w.key("about_open").value(show_about_); });
}

std::string App::layout_json() const {
    JsonWriter w;
    w.begin_object();
    for (const auto& [name, r] : layout_rects_)
        w.key(name).begin_object().key("x").number(r.x0, "%.1f").key("y").number(r.y0, "%.1f").key("w").number(r.x1 - r.x0, "%.1f")
            .key("h").number(r.y1 - r.y0, "%.1f").end_object();
    return w.end_object().take();
}

bool App::frame_due(double now_ms, bool had_input) {
    constexpr double kBusyFrameInterval_ms = 250.0;
    const bool due = had_input || !session_.analysing() || session_.list_version() != frame_list_version_ ||
                     now_ms - last_frame_ms_ >= kBusyFrameInterval_ms;
    if (due) last_frame_ms_ = now_ms, frame_list_version_ = session_.list_version();
    return due;
}

void App::frame() {
    layout_rects_.clear();
    session_.step(0.006);  // ≤ ~6 ms per frame (the page pumps more between frames: Session::pump)
    if (filters_changed_) {
        filters_changed_ = false;
        session_.run_search();
    }
    session_.check_playback();
    handle_keys();
    draw_menu();
    layout_windows();
    if (show_about_) draw_about();
    draw_loading();
}

// A laptop screen (≥ 1000 CSS px): three columns — query + filters | matches | map.
// Narrower: two columns — query + filters | matches over map.
void App::layout_windows() {
    const ImGuiIO& io = ImGui::GetIO();
    const float top = ImGui::GetFrameHeight();
    const float w = io.DisplaySize.x, h = io.DisplaySize.y - top;
    const ImGuiWindowFlags fixed = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                                   ImGuiWindowFlags_NoBringToFrontOnFocus;
    const bool wide = w >= 1000;
    const float left_w = wide ? std::max(300.0f, std::floor(w * 0.27f)) : std::floor(w * 0.42f);
    const float mid_w = wide ? std::max(340.0f, std::floor(w * 0.33f)) : w - left_w;
    const float query_h = std::floor(h * 0.60f);
    ImGui::SetNextWindowPos(ImVec2(0, top));
    ImGui::SetNextWindowSize(ImVec2(left_w, query_h));
    if (ImGui::Begin("Query", nullptr, fixed)) draw_query_panel();
    ImGui::End();
    ImGui::SetNextWindowPos(ImVec2(0, top + query_h));
    ImGui::SetNextWindowSize(ImVec2(left_w, h - query_h));
    if (ImGui::Begin("Filters and tags", nullptr, fixed)) draw_lower_tabs();
    ImGui::End();
    const float results_h = wide ? h : std::floor(h * 0.45f);
    ImGui::SetNextWindowPos(ImVec2(left_w, top));
    ImGui::SetNextWindowSize(ImVec2(mid_w, results_h));
    if (ImGui::Begin("Matches", nullptr, fixed)) draw_matches_tabs();
    ImGui::End();
    ImGui::SetNextWindowPos(wide ? ImVec2(left_w + mid_w, top) : ImVec2(left_w, top + results_h));
    ImGui::SetNextWindowSize(wide ? ImVec2(w - left_w - mid_w, h) : ImVec2(mid_w, h - results_h));
    if (ImGui::Begin("Map", nullptr, fixed | ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) draw_map_panel();
    ImGui::End();
}

// One tab of the current tab bar, its rectangle marked as `name` (for tests); `draw` when it is open.
void App::tab(const char* label, const char* name, void (App::*draw)(), int flags) {
    const bool open = ImGui::BeginTabItem(label, nullptr, flags);
    mark(name);
    if (!open) return;
    (this->*draw)();
    ImGui::EndTabItem();
}

// Matches, and the soundtracks of a dropped video in a tab of their own (brought to front once per clip).
// Matches and the playlist; the soundtracks of a dropped video in a tab of their own (brought to front once per clip).
void App::draw_matches_tabs() {
    const VideoModel& v = session_.video();
    if (!ImGui::BeginTabBar("matches_tabs")) return;
    if (v.has_clip() && session_.catalog()) {
        const bool bring = soundtracks_tab_for_ != v.shown_request();
        soundtracks_tab_for_ = v.shown_request();
        tab("Soundtracks", "tab_soundtracks", &App::draw_soundtracks_panel, bring ? ImGuiTabItemFlags_SetSelected : 0);
    }
    tab("Matches", "tab_matches", &App::draw_results_panel);
    tab("Playlist", "tab_playlist", &App::draw_playlist_panel);
    ImGui::EndTabBar();
}

void App::draw_lower_tabs() {
    if (!ImGui::BeginTabBar("lower")) return;
    tab("Filters", "tab_filters", &App::draw_filters_panel);
    tab("Zero-shot tags", "tab_tags", &App::draw_tags_panel);
    tab("Custom tags", "tab_custom_tags", &App::draw_custom_tags_panel);
    ImGui::EndTabBar();
}

// Downloads at start-up: a progress bar over everything.
void App::draw_loading() {
    if (session_.loading_text().empty()) return;
    const ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(std::min(520.0f, io.DisplaySize.x - 40), 0));
    ImGui::Begin("Loading", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
    ImGui::TextUnformatted(session_.loading_text().c_str());
    ImGui::ProgressBar(float(session_.loading_fraction()), ImVec2(-1, 0));
    ImGui::End();
}

void App::draw_menu() {
    if (!ImGui::BeginMainMenuBar()) return;
    if (ImGui::BeginMenu("File")) {
        if (ImGui::MenuItem("Open audio file...", "Ctrl+O")) session_.host().open_file_picker();
        ImGui::Separator();
        std::vector<ExportRow> rows = export_rows(session_.results().hits);
        const bool has = !rows.empty();
        if (ImGui::MenuItem("Export matches as CSV", nullptr, false, has)) session_.export_list(rows, "matches", "csv");
        if (ImGui::MenuItem("Export matches as JSON", nullptr, false, has)) session_.export_list(rows, "matches", "json");
        if (ImGui::MenuItem("Export credits (attribution text)", nullptr, false, has)) session_.export_list(rows, "matches", "credits");
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Help")) {
        if (ImGui::MenuItem("About cuefinder, models and licenses")) show_about_ = true;
        ImGui::EndMenu();
    }
    if (ImGui::SmallButton("About")) show_about_ = true;
    mark("about_button");
    if (const Catalog* catalog = session_.catalog()) {
        ImGui::TextDisabled("  %s: %zu tracks", session_.catalog_name().c_str(), catalog->size());
        // A catalog from before the learned similarity space: it is searched as before; say so, and how to get one.
        if (const Status space = catalog->space_status(); !space) {
            ImGui::SameLine();
            ImGui::TextDisabled("(plain similarity)");
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", space.message().c_str());
        }
    }
    ImGui::TextDisabled("  |  everything runs on this device: dropped files are never uploaded");
    if (!session_.status_text().empty()) {
        ImGui::SameLine();
        ImGui::TextDisabled("  |  %s", session_.status_text().c_str());
        ImGui::SameLine();
        ImGui::ProgressBar(float(session_.status_fraction()), ImVec2(90, ImGui::GetTextLineHeight()), "");
    }
    ImGui::EndMainMenuBar();
}

void App::handle_keys() {
    const ImGuiIO& io = ImGui::GetIO();
    const Results& results = session_.results();
    if (io.WantTextInput || results.hits.empty()) return;
    int row = results.selected_row;
    const int last = int(results.hits.size()) - 1;
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_DownArrow))) row = std::min(last, row + 1);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_UpArrow))) row = std::max(0, row - 1);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Home))) row = 0;
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_End))) row = last;
    if (row != results.selected_row) {
        session_.select_row(row);
        scroll_to_selected_ = true;
    }
    const int selected = results.selected_row;
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter), false)) {
        if (io.KeyShift && selected >= 0) session_.query_track(results.hits[size_t(selected)].track);
        else if (selected >= 0) session_.play_result(size_t(selected));
    }
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false)) session_.toggle_pause();
    // L likes, S skips the selected row (typed characters: ImGui 1.86 names no L or S key).
    for (const ImWchar c : io.InputQueueCharacters) {
        if (selected < 0 || io.KeyCtrl) break;
        const uint32_t track = results.hits[size_t(selected)].track;
        if (c == 'l' || c == 'L') { session_.like(track); break; }
        if (c == 's' || c == 'S') { session_.skip(track); break; }
    }
    if (io.KeyCtrl && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Z), false)) session_.undo_feedback();
    if (!io.KeyCtrl && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_A), false)) session_.toggle_ab();
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
    draw_about_models();
    ImGui::Separator();
    draw_about_sources();
    ImGui::Separator();
    ImGui::TextWrapped(
        "Software: cuefinder (MIT), Dear ImGui (MIT), SDL2 (zlib), ONNX Runtime Web (MIT), mpg123 (LGPL-2.1), "
        "libvorbis/libogg/opus/opusfile/FLAC (BSD), libsamplerate (BSD-2), libebur128 (MIT). Full list: licenses/THIRD_PARTY.md.");
    if (ImGui::Button("Close")) show_about_ = false;
    mark("about_close");
    ImGui::End();
}

void App::draw_about_models() {
    ImGui::TextUnformatted("Models");
    ImGui::TextWrapped(
        "Essentia MusiCNN models (MTG, Universitat Pompeu Fabra), converted to ONNX without changing their weights. "
        "License: CC BY-NC-ND 4.0 - non-commercial use only; see models/LICENSE-essentia-models.txt.");
    if (!ImGui::BeginTable("models", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) return;
    for (const AudioModel& m : session_.models()) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(m.name.c_str());
        ImGui::TableNextColumn();
        auto it = session_.model_notes().find(m.name);
        ImGui::TextWrapped("%s (%s)", it != session_.model_notes().end() ? it->second.c_str() : "", m.key.c_str());
    }
    ImGui::EndTable();
}

void App::draw_about_sources() {
    const Catalog* catalog = session_.catalog();
    if (!catalog) return;
    ImGui::Text("Catalog: %s, %zu tracks, embedding %s (%zu-d)", session_.catalog_name().c_str(), catalog->size(),
                catalog->embedding_name().c_str(), catalog->dim());
    if (const Status space = catalog->space_status(); !space) ImGui::TextWrapped("%s", space.message().c_str());
    else ImGui::Text("Similarity space: %s (%zu-d → %zu-d)", catalog->space()->name.c_str(), catalog->space()->dim_in, catalog->space()->dim_out);
    std::map<std::string, std::pair<std::string, int>> by_source;  // source -> (license, count)
    for (const TrackMeta& t : catalog->tracks()) {
        auto& e = by_source[t.source.empty() ? "(unknown)" : t.source];
        if (e.first.empty()) e.first = t.license;
        else if (e.first.find(t.license) == std::string::npos && e.first.size() < 120) e.first += ", " + t.license;
        ++e.second;
    }
    if (!ImGui::BeginTable("sources", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV, ImVec2(0, 220)))
        return;
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

}  // namespace cf::app
