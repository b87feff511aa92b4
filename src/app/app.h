// cuefinder app — the browser app's screens (Dear ImGui): thin views over the session model
// (src/app/session/session.h), which holds the state and logic and is tested natively.
//
//   cf::app::App app(host, embedder.get());
//   app.session().set_models(models);                        // the analysis slots
//   app.session().open_catalog(bytes, "demo", "catalog/");   // catalog.cfc bytes; previews under base_url
//   each frame:  ImGui::NewFrame(); app.frame(); ImGui::Render(); ... draw ...
//   a drop:      int id = app.session().analyze("song.mp3", bytes);   // host->analysis_finished(id, ...) later
//
// One file per screen: ui_main.cpp (frame, menu, keys, about), ui_query.cpp (query panel, filters),
// ui_results.cpp (matches), ui_session.cpp (like/skip, custom tags, playlist), ui_words.cpp (words, picture, zero-shot tags), ui_video.cpp (a dropped
// video: the clip, its timeline, soundtrack suggestions), ui_map.cpp (the map).
#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/session/session.h"

struct ImVec2;

namespace cf::app {

class MapRenderer;

struct Rect {
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

class App {
public:
    App(Host& host, Embedder* embedder);
    ~App();

    Session& session() { return session_; }
    /// Builds the UI for this frame (between ImGui::NewFrame and ImGui::Render).
    void frame();
    /// Whether to build and draw a frame now (else only step the analysis): while a dropped file is
    /// analysed and nothing happens on screen, 4 frames a second leave the CPU to decoding and the
    /// models (software WebGL would take most of a core); input or a new list draws at once.
    bool frame_due(double now_ms, bool had_input);
    /// window.cuefinder.state(): the session's state and whether the about panel is open.
    std::string state_json() const;
    /// Screen rectangles (CSS pixels) of named widgets from the last frame, for tests that click.
    std::string layout_json() const;

private:
    /// The map canvas of this frame in screen pixels.
    struct Canvas {
        float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
        MapPoint centre() const { return MapPoint{0.5f * (x0 + x1), 0.5f * (y0 + y1)}; }
    };

    // ui_main.cpp
    void layout_windows();
    void draw_lower_tabs();
    void draw_loading();
    void draw_menu();
    void handle_keys();
    void draw_about();
    void draw_about_models();
    void draw_about_sources();
    // ui_query.cpp
    void draw_query_panel();
    void draw_analysis_progress();
    void draw_error();
    void draw_query_summary();
    void draw_query_tags();
    void draw_waveform(float height);
    void draw_taggram();
    void draw_filters_panel();
    // ui_results.cpp
    void draw_results_panel();
    void draw_results_toolbar();
    void draw_results_table();
    void draw_result_row(size_t i);
    void draw_result_detail();
    // ui_session.cpp
    void draw_feedback_bar();
    void draw_feedback_buttons(uint32_t track, const char* id_suffix);
    void draw_custom_tags_panel();
    void draw_custom_tag_row(size_t i);
    void draw_playlist_panel();
    void draw_playlist_exports();
    void draw_playlist_table();
    // ui_words.cpp
    void draw_words_panel();
    void draw_text_heard();
    void draw_picture();
    void draw_mix_weights();
    void draw_tags_panel();
    void draw_label_row(size_t i, bool file);
    void draw_label_best(size_t i);
    // ui_video.cpp
    void draw_video_panel();
    void draw_video_view();
    void draw_video_timeline();
    void draw_plan_marks(const EditPlan& plan, const ImVec2& p, float w, float h, double len);
    void draw_video_controls();
    void draw_soundtracks_panel();
    void draw_soundtrack_row(const Catalog& cat, size_t i);
    void draw_soundtrack_actions();
    void draw_soundtrack_detail();
    void draw_matches_tabs();
    void tab(const char* label, const char* name, void (App::*draw)(), int flags = 0);
    // ui_map.cpp
    void draw_map_panel();
    void draw_map_toolbar();
    void draw_map_colour_picker();
    void draw_map_tools();
    Canvas map_canvas();
    void handle_map_input(const Canvas& c);
    void finish_map_drag(const Canvas& c, MapTool tool);
    void upload_map_points();
    void draw_map_overlays(const Canvas& c, MapTool tool);
    void draw_map_legend(const Canvas& c);
    void draw_source_legend(const ImVec2& at);
    void draw_ramp_legend(const ImVec2& at);
    void draw_map_tooltip();
    void draw_selection_list();
    void draw_map_feedback_marks(const Canvas& c, float point_px);
    void draw_playlist_path(const Canvas& c);
    void draw_map_point_menu();

    void mark(const char* name);  ///< records the last item's rect under `name`
    MapTool map_tool_now() const;  ///< the tool, or a box while Shift is held in pan mode

    Session session_;
    std::unique_ptr<MapRenderer> renderer_;
    std::map<std::string, Rect> layout_rects_;
    bool show_about_ = false;
    double last_frame_ms_ = 0.0;
    int frame_list_version_ = 0;  ///< Session::list_version() when the last frame was built
    bool scroll_to_selected_ = false;
    bool filters_changed_ = false;
    int soundtracks_tab_for_ = 0;                    ///< the clip whose suggestions were last brought to front
    std::array<char, 256> text_buf_{};               ///< what is typed
    std::array<char, 512> labels_buf_{};             ///< the tagging panel's labels, as typed
    std::array<char, 256> remark_buf_{};             ///< a like/skip session's remark, as typed
    std::array<char, 128> tag_name_buf_{};           ///< a custom tag's name, as typed
    std::string labels_seen_;                        ///< the session's labels last copied into labels_buf_
    // map interaction (screen pixels; the lasso in data coordinates)
    bool dragging_ = false;
    MapPoint drag_start_screen_{};
    std::vector<MapPoint> lasso_;
    std::optional<uint32_t> hovered_point_;          ///< display index under the cursor
    std::optional<uint32_t> menu_track_;             ///< the track whose right-click menu is open
};

}  // namespace cf::app
