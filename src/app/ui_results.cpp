// cuefinder app — the matches list: sortable by rank, keyboard navigation, play, A/B, why it matched.
#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "app/app.h"

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

}  // namespace

void App::draw_results_panel() {
    if (!catalog_) {
        ImGui::TextDisabled("No catalog loaded.");
        return;
    }
    if (query_.kind == Query::Kind::none && !has_semantic_parts()) {
        ImGui::TextWrapped("Matches appear here. %zu catalog tracks are ready to search.", catalog_->size());
        return;
    }
    {
        std::string what;
        if (query_.kind != Query::Kind::none && weight_track_ > 0) what = query_.name;
        if (!text_.text.empty() && weight_text_ > 0) what += (what.empty() ? "\"" : " + \"") + text_.text + "\"";
        if (!image_.name.empty() && weight_image_ > 0) what += (what.empty() ? "" : " + ") + image_.name;
        ImGui::TextWrapped("%zu matches for %s", results_.size(), what.c_str());
    }
    const bool has_sel = selected_row_ >= 0 && size_t(selected_row_) < results_.size();
    const bool playing_track = playing_what_ == Playing::track && host_.playing();
    if (ImGui::Button(playing_track ? "Pause" : "Play")) {
        if (playing_track) host_.pause();
        else if (has_sel) play_result(size_t(selected_row_));
    }
    mark("play_button");
    ImGui::SameLine();
    ImGui::BeginDisabled(!(has_sel && query_.kind == Query::Kind::file));
    if (ImGui::Button(ab_on_query_ ? "A/B: your file" : "A/B: match")) toggle_ab();
    mark("ab_button");
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(!has_sel);
    if (ImGui::Button("Find similar")) query_track(results_[size_t(selected_row_)].track);
    ImGui::EndDisabled();
    ImGui::SameLine();
    std::vector<ExportRow> rows = export_rows(results_);
    if (ImGui::Button("CSV")) export_list(rows, "matches", "csv");
    mark("export_csv");
    ImGui::SameLine();
    if (ImGui::Button("JSON")) export_list(rows, "matches", "json");
    mark("export_json");
    ImGui::SameLine();
    if (ImGui::Button("Credits")) export_list(rows, "matches", "credits");
    mark("export_credits");
    ImGui::TextDisabled("Up/Down select, Enter play, Space pause, A switch A/B, Shift+Enter find similar");
    if (results_.empty()) {
        ImGui::TextWrapped("No track passes the filters.");
        return;
    }
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV |
                                  ImGuiTableFlags_Resizable;
    const float detail_h = has_sel ? ImGui::GetTextLineHeightWithSpacing() * 5.5f : 0.0f;
    if (ImGui::BeginTable("results", 7, flags, ImVec2(0, -detail_h))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, 22);
        ImGui::TableSetupColumn("Title", ImGuiTableColumnFlags_WidthStretch, 2.2f);
        ImGui::TableSetupColumn(results_are_fit_ ? "Fit" : "Match", ImGuiTableColumnFlags_WidthFixed, 42);
        ImGui::TableSetupColumn("BPM", ImGuiTableColumnFlags_WidthFixed, 30);
        ImGui::TableSetupColumn("Len", ImGuiTableColumnFlags_WidthFixed, 36);
        ImGui::TableSetupColumn("Source", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableSetupColumn("Why", ImGuiTableColumnFlags_WidthStretch, 1.2f);
        ImGui::TableHeadersRow();
        for (size_t i = 0; i < results_.size(); ++i) {
            const SearchHit& hit = results_[i];
            const TrackMeta& t = catalog_->tracks()[hit.track];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            const bool is_playing = playing_what_ == Playing::track && playing_track_ == hit.track && host_.playing();
            char label[32];
            std::snprintf(label, sizeof label, "%s%zu##r%zu", is_playing ? ">" : "", i + 1, i);
            if (ImGui::Selectable(label, selected_row_ == int(i), ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap))
                play_result(i);
            const std::string row_name = "result_" + std::to_string(i);
            mark(row_name.c_str());
            if (scroll_to_selected_ && selected_row_ == int(i)) {
                ImGui::SetScrollHereY(0.5f);
                scroll_to_selected_ = false;
            }
            if (ImGui::IsItemHovered()) {
                ImGui::BeginTooltip();
                ImGui::Text("%s", t.title.c_str());
                if (!t.artist.empty() || !t.composer.empty()) ImGui::Text("by %s", (!t.artist.empty() ? t.artist : t.composer).c_str());
                ImGui::Text("%s  |  %s", t.source.c_str(), t.license.c_str());
                ImGui::EndTooltip();
            }
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(t.title.empty() ? t.id.c_str() : t.title.c_str());
            ImGui::TableNextColumn();
            if (results_are_fit_) ImGui::Text("%.0f%%", std::floor(100.0 * double(hit.score)));  // never "100 %": better than all but itself
            else draw_match_cell(hit);
            ImGui::TableNextColumn();
            if (std::isfinite(t.bpm)) ImGui::Text("%.0f", double(t.bpm));
            else ImGui::TextDisabled("-");
            ImGui::TableNextColumn();
            if (std::isfinite(t.duration_s)) ImGui::Text("%d:%02d", int(t.duration_s) / 60, int(t.duration_s) % 60);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(t.source.c_str());
            ImGui::TableNextColumn();
            std::string why;
            for (const std::string& s : hit.shared_tags) why += (why.empty() ? "" : ", ") + s;
            for (const std::string& s : hit.shared_moods) why += (why.empty() ? "" : ", ") + s;
            ImGui::TextUnformatted(why.c_str());
        }
        ImGui::EndTable();
    }
    mark("results_table");
    if (has_sel) {
        const SearchHit& hit = results_[size_t(selected_row_)];
        const TrackMeta& t = catalog_->tracks()[hit.track];
        ImGui::Separator();
        ImGui::Text("%s", t.title.empty() ? t.id.c_str() : t.title.c_str());
        std::string line;
        for (const std::string& part : {!t.artist.empty() ? t.artist : t.composer, t.source, t.license})
            if (!part.empty()) line += (line.empty() ? "" : "  |  ") + part;
        if (results_are_fit_)
            ImGui::TextDisabled("%s%sfits better than %.1f%% of the catalog", line.c_str(), line.empty() ? "" : "  |  ",
                                std::floor(1000.0 * double(hit.score)) / 10.0);
        else if (std::isnan(hit.match_percent))
            ImGui::TextDisabled("%s%ssimilarity %.3f", line.c_str(), line.empty() ? "" : "  |  ", double(hit.score));
        else
            ImGui::TextDisabled("%s%smatch %.0f%% (cosine %.3f)", line.c_str(), line.empty() ? "" : "  |  ",
                                std::floor(double(hit.match_percent)), double(hit.score));
        std::string tags;
        for (size_t i = 0; i < t.top_tags.size() && i < 5; ++i) tags += (i ? ", " : "") + t.top_tags[i].label;
        ImGui::TextWrapped("Tags: %s", tags.c_str());
        std::string moods;
        for (size_t m = 0; m < kNumMoods; ++m)
            if (std::isfinite(t.moods[m]) && t.moods[m] >= 0.5f) moods += (moods.empty() ? "" : ", ") + std::string(kMoodNames[m]);
        ImGui::TextWrapped("Moods: %s%s", moods.empty() ? "-" : moods.c_str(),
                           std::isfinite(t.loudness_lufs) ? ("   Loudness " + std::to_string(int(std::lround(t.loudness_lufs))) + " LUFS").c_str() : "");
    }
}

}  // namespace cf::app
