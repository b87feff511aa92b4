// cuefinder app session — window.cuefinder.state(): the JSON the page and the browser tests read.
// Its shape is a contract (tests/browser/*.test.mjs): keys, order and number formats stay as they are.
#include <cmath>
#include <cstdio>

#include "app/session/session.h"
#include "core/common/json.h"

namespace cf::app {

namespace {

constexpr const char* kColourKindNames[] = {"source", "bpm", "loudness", "duration", "mood", "tag", "label"};

std::string fixed(const char* format, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

}  // namespace

std::string Session::state_json(const std::string& view_fields) const {
    std::string o = "{\"ready\":";
    o += catalog_ ? "true" : "false";
    o += ",\"catalog\":";
    if (catalog_)
        o += "{\"name\":" + json_quote(catalog_name_) + ",\"tracks\":" + std::to_string(catalog_->size()) +
             ",\"dim\":" + std::to_string(catalog_->dim()) + ",\"embedding\":" + json_quote(catalog_->embedding_name()) + "}";
    else
        o += "null";
    const bool busy = analysis_request_ != 0 || map_.tsne_running() || !loading_text_.empty();
    o += ",\"busy\":" + std::string(busy ? "true" : "false");
    o += ",\"stage\":" + json_quote(analysing() ? analyzer_->stage() : (map_.tsne_running() ? "t-SNE" : loading_text_.empty() ? "idle" : "loading"));
    o += ",\"progress\":" + fixed("%.4f", analysis_progress());
    o += ",\"error\":" + (error_.empty() ? std::string("null") : json_quote(error_));
    o += ",\"query\":" + query_json();
    o += ",\"results\":" + results_json();
    o += ",\"selected_row\":" + std::to_string(results_.selected_row);
    o += words_.state_json(catalog_.get());
    o += ",\"results_are_fit\":" + std::string(results_.are_fit ? "true" : "false");
    o += ",\"selection\":[";
    for (size_t i = 0; i < map_.selection().size(); ++i) o += (i ? "," : "") + json_quote(catalog_->tracks()[map_.selection()[i]].id);
    o += "],\"playing\":";
    if (playing_what_ == Playing::none || !host_.playing()) o += "null";
    else if (playing_what_ == Playing::query) o += "{\"what\":\"query\"}";
    else o += "{\"what\":\"track\",\"id\":" + json_quote(catalog_->tracks()[playing_track_].id) + "}";
    o += ",\"map\":" + map_json();
    o += ",\"filters\":{\"bpm\":" + std::string(filters_.bpm ? "true" : "false") + ",\"duration\":" + (filters_.duration ? "true" : "false") +
         ",\"moods\":" + (filters_.moods ? "true" : "false") + ",\"license\":" + (filters_.license ? "true" : "false") + "}";
    return o + view_fields + "}";
}

std::string Session::query_json() const {
    if (query_.kind == Query::Kind::none) return "null";
    std::string o = "{\"kind\":" + std::string(query_.kind == Query::Kind::file ? "\"file\"" : "\"track\"") + ",\"name\":" + json_quote(query_.name);
    if (!query_.track_id.empty()) o += ",\"track_id\":" + json_quote(query_.track_id);
    auto num = [&](const char* key, float v) {
        if (std::isfinite(v)) o += ",\"" + std::string(key) + "\":" + fixed("%.3f", double(v));
    };
    num("bpm", query_.bpm);
    num("loudness_lufs", query_.loudness_lufs);
    num("duration_s", query_.duration_s);
    num("analysis_s", float(query_.analysis_s));
    num("first_results_s", float(query_.first_results_s));
    num("decode_s", float(query_.decode_s));
    num("features_s", float(query_.features_s));
    num("inference_s", float(query_.inference_s));
    o += ",\"tags\":[";
    for (size_t i = 0; i < query_.tags.size() && i < 5; ++i) o += (i ? "," : "") + json_quote(query_.tags[i].label);
    o += "],\"moods\":{";
    bool first = true;
    for (size_t m = 0; m < kNumMoods; ++m) {
        if (!std::isfinite(query_.moods[m])) continue;
        o += std::string(first ? "" : ",") + "\"" + kMoodNames[m] + "\":" + fixed("%.3f", double(query_.moods[m]));
        first = false;
    }
    o += "}";
    if (query_.map_position)
        o += ",\"map_xy\":[" + fixed("%.4f", double(query_.map_position->x)) + "," + fixed("%.4f", double(query_.map_position->y)) + "]";
    return o + "}";
}

std::string Session::results_json() const {
    std::string o = "[";
    for (size_t i = 0; i < results_.hits.size(); ++i) {
        const SearchHit& h = results_.hits[i];
        const TrackMeta& t = catalog_->tracks()[h.track];
        const std::string match = std::isnan(h.match_percent) ? "null" : fixed("%.1f", double(h.match_percent));  // raw cosine + calibrated
        std::string why;
        for (const std::string& w : h.shared_tags) why += (why.empty() ? "" : ", ") + w;
        for (const std::string& w : h.shared_moods) why += (why.empty() ? "" : ", ") + w;
        o += std::string(i ? "," : "") + "{\"id\":" + json_quote(t.id) + ",\"path\":" + json_quote(t.path) + ",\"title\":" + json_quote(t.title) +
             ",\"score\":" + fixed("%.4f", double(h.score)) + ",\"match_percent\":" + match + ",\"why\":" + json_quote(why) + "}";
    }
    return o + "]";
}

std::string Session::map_json() const {
    const MapLayout l = map_.layout();
    const MapTool tool = map_.tool;
    const char* layout = l == MapLayout::catalog ? "catalog" : l == MapLayout::pca ? "pca" : "tsne";
    return "{\"layout\":\"" + std::string(layout) + "\",\"points\":" + std::to_string(map_.display_track().size()) + ",\"tool\":\"" +
           (tool == MapTool::pan ? "pan" : tool == MapTool::box ? "box" : "lasso") + "\"" +
           ",\"tsne_running\":" + (map_.tsne_running() ? "true" : "false") + ",\"tsne_iteration\":" + std::to_string(map_.tsne_iteration()) +
           ",\"colour\":\"" + kColourKindNames[int(map_.colour_by().kind)] + "\",\"colour_index\":" + std::to_string(map_.colour_by().index) + "}";
}

std::string WordsModel::state_json(const Catalog* catalog) const {
    std::string o = ",\"semantic\":{\"ready\":" + std::string(ready_ ? "true" : "false") + ",\"status\":" + json_quote(status_) +
                    ",\"method\":" + json_quote(semantic::text_method_name(semantic::TextMethod::ensemble));
    o += ",\"text\":";
    if (text_.prepared) {
        o += "{\"query\":" + json_quote(text_.text) + ",\"embed_ms\":" + fixed("%.2f", text_.embed_ms) + ",\"score_ms\":" + fixed("%.2f", text_.score_ms) +
             ",\"concepts\":[";
        const semantic::TextMatcher& m = semantic_->matcher();
        for (size_t i = 0; i < text_.prepared->weights.size(); ++i) {
            const semantic::ConceptWeight& w = text_.prepared->weights[i];
            o += std::string(i ? "," : "") + "{\"key\":" + json_quote(m.concepts()[w.index].key()) + ",\"weight\":" + fixed("%.4f", double(w.weight)) + "}";
        }
        o += "]}";
    } else {
        o += "null";
    }
    o += ",\"typing\":" + json_quote(text_wanted_) + ",\"embedding\":" + std::string(text_in_flight_ ? "true" : "false");
    o += ",\"image\":";
    if (!image_.name.empty()) {
        o += "{\"name\":" + json_quote(image_.name) + ",\"format\":" + json_quote(image_.format) + ",\"width\":" + std::to_string(image_.width_px) +
             ",\"height\":" + std::to_string(image_.height_px) + ",\"analysis_ms\":" + fixed("%.1f", image_.analysis_ms) +
             ",\"explanation\":" + json_quote(image_.explanation) + ",\"classes\":[";
        const query::PictureQuery& p = image_.picture;
        for (size_t i = 0; i < p.classes.size(); ++i)
            o += std::string(i ? "," : "") + "{\"words\":" + json_quote(p.classes[i].words) + ",\"prob\":" + fixed("%.4f", double(p.classes[i].prob)) + "}";
        o += "],\"valence\":" + fixed("%.3f", double(p.feel.valence)) + ",\"arousal\":" + fixed("%.3f", double(p.feel.arousal)) +
             ",\"energy\":" + fixed("%.3f", double(p.feel.energy)) + "}";
    } else {
        o += "null";
    }
    o += ",\"weights\":{\"track\":" + fixed("%.2f", double(weight_track)) + ",\"text\":" + fixed("%.2f", double(weight_text)) +
         ",\"image\":" + fixed("%.2f", double(weight_image)) + "}";
    o += ",\"threshold\":" + fixed("%.3f", double(threshold_));
    o += ",\"labels\":[";
    for (size_t i = 0; i < label_scores_.size(); ++i) {
        const LabelScore& ls = label_scores_[i];
        o += std::string(i ? "," : "") + "{\"label\":" + json_quote(ls.label) + ",\"fits\":" + std::to_string(ls.n_fit) + ",\"best\":[";
        for (size_t j = 0; j < ls.best.size() && catalog; ++j) o += std::string(j ? "," : "") + json_quote(catalog->tracks()[ls.best[j]].id);
        o += "]";
        if (std::isfinite(ls.file_percentile))
            o += ",\"file_raw\":" + fixed("%.4f", double(ls.file_raw)) + ",\"file_percentile\":" + fixed("%.4f", double(ls.file_percentile)) +
                 ",\"file_why\":" + json_quote(ls.file_why);
        o += "}";
    }
    return o + "]}";
}

}  // namespace cf::app
