// The adaptive session in the app (feedback_model.h).
#include "app/session/feedback_model.h"

#include <algorithm>

#include "core/io/json_reader.h"

namespace cf::app {

namespace {

const std::vector<query::SessionEvent> kNoEvents;

// Fraction of `sorted` (ascending) below `v`, ties counted half.
float percentile(const std::vector<float>& sorted, float v) {
    const auto lo = std::lower_bound(sorted.begin(), sorted.end(), v);
    const auto hi = std::upper_bound(lo, sorted.end(), v);
    const double below = double(lo - sorted.begin()) + 0.5 * double(hi - lo);
    return sorted.empty() ? 0.0f : float(below / double(sorted.size()));
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

Status FeedbackModel::set_base(std::span<const float> scores, std::string query) {
    if (!session_) return Status::ok();
    session_->set_query(std::move(query));
    base_.assign(scores.begin(), scores.end());
    if (base_.empty()) base_.assign(features_->n_tracks(), 0.0f);  // no query: every track starts equal
    return session_->set_base(base_);
}

Result<std::vector<SearchHit>> FeedbackModel::rerank(size_t k, const SearchFilters& filters) const {
    if (!session_) return Status(ErrorCode::invalid_argument, "like/skip: no catalog");
    auto rows = session_->rerank(k, filters);
    if (!rows) return rows.status();
    std::vector<float> sorted = session_->scores();
    std::sort(sorted.begin(), sorted.end());
    std::vector<SearchHit> hits;
    hits.reserve(rows->size());
    for (const query::AdaptiveRow& r : *rows) {
        SearchHit h;
        h.track = r.track;
        h.score = percentile(sorted, r.score);
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
