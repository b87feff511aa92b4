// cuefinder core — soundtrack suggestions (soundtrack.h explains the ranking).
#include "core/query/soundtrack.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/rhythm/tempo_reading.h"

namespace cf::query {

namespace {

float clamp01(float x) { return std::clamp(x, 0.0f, 1.0f); }

// Chosen on the tuning half of the calm/lively clip set (soundtrack.h).
constexpr float kHalfDoubleTempoFit = 0.6f;
constexpr float kEnergyWeight = 0.75f;

// Per-track content score (0..1) and the explanation of the query that weighed most.
struct Content {
    std::vector<float> score;
    std::vector<std::string> why;
};

// Adds one mixed query's scores with weight `w`; `keep_why`: its explanations become the tracks' why.
Status add_query(const QueryEngine& engine, const semantic::TextMatcher* matcher, MixedQuery q, float w,
                 bool keep_why, Content& c) {
    q.options.k = engine.n_tracks();
    auto r = engine.run(q, matcher);
    if (!r) return r.status();
    for (const ResultRow& row : r->results) {
        c.score[row.track] += w * row.score;
        if (keep_why) c.why[row.track] = row.why;
    }
    return Status::ok();
}

MixedQuery base_query(const std::vector<TextQuery>& words, const SoundtrackOptions& options) {
    MixedQuery q;
    q.texts = words;
    q.weights = options.weights;
    q.options.filters = options.filters;
    return q;
}

Result<Content> content_scores(const QueryEngine& engine, const semantic::TextMatcher* matcher, const ClipReading& clip,
                               const std::vector<TextQuery>& words, const SoundtrackOptions& options) {
    Content c{std::vector<float>(engine.n_tracks(), 0.0f), std::vector<std::string>(engine.n_tracks())};
    double total = 0, longest = -1;
    for (const ClipShot& shot : clip.shots) {
        const double len = std::max(shot.end_s - shot.start_s, 0.0);
        if (!shot.picture || len <= 0) continue;
        MixedQuery q = base_query(words, options);
        q.picture = *shot.picture;
        CF_RETURN_IF_ERROR(add_query(engine, matcher, std::move(q), float(len), len > longest, c));
        longest = std::max(longest, len);
        total += len;
    }
    if (total == 0 && !words.empty()) {
        CF_RETURN_IF_ERROR(add_query(engine, matcher, base_query(words, options), 1.0f, true, c));
        total = 1;
    }
    if (total == 0) std::fill(c.score.begin(), c.score.end(), 0.5f);
    else for (float& s : c.score) s = float(s / total);
    return c;
}

std::string bpm_note(float bpm, float bpm_confidence, const PaceTarget& target) {
    if (!std::isfinite(bpm)) return "tempo unknown";
    const TempoReading reading = tempo_reading(bpm, bpm_confidence);
    if (reading.kind != TempoKind::steady) return tempo_label(reading);  // "free tempo", "~107–135 BPM"
    char buf[64];
    const bool inside = bpm >= target.bpm_min && bpm <= target.bpm_max;
    std::snprintf(buf, sizeof buf, "%.0f BPM%s", bpm, inside ? " fits" : "");
    return buf;
}

}  // namespace

ClipReading clip_reading(const ShotAnalysis& analysis) {
    ClipReading clip;
    clip.duration_s = analysis.duration_s;
    clip.cuts_per_min = analysis.pace.cuts_per_min;
    clip.motion = analysis.pace.motion;
    for (const Cut& c : analysis.cuts) clip.cuts_s.push_back(c.time_s);
    for (const PacePoint& p : analysis.pace.curve) clip.pace.push_back(p.pace);
    for (const Shot& s : analysis.shots) clip.shots.push_back({s.start_s, s.end_s, s.motion, std::nullopt});
    return clip;
}

ClipReading sound_only_reading(double duration_s) {
    ClipReading clip;
    clip.duration_s = duration_s;
    clip.shots.push_back({0.0, duration_s, 0.0f, std::nullopt});
    clip.pace_known = false;
    return clip;
}

ClipShape clip_shape(const ClipReading& clip) {
    ClipShape shape;
    shape.length_s = clip.duration_s;
    shape.cuts_s = clip.cuts_s;
    shape.pace = clip.pace;
    return shape;
}

PaceTarget pace_target(double cuts_per_min, float motion) {
    const float cuts = clamp01(float(cuts_per_min / 30.0));
    const float move = clamp01(motion / 0.3f);
    PaceTarget t;
    t.pace = 0.5f * cuts + 0.5f * move;
    const float centre = 70.0f + 80.0f * t.pace;
    t.bpm_min = centre - 12.5f;
    t.bpm_max = centre + 12.5f;
    t.energy = t.pace;
    return t;
}

float tempo_fit(float bpm, const PaceTarget& target, float bpm_confidence) {
    constexpr float kNeutral = 0.7f;  // no tempo to go by: unknown, or free (core/rhythm/tempo_reading.h)
    if (!std::isfinite(bpm) || bpm <= 0) return kNeutral;
    const TempoKind kind = tempo_reading(bpm, bpm_confidence).kind;
    if (kind == TempoKind::free) return kNeutral;
    auto inside = [&](float b) { return b >= target.bpm_min && b <= target.bpm_max; };
    float fit = 0;
    if (inside(bpm)) fit = 1.0f;
    else if (inside(bpm / 2) || inside(bpm * 2)) fit = kHalfDoubleTempoFit;
    else fit = std::max(0.3f, 1.0f - (bpm < target.bpm_min ? target.bpm_min - bpm : bpm - target.bpm_max) / 40.0f);
    return kind == TempoKind::uncertain ? 0.5f * (fit + kNeutral) : fit;  // half trusted
}

float track_energy(const TrackMeta& track) {
    const float relaxed = track.moods[2], aggressive = track.moods[3], danceable = track.moods[4];
    float sum = 0;
    int n = 0;
    for (float v : {aggressive, danceable, std::isfinite(relaxed) ? 1.0f - relaxed : kUnknown})
        if (std::isfinite(v)) sum += v, ++n;
    return n ? sum / float(n) : kUnknown;
}

float energy_fit(float energy, const PaceTarget& target) {
    return std::isfinite(energy) ? 1.0f - kEnergyWeight * std::fabs(clamp01(energy) - target.energy) : 1.0f;
}

std::string pace_explanation(const ClipReading& clip, const PaceTarget& target) {
    const char* feel = clip.motion < 0.05f ? "still" : clip.motion < 0.2f ? "moving" : "fast";
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s shots; %.1f cuts/min → %.0f–%.0f BPM", feel, clip.cuts_per_min,
                  target.bpm_min, target.bpm_max);
    return buf;
}

Result<std::vector<Suggestion>> suggest_soundtrack(const QueryEngine& engine, const semantic::TextMatcher* matcher,
                                                   const ClipReading& clip, const std::vector<TextQuery>& words,
                                                   const SoundtrackOptions& options) {
    if (!std::isfinite(clip.duration_s) || clip.duration_s <= 0)
        return Status(ErrorCode::invalid_argument, "the clip has no duration");
    if (options.k == 0) return Status(ErrorCode::invalid_argument, "k must be at least 1");
    const Catalog* cat = engine.catalog();
    if (!cat) return Status(ErrorCode::invalid_argument, "suggestions need a catalog (track metadata)");
    auto content = content_scores(engine, matcher, clip, words, options);
    if (!content) return content.status();
    const PaceTarget target = pace_target(clip.cuts_per_min, clip.motion);
    const std::string pace = clip.pace_known ? pace_explanation(clip, target) : "picture not read: pace unknown";
    std::vector<Suggestion> out;
    for (uint32_t t = 0; t < cat->size(); ++t) {
        if (!cat->passes(t, options.filters)) continue;
        const TrackMeta& m = cat->tracks()[t];
        Suggestion s{t, 0, content->score[t], tempo_fit(m.bpm, target, m.bpm_confidence), energy_fit(track_energy(m), target), ""};
        if (!clip.pace_known) s.tempo = s.energy = 1.0f;
        s.score = s.content * s.tempo * s.energy;
        s.why = pace + "; " + (clip.pace_known ? bpm_note(m.bpm, m.bpm_confidence, target) : bpm_note(m.bpm, m.bpm_confidence, PaceTarget{}));
        if (!content->why[t].empty()) s.why += "; " + content->why[t];
        out.push_back(std::move(s));
    }
    std::stable_sort(out.begin(), out.end(), [](const Suggestion& a, const Suggestion& b) { return a.score > b.score; });
    if (out.size() > options.k) out.resize(options.k);
    return out;
}

Result<TrackFit> fit_track(const TrackTimeline& track, const ClipReading& clip, const FitOptions& options) {
    const ClipShape shape = clip_shape(clip);
    auto segment = choose_segment(track, shape, options);
    if (!segment) return segment.status();
    auto plan = plan_fit(track, shape, *segment, options);
    if (!plan) return plan.status();
    return TrackFit{std::move(*segment), std::move(*plan)};
}

Result<TrackTimeline> catalog_timeline(const Catalog& catalog, uint32_t track) {
    CF_RETURN_IF_ERROR(catalog.timeline_status());
    if (track >= catalog.size()) return Status(ErrorCode::not_found, "no track " + std::to_string(track) + " in the catalog");
    TrackTimeline tl = catalog.timeline(track);
    if (tl.duration_s <= 0) return Status(ErrorCode::not_found, "track '" + catalog.tracks()[track].id + "' has no timeline");
    return tl;
}

Result<TrackFit> fit_catalog_track(const Catalog& catalog, uint32_t track, const ClipReading& clip,
                                   const FitOptions& options) {
    auto tl = catalog_timeline(catalog, track);
    if (!tl) return tl.status();
    return fit_track(*tl, clip, options);
}

}  // namespace cf::query
