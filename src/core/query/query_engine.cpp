#include "core/query/query_engine.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <utility>

namespace cf::query {

namespace sem = cf::semantic;

namespace {

Status bad(std::string message) { return Status(ErrorCode::invalid_argument, std::move(message)); }

std::vector<float> ascending(std::vector<float> v) {
    std::sort(v.begin(), v.end());
    return v;
}

std::string join(const std::vector<std::string>& words, const char* separator) {
    std::string out;
    for (const std::string& w : words) out += (out.empty() ? "" : separator) + w;
    return out;
}

void add_unique(std::vector<std::string>& words, const std::string& w) {
    if (std::find(words.begin(), words.end(), w) == words.end()) words.push_back(w);
}

// One run: the query, what it runs against and the filter every list of tracks goes through.
struct Run {
    const QueryEngine& engine;
    const MixedQuery& query;
    const sem::TextMatcher* matcher;
    std::vector<float> track;  ///< the track input's unit embedding (empty: no track input)
    std::optional<uint32_t> exclude;
    std::function<bool(uint32_t)> passes;
    std::vector<float> track_values;  ///< the track input's concept values (empty: unknown)
};

// A track search hit's why: what stands out, or that nothing does.
std::string hit_why(const MatchWhy& why) {
    std::string s = why.text();
    return s.empty() ? "similar overall" : s;
}

// What stands out in track t's match with the track input, or nothing without values.
MatchWhy match_why(const Run& r, uint32_t t) {
    const MatchExplainer* e = r.engine.explainer();
    if (!e || r.track_values.empty()) return {};
    return e->explain(r.track_values, e->track_values(t));
}

// What of a picture's query a track or item has: the "sees" concepts that carried its score, then the
// moods the colours ask for (explain() lists positive weights only: "less sad" is not shown as "sad").
std::string picture_fits(const Run& r, std::span<const float> values) {
    const sem::TextMatcher& m = *r.matcher;
    const PictureQuery& p = *r.query.picture;
    std::vector<std::string> words;
    auto add = [&](const sem::PreparedText& q) {
        for (const sem::Contribution& c : m.explain(q, values, r.query.explain_n))
            if (words.size() < r.query.explain_n + 1) add_unique(words, m.concepts()[c.index].words);
    };
    if (p.sees) add(*p.sees);
    if (p.feels) add(*p.feels);
    return join(words, ", ");
}

// An input's explanation of catalog track t.
std::string track_why(const Run& r, const InputResult& in, uint32_t t) {
    if (in.kind == InputKind::track) {
        const std::string w = match_why(r, t).text();
        return w.empty() ? "like the track" : "like the track (" + w + ")";
    }
    const sem::TextMatcher& m = *r.matcher;
    if (in.kind == InputKind::text) {
        const std::string f = m.explain_text(r.query.texts[in.index].prepared, m.track_values(t), r.query.explain_n);
        if (!f.empty()) return "fits: " + f;
        // No tag/mood evidence (e.g. a catalog without per-tag probabilities): the projection's view.
        return r.query.method == sem::TextMethod::bridge ? "" : "by sound (audio projection; no tag or mood carried it)";
    }
    std::string out = r.query.picture->explanation();
    const std::string f = picture_fits(r, m.track_values(t));
    if (!f.empty()) out += (out.empty() ? "" : " ") + std::string("(fits: ") + f + ")";
    return out;
}

InputScore score_of(const Run& r, const InputResult& in, float raw) {
    InputScore s;
    s.raw = raw;
    s.percentile = sem::fraction_below(in.sorted, raw);
    if (in.kind == InputKind::track && r.engine.calibration()) s.match_percent = r.engine.calibration()->percent(raw);
    return s;
}

InputScore track_score(const Run& r, const InputResult& in, uint32_t t) {
    InputScore s = score_of(r, in, in.scores[t]);
    s.why = track_why(r, in, t);
    return s;
}

float dot(std::span<const float> a, std::span<const float> b) {
    double d = 0;
    for (size_t k = 0; k < a.size() && k < b.size(); ++k) d += double(a[k]) * b[k];
    return float(d);
}

// Per item: the input's raw score, on the catalog's scale, and its explanation.
void score_items(const Run& r, InputResult& in) {
    for (const Item& item : r.query.items) {
        const std::span<const float> values = item.values;
        float raw = 0;
        std::string why;
        if (in.kind == InputKind::track) {
            raw = dot(item.audio_in_space.empty() ? item.audio : item.audio_in_space, r.track);
        } else if (in.kind == InputKind::text) {
            const sem::PreparedText& q = r.query.texts[in.index].prepared;
            raw = r.matcher->score_item(q, values, item.audio);
            why = r.matcher->explain_text(q, values, r.query.explain_n);
        } else {
            const PictureQuery& p = *r.query.picture;
            for (const auto* part : {p.sees ? &*p.sees : nullptr, p.feels ? &*p.feels : nullptr})
                if (part) raw += sem::z_scale(part->scores).z(r.matcher->score_item(*part, values, item.audio));
            why = picture_fits(r, values);
        }
        InputScore s = score_of(r, in, raw);
        s.why = std::move(why);
        in.items.push_back(std::move(s));
    }
}

InputResult input(InputKind kind, size_t index, float weight) {
    InputResult in;
    in.kind = kind;
    in.index = index;
    in.weight = weight;
    return in;
}

// Every input's raw catalog scores, in the documented order: texts, the picture, the track.
std::vector<InputResult> raw_inputs(const Run& r) {
    std::vector<InputResult> inputs;
    for (size_t i = 0; i < r.query.texts.size(); ++i) {
        InputResult in = input(InputKind::text, i, r.query.weights.text);
        in.scores = r.query.texts[i].prepared.scores;
        inputs.push_back(std::move(in));
    }
    if (const auto& p = r.query.picture) {
        InputResult in = input(InputKind::picture, 0, r.query.weights.picture);
        std::vector<std::span<const float>> parts;
        if (p->sees) parts.push_back(p->sees->scores);
        if (p->feels) parts.push_back(p->feels->scores);
        const std::vector<float> ones(parts.size(), 1.0f);
        in.scores = parts.empty() ? std::vector<float>(r.engine.n_tracks(), 0.0f) : sem::combine_scores(parts, ones);
        inputs.push_back(std::move(in));
    }
    if (!r.track.empty()) {
        InputResult in = input(InputKind::track, 0, r.query.weights.track);
        in.scores.resize(r.engine.n_tracks());
        std::vector<float> e(r.engine.dim());
        for (uint32_t t = 0; t < in.scores.size(); ++t) {
            r.engine.embedding_into(t, e.data());
            in.scores[t] = dot(e, r.track);
        }
        inputs.push_back(std::move(in));
    }
    return inputs;
}

// raw_inputs with each input's sorted scores (percentiles), items and own best tracks.
std::vector<InputResult> input_scores(const Run& r) {
    std::vector<InputResult> inputs = raw_inputs(r);
    for (InputResult& in : inputs) {
        in.sorted = ascending(in.scores);
        score_items(r, in);
        if (r.query.top_per_input > 0)
            for (uint32_t t : sem::top_tracks(in.scores, r.query.top_per_input, r.passes)) in.top.push_back({t, track_score(r, in, t)});
    }
    return inputs;
}

// The app's short "why": tags the query track and track t share, then the words' and picture's concepts.
std::vector<std::string> row_words(const Run& r, const std::vector<InputResult>& inputs, uint32_t t) {
    std::vector<std::string> words;
    const MixedQuery& q = r.query;
    if (!r.track.empty() && q.weights.track > 0 && !r.track_values.empty()) {
        words = match_why(r, t).words();
    } else if (!r.track.empty() && q.weights.track > 0 && r.engine.catalog()) {
        size_t shared = 0;
        for (const TagScore& a : q.track_tags) {
            if (a.prob < 0.1f || shared == 2) continue;
            for (const TagScore& b : r.engine.catalog()->tracks()[t].top_tags)
                if (b.label == a.label && b.prob >= 0.1f && std::find(words.begin(), words.end(), b.label) == words.end())
                    words.push_back(b.label), ++shared;
        }
    }
    auto add = [&](const sem::PreparedText& p) {
        for (const sem::Contribution& c : r.matcher->explain(p, r.matcher->track_values(t), 3))
            add_unique(words, r.matcher->concepts()[c.index].words);
    };
    for (const InputResult& in : inputs) {
        if (!(in.weight > 0) || in.kind == InputKind::track) continue;
        if (in.kind == InputKind::text) add(q.texts[in.index].prepared);
        if (in.kind == InputKind::picture && q.picture->sees) add(*q.picture->sees);
        if (in.kind == InputKind::picture && q.picture->feels) add(*q.picture->feels);
    }
    return words;
}

ResultRow result_row(const Run& r, const std::vector<InputResult>& inputs, uint32_t t) {
    ResultRow row;
    row.track = t;
    std::vector<std::string> whys;
    for (const InputResult& in : inputs) {
        row.inputs.push_back(track_score(r, in, t));
        const std::string& w = row.inputs.back().why;
        if (!w.empty() && !(inputs.size() > 1 && in.kind == InputKind::track)) whys.push_back(w);
    }
    row.why = join(whys, "; ");
    row.words = row_words(r, inputs, t);
    return row;
}

// The mix: one input's raw scores, or the weighted sum of every input's z-scores.
Result<std::vector<float>> mix(const std::vector<InputResult>& inputs) {
    if (inputs.size() == 1) return inputs[0].scores;
    std::vector<std::span<const float>> lists;
    std::vector<float> weights;
    for (const InputResult& in : inputs) lists.push_back(in.scores), weights.push_back(in.weight);
    if (!std::any_of(weights.begin(), weights.end(), [](float w) { return w > 0; }))
        return bad("every input has weight 0: give at least one a weight above 0");
    return sem::combine_scores(lists, weights);
}

}  // namespace

std::vector<float> unit_vector(std::span<const float> v) {
    double norm = 0;
    for (float x : v) norm += double(x) * x;
    if (!(norm > 0) || !std::isfinite(norm)) return {};
    std::vector<float> out(v.begin(), v.end());
    for (float& x : out) x = float(x / std::sqrt(norm));
    return out;
}

const char* input_kind_name(InputKind kind) {
    switch (kind) {
        case InputKind::text: return "text";
        case InputKind::picture: return "image";
        case InputKind::track: return "track";
    }
    return "?";
}

QueryEngine::QueryEngine(const Catalog& catalog) : catalog_(&catalog), n_tracks_(catalog.size()), dim_(catalog.dim()) {
    if (auto cal = match::calibrate_catalog(catalog)) calibration_.emplace(std::move(*cal));
    explainer_.emplace(catalog);
}

QueryEngine::QueryEngine(std::vector<float> audio, size_t n_tracks, size_t dim)
    : audio_(std::move(audio)), n_tracks_(n_tracks), dim_(dim) {
    CF_ASSERT(audio_.size() == n_tracks * dim);
}

std::vector<float> QueryEngine::embedding(uint32_t t) const {
    std::vector<float> e(dim_);
    embedding_into(t, e.data());
    return e;
}

void QueryEngine::embedding_into(uint32_t t, float* out) const {
    CF_ASSERT(t < n_tracks_);
    if (catalog_) return catalog_->embedding_into(t, out);
    std::copy_n(audio_.begin() + ptrdiff_t(size_t(t) * dim_), dim_, out);
}

Result<std::vector<SearchHit>> QueryEngine::search(std::span<const float> query, const SearchOptions& options,
                                                   std::span<const float> query_values) const {
    if (!catalog_) return Status(ErrorCode::invalid_argument, "track search needs a catalog (raw arrays have no index)");
    auto q = catalog_->to_query(query);  // a file's embedding → the catalog's space
    if (!q) return q.status();
    auto hits = catalog_->search(*q, options);
    if (hits && calibration_) calibration_->apply(*hits);
    if (hits && explainer_ && query_values.size() == explainer_->n_concepts())
        for (SearchHit& h : *hits) h.why = hit_why(explainer_->explain(query_values, explainer_->track_values(h.track)));
    return hits;
}

Result<std::vector<SearchHit>> QueryEngine::search_track(std::string_view id, const SearchOptions& options) const {
    if (!catalog_) return Status(ErrorCode::invalid_argument, "track search needs a catalog (raw arrays have no index)");
    auto hits = catalog_->search_track(id, options);
    if (hits && calibration_) calibration_->apply(*hits);
    if (hits && explainer_) {
        const std::vector<float> q = explainer_->track_values(*catalog_->find(id));
        for (SearchHit& h : *hits) h.why = hit_why(explainer_->explain(q, explainer_->track_values(h.track)));
    }
    return hits;
}

Status QueryEngine::check(const MixedQuery& q, const semantic::TextMatcher* matcher) const {
    if (q.texts.empty() && !q.picture && q.track.empty() && !q.track_index)
        return bad("nothing to search for: give a text, a picture or a track");
    if ((!q.texts.empty() || q.picture) && (!matcher || matcher->n_tracks() != n_tracks_))
        return bad(matcher ? "the text matcher was fitted on other tracks" : "words and pictures need the text matcher");
    if (q.track_index && *q.track_index >= n_tracks_)
        return bad("track " + std::to_string(*q.track_index) + " is not in the catalog (" + std::to_string(n_tracks_) + " tracks)");
    if (!q.track_index && !q.track.empty() && q.track.size() != input_dim())
        return bad("track query: expected a " + std::to_string(input_dim()) + "-d embedding, got " + std::to_string(q.track.size()));
    if (q.options.filters.active() && !catalog_) return bad("filters need a catalog (attached raw arrays have no metadata)");
    if (!(q.weights.track >= 0 && q.weights.text >= 0 && q.weights.picture >= 0)) return bad("weights must be numbers >= 0");
    for (size_t i = 0; i < q.items.size(); ++i) {
        const Item& it = q.items[i];
        const bool words = !q.texts.empty() || q.picture;
        if ((words && it.values.size() != matcher->n_concepts()) || (!it.audio.empty() && it.audio.size() != input_dim()))
            return bad("item " + std::to_string(i) + ": expected " + std::to_string(words ? matcher->n_concepts() : 0) +
                       " concept values and " + std::to_string(input_dim()) + " audio values");
    }
    return Status::ok();
}

// The query with its file embeddings in the catalog's space: the track, and each item's audio as
// Item::audio_in_space (the track input compares it with the catalog; the words' projection keeps the
// analysis's own embedding, Item::audio). Only a catalog with a space changes them.
Result<MixedQuery> QueryEngine::in_catalog_space(const MixedQuery& q) const {
    MixedQuery out = q;
    if (!out.track.empty() && !out.track_index) {
        auto t = catalog_->to_query(out.track);
        if (!t) return t.status();
        out.track = std::move(*t);
    }
    for (size_t i = 0; i < out.items.size(); ++i) {
        if (out.items[i].audio.empty()) continue;
        auto a = catalog_->to_query(out.items[i].audio);
        if (!a) return Status(ErrorCode::invalid_argument, "item " + std::to_string(i) + ": " + a.status().message());
        out.items[i].audio_in_space = std::move(*a);
    }
    return out;
}

// The checked query, mapped into the catalog's space when it has one (nullopt: use it as given).
Result<std::optional<MixedQuery>> QueryEngine::checked(const MixedQuery& query, const semantic::TextMatcher* matcher) const {
    if (Status st = check(query, matcher); !st) return st;
    if (!catalog_ || !catalog_->space()) return std::optional<MixedQuery>{};
    auto m = in_catalog_space(query);
    if (!m) return m.status();
    return std::optional<MixedQuery>(std::move(*m));
}

Result<std::vector<float>> QueryEngine::mix_scores(const MixedQuery& query, const semantic::TextMatcher* matcher) const {
    auto mapped = checked(query, matcher);
    if (!mapped) return mapped.status();
    const MixedQuery& q = *mapped ? **mapped : query;
    const Run r{*this, q, matcher, q.track_index ? embedding(*q.track_index) : q.track, q.track_index, nullptr, {}};
    return mix(raw_inputs(r));
}

Result<MixedResult> QueryEngine::run(const MixedQuery& query, const semantic::TextMatcher* matcher) const {
    auto mapped = checked(query, matcher);
    if (!mapped) return mapped.status();
    const MixedQuery& q = *mapped ? **mapped : query;
    Run r{*this, q, matcher, q.track_index ? embedding(*q.track_index) : q.track, q.track_index, nullptr, {}};
    if (explainer_ && q.track_index) r.track_values = explainer_->track_values(*q.track_index);
    else if (explainer_ && q.track_values.size() == explainer_->n_concepts()) r.track_values = q.track_values;
    if (!r.exclude) r.exclude = q.options.exclude_track;
    const bool filtered = catalog_ && q.options.filters.active();
    if (filtered || r.exclude)
        r.passes = [&](uint32_t t) { return t != r.exclude && (!filtered || catalog_->passes(t, q.options.filters)); };
    MixedResult out;
    out.inputs = input_scores(r);
    auto mixed = mix(out.inputs);
    if (!mixed) return mixed.status();
    const std::vector<float> sorted = ascending(*mixed);
    for (uint32_t t : sem::top_tracks(*mixed, q.options.k, r.passes)) {
        ResultRow row = result_row(r, out.inputs, t);
        row.raw = (*mixed)[t];
        row.score = sem::fraction_below(sorted, row.raw);
        out.results.push_back(std::move(row));
    }
    return out;
}

}  // namespace cf::query
