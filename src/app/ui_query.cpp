// cuefinder app — the query panel (drop / pick a file, its analysis) and the filters.
#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "app/app.h"

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

}  // namespace

void App::draw_query_panel() {
    const bool busy = analysis_request_ != 0;
    draw_words_panel();
    if (ImGui::Button("Open audio or picture...")) host_.open_file_picker();
    mark("open_button");
    ImGui::SameLine();
    ImGui::TextDisabled("or drop one anywhere");
    if (busy && analyzer_) {
        ImGui::Text("Analysing %s: %s", analysis_name_.c_str(), analyzer_->stage());
        char overlay[64];
        std::snprintf(overlay, sizeof overlay, "%.0f%%", 100.0 * analyzer_->progress());
        ImGui::ProgressBar(float(analyzer_->progress()), ImVec2(-80, 0), overlay);
        mark("analysis_progress");
        ImGui::SameLine();
        if (ImGui::Button("Cancel")) analyzer_->cancel();
    }
    if (!error_.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 110, 100, 255));
        ImGui::TextWrapped("%s", error_.c_str());
        ImGui::PopStyleColor();
        mark("error_text");
        if (ImGui::SmallButton("Dismiss")) error_.clear();
    }
    ImGui::Separator();
    if (query_.kind == Query::Kind::none) {
        if (has_semantic_parts()) return;
        ImGui::TextWrapped(
            "Describe the music above, or drop an audio file (MP3, Ogg Vorbis, Opus, FLAC, WAV) to find catalog tracks "
            "that sound like it, or a picture (JPEG, PNG, GIF, BMP, WebP) to find music that fits it. Everything is "
            "decoded and analysed here, in your browser.");
        ImGui::Spacing();
        ImGui::TextWrapped("Or click a point on the map to hear it, and double-click it to use it as the query.");
        return;
    }
    if (query_.kind == Query::Kind::file) {
        ImGui::Text("%s", query_.name.c_str());
        if (!query_.title.empty()) ImGui::TextDisabled("%s", query_.title.c_str());
        ImGui::TextDisabled("%s  %s  %d Hz  %d ch  analysed in %.1f s", time_text(query_.duration_s).c_str(), query_.codec.c_str(),
                            query_.sample_rate_hz, query_.channels, query_.analysis_s);
    } else {
        ImGui::Text("Similar to: %s", query_.name.c_str());
        ImGui::TextDisabled("%s (catalog track)", query_.track_id.c_str());
    }
    if (std::isfinite(query_.bpm)) ImGui::Text("Tempo %.0f BPM", double(query_.bpm));
    else ImGui::TextDisabled("Tempo: none found");
    if (std::isfinite(query_.loudness_lufs)) {
        ImGui::SameLine(150);
        if (query_.kind == Query::Kind::file) ImGui::Text("%.1f LUFS, LRA %.1f LU", double(query_.loudness_lufs), double(query_.loudness_range_lu));
        else ImGui::Text("%.1f LUFS", double(query_.loudness_lufs));
    }
    if (query_.kind == Query::Kind::file) {
        const bool on_query = playing_what_ == Playing::query && host_.playing();
        if (ImGui::Button(on_query ? "Pause" : "Play this file")) {
            if (on_query) host_.pause();
            else {
                host_.play_query(query_.segment_start_s);
                playing_what_ = Playing::query;
                ab_on_query_ = true;
            }
        }
        mark("play_query");
        draw_waveform(48);
    }
    if (ImGui::CollapsingHeader("Tags and moods", ImGuiTreeNodeFlags_DefaultOpen)) {
        for (size_t i = 0; i < query_.tags.size() && i < 5; ++i) bar(query_.tags[i].label.c_str(), query_.tags[i].prob, IM_COL32(80, 150, 230, 255));
        for (size_t i = 0; i < query_.mtt_tags.size() && i < 3; ++i)
            bar(query_.mtt_tags[i].label.c_str(), query_.mtt_tags[i].prob, IM_COL32(120, 190, 120, 255));
        for (size_t m = 0; m < kNumMoods; ++m) bar(kMoodNames[m], query_.moods[m], IM_COL32(230, 160, 70, 255));
    }
    if (!query_.taggram.empty() && ImGui::CollapsingHeader("Taggram (tags over time)", ImGuiTreeNodeFlags_DefaultOpen)) draw_taggram(0);
}

void App::draw_waveform(float height) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x;
    ImGui::InvisibleButton("waveform", ImVec2(w, height));
    mark("waveform");
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(p.x + w, p.y + height), IM_COL32(25, 28, 35, 255));
    const size_t n = std::min(query_.waveform_min.size(), query_.waveform_max.size());
    const float mid = p.y + height * 0.5f;
    for (size_t i = 0; i < n; ++i) {
        const float x = p.x + w * (float(i) + 0.5f) / float(n);
        dl->AddLine(ImVec2(x, mid - query_.waveform_max[i] * height * 0.5f), ImVec2(x, mid - query_.waveform_min[i] * height * 0.5f),
                    IM_COL32(110, 170, 240, 255));
    }
    // Playhead (the waveform covers the whole track when it was analysed completely, else the windows).
    if (playing_what_ == Playing::query && std::isfinite(query_.duration_s) && query_.duration_s > 0) {
        const float x = p.x + w * float(host_.position_s() / query_.duration_s);
        dl->AddLine(ImVec2(x, p.y), ImVec2(x, p.y + height), IM_COL32(255, 255, 255, 200), 1.5f);
    }
    if (ImGui::IsItemClicked() && std::isfinite(query_.duration_s)) {
        const double t = double((ImGui::GetIO().MousePos.x - p.x) / w) * query_.duration_s;
        host_.play_query(std::max(0.0, t));
        playing_what_ = Playing::query;
        ab_on_query_ = true;
    }
}

void App::draw_taggram(float) {
    const size_t rows = query_.taggram_labels.size();
    if (rows == 0) return;
    const size_t cols = query_.taggram.size() / rows;
    const float label_w = 100, row_h = ImGui::GetTextLineHeight();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float w = std::max(40.0f, ImGui::GetContentRegionAvail().x - label_w);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    for (size_t r = 0; r < rows; ++r) {
        const float y = p.y + float(r) * row_h;
        dl->AddText(ImVec2(p.x, y), IM_COL32(200, 200, 210, 255), query_.taggram_labels[r].c_str());
        for (size_t c = 0; c < cols; ++c) {
            const float v = query_.taggram[r * cols + c];
            const Rgba8 col = ramp_colour(std::clamp(v / 0.6f, 0.0f, 1.0f));
            const float x0 = p.x + label_w + w * float(c) / float(cols), x1 = p.x + label_w + w * float(c + 1) / float(cols);
            dl->AddRectFilled(ImVec2(x0, y), ImVec2(x1 - 1, y + row_h - 1), IM_COL32(col.r, col.g, col.b, 255));
        }
    }
    ImGui::Dummy(ImVec2(label_w + w, float(rows) * row_h));
    mark("taggram");
    if (ImGui::IsItemHovered() && cols > 0) {
        const float fx = (ImGui::GetIO().MousePos.x - p.x - label_w) / w;
        const int c = int(fx * float(cols)), r = int((ImGui::GetIO().MousePos.y - p.y) / row_h);
        if (c >= 0 && size_t(c) < cols && r >= 0 && size_t(r) < rows && size_t(c) < query_.patch_start_s.size())
            ImGui::SetTooltip("%s at %s: %.2f", query_.taggram_labels[size_t(r)].c_str(), time_text(query_.patch_start_s[size_t(c)]).c_str(),
                              double(query_.taggram[size_t(r) * cols + size_t(c)]));
    }
    ImGui::TextDisabled("columns: %zu analysed 3 s patches, spread over the track", cols);
}

void App::draw_filters_panel() {
    bool changed = false;
    ImGui::PushItemWidth(-1);
    ImGui::TextUnformatted("Matches to show");
    changed |= ImGui::SliderInt("##k", &filters_.k, 5, 100);
    ImGui::PopItemWidth();
    changed |= ImGui::Checkbox("Tempo (BPM)", &filters_.bpm);
    mark("filter_bpm");
    if (filters_.bpm) {
        ImGui::SetNextItemWidth(-1);
        changed |= ImGui::DragFloatRange2("##bpm", &filters_.bpm_min, &filters_.bpm_max, 0.5f, 30.0f, 250.0f, "%.0f", "%.0f BPM");
        mark("filter_bpm_range");
    }
    changed |= ImGui::Checkbox("Duration", &filters_.duration);
    mark("filter_duration");
    if (filters_.duration) {
        ImGui::SetNextItemWidth(-1);
        changed |= ImGui::DragFloatRange2("##dur", &filters_.duration_min_s, &filters_.duration_max_s, 1.0f, 0.0f, 1800.0f, "%.0f s", "%.0f s");
    }
    changed |= ImGui::Checkbox("Moods (at least)", &filters_.moods);
    mark("filter_moods");
    if (filters_.moods) {
        for (size_t m = 0; m < kNumMoods; ++m) {
            ImGui::SetNextItemWidth(-90);
            changed |= ImGui::SliderFloat(kMoodNames[m], &filters_.mood_min[m], 0.0f, 1.0f, "%.2f");
        }
    }
    changed |= ImGui::Checkbox("License", &filters_.license);
    mark("filter_license");
    if (filters_.license) {
        for (auto& [kind, on] : filters_.license_kinds) {
            changed |= ImGui::Checkbox(kind.c_str(), &on);
            mark(("filter_license_" + kind).c_str());
        }
    }
    if (changed) filters_changed_ = true;
}

}  // namespace cf::app
