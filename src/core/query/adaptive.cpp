// The adaptive session (adaptive.h): events, the refit (dual Newton for L2 logistic regression with
// the query as an offset), the re-rank and what was learned. JSON: adaptive_json.cpp.
#include "core/query/adaptive.h"

#include <algorithm>
#include <cmath>

#include "core/semantic/text_matcher.h"

namespace cf::query {
namespace {

std::vector<float> z_scored(std::span<const float> scores) {
    const semantic::ZScale z = semantic::z_scale(scores);
    std::vector<float> out(scores.size());
    for (size_t i = 0; i < out.size(); ++i) out[i] = z.z(scores[i]);
    return out;
}

Status check_scores(std::span<const float> scores, size_t n, const char* what) {
    if (scores.size() != n)
        return Status(ErrorCode::invalid_argument, std::string("adaptive session: ") + what + " has " +
                                                       std::to_string(scores.size()) + " scores, the catalog " +
                                                       std::to_string(n) + " tracks");
    for (float v : scores)
        if (!std::isfinite(v)) return Status(ErrorCode::invalid_argument, std::string("adaptive session: ") + what + " has a non-finite score");
    return Status::ok();
}

}  // namespace

const char* event_kind_name(SessionEvent::Kind kind) {
    switch (kind) {
        case SessionEvent::Kind::like: return "like";
        case SessionEvent::Kind::skip: return "skip";
        case SessionEvent::Kind::remark: return "remark";
    }
    return "?";
}

std::string Learned::text() const {
    auto part = [](const char* name, const std::vector<LearnedConcept>& cs) {
        std::string s;
        for (const LearnedConcept& c : cs) s += (s.empty() ? std::string(name) : std::string(", ")) + c.words;
        return s;
    };
    const std::string a = part("you like: ", likes), b = part("you skip: ", skips);
    return a.empty() ? b : b.empty() ? a : a + " · " + b;
}

AdaptiveSession::AdaptiveSession(const AdaptiveFeatures& features, AdaptiveOptions options)
    : features_(&features), options_(options), w_(features.n_features(), 0.0f) {}

Status AdaptiveSession::set_base(std::span<const float> base_scores) {
    CF_RETURN_IF_ERROR(check_scores(base_scores, features_->n_tracks(), "the query"));
    base_z_ = z_scored(base_scores);
    refit();
    return Status::ok();
}

Status AdaptiveSession::check_track(uint32_t track) const {
    if (track < features_->n_tracks()) return Status::ok();
    return Status(ErrorCode::invalid_argument, "adaptive session: no track " + std::to_string(track) + " (the catalog has " +
                                                   std::to_string(features_->n_tracks()) + ")");
}

Status AdaptiveSession::like(uint32_t track) {
    CF_RETURN_IF_ERROR(check_track(track));
    events_.push_back({SessionEvent::Kind::like, track, {}});
    refit();
    return Status::ok();
}

Status AdaptiveSession::skip(uint32_t track) {
    CF_RETURN_IF_ERROR(check_track(track));
    events_.push_back({SessionEvent::Kind::skip, track, {}});
    refit();
    return Status::ok();
}

Status AdaptiveSession::remark(std::string text, std::span<const float> scores) {
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
        return Status(ErrorCode::invalid_argument, "adaptive session: an empty remark");
    CF_RETURN_IF_ERROR(check_scores(scores, features_->n_tracks(), ("the remark \"" + text + "\"").c_str()));
    events_.push_back({SessionEvent::Kind::remark, 0, std::move(text)});
    remarks_z_.push_back(z_scored(scores));
    refit();
    return Status::ok();
}

bool AdaptiveSession::undo() {
    if (events_.empty()) return false;
    if (events_.back().kind == SessionEvent::Kind::remark) remarks_z_.pop_back();
    events_.pop_back();
    refit();
    return true;
}

}  // namespace cf::query
