// cuefinder app — what the user teaches it: the like/skip bar over the matches (remark, undo, what it
// learned, export), the custom tags tab, and the playlist tab. The logic is the session's
// (session_feedback.cpp); these are views.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/app.h"

namespace cf::app {

// [SECTION] Like/skip bar ------------------------------------------------------------------------

// Under the matches' title: what the session learned, a remark box, undo, export, a new session.
void App::draw_feedback_bar() {
    const FeedbackModel& f = session_.feedback();
    if (!f.ready()) return;
    ImGui::SetNextItemWidth(std::max(120.0f, ImGui::GetContentRegionAvail().x - 230.0f));
    const bool entered = ImGui::InputTextWithHint("##remark", "a remark: more upbeat, no vocals ...", remark_buf_.data(), remark_buf_.size(),
                                                  ImGuiInputTextFlags_EnterReturnsTrue);
    mark("remark_input");
    ImGui::SameLine();
    ImGui::BeginDisabled(session_.remark_in_flight() || !session_.words().has_text_model());
    if (ImGui::Button("Add") || entered) {
        session_.remark(remark_buf_.data());
        remark_buf_[0] = '\0';
    }
    mark("remark_add");
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(f.events().empty());
    if (ImGui::Button("Undo")) session_.undo_feedback();
    mark("feedback_undo");
    ImGui::SameLine();
    if (ImGui::Button("Export")) session_.export_session();
    mark("feedback_export");
    ImGui::SameLine();
    if (ImGui::Button("New")) session_.clear_feedback();
    mark("feedback_clear");
    ImGui::EndDisabled();
    if (f.events().empty()) {
        ImGui::TextDisabled("+ like, - skip (keys L, S; Ctrl+Z undo): the list learns what you want");
        return;
    }
    const std::string learned = f.learned_text();
    ImGui::TextWrapped("%zu inputs. %s", f.events().size(), learned.empty() ? "Nothing stands out yet." : (learned + ".").c_str());
    mark("feedback_learned");
}

// The like (+) and skip (-) buttons of one row; the current judgement is shown lit.
void App::draw_feedback_buttons(uint32_t track, const char* id_suffix) {
    const Judged j = session_.feedback().judged(track);
    char label[48];
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(3, 0));
    if (j == Judged::liked) ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(60, 150, 80, 255));
    std::snprintf(label, sizeof label, "+##like%s", id_suffix);
    if (ImGui::SmallButton(label)) session_.like(track);
    if (j == Judged::liked) ImGui::PopStyleColor();
    mark((std::string("like") + id_suffix).c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("More like this (L)");
    ImGui::SameLine(0, 2);
    if (j == Judged::skipped) ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(170, 60, 60, 255));
    std::snprintf(label, sizeof label, "-##skip%s", id_suffix);
    if (ImGui::SmallButton(label)) session_.skip(track);
    if (j == Judged::skipped) ImGui::PopStyleColor();
    mark((std::string("skip") + id_suffix).c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Not this (S)");
    ImGui::PopStyleVar();
}

// [SECTION] Custom tags ----------------------------------------------------------------------------

void App::draw_custom_tags_panel() {
    if (!session_.catalog()) return;
    const size_t n_sel = session_.map().selection().size();
    ImGui::TextWrapped("Teach a tag from examples: select tracks on the map (lasso or box; else your liked tracks), name it, train.");
    ImGui::SetNextItemWidth(160);
    ImGui::InputTextWithHint("##tagname", "name, e.g. rainy evening", tag_name_buf_.data(), tag_name_buf_.size());
    mark("custom_tag_name");
    ImGui::SameLine();
    char train[64];
    if (n_sel) std::snprintf(train, sizeof train, "Train from %zu selected", n_sel);
    else std::snprintf(train, sizeof train, "Train from your likes");
    if (ImGui::Button(train)) session_.train_custom_tag(tag_name_buf_.data());
    mark("custom_tag_train");
    const auto& tags = session_.custom_tags().tags();
    for (size_t i = 0; i < tags.size(); ++i) draw_custom_tag_row(i);
    if (tags.empty()) ImGui::TextDisabled("No custom tags yet. Exported tags (JSON) can be dropped on the page.");
}

void App::draw_custom_tag_row(size_t i) {
    const CustomTag& t = session_.custom_tags().tags()[i];
    ImGui::PushID(int(i));
    ImGui::Separator();
    ImGui::Text("%s", t.tag.name.c_str());
    ImGui::SameLine();
    if (t.scores.empty()) ImGui::TextDisabled("(trained on %s: not this catalog's embedding)", t.tag.embedding.c_str());
    else ImGui::TextDisabled("fits %zu tracks, from %zu examples", t.n_fit, t.tag.n_positives);
    if (!t.tag.trust_message.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.75f, 0.35f, 1.0f));
        ImGui::TextWrapped("%s", t.tag.trust_message.c_str());
        ImGui::PopStyleColor();
    }
    if (ImGui::SmallButton("Colour map")) session_.map().set_colour_by(ColourBy{ColourBy::Kind::custom_tag, int(i)});
    mark(("custom_tag_colour_" + std::to_string(i)).c_str());
    ImGui::SameLine();
    bool filtering = session_.custom_tags().filter == int(i);
    if (ImGui::Checkbox("Only fits", &filtering)) session_.filter_by_custom_tag(filtering ? int(i) : -1);
    mark(("custom_tag_filter_" + std::to_string(i)).c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("Export")) session_.export_custom_tag(i);
    ImGui::SameLine();
    if (ImGui::SmallButton("Delete")) session_.remove_custom_tag(i);
    ImGui::PopID();
}

// [SECTION] Playlist --------------------------------------------------------------------------------

void App::draw_playlist_panel() {
    if (!session_.catalog()) return;
    PlaylistModel& p = session_.playlist();
    ImGui::SetNextItemWidth(110);
    ImGui::SliderInt("tracks", &p.n, 2, 100);
    ImGui::SameLine();
    ImGui::Checkbox("tempo arc", &p.arc);
    mark("playlist_arc");
    if (p.arc) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(150);
        ImGui::InputFloat3("BPM start/peak/end", p.arc_bpm.data(), "%.0f");
    }
    const size_t n_sel = session_.map().selection().size();
    char make[80];
    if (n_sel) std::snprintf(make, sizeof make, "Make from %zu selected tracks", n_sel);
    else std::snprintf(make, sizeof make, "Make from your likes or the query");
    if (ImGui::Button(make)) session_.make_playlist();
    mark("playlist_make");
    if (!p.playlist()) {
        ImGui::TextDisabled("A playlist that fits the seed set as a whole, in a smooth order (tempo, loudness, sound).");
        return;
    }
    draw_playlist_exports();
    draw_playlist_table();
}

void App::draw_playlist_exports() {
    const query::Playlist& pl = *session_.playlist().playlist();
    ImGui::Text("From %s: %zu tracks, mean step %.2f", session_.playlist().seed_name().c_str(), pl.entries.size(), double(pl.mean_transition_cost));
    if (std::isfinite(pl.mean_abs_bpm_error)) {
        ImGui::SameLine();
        ImGui::TextDisabled("(arc off by %.0f BPM on average)", double(pl.mean_abs_bpm_error));
    }
    for (const char* f : {"m3u8", "xspf", "csv"}) {
        char label[32];
        std::snprintf(label, sizeof label, "%s##pl", f);
        if (ImGui::SmallButton(label)) session_.export_playlist(f);
        mark((std::string("playlist_export_") + f).c_str());
        ImGui::SameLine();
    }
    ImGui::NewLine();
}

void App::draw_playlist_table() {
    const query::Playlist& pl = *session_.playlist().playlist();
    const auto& tracks = session_.catalog()->tracks();
    if (!ImGui::BeginTable("playlist", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, 22);
    ImGui::TableSetupColumn("Title", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("BPM", ImGuiTableColumnFlags_WidthFixed, 34);
    ImGui::TableSetupColumn("Step", ImGuiTableColumnFlags_WidthFixed, 36);
    ImGui::TableSetupColumn("Fit", ImGuiTableColumnFlags_WidthFixed, 34);
    ImGui::TableHeadersRow();
    for (size_t i = 0; i < pl.entries.size(); ++i) {
        const query::PlaylistEntry& e = pl.entries[i];
        const TrackMeta& t = tracks[e.track];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        char label[32];
        std::snprintf(label, sizeof label, "%zu##pl%zu", i + 1, i);
        if (ImGui::Selectable(label, false, ImGuiSelectableFlags_SpanAllColumns)) session_.play_track(e.track);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted((t.title.empty() ? t.id : t.title).c_str());
        ImGui::TableNextColumn();
        if (std::isfinite(t.bpm)) ImGui::Text("%.0f", double(t.bpm));
        ImGui::TableNextColumn();
        if (i) ImGui::Text("%.2f", double(e.transition_cost));
        ImGui::TableNextColumn();
        ImGui::Text("%.0f%%", std::floor(100.0 * double(e.fit)));
    }
    ImGui::EndTable();
}

}  // namespace cf::app
