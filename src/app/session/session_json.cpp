// cuefinder app session — window.cuefinder.state(): the JSON the page and the browser tests read.
// Its shape is a contract (tests/browser/*.test.mjs): keys, order and number formats stay as they are.
#include <cmath>

#include "app/session/session.h"
#include "core/common/json.h"
#include "core/rhythm/tempo_reading.h"

namespace cf::app {

namespace {

constexpr const char* kColourKindNames[] = {"source", "bpm", "loudness", "duration", "mood", "tag", "label", "custom_tag"};
constexpr const char* kLayoutNames[] = {"catalog", "pca", "tsne"};
constexpr const char* kToolNames[] = {"pan", "box", "lasso"};

}  // namespace

std::string Session::state_json(const std::function<void(JsonWriter&)>& view_fields) const {
    JsonWriter w;
    w.begin_object().key("ready").value(catalog_ != nullptr).key("catalog");
    if (catalog_)
        w.begin_object().key("name").value(catalog_name_).key("tracks").value(catalog_->size()).key("dim").value(catalog_->dim())
            .key("embedding").value(catalog_->embedding_name())
            .key("space").value(catalog_->space() ? catalog_->space()->name : std::string())
            .key("space_note").value(catalog_->space_status() ? std::string() : catalog_->space_status().message()).end_object();
    else
        w.null();
    const bool busy = analysis_request_ != 0 || map_.tsne_running() || !loading_text_.empty();
    w.key("busy").value(busy);
    w.key("stage").value(analysing() ? drop_->stage() : (map_.tsne_running() ? "t-SNE" : loading_text_.empty() ? "idle" : "loading"));
    w.key("progress").number(analysis_progress(), "%.4f");
    w.key("error");
    if (error_.empty()) w.null();
    else w.value(error_);
    w.key("query");
    write_query(w);
    w.key("results");
    write_results(w);
    w.key("selected_row").value(results_.selected_row);
    words_.write_state(w, catalog_.get());
    video_.write_state(w);
    w.key("results_are_fit").value(results_.are_fit);
    w.key("selection").begin_array();
    for (uint32_t t : map_.selection()) w.value(catalog_->tracks()[t].id);
    w.end_array().key("playing");
    if (playing_what_ == Playing::none || !host_.playing()) w.null();
    else if (playing_what_ == Playing::query) w.begin_object().key("what").value("query").end_object();
    else w.begin_object().key("what").value("track").key("id").value(catalog_->tracks()[playing_track_].id).end_object();
    w.key("map");
    write_map(w);
    w.key("filters").begin_object().key("bpm").value(filters_.bpm).key("duration").value(filters_.duration).key("moods").value(filters_.moods)
        .key("license").value(filters_.license).end_object();
    write_feedback(w);
    if (view_fields) view_fields(w);
    return w.end_object().take();
}

void Session::write_query(JsonWriter& w) const {
    if (query_.kind == Query::Kind::none) {
        w.null();
        return;
    }
    w.begin_object().key("kind").value(query_.kind == Query::Kind::file ? "file" : "track").key("name").value(query_.name);
    if (!query_.track_id.empty()) w.key("track_id").value(query_.track_id);
    auto num = [&](const char* key, double v) {
        if (std::isfinite(v)) w.key(key).number(v, "%.3f");
    };
    num("bpm", query_.bpm);
    if (std::isfinite(query_.bpm)) write_tempo_json(w, tempo_reading(query_.bpm, query_.bpm_confidence));
    num("loudness_lufs", query_.loudness_lufs);
    num("duration_s", query_.duration_s);
    num("analysis_s", float(query_.analysis_s));
    num("first_results_s", float(query_.first_results_s));
    if (query_.kind == Query::Kind::file) w.key("preliminary").value(query_.preliminary);
    num("decode_s", float(query_.decode_s));
    num("features_s", float(query_.features_s));
    num("inference_s", float(query_.inference_s));
    w.key("tags").begin_array();
    for (size_t i = 0; i < query_.tags.size() && i < 5; ++i) w.value(query_.tags[i].label);
    w.end_array().key("moods").begin_object();
    for (size_t m = 0; m < kNumMoods; ++m) num(kMoodNames[m], query_.moods[m]);
    w.end_object();
    if (query_.map_position)
        w.key("map_xy").begin_array().number(query_.map_position->x, "%.4f").number(query_.map_position->y, "%.4f").end_array();
    w.end_object();
}

void Session::write_results(JsonWriter& w) const {
    w.begin_array();
    for (const SearchHit& h : results_.hits) {
        const TrackMeta& t = catalog_->tracks()[h.track];
        w.begin_object().key("id").value(t.id).key("path").value(t.path).key("title").value(t.title);
        w.key("score").number(h.score, "%.4f").key("match_percent").number(h.match_percent, "%.1f");  // raw cosine + calibrated (NaN: null)
        w.key("why").value(hit_why(h)).end_object();
    }
    w.end_array();
}

// "session" (likes, skips, remarks, learned), "custom_tags" and "playlist".
void Session::write_feedback(JsonWriter& w) const {
    w.key("session").begin_object().key("events").value(feedback_.events().size());
    for (const auto& [key, judged] : {std::pair{"likes", Judged::liked}, std::pair{"skips", Judged::skipped}}) {
        w.key(key).begin_array();
        for (uint32_t t : feedback_.judged_tracks(judged)) w.value(catalog_->tracks()[t].id);
        w.end_array();
    }
    w.key("remarks").begin_array();
    for (const query::SessionEvent& e : feedback_.events())
        if (e.kind == query::SessionEvent::Kind::remark) w.value(e.text);
    w.end_array().key("learned").value(feedback_.learned_text()).key("remark_in_flight").value(remark_in_flight_)
        .key("rerank_ms").number(feedback_ms_, "%.2f").end_object();
    w.key("custom_tags").begin_array();
    for (const CustomTag& t : custom_tags_.tags())
        w.begin_object().key("name").value(t.tag.name).key("trust").value(query::few_shot_trust_name(t.tag.trust))
            .key("trust_message").value(t.tag.trust_message).key("n_positives").value(t.tag.n_positives)
            .key("n_fit").value(t.n_fit).key("scored").value(!t.scores.empty()).end_object();
    w.end_array().key("custom_tag_filter").value(custom_tags_.filter).key("playlist");
    if (!playlist_.playlist()) return void(w.null());
    const query::Playlist& p = *playlist_.playlist();
    w.begin_object().key("seed").value(playlist_.seed_name()).key("mean_transition_cost").number(p.mean_transition_cost, "%.4f");
    w.key("entries").begin_array();
    for (const query::PlaylistEntry& e : p.entries)
        w.begin_object().key("id").value(catalog_->tracks()[e.track].id).key("cost").number(e.transition_cost, "%.4f")
            .key("fit").number(e.fit, "%.4f").key("target_bpm").number(e.target_bpm, "%.1f").end_object();
    w.end_array().end_object();
}

void Session::write_map(JsonWriter& w) const {
    w.begin_object().key("layout").value(kLayoutNames[int(map_.layout())]).key("points").value(map_.display_track().size());
    w.key("tool").value(kToolNames[int(map_.tool)]).key("tsne_running").value(map_.tsne_running()).key("tsne_iteration").value(map_.tsne_iteration());
    w.key("colour").value(kColourKindNames[int(map_.colour_by().kind)]).key("colour_index").value(map_.colour_by().index).end_object();
}

void WordsModel::write_state(JsonWriter& w, const Catalog* catalog) const {
    w.key("semantic").begin_object().key("ready").value(ready_).key("status").value(status_);
    w.key("method").value(semantic::text_method_name(semantic::TextMethod::ensemble)).key("text");
    if (text_.prepared) {
        w.begin_object().key("query").value(text_.text).key("embed_ms").number(text_.embed_ms, "%.2f").key("score_ms").number(text_.score_ms, "%.2f");
        w.key("concepts").begin_array();
        for (const semantic::ConceptWeight& cw : text_.prepared->weights)
            w.begin_object().key("key").value(semantic_->matcher().concepts()[cw.index].key()).key("weight").number(cw.weight, "%.4f").end_object();
        w.end_array().end_object();
    } else {
        w.null();
    }
    w.key("typing").value(text_wanted_).key("embedding").value(text_in_flight_).key("image");
    write_image(w);
    w.key("weights").begin_object().key("track").number(weight_track, "%.2f").key("text").number(weight_text, "%.2f")
        .key("image").number(weight_image, "%.2f").end_object();
    w.key("threshold").number(threshold_, "%.3f").key("labels").begin_array();
    for (const LabelScore& ls : label_scores_) {
        w.begin_object().key("label").value(ls.label).key("fits").value(ls.n_fit).key("best").begin_array();
        for (size_t j = 0; j < ls.best.size() && catalog; ++j) w.value(catalog->tracks()[ls.best[j]].id);
        w.end_array();
        if (std::isfinite(ls.file_percentile))
            w.key("file_raw").number(ls.file_raw, "%.4f").key("file_percentile").number(ls.file_percentile, "%.4f").key("file_why").value(ls.file_why);
        w.end_object();
    }
    w.end_array().end_object();
}

void WordsModel::write_image(JsonWriter& w) const {
    if (image_.name.empty()) {
        w.null();
        return;
    }
    const query::PictureQuery& p = image_.picture;
    w.begin_object().key("name").value(image_.name).key("format").value(image_.format).key("width").value(image_.width_px)
        .key("height").value(image_.height_px).key("analysis_ms").number(image_.analysis_ms, "%.1f").key("explanation").value(image_.explanation);
    w.key("classes").begin_array();
    for (const semantic::ImageClass& c : p.classes) w.begin_object().key("words").value(c.words).key("prob").number(c.prob, "%.4f").end_object();
    w.end_array().key("valence").number(p.feel.valence, "%.3f").key("arousal").number(p.feel.arousal, "%.3f").key("energy").number(p.feel.energy, "%.3f");
    w.end_object();
}

}  // namespace cf::app
