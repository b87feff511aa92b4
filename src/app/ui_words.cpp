// cuefinder app — the words-and-picture part of the query panel, and the zero-shot tagging tab.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "app/app.h"

namespace cf::app {

namespace {

// What the models understand a query as: its most weighted tags/moods (unique words, in order).
std::string heard_as(const semantic::TextMatcher& m, const std::vector<semantic::ConceptWeight>& weights, size_t max_items, float min_weight) {
    std::string heard;
    for (size_t i = 0; i < weights.size() && i < max_items; ++i) {
        if (weights[i].weight < min_weight) continue;
        const std::string& words = m.concepts()[weights[i].index].words;
        if (heard.find(words) == std::string::npos) heard += (heard.empty() ? "" : ", ") + words;
    }
    return heard;
}

}  // namespace

void App::draw_words_panel() {
    WordsModel& words = session_.words();
    ImGui::TextUnformatted("Describe the music");
    ImGui::SetNextItemWidth(-1);
    if (words.typing() != text_buf_.data()) std::snprintf(text_buf_.data(), text_buf_.size(), "%s", words.typing().c_str());  // set by the page
    if (ImGui::InputTextWithHint("##text_query", "calm piano for a rainy evening", text_buf_.data(), text_buf_.size()))
        words.set_text_query(text_buf_.data());  // results while typing: each change is embedded (the latest wins)
    mark("text_query");
    if (!words.status().empty()) ImGui::TextDisabled("%s", words.status().c_str());
    draw_text_heard();
    if (words.image_in_flight()) ImGui::TextDisabled("Looking at the picture...");
    draw_picture();
    draw_mix_weights();
    ImGui::Separator();
}

void App::draw_text_heard() {
    const WordsModel& words = session_.words();
    if (!words.text().prepared || !words.ready()) return;
    const std::string heard = heard_as(words.matcher(), words.text().prepared->weights, 4, 0.05f);
    ImGui::TextDisabled("heard as: %s  (%.0f + %.0f ms)", heard.c_str(), words.text().embed_ms, words.text().score_ms);
    mark("text_heard");
}

void App::draw_picture() {
    const ImagePart& image = session_.words().image();
    if (image.name.empty()) return;
    ImGui::Text("Picture: %s", image.name.c_str());
    ImGui::SameLine();
    const bool remove = ImGui::SmallButton("Remove##picture");
    mark("remove_picture");
    ImGui::TextDisabled("%d x %d %s", image.width_px, image.height_px, image.format.c_str());
    ImGui::TextWrapped("%s", image.explanation.c_str());
    mark("image_explanation");
    if (remove) session_.words().remove_image();
}

// Weights, when the query has more than one part ("like this track, but calmer").
void App::draw_mix_weights() {
    WordsModel& words = session_.words();
    const bool track = session_.query().kind != Query::Kind::none, text = !words.text().text.empty(), image = !words.image().name.empty();
    if (int(track) + int(text) + int(image) < 2) return;
    bool changed = false;
    ImGui::TextDisabled("Mix (0 leaves a part out)");
    ImGui::PushItemWidth(-90);
    if (track) {
        changed |= ImGui::SliderFloat("Track", &words.weight_track, 0.0f, 2.0f, "%.1f");
        mark("weight_track");
    }
    if (text) {
        changed |= ImGui::SliderFloat("Words", &words.weight_text, 0.0f, 2.0f, "%.1f");
        mark("weight_text");
    }
    if (image) {
        changed |= ImGui::SliderFloat("Picture", &words.weight_image, 0.0f, 2.0f, "%.1f");
        mark("weight_image");
    }
    ImGui::PopItemWidth();
    if (changed) session_.run_search();
}

void App::draw_tags_panel() {
    WordsModel& words = session_.words();
    const bool file = session_.query().kind == Query::Kind::file;
    ImGui::TextWrapped("Type any labels, comma separated. Each is scored against every catalog track%s and calibrated "
                       "against the catalog: a score is the share of the catalog it beats, and it fits above the threshold.",
                       file ? " and your file" : "");
    if (words.labels_text() != labels_seen_) {  // set by the page
        labels_seen_ = words.labels_text();
        std::snprintf(labels_buf_.data(), labels_buf_.size(), "%s", labels_seen_.c_str());
    }
    if (labels_buf_[0] == 0 && words.label_scores().empty() && !words.labels_in_flight())
        std::snprintf(labels_buf_.data(), labels_buf_.size(), "%s", "piano, guitar, calm, energetic, orchestral, rainy evening");
    ImGui::SetNextItemWidth(-60);
    const bool enter = ImGui::InputText("##labels", labels_buf_.data(), labels_buf_.size(), ImGuiInputTextFlags_EnterReturnsTrue);
    mark("tag_labels");
    ImGui::SameLine();
    if (ImGui::Button("Score") || enter) words.set_tag_labels(labels_buf_.data());
    mark("tag_button");
    ImGui::SetNextItemWidth(-60);
    float pct = words.threshold() * 100.0f;
    if (ImGui::SliderFloat("##threshold", &pct, 50.0f, 99.0f, "fits: better than %.0f%% of the catalog")) words.set_threshold(pct / 100.0f);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("A track fits a label when it scores better than this share of the catalog");
    if (words.labels_in_flight()) ImGui::TextDisabled("Scoring...");
    if (words.label_scores().empty()) return;
    if (!ImGui::BeginTable("labels", file ? 5 : 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("Label", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("Heard as", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    if (file) ImGui::TableSetupColumn("Your file", ImGuiTableColumnFlags_WidthFixed, 62);
    ImGui::TableSetupColumn("Best match", ImGuiTableColumnFlags_WidthStretch, 1.4f);
    ImGui::TableSetupColumn("Map", ImGuiTableColumnFlags_WidthFixed, 30);
    ImGui::TableHeadersRow();
    for (size_t i = 0; i < words.label_scores().size(); ++i) draw_label_row(i, file);
    ImGui::EndTable();
}

void App::draw_label_row(size_t i, bool file) {
    const WordsModel& words = session_.words();
    const LabelScore& ls = words.label_scores()[i];
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(ls.label.c_str());
    mark(("label_" + std::to_string(i)).c_str());
    ImGui::TableNextColumn();
    // A label far from every tag (low similarity) is a guess; the tooltip says how close.
    float best_similarity = 0;
    for (const semantic::ConceptWeight& w : ls.prepared.weights) best_similarity = std::max(best_similarity, w.similarity);
    const std::string heard = heard_as(words.matcher(), ls.prepared.weights, ls.prepared.weights.size(), 0.1f);
    if (best_similarity < 0.5f) ImGui::TextDisabled("%s", heard.c_str());
    else ImGui::TextUnformatted(heard.c_str());
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("closest tag similarity %.2f%s; %zu tracks fit at the threshold", double(best_similarity),
                          best_similarity < 0.5f ? " (far from every tag the models know: a guess)" : "", ls.n_fit);
    if (file) {
        ImGui::TableNextColumn();
        if (std::isfinite(ls.file_percentile)) {
            const bool fits = ls.file_percentile >= words.threshold();
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
    draw_label_best(i);
    ImGui::TableNextColumn();
    const ColourBy& by = session_.map().colour_by();
    ImGui::PushID(int(i) + 1000);
    if (ImGui::RadioButton("##map", by.kind == ColourBy::Kind::label && by.index == int(i)))
        session_.map().set_colour_by(ColourBy{ColourBy::Kind::label, int(i)});
    mark(("label_map_" + std::to_string(i)).c_str());
    ImGui::PopID();
}

void App::draw_label_best(size_t i) {
    const WordsModel& words = session_.words();
    const LabelScore& ls = words.label_scores()[i];
    if (ls.best.empty()) return;
    const auto& tracks = session_.catalog()->tracks();
    const TrackMeta& t = tracks[ls.best[0]];
    ImGui::PushID(int(i));
    if (ImGui::Selectable((t.title.empty() ? t.id : t.title).c_str(), false)) session_.play_track(ls.best[0]);
    if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        const semantic::TextMatcher& m = words.matcher();
        for (uint32_t b : ls.best) {
            const TrackMeta& bt = tracks[b];
            ImGui::Text("%.0f%%  %s  (%s)", 100.0 * double(ls.percentile[b]), (bt.title.empty() ? bt.id : bt.title).c_str(),
                        m.explain_text(ls.prepared, m.track_values(b), 3).c_str());
        }
        ImGui::EndTooltip();
    }
    ImGui::PopID();
}

}  // namespace cf::app
