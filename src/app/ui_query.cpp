// cuefinder app — the query panel (drop / pick a file, its analysis) and the filters.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/app.h"
#include "core/rhythm/tempo_reading.h"

namespace cf::app {

namespace {

void bar(const char* label, float value, ImU32 colour) {
    ImGui::TextUnformatted(label);
    ImGui::SameLine(110);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float w = std::max(40.0f, ImGui::GetContentRegionAvail().x - 48), h = ImGui::GetTextLineHeight();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), IM_COL32(60, 60, 70, 255));
    if (std::isfinite(value)) dl->AddRectFilled(p, ImVec2(p.x + w * std::clamp(value, 0.0f, 1.0f), p.y + h), colour);
    ImGui::Dummy(ImVec2(w, h));
    ImGui::SameLine();
    if (std::isfinite(value)) ImGui::Text("%.2f", double(value));
    else ImGui::TextDisabled("-");
}

std::string time_text(double s) {
    if (!std::isfinite(s) || s < 0) return "--:--";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%d:%02d", int(s) / 60, int(s) % 60);
    return buf;
}

void draw_query_intro() {
    ImGui::TextWrapped(
        "Describe the music above, or drop an audio file (MP3, Ogg Vorbis, Opus, FLAC, WAV) to find catalog tracks "
        "that sound like it, or a picture (JPEG, PNG, GIF, BMP, WebP) to find music that fits it. Everything is "
        "decoded and analysed here, in your browser.");
    ImGui::Spacing();
    ImGui::TextWrapped("Or click a point on the map to hear it, and double-click it to use it as the query.");
}

}  // namespace

void App::draw_query_panel() {
    draw_video_panel();
    draw_words_panel();
    if (ImGui::Button("Open audio, picture or video...")) session_.host().open_file_picker();
    mark("open_button");
    ImGui::SameLine();
    ImGui::TextDisabled("or drop one anywhere");
    draw_analysis_progress();
    draw_error();
    ImGui::Separator();
    const Query& q = session_.query();
    if (q.kind == Query::Kind::none) {
        if (!session_.words().has_parts()) draw_query_intro();
        return;
    }
    draw_query_summary();
    if (ImGui::CollapsingHeader("Tags and moods", ImGuiTreeNodeFlags_DefaultOpen)) draw_query_tags();
    if (!q.taggram.empty() && ImGui::CollapsingHeader("Taggram (tags over time)", ImGuiTreeNodeFlags_DefaultOpen)) draw_taggram();
}

void App::draw_analysis_progress() {
    if (!session_.analysing()) return;
    ImGui::Text("Analysing %s: %s", session_.analysis_name().c_str(), session_.analysis_stage());
    char overlay[64];
    std::snprintf(overlay, sizeof overlay, "%.0f%%", 100.0 * session_.analysis_progress());
    ImGui::ProgressBar(float(session_.analysis_progress()), ImVec2(-80, 0), overlay);
    mark("analysis_progress");
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) session_.cancel_analysis();
}

void App::draw_error() {
    if (session_.error().empty()) return;
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 110, 100, 255));
    ImGui::TextWrapped("%s", session_.error().c_str());
    ImGui::PopStyleColor();
    mark("error_text");
    if (ImGui::SmallButton("Dismiss")) session_.set_error("");
}

void App::draw_query_summary() {
    const Query& q = session_.query();
    const bool file = q.kind == Query::Kind::file;
    if (file) {
        ImGui::Text("%s", q.name.c_str());
        if (!q.title.empty()) ImGui::TextDisabled("%s", q.title.c_str());
        ImGui::TextDisabled("%s  %s  %d Hz  %d ch  %s %.1f s", time_text(q.duration_s).c_str(), q.codec.c_str(), q.sample_rate_hz,
                            q.channels, q.preliminary ? "first results in" : "analysed in", q.analysis_s);
    } else {
        ImGui::Text("Similar to: %s", q.name.c_str());
        ImGui::TextDisabled("%s (catalog track)", q.track_id.c_str());
    }
    if (std::isfinite(q.bpm)) ImGui::Text("Tempo %s", tempo_label(tempo_reading(q.bpm, q.bpm_confidence)).c_str());
    else if (q.preliminary) ImGui::TextDisabled("Tempo, loudness and moods: after the whole analysis");
    else ImGui::TextDisabled("Tempo: none found");
    if (std::isfinite(q.loudness_lufs)) {
        ImGui::SameLine(150);
        if (file) ImGui::Text("%.1f LUFS, LRA %.1f LU", double(q.loudness_lufs), double(q.loudness_range_lu));
        else ImGui::Text("%.1f LUFS", double(q.loudness_lufs));
    }
    if (!file) return;
    const bool on_query = session_.playing_what() == Playing::query && session_.host().playing();
    if (ImGui::Button(on_query ? "Pause" : "Play this file")) {
        if (on_query) session_.host().pause();
        else session_.play_query_at(q.segment_start_s);
    }
    mark("play_query");
    draw_waveform(48);
}

void App::draw_query_tags() {
    const Query& q = session_.query();
    for (size_t i = 0; i < q.tags.size() && i < 5; ++i) bar(q.tags[i].label.c_str(), q.tags[i].prob, IM_COL32(80, 150, 230, 255));
    for (size_t i = 0; i < q.mtt_tags.size() && i < 3; ++i) bar(q.mtt_tags[i].label.c_str(), q.mtt_tags[i].prob, IM_COL32(120, 190, 120, 255));
    for (size_t m = 0; m < kNumMoods; ++m) bar(kMoodNames[m], q.moods[m], IM_COL32(230, 160, 70, 255));
}

void App::draw_waveform(float height) {
    const Query& q = session_.query();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x;
    ImGui::InvisibleButton("waveform", ImVec2(w, height));
    mark("waveform");
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(p.x + w, p.y + height), IM_COL32(25, 28, 35, 255));
    const size_t n = std::min(q.waveform_min.size(), q.waveform_max.size());
    const float mid = p.y + height * 0.5f;
    for (size_t i = 0; i < n; ++i) {
        const float x = p.x + w * (float(i) + 0.5f) / float(n);
        dl->AddLine(ImVec2(x, mid - q.waveform_max[i] * height * 0.5f), ImVec2(x, mid - q.waveform_min[i] * height * 0.5f), IM_COL32(110, 170, 240, 255));
    }
    // Playhead (the waveform covers the whole track when it was analysed completely, else the windows).
    if (session_.playing_what() == Playing::query && std::isfinite(q.duration_s) && q.duration_s > 0) {
        const float x = p.x + w * float(session_.host().position_s() / q.duration_s);
        dl->AddLine(ImVec2(x, p.y), ImVec2(x, p.y + height), IM_COL32(255, 255, 255, 200), 1.5f);
    }
    if (ImGui::IsItemClicked() && std::isfinite(q.duration_s))
        session_.play_query_at(std::max(0.0, double((ImGui::GetIO().MousePos.x - p.x) / w) * q.duration_s));
}

void App::draw_taggram() {
    const Query& q = session_.query();
    const size_t rows = q.taggram_labels.size();
    if (rows == 0) return;
    const size_t cols = q.taggram.size() / rows;
    const float label_w = 100, row_h = ImGui::GetTextLineHeight();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float w = std::max(40.0f, ImGui::GetContentRegionAvail().x - label_w);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    for (size_t r = 0; r < rows; ++r) {
        const float y = p.y + float(r) * row_h;
        dl->AddText(ImVec2(p.x, y), IM_COL32(200, 200, 210, 255), q.taggram_labels[r].c_str());
        for (size_t c = 0; c < cols; ++c) {
            const Rgba8 col = ramp_colour(std::clamp(q.taggram[r * cols + c] / 0.6f, 0.0f, 1.0f));
            const float x0 = p.x + label_w + w * float(c) / float(cols), x1 = p.x + label_w + w * float(c + 1) / float(cols);
            dl->AddRectFilled(ImVec2(x0, y), ImVec2(x1 - 1, y + row_h - 1), IM_COL32(col.r, col.g, col.b, 255));
        }
    }
    ImGui::Dummy(ImVec2(label_w + w, float(rows) * row_h));
    mark("taggram");
    if (ImGui::IsItemHovered() && cols > 0) {
        const int c = int((ImGui::GetIO().MousePos.x - p.x - label_w) / w * float(cols)), r = int((ImGui::GetIO().MousePos.y - p.y) / row_h);
        if (c >= 0 && size_t(c) < cols && r >= 0 && size_t(r) < rows && size_t(c) < q.patch_start_s.size())
            ImGui::SetTooltip("%s at %s: %.2f", q.taggram_labels[size_t(r)].c_str(), time_text(q.patch_start_s[size_t(c)]).c_str(),
                              double(q.taggram[size_t(r) * cols + size_t(c)]));
    }
    ImGui::TextDisabled("columns: %zu analysed 3 s patches, spread over the track", cols);
}

void App::draw_filters_panel() {
    Filters& f = session_.filters();
    bool changed = false;
    ImGui::PushItemWidth(-1);
    ImGui::TextUnformatted("Matches to show");
    changed |= ImGui::SliderInt("##k", &f.k, 5, 100);
    ImGui::PopItemWidth();
    changed |= ImGui::Checkbox("Tempo (BPM)", &f.bpm);
    mark("filter_bpm");
    if (f.bpm) {
        ImGui::SetNextItemWidth(-1);
        changed |= ImGui::DragFloatRange2("##bpm", &f.bpm_min, &f.bpm_max, 0.5f, 30.0f, 250.0f, "%.0f", "%.0f BPM");
        mark("filter_bpm_range");
    }
    changed |= ImGui::Checkbox("Duration", &f.duration);
    mark("filter_duration");
    if (f.duration) {
        ImGui::SetNextItemWidth(-1);
        changed |= ImGui::DragFloatRange2("##dur", &f.duration_min_s, &f.duration_max_s, 1.0f, 0.0f, 1800.0f, "%.0f s", "%.0f s");
    }
    changed |= ImGui::Checkbox("Moods (at least)", &f.moods);
    mark("filter_moods");
    for (size_t m = 0; f.moods && m < kNumMoods; ++m) {
        ImGui::SetNextItemWidth(-90);
        changed |= ImGui::SliderFloat(kMoodNames[m], &f.mood_min[m], 0.0f, 1.0f, "%.2f");
    }
    changed |= ImGui::Checkbox("License", &f.license);
    mark("filter_license");
    for (auto& [kind, on] : f.license_kinds) {
        if (!f.license) break;
        changed |= ImGui::Checkbox(kind.c_str(), &on);
        mark(("filter_license_" + kind).c_str());
    }
    if (changed) filters_changed_ = true;
}

}  // namespace cf::app
