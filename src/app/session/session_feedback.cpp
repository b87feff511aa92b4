// cuefinder app session — like/skip and remarks (the adaptive session), custom tags, playlists, and
// what the page keeps of them between visits (session.h [SECTION] Like/skip, custom tags, playlists).
#include <cctype>

#include "app/session/mixed_search.h"
#include "app/session/session.h"
#include "core/io/json_reader.h"

namespace cf::app {

namespace {

std::string trimmed(const std::string& s) {
    size_t a = 0, b = s.size();
    while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
    return s.substr(a, b - a);
}

}  // namespace

// ---- like, skip, remarks -----------------------------------------------------------------------

std::string Session::session_key() const { return feedback_.ready() ? "session:" + feedback_.catalog_key() : ""; }

void Session::like(uint32_t track) { feedback_changed(feedback_.like(track)); }
void Session::skip(uint32_t track) { feedback_changed(feedback_.skip(track)); }

void Session::undo_feedback() {
    if (feedback_.undo()) feedback_changed(Status::ok());
}

void Session::clear_feedback() {
    feedback_.clear();
    feedback_changed(Status::ok());
}

// After every input: keep the session (an empty one is forgotten), re-rank, redraw the marks.
void Session::feedback_changed(const Status& s) {
    if (!s) {
        error_ = "like/skip: " + s.message();
        return;
    }
    error_.clear();
    host_.save_state(session_key(), feedback_.active() ? feedback_.to_json() : "");
    const double t0 = host_.now_s();
    run_search();
    feedback_ms_ = (host_.now_s() - t0) * 1000.0;
    map_.states_changed();
}

void Session::remark(const std::string& text) {
    const std::string t = trimmed(text);
    if (t.empty()) return;
    remark_in_flight_ = true;
    words_.prepare_texts({t}, [this, t](Result<std::vector<semantic::PreparedText>> p) {
        remark_in_flight_ = false;
        if (!p) {
            error_ = "remark \"" + t + "\": " + p.status().message();
            return;
        }
        feedback_changed(feedback_.remark(t, p->front().scores));
    });
}

void Session::export_session() {
    if (!feedback_.active()) return;
    host_.download("cuefinder-session.json", "application/json", feedback_.to_json());
}

// A session's JSON (an import or what the page kept): its remarks are embedded first.
void Session::load_session(const std::string& json, const std::string& what) {
    const std::vector<std::string> remarks = session_remarks(json);
    auto finish = [this, what](Status s) {
        if (!s) {
            error_ = what + ": " + s.message();
            return;
        }
        host_.save_state(session_key(), feedback_.active() ? feedback_.to_json() : "");
        run_search();
        map_.states_changed();
    };
    if (remarks.empty()) return finish(feedback_.load_json(json, nullptr));
    if (!words_.has_text_model()) {  // its remarks need the sentence encoder, which loads after the catalog
        pending_session_ = {json, what};
        return;
    }
    words_.prepare_texts(remarks, [this, json, remarks, finish](Result<std::vector<semantic::PreparedText>> p) {
        if (!p) return finish(p.status().with_context("its remarks"));
        auto scores = [&](const std::string& text) -> Result<std::vector<float>> {
            for (size_t i = 0; i < remarks.size(); ++i)
                if (remarks[i] == text) return (*p)[i].scores;
            return Status(ErrorCode::not_found, "not embedded");
        };
        finish(feedback_.load_json(json, scores));
    });
}

// ---- the query the session re-ranks --------------------------------------------------------------

// The current query's raw score per catalog track (the mix of the track, words and picture), or empty
// without a query.
Result<std::vector<float>> Session::query_scores(const SearchOptions& o, bool mixed) const {
    if (query_.kind == Query::Kind::none && !mixed) return std::vector<float>{};
    const MixWeights weights{words_.weight_track, words_.weight_text, words_.weight_image};
    query::MixedQuery q = mixed ? mixed_query(*catalog_, query_, words_.text(), words_.image(), weights, o, engine_->explainer())
                                : mixed_query(*catalog_, query_, TextPart{}, ImagePart{}, MixWeights{}, o, engine_->explainer());
    return engine_->mix_scores(q, mixed ? &words_.matcher() : nullptr);
}

// What the query's scores depend on: the same key, the same scores (likes and skips do not change the
// query, so only its first input pays for a pass over the catalog).
std::string Session::query_key(bool mixed) const {
    std::string k = std::to_string(int(query_.kind)) + '\n' + query_.track_id + '\n' + query_.name + '\n';
    k.append(reinterpret_cast<const char*>(query_.embedding.data()), query_.embedding.size() * sizeof(float));
    if (mixed)
        k += '\n' + words_.text().text + '\n' + words_.image().name + '\n' + std::to_string(words_.weight_track) + ',' +
             std::to_string(words_.weight_text) + ',' + std::to_string(words_.weight_image);
    return k;
}

Result<std::vector<SearchHit>> Session::session_search(const SearchOptions& o, bool mixed) {
    const std::string key = query_key(mixed);
    if (key != base_key_) {
        auto scores = query_scores(o, mixed);
        if (!scores) return scores.status();
        base_scores_ = std::move(*scores);
        base_key_ = key;
    }
    const std::vector<float>* base = &base_scores_;
    std::string what = query_.kind == Query::Kind::track ? "track " + query_.track_id : query_.kind == Query::Kind::file ? "file " + query_.name : "";
    if (mixed && !words_.text().text.empty()) what += (what.empty() ? "" : " + ") + ("words \"" + words_.text().text + "\"");
    if (mixed && !words_.image().name.empty()) what += (what.empty() ? "" : " + ") + ("picture " + words_.image().name);
    CF_RETURN_IF_ERROR(feedback_.set_base(*base, std::move(what)));
    auto hits = feedback_.rerank(o.k + 1, o.filters);
    if (!hits) return hits.status();
    // The query track itself is never one of its matches.
    if (const auto self = query_.kind == Query::Kind::track ? catalog_->find(query_.track_id) : std::nullopt)
        std::erase_if(*hits, [&](const SearchHit& h) { return h.track == *self; });
    if (hits->size() > o.k) hits->resize(o.k);
    return hits;
}

// ---- custom tags -------------------------------------------------------------------------------

void Session::train_custom_tag(const std::string& name) {
    const std::string n = trimmed(name);
    if (n.empty()) {
        error_ = "custom tag: type a name for it first";
        return;
    }
    const std::vector<uint32_t> negatives = feedback_.judged_tracks(Judged::skipped);
    const std::vector<uint32_t> positives = map_.selection().empty() ? feedback_.judged_tracks(Judged::liked) : map_.selection();
    if (positives.empty()) {
        error_ = "custom tag \"" + n + "\": select examples on the map (lasso or box) or like some tracks first";
        return;
    }
    auto i = custom_tags_.train(n, positives, negatives);
    if (!i) {
        error_ = "custom tag \"" + n + "\": " + i.status().message();
        return;
    }
    error_.clear();
    map_.set_colour_by(ColourBy{ColourBy::Kind::custom_tag, int(*i)});
    save_custom_tags();
}

void Session::remove_custom_tag(size_t index) {
    const ColourBy by = map_.colour_by();
    custom_tags_.remove(index);
    if (by.kind == ColourBy::Kind::custom_tag) map_.set_colour_by(ColourBy{});
    save_custom_tags();
    run_search();
}

void Session::export_custom_tag(size_t index) {
    if (index >= custom_tags_.tags().size()) return;
    const query::FewShotTag& tag = custom_tags_.tags()[index].tag;
    host_.download("cuefinder-tag-" + tag.name + ".json", "application/json", query::to_json(tag));
}

void Session::filter_by_custom_tag(int index) {
    custom_tags_.filter = index;
    run_search();
}

void Session::save_custom_tags() {
    if (catalog_) host_.save_state(CustomTags::store_key(*catalog_), custom_tags_.tags().empty() ? "" : custom_tags_.store_json());
}

// ---- playlists -----------------------------------------------------------------------------------

// The seed: the map selection, else the liked tracks, else the query (words and picture as scores).
std::optional<query::PlaylistSeed> Session::playlist_seed(std::string* name) const {
    query::PlaylistSeed seed;
    seed.tracks = map_.selection();
    *name = std::to_string(seed.tracks.size()) + " selected tracks";
    if (seed.tracks.empty()) {
        seed.tracks = feedback_.judged_tracks(Judged::liked);
        *name = std::to_string(seed.tracks.size()) + " liked tracks";
    }
    if (!seed.tracks.empty()) return seed;
    const bool mixed = words_.has_parts() && words_.ready();
    *name = results_title();
    if (mixed) {
        auto s = query_scores(filters_.search_options(query_), true);
        if (s) seed.scores = std::move(*s);
    } else if (query_.kind == Query::Kind::track) {
        if (auto t = catalog_->find(query_.track_id)) seed.tracks.push_back(*t);
    } else if (query_.kind == Query::Kind::file) {
        seed.embeddings.push_back(query_.embedding);
    }
    if (seed.tracks.empty() && seed.embeddings.empty() && seed.scores.empty()) return std::nullopt;
    return seed;
}

void Session::make_playlist() {
    if (!catalog_) return;
    std::string name;
    const auto seed = playlist_seed(&name);
    if (!seed) {
        error_ = "playlist: select tracks on the map, like some, or search first (the playlist grows from them)";
        return;
    }
    SearchOptions o = filters_.search_options(query_);
    o.filters.allowed_tracks = custom_tags_.allowed();
    if (Status s = playlist_.make(*engine_, *seed, name, o.filters); !s) {
        error_ = "playlist: " + s.message();
        return;
    }
    error_.clear();
    map_.states_changed();
}

void Session::export_playlist(const std::string& format) {
    if (!catalog_ || !playlist_.playlist()) return;
    const auto [file, mime] = PlaylistModel::export_file(format);
    host_.download(file, mime, playlist_.export_text(*catalog_, format));
}

// ---- kept between visits, imports ------------------------------------------------------------------

std::vector<std::string> Session::state_keys() const {
    if (!catalog_) return {};
    std::vector<std::string> keys{CustomTags::store_key(*catalog_)};
    if (feedback_.ready()) keys.push_back(session_key());
    return keys;
}

Status Session::restore_state(const std::string& key, const std::string& json) {
    if (!catalog_) return Status(ErrorCode::invalid_argument, "no catalog is open");
    if (key == CustomTags::store_key(*catalog_)) {
        Status s = custom_tags_.load_store(json);
        if (!s) error_ = s.message();
        return s;
    }
    if (key == session_key()) {
        load_session(json, "your last session could not be restored");
        return Status::ok();
    }
    return Status(ErrorCode::invalid_argument, "nothing is kept under \"" + key + "\" for this catalog");
}

// A dropped .json file: a session or a custom tag exported from this page. False: not JSON at all.
bool Session::import_json_file(int request, const std::string& name, const std::vector<uint8_t>& bytes) {
    size_t i = 0;
    while (i < bytes.size() && std::isspace(bytes[i])) ++i;
    if (i == bytes.size() || bytes[i] != '{') return false;
    const std::string text(bytes.begin(), bytes.end());
    auto doc = parse_json(text);
    const JsonValue* format = doc && doc->is_object() ? doc->find("format") : nullptr;
    const std::string kind = format ? format->string() : "";
    Status s;
    if (kind == "cuefinder-session") {
        load_session(text, name);
    } else if (kind == "cuefinder-few-shot-tag") {
        auto t = custom_tags_.import_json(text);
        if (t) map_.set_colour_by(ColourBy{ColourBy::Kind::custom_tag, int(*t)}), save_custom_tags();
        else s = t.status();
    } else {
        s = Status(ErrorCode::unsupported_format, doc ? "a JSON file, but not a cuefinder session or custom tag" : doc.status().message());
    }
    if (!s) error_ = name + ": " + s.message();
    host_.analysis_finished(request, bool(s), s ? "" : error_);
    return true;
}

}  // namespace cf::app
