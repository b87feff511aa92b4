// The adaptive session in the app (feedback_model.h).
#include "app/session/feedback_model.h"

#include <algorithm>

#include "core/io/json_reader.h"

namespace cf::app {

namespace {

const std::vector<query::SessionEvent> kNoEvents;

// Each of `values`' fraction of `all` below it (ties counted half), in one pass over `all` without
// sorting it (k values among 100k scores: O(n log k), not a sort of n).
std::vector<float> percentiles_of(std::span<const float> values, std::span<const float> all) {
    std::vector<float> v(values.begin(), values.end());
    std::sort(v.begin(), v.end());
    std::vector<double> starts_above(v.size() + 1, 0.0), equal(v.size(), 0.0);
    for (float s : all) {
        const auto lo = std::lower_bound(v.begin(), v.end(), s);
        const auto hi = std::upper_bound(lo, v.end(), s);
        starts_above[size_t(hi - v.begin())] += 1;   // every value from hi on is above s
        for (auto it = lo; it != hi; ++it) equal[size_t(it - v.begin())] += 1;
    }
    std::vector<float> out(values.size());
    for (size_t i = 0; i < values.size(); ++i) {
        const size_t j = size_t(std::lower_bound(v.begin(), v.end(), values[i]) - v.begin());
        double below = 0;
        for (size_t p = 0; p <= j; ++p) below += starts_above[p];
        out[i] = all.empty() ? 0.0f : float((below + 0.5 * equal[j]) / double(all.size()));
    }
    return out;
}

}  // namespace

Status FeedbackModel::open(const query::QueryEngine& engine) {
    close();
    auto f = query::AdaptiveFeatures::build(engine);
    if (!f) return f.status().with_context("like/skip");
    features_ = std::make_unique<query::AdaptiveFeatures>(std::move(*f));
    session_ = std::make_unique<query::AdaptiveSession>(*features_);
    return Status::ok();
}

void FeedbackModel::close() {
    session_.reset();
    features_.reset();
    base_.clear();
}

Status FeedbackModel::like(uint32_t track) { return session_ ? session_->like(track) : Status(ErrorCode::invalid_argument, "no catalog"); }
Status FeedbackModel::skip(uint32_t track) { return session_ ? session_->skip(track) : Status(ErrorCode::invalid_argument, "no catalog"); }

Status FeedbackModel::remark(std::string text, std::span<const float> scores) {
    if (!session_) return Status(ErrorCode::invalid_argument, "no catalog");
    return session_->remark(std::move(text), scores);
}

bool FeedbackModel::undo() { return session_ && session_->undo(); }

void FeedbackModel::clear() {
    if (!features_) return;
    session_ = std::make_unique<query::AdaptiveSession>(*features_);
    if (!base_.empty()) (void)session_->set_base(base_);
}

const std::vector<query::SessionEvent>& FeedbackModel::events() const { return session_ ? session_->events() : kNoEvents; }

// The last like or skip of a track counts (a track liked, then skipped, is skipped).
Judged FeedbackModel::judged(uint32_t track) const {
    const auto& ev = events();
    for (auto it = ev.rbegin(); it != ev.rend(); ++it) {
        if (it->kind == query::SessionEvent::Kind::remark || it->track != track) continue;
        return it->kind == query::SessionEvent::Kind::like ? Judged::liked : Judged::skipped;
    }
    return Judged::none;
}

std::vector<uint32_t> FeedbackModel::judged_tracks(Judged which) const {
    std::vector<uint32_t> out;
    for (const query::SessionEvent& e : events())
        if (e.kind != query::SessionEvent::Kind::remark && judged(e.track) == which &&
            std::find(out.begin(), out.end(), e.track) == out.end())
            out.push_back(e.track);
    return out;
}

Status FeedbackModel::set_base(std::span<const float> scores, std::string query) {
    if (!session_) return Status::ok();
    session_->set_query(std::move(query));
    base_.assign(scores.begin(), scores.end());
    if (base_.empty()) base_.assign(features_->n_tracks(), 0.0f);  // no query: every track starts equal
    return session_->set_base(base_);
}

Result<std::vector<SearchHit>> FeedbackModel::rerank(size_t k, const SearchFilters& filters) const {
    if (!session_) return Status(ErrorCode::invalid_argument, "like/skip: no catalog");
    std::vector<float> all;
    auto rows = session_->rerank(k, filters, &all);
    if (!rows) return rows.status();
    std::vector<float> row_scores;
    for (const query::AdaptiveRow& r : *rows) row_scores.push_back(r.score);
    const std::vector<float> pct = percentiles_of(row_scores, all);
    std::vector<SearchHit> hits;
    hits.reserve(rows->size());
    for (const query::AdaptiveRow& r : *rows) {
        SearchHit h;
        h.track = r.track;
        h.score = pct[hits.size()];
        h.why = r.why.empty() ? "" : "+ " + r.why;  // "+": what the like button taught it
        hits.push_back(std::move(h));
    }
    return hits;
}

query::Learned FeedbackModel::learned() const { return session_ ? session_->learned() : query::Learned{}; }
std::string FeedbackModel::learned_text() const { return session_ ? session_->learned().text() : ""; }
std::string FeedbackModel::to_json() const { return session_ ? session_->to_json() : ""; }

Status FeedbackModel::load_json(std::string_view json, const query::AdaptiveSession::RemarkScores& remark_scores) {
    if (!features_) return Status(ErrorCode::invalid_argument, "no catalog");
    auto s = query::AdaptiveSession::from_json(*features_, json, remark_scores);
    if (!s) return s.status();
    session_ = std::make_unique<query::AdaptiveSession>(std::move(*s));
    if (!base_.empty()) return session_->set_base(base_);
    return Status::ok();
}

std::vector<std::string> session_remarks(std::string_view json) {
    std::vector<std::string> out;
    auto doc = parse_json(json);
    if (!doc || !doc->is_object()) return out;
    const JsonValue* events = doc->find("events");
    if (!events || !events->is_array()) return out;
    for (const JsonValue& e : events->items()) {
        const JsonValue* kind = e.find("kind");
        const JsonValue* text = e.find("text");
        if (kind && kind->string() == "remark" && text && text->is_string()) out.push_back(text->string());
    }
    return out;
}

}  // namespace cf::app
