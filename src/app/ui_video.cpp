// cuefinder app — a dropped video: the clip (the page's <video> element sits on the rectangle this
// view reserves, "video_view" in the layout), its timeline (cuts, pace, the clip's sound worth keeping,
// the music's beats, splices and fade), and the soundtrack suggestions with audition and exports.
// Thin: every number comes from the session's VideoModel (src/app/session/video_model.h).
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/app.h"
#include "core/rhythm/tempo_reading.h"

namespace cf::app {

namespace {

constexpr ImU32 kPaceColour = IM_COL32(110, 200, 120, 255);
constexpr ImU32 kCutColour = IM_COL32(235, 235, 235, 255);
constexpr ImU32 kSoundColour = IM_COL32(70, 110, 190, 110);
constexpr ImU32 kBeatColour = IM_COL32(240, 160, 60, 255);
constexpr ImU32 kSpliceColour = IM_COL32(230, 80, 200, 255);
constexpr ImU32 kPlayheadColour = IM_COL32(230, 60, 60, 255);

const EditPlan* selected_plan(const VideoModel& v) {
    const int s = v.selected();
    if (s < 0 || size_t(s) >= v.rows().size() || !v.rows()[s].fit) return nullptr;
    return &v.rows()[s].fit->plan;
}

std::string track_name(const TrackMeta& t) { return t.title.empty() ? t.id : t.title; }

}  // namespace

void App::draw_video_panel() {
    const VideoModel& v = session_.video();
    if (v.stage() == VideoStage::none) return;
    if (v.has_clip()) {
        const ClipAnalysis& c = *v.clip();
        if (c.shots.shots.empty())
            ImGui::Text("%s  %.1f s  (picture not decoded)", v.clip_name().c_str(), c.shots.duration_s);
        else
            ImGui::Text("%s  %.1f s  %d×%d  %zu shots  %.1f cuts/min", v.clip_name().c_str(), c.shots.duration_s,
                        c.info.width_px, c.info.height_px, c.shots.shots.size(), c.shots.pace.cuts_per_min);
    }
    if (v.stage() == VideoStage::reading || v.stage() == VideoStage::classifying) {
        ImGui::ProgressBar(float(v.progress()), ImVec2(-1, 0), v.stage() == VideoStage::reading ? "reading the clip" : "looking at the shots");
        mark("video_progress");
    }
    if (!v.error().empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.4f, 1.0f));
        ImGui::TextWrapped("%s", v.error().c_str());
        ImGui::PopStyleColor();
        mark("video_error");
    }
    if (!v.notice().empty()) ImGui::TextWrapped("%s", v.notice().c_str());
    if (!v.has_clip()) return;
    draw_video_view();
    draw_video_timeline();
    draw_video_controls();
    ImGui::Separator();
}

// The rectangle the page's <video> element is placed on, the clip's aspect, at most 40 % of the panel.
void App::draw_video_view() {
    const ClipAnalysis& c = *session_.video().clip();
    const float avail_w = ImGui::GetContentRegionAvail().x;
    const float aspect = c.info.width_px > 0 && c.info.height_px > 0 ? float(c.info.height_px) / float(c.info.width_px) : 9.0f / 16.0f;
    const float max_h = std::max(80.0f, ImGui::GetWindowHeight() * 0.4f);
    const float h = std::min(avail_w * aspect, max_h), w = h / aspect;
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.0f, (avail_w - w) * 0.5f));
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddRectFilled(p, ImVec2(p.x + w, p.y + h), IM_COL32(0, 0, 0, 255));
    ImGui::Dummy(ImVec2(w, h));
    mark("video_view");
}

void App::draw_video_timeline() {
    const VideoModel& v = session_.video();
    const ClipAnalysis& c = *v.clip();
    const double len = std::max(c.shots.duration_s, 1e-3);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x, h = 54.0f;
    auto x_at = [&](double t) { return p.x + float(std::clamp(t / len, 0.0, 1.0)) * w; };
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), IM_COL32(35, 35, 45, 255));
    for (const SoundSpan& k : c.sound.keep) dl->AddRectFilled(ImVec2(x_at(k.start_s), p.y), ImVec2(x_at(k.end_s), p.y + h), kSoundColour);
    const std::vector<PacePoint>& pace = c.shots.pace.curve;
    for (size_t i = 1; i < pace.size(); ++i)
        dl->AddLine(ImVec2(x_at(pace[i - 1].start_s), p.y + h * (1 - pace[i - 1].pace) * 0.7f),
                    ImVec2(x_at(pace[i].start_s), p.y + h * (1 - pace[i].pace) * 0.7f), kPaceColour, 2.0f);
    for (const Cut& cut : c.shots.cuts) dl->AddLine(ImVec2(x_at(cut.time_s), p.y), ImVec2(x_at(cut.time_s), p.y + h * 0.75f), kCutColour);
    if (const EditPlan* plan = selected_plan(v)) draw_plan_marks(*plan, p, w, h, len);
    const double at = session_.host().clip_position_s();
    if (at >= 0) dl->AddLine(ImVec2(x_at(at), p.y), ImVec2(x_at(at), p.y + h), kPlayheadColour, 2.0f);
    ImGui::Dummy(ImVec2(w, h));
    mark("video_timeline");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("white: cuts · green: pace · blue: the clip's sound worth keeping\n"
                          "orange: the music's beats · pink: splices · grey: the fade-out · red: playing");
}

void App::draw_plan_marks(const EditPlan& plan, const ImVec2& p, float w, float h, double len) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    auto x_at = [&](double t) { return p.x + float(std::clamp(t / len, 0.0, 1.0)) * w; };
    for (double b : plan.beats_out_s) dl->AddLine(ImVec2(x_at(b), p.y + h * 0.8f), ImVec2(x_at(b), p.y + h), kBeatColour);
    for (const Splice& s : plan.splices)
        dl->AddTriangleFilled(ImVec2(x_at(s.out_s) - 5, p.y), ImVec2(x_at(s.out_s) + 5, p.y), ImVec2(x_at(s.out_s), p.y + 8), kSpliceColour);
    if (plan.fade_out_end_s > plan.fade_out_start_s)
        dl->AddRectFilledMultiColor(ImVec2(x_at(plan.fade_out_start_s), p.y), ImVec2(x_at(plan.fade_out_end_s), p.y + h),
                                    IM_COL32(0, 0, 0, 0), IM_COL32(0, 0, 0, 150), IM_COL32(0, 0, 0, 150), IM_COL32(0, 0, 0, 0));
}

void App::draw_video_controls() {
    VideoModel& v = session_.video();
    const bool playing = v.auditioning() >= 0 && session_.host().playing();
    if (ImGui::Button(playing ? "Stop" : "Play with music")) {
        if (playing) v.stop_audition();
        else v.audition(std::max(v.selected(), 0));
    }
    mark("video_play_button");
    ImGui::SameLine();
    if (ImGui::Checkbox("clip sound", &v.clip_sound) && v.auditioning() >= 0) v.audition(v.auditioning());
    mark("clip_sound_checkbox");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Mix the clip's own sound in, with the music ducked under it where it matters");
    if (!v.explanation().empty()) ImGui::TextWrapped("%s", v.explanation().c_str());
}

// ---- the suggestions ------------------------------------------------------------------------------

void App::draw_soundtracks_panel() {
    VideoModel& v = session_.video();
    const Catalog& cat = *session_.catalog();
    ImGui::TextWrapped("%zu tracks for %s%s", v.rows().size(), v.clip_name().c_str(),
                       v.stage() == VideoStage::ready ? "" : " (so far)");
    draw_soundtrack_actions();
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY;
    if (!ImGui::BeginTable("soundtracks", 6, flags, ImVec2(0, -ImGui::GetTextLineHeightWithSpacing() * 7))) return;
    ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, 24);
    ImGui::TableSetupColumn("track", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("fit", ImGuiTableColumnFlags_WidthFixed, 40);
    ImGui::TableSetupColumn("BPM", ImGuiTableColumnFlags_WidthFixed, 40);
    ImGui::TableSetupColumn("on beats", ImGuiTableColumnFlags_WidthFixed, 60);
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, 28);
    ImGui::TableHeadersRow();
    for (size_t i = 0; i < v.rows().size(); ++i) draw_soundtrack_row(cat, i);
    ImGui::EndTable();
    draw_soundtrack_detail();
}

void App::draw_soundtrack_row(const Catalog& cat, size_t i) {
    VideoModel& v = session_.video();
    const VideoRow& r = v.rows()[i];
    const TrackMeta& t = cat.tracks()[r.suggestion.track];
    ImGui::PushID(int(i));
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("%zu", i + 1);
    ImGui::TableNextColumn();
    if (ImGui::Selectable(track_name(t).c_str(), v.selected() == int(i), ImGuiSelectableFlags_AllowDoubleClick)) {
        v.select(int(i));
        if (ImGui::IsMouseDoubleClicked(0)) v.audition(int(i));
    }
    mark(("soundtrack_row_" + std::to_string(i)).c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%.0f%%", 100.0 * double(r.suggestion.score));
    ImGui::TableNextColumn();
    if (t.bpm > 0) ImGui::TextUnformatted(tempo_short_label(tempo_reading(t.bpm, t.bpm_confidence)).c_str());
    else ImGui::TextDisabled("-");
    ImGui::TableNextColumn();
    if (r.fit && r.fit->segment.score.cuts_used) ImGui::Text("%.0f%%", 100.0 * r.fit->segment.score.cut_alignment);
    else ImGui::TextDisabled("-");
    ImGui::TableNextColumn();
    if (ImGui::SmallButton(v.auditioning() == int(i) ? "||" : ">")) {
        if (v.auditioning() == int(i)) v.stop_audition();
        else v.audition(int(i));
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip(r.has_full_audio ? "hear it with the clip" : "full-length audio not published for this track");
    ImGui::PopID();
}

void App::draw_soundtrack_actions() {
    VideoModel& v = session_.video();
    const int row = std::max(v.selected(), 0);
    ImGui::BeginDisabled(v.rows().empty());
    if (ImGui::Button("Export WAV")) v.export_wav(row);
    mark("export_wav_button");
    ImGui::SameLine();
    if (ImGui::Button("Cue sheet JSON")) v.export_cues(row, "json");
    mark("cues_json_button");
    ImGui::SameLine();
    if (ImGui::Button("CSV")) v.export_cues(row, "csv");
    mark("cues_csv_button");
    ImGui::SameLine();
    if (ImGui::Button("FFmpeg command")) v.export_mux_command(row);
    mark("mux_button");
    ImGui::EndDisabled();
}

void App::draw_soundtrack_detail() {
    const VideoModel& v = session_.video();
    if (v.selected() < 0 || size_t(v.selected()) >= v.rows().size()) return;
    const VideoRow& r = v.rows()[v.selected()];
    const TrackMeta& t = session_.catalog()->tracks()[r.suggestion.track];
    ImGui::Separator();
    ImGui::TextWrapped("%s%s%s  [%s]", track_name(t).c_str(), t.artist.empty() ? "" : " by ", t.artist.c_str(),
                       t.license.empty() ? "license unknown" : t.license.c_str());
    ImGui::TextWrapped("why: %s", r.suggestion.why.c_str());
    if (r.fit)
        ImGui::TextWrapped("edit: %s (track %.1f–%.1f s)", r.fit->plan.edit.c_str(), r.fit->segment.start_s, r.fit->segment.end_s);
    else
        ImGui::TextWrapped("not fitted: %s", r.fit_error.c_str());
}

}  // namespace cf::app
