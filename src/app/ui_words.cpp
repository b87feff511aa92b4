// cuefinder app — the words-and-picture part of the query panel, and the zero-shot tagging tab.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "app/app.h"

namespace cf::app {

void App::draw_words_panel() {
    ImGui::TextUnformatted("Describe the music");
    ImGui::SetNextItemWidth(-1);
    if (ImGui::InputTextWithHint("##text_query", "calm piano for a rainy evening", text_buf_.data(), text_buf_.size()))
        set_text_query(text_buf_.data());  // results while typing: each change is embedded (the latest wins)
    mark("text_query");
    if (!semantic_status_.empty()) ImGui::TextDisabled("%s", semantic_status_.c_str());
    if (text_.prepared && semantic_ready_) {
        // What the words were understood as: the tags and moods they weigh.
        const semantic::TextMatcher& m = semantic_->matcher();
        std::string heard;
        for (size_t i = 0; i < text_.prepared->weights.size() && i < 4; ++i) {
            const semantic::ConceptWeight& w = text_.prepared->weights[i];
            if (w.weight < 0.05f) continue;
            const std::string& words = m.concepts()[w.index].words;
            if (heard.find(words) == std::string::npos) heard += (heard.empty() ? "" : ", ") + words;
        }
        ImGui::TextDisabled("heard as: %s  (%.0f + %.0f ms)", heard.c_str(), text_.embed_ms, text_.score_ms);
        mark("text_heard");
    }
    if (image_request_ != 0) ImGui::TextDisabled("Looking at the picture...");
    if (!image_.name.empty()) {
        ImGui::Text("Picture: %s", image_.name.c_str());
        ImGui::SameLine();
        if (ImGui::SmallButton("Remove##picture")) {
            image_ = ImagePart{};
            if (query_.kind == Query::Kind::none && text_.text.empty()) results_.clear(), results_are_fit_ = false;
            else run_search();
        }
        mark("remove_picture");
        ImGui::TextDisabled("%d x %d %s", image_.width_px, image_.height_px, image_.format.c_str());
        ImGui::TextWrapped("%s", image_.explanation.c_str());
        mark("image_explanation");
    }
    // Weights, when the query has more than one part ("like this track, but calmer").
    const int parts = int(query_.kind != Query::Kind::none) + int(!text_.text.empty()) + int(!image_.name.empty());
    if (parts >= 2) {
        bool changed = false;
        ImGui::TextDisabled("Mix (0 leaves a part out)");
        ImGui::PushItemWidth(-90);
        if (query_.kind != Query::Kind::none) {
            changed |= ImGui::SliderFloat("Track", &weight_track_, 0.0f, 2.0f, "%.1f");
            mark("weight_track");
        }
        if (!text_.text.empty()) {
            changed |= ImGui::SliderFloat("Words", &weight_text_, 0.0f, 2.0f, "%.1f");
            mark("weight_text");
        }
        if (!image_.name.empty()) {
            changed |= ImGui::SliderFloat("Picture", &weight_image_, 0.0f, 2.0f, "%.1f");
            mark("weight_image");
        }
        ImGui::PopItemWidth();
        if (changed) run_search();
    }
    ImGui::Separator();
}

void App::draw_tags_panel() {
    ImGui::TextWrapped("Type any labels, comma separated. Each is scored against every catalog track%s and calibrated "
                       "against the catalog: a score is the share of the catalog it beats, and it fits above the threshold.",
                       query_.kind == Query::Kind::file ? " and your file" : "");
    if (labels_buf_[0] == 0 && label_scores_.empty() && !labels_in_flight_)
        std::snprintf(labels_buf_.data(), labels_buf_.size(), "%s", "piano, guitar, calm, energetic, orchestral, rainy evening");
    ImGui::SetNextItemWidth(-60);
    const bool enter = ImGui::InputText("##labels", labels_buf_.data(), labels_buf_.size(), ImGuiInputTextFlags_EnterReturnsTrue);
    mark("tag_labels");
    ImGui::SameLine();
    if (ImGui::Button("Score") || enter) set_tag_labels(labels_buf_.data());
    mark("tag_button");
    ImGui::SetNextItemWidth(-60);
    float pct = tag_threshold_ * 100.0f;
    if (ImGui::SliderFloat("##threshold", &pct, 50.0f, 99.0f, "fits: better than %.0f%% of the catalog")) {
        tag_threshold_ = std::clamp(pct / 100.0f, 0.5f, 0.99f);
        score_labels();
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("A track fits a label when it scores better than this share of the catalog");
    if (labels_in_flight_) ImGui::TextDisabled("Scoring...");
    if (label_scores_.empty()) return;
    const bool file = query_.kind == Query::Kind::file;
    if (ImGui::BeginTable("labels", file ? 5 : 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY)) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("Label", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableSetupColumn("Heard as", ImGuiTableColumnFlags_WidthStretch, 1.2f);
        if (file) ImGui::TableSetupColumn("Your file", ImGuiTableColumnFlags_WidthFixed, 62);
        ImGui::TableSetupColumn("Best match", ImGuiTableColumnFlags_WidthStretch, 1.4f);
        ImGui::TableSetupColumn("Map", ImGuiTableColumnFlags_WidthFixed, 30);
        ImGui::TableHeadersRow();
        for (size_t i = 0; i < label_scores_.size(); ++i) {
            const LabelScore& ls = label_scores_[i];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(ls.label.c_str());
            mark(("label_" + std::to_string(i)).c_str());
            ImGui::TableNextColumn();
            // What the models understand the label as: its most weighted tags/moods (a label far from
            // every tag — low similarity — is a guess; the tooltip says how close).
            {
                const semantic::TextMatcher& m = semantic_->matcher();
                std::string heard;
                float best_similarity = 0;
                for (const semantic::ConceptWeight& w : ls.prepared.weights) {
                    best_similarity = std::max(best_similarity, w.similarity);
                    if (w.weight < 0.1f) continue;
                    const std::string& words = m.concepts()[w.index].words;
                    if (heard.find(words) == std::string::npos) heard += (heard.empty() ? "" : ", ") + words;
                }
                if (best_similarity < 0.5f) ImGui::TextDisabled("%s", heard.c_str());
                else ImGui::TextUnformatted(heard.c_str());
                if (ImGui::IsItemHovered())
                    ImGui::SetTooltip("closest tag similarity %.2f%s; %zu tracks fit at the threshold", double(best_similarity),
                                      best_similarity < 0.5f ? " (far from every tag the models know: a guess)" : "", ls.n_fit);
            }
            if (file) {
                ImGui::TableNextColumn();
                if (std::isfinite(ls.file_percentile)) {
                    const bool fits = ls.file_percentile >= tag_threshold_;
                    if (fits) ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(120, 220, 120, 255));
                    ImGui::Text("%.0f%%%s", 100.0 * double(ls.file_percentile), fits ? " fits" : "");
                    if (fits) ImGui::PopStyleColor();
                    if (ImGui::IsItemHovered())
                        ImGui::SetTooltip("raw %.3f; better than %.0f%% of the catalog%s%s", double(ls.file_raw), 100.0 * double(ls.file_percentile),
                                          ls.file_why.empty() ? "" : "; carried by: ", ls.file_why.c_str());
                } else {
                    ImGui::TextDisabled("-");
                }
            }
            ImGui::TableNextColumn();
            if (!ls.best.empty()) {
                const TrackMeta& t = catalog_->tracks()[ls.best[0]];
                ImGui::PushID(int(i));
                if (ImGui::Selectable((t.title.empty() ? t.id : t.title).c_str(), false)) play_track(ls.best[0]);
                if (ImGui::IsItemHovered()) {
                    ImGui::BeginTooltip();
                    const semantic::TextMatcher& m = semantic_->matcher();
                    for (uint32_t b : ls.best) {
                        const TrackMeta& bt = catalog_->tracks()[b];
                        ImGui::Text("%.0f%%  %s  (%s)", 100.0 * double(ls.percentile[b]), (bt.title.empty() ? bt.id : bt.title).c_str(),
                                    m.explain_text(ls.prepared, m.track_values(b), 3).c_str());
                    }
                    ImGui::EndTooltip();
                }
                ImGui::PopID();
            }
            ImGui::TableNextColumn();
            const bool on = colour_by_.kind == ColourBy::Kind::label && colour_by_.index == int(i);
            ImGui::PushID(int(i) + 1000);
            if (ImGui::RadioButton("##map", on)) {
                colour_by_ = ColourBy{ColourBy::Kind::label, int(i)};
                colours_dirty_ = true;
            }
            mark(("label_map_" + std::to_string(i)).c_str());
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
}

}  // namespace cf::app
