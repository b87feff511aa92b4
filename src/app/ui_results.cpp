// cuefinder app — the matches list: sortable by rank, keyboard navigation, play, A/B, why it matched.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/app.h"
#include "core/rhythm/tempo_reading.h"

namespace cf::app {

namespace {

// The calibrated match (floored: "80 %" never overstates it), the raw cosine in a tooltip; the cosine
// alone for a catalog too small to calibrate.
void draw_match_cell(const SearchHit& hit) {
    if (std::isnan(hit.match_percent)) {
        ImGui::Text("%.2f", double(hit.score));
        return;
    }
    ImGui::Text("%.0f%%", std::floor(double(hit.match_percent)));
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("match %.1f%%: closer than the nearest neighbour of %.1f%% of the catalog's tracks\n"
                          "cosine similarity %.3f", double(hit.match_percent), double(hit.match_percent), double(hit.score));
}

void draw_track_tooltip(const TrackMeta& t) {
    ImGui::BeginTooltip();
    ImGui::Text("%s", t.title.c_str());
    if (!t.artist.empty() || !t.composer.empty()) ImGui::Text("by %s", (!t.artist.empty() ? t.artist : t.composer).c_str());
    ImGui::Text("%s  |  %s", t.source.c_str(), t.license.c_str());
    ImGui::EndTooltip();
}

}  // namespace

void App::draw_results_panel() {
    const Catalog* catalog = session_.catalog();
    if (!catalog) {
        ImGui::TextDisabled("No catalog loaded.");
        return;
    }
    if (session_.query().kind == Query::Kind::none && !session_.words().has_parts() && !session_.feedback().active()) {
        ImGui::TextWrapped("Matches appear here. %zu catalog tracks are ready to search.", catalog->size());
        ImGui::TextDisabled("Drop a file, type words, or right-click points on the map to like them.");
        return;
    }
    ImGui::TextWrapped("%zu matches for %s", session_.results().hits.size(), session_.results_title().c_str());
    mark("results_title");
    draw_results_toolbar();
    draw_feedback_bar();
    ImGui::TextDisabled("Up/Down select, Enter play, Space pause, A switch A/B, Shift+Enter find similar");
    if (session_.results().hits.empty()) {
        ImGui::TextWrapped("No track passes the filters.");
        return;
    }
    draw_results_table();
    draw_result_detail();
}

void App::draw_results_toolbar() {
    const Results& results = session_.results();
    const bool has_sel = results.has_selection();
    const bool playing_track = session_.playing_what() == Playing::track && session_.host().playing();
    if (ImGui::Button(playing_track ? "Pause" : "Play")) {
        if (playing_track) session_.host().pause();
        else if (has_sel) session_.play_result(size_t(results.selected_row));
    }
    mark("play_button");
    ImGui::SameLine();
    ImGui::BeginDisabled(!(has_sel && session_.query().kind == Query::Kind::file));
    if (ImGui::Button(session_.ab_on_query() ? "A/B: your file" : "A/B: match")) session_.toggle_ab();
    mark("ab_button");
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(!has_sel);
    if (ImGui::Button("Find similar")) session_.query_track(results.selected()->track);
    ImGui::EndDisabled();
    ImGui::SameLine();
    const std::vector<ExportRow> rows = export_rows(results.hits);
    if (ImGui::Button("CSV")) session_.export_list(rows, "matches", "csv");
    mark("export_csv");
    ImGui::SameLine();
    if (ImGui::Button("JSON")) session_.export_list(rows, "matches", "json");
    mark("export_json");
    ImGui::SameLine();
    if (ImGui::Button("Credits")) session_.export_list(rows, "matches", "credits");
    mark("export_credits");
}

void App::draw_results_table() {
    const Results& results = session_.results();
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable;
    const float detail_h = results.has_selection() ? ImGui::GetTextLineHeightWithSpacing() * 5.5f : 0.0f;
    if (ImGui::BeginTable("results", 8, flags, ImVec2(0, -detail_h))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, 22);
        ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, 36);  // like / skip
        ImGui::TableSetupColumn("Title", ImGuiTableColumnFlags_WidthStretch, 2.2f);
        ImGui::TableSetupColumn(results.are_fit ? "Fit" : "Match", ImGuiTableColumnFlags_WidthFixed, 42);
        ImGui::TableSetupColumn("BPM", ImGuiTableColumnFlags_WidthFixed, 30);
        ImGui::TableSetupColumn("Len", ImGuiTableColumnFlags_WidthFixed, 36);
        ImGui::TableSetupColumn("Source", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableSetupColumn("Why", ImGuiTableColumnFlags_WidthStretch, 1.2f);
        ImGui::TableHeadersRow();
        for (size_t i = 0; i < results.hits.size(); ++i) draw_result_row(i);
        ImGui::EndTable();
    }
    mark("results_table");
}

void App::draw_result_row(size_t i) {
    const Results& results = session_.results();
    const SearchHit& hit = results.hits[i];
    const TrackMeta& t = session_.catalog()->tracks()[hit.track];
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    const bool is_playing = session_.playing_what() == Playing::track && session_.playing_track() == hit.track && session_.host().playing();
    char label[32];
    std::snprintf(label, sizeof label, "%s%zu##r%zu", is_playing ? ">" : "", i + 1, i);
    if (ImGui::Selectable(label, results.selected_row == int(i), ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap))
        session_.play_result(i);
    mark(("result_" + std::to_string(i)).c_str());
    if (scroll_to_selected_ && results.selected_row == int(i)) {
        ImGui::SetScrollHereY(0.5f);
        scroll_to_selected_ = false;
    }
    if (ImGui::IsItemHovered()) draw_track_tooltip(t);
    ImGui::TableNextColumn();
    draw_feedback_buttons(hit.track, ("_" + std::to_string(i)).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(t.title.empty() ? t.id.c_str() : t.title.c_str());
    ImGui::TableNextColumn();
    if (results.are_fit) ImGui::Text("%.0f%%", std::floor(100.0 * double(hit.score)));  // never "100 %": better than all but itself
    else draw_match_cell(hit);
    ImGui::TableNextColumn();
    if (std::isfinite(t.bpm)) ImGui::TextUnformatted(tempo_short_label(tempo_reading(t.bpm, t.bpm_confidence)).c_str());
    else ImGui::TextDisabled("-");
    ImGui::TableNextColumn();
    if (std::isfinite(t.duration_s)) ImGui::Text("%d:%02d", int(t.duration_s) / 60, int(t.duration_s) % 60);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(t.source.c_str());
    ImGui::TableNextColumn();
    const std::string why = hit_why(hit);
    ImGui::TextUnformatted(why.c_str());
    if (!why.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", why.c_str());  // the column cuts it
}

void App::draw_result_detail() {
    const Results& results = session_.results();
    if (!results.has_selection()) return;
    const SearchHit& hit = *results.selected();
    const TrackMeta& t = session_.catalog()->tracks()[hit.track];
    ImGui::Separator();
    ImGui::Text("%s", t.title.empty() ? t.id.c_str() : t.title.c_str());
    std::string line;
    for (const std::string& part : {!t.artist.empty() ? t.artist : t.composer, t.source, t.license})
        if (!part.empty()) line += (line.empty() ? "" : "  |  ") + part;
    const char* sep = line.empty() ? "" : "  |  ";
    if (results.are_fit)
        ImGui::TextDisabled("%s%sfits better than %.1f%% of the catalog", line.c_str(), sep, std::floor(1000.0 * double(hit.score)) / 10.0);
    else if (std::isnan(hit.match_percent))
        ImGui::TextDisabled("%s%ssimilarity %.3f", line.c_str(), sep, double(hit.score));
    else
        ImGui::TextDisabled("%s%smatch %.0f%% (cosine %.3f)", line.c_str(), sep, std::floor(double(hit.match_percent)), double(hit.score));
    if (const std::string why = hit_why(hit); !why.empty()) ImGui::TextWrapped("Why: %s", why.c_str());
    std::string tags;
    for (size_t i = 0; i < t.top_tags.size() && i < 5; ++i) tags += (i ? ", " : "") + t.top_tags[i].label;
    ImGui::TextWrapped("Tags: %s", tags.c_str());
    std::string moods;
    for (size_t m = 0; m < kNumMoods; ++m)
        if (std::isfinite(t.moods[m]) && t.moods[m] >= 0.5f) moods += (moods.empty() ? "" : ", ") + std::string(kMoodNames[m]);
    ImGui::TextWrapped("Moods: %s%s", moods.empty() ? "-" : moods.c_str(),
                       std::isfinite(t.loudness_lufs) ? ("   Loudness " + std::to_string(int(std::lround(t.loudness_lufs))) + " LUFS").c_str() : "");
}

}  // namespace cf::app
