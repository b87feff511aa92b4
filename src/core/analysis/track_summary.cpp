#include "core/analysis/track_summary.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/features/musicnn_features.h"

namespace cf {

namespace {

double round_ms(double s) { return std::round(s * 1000.0) / 1000.0; }

// Cosine in double, with a zero norm counted as 1 (the patch then scores 0), so every front end picks
// the same patch from the same numbers.
double cosine(const float* a, std::span<const float> b) {
    double ab = 0, aa = 0, bb = 0;
    for (size_t j = 0; j < b.size(); ++j) {
        ab += double(a[j]) * double(b[j]);
        aa += double(a[j]) * double(a[j]);
        bb += double(b[j]) * double(b[j]);
    }
    const double norms = aa * bb;
    return ab / std::sqrt(norms != 0.0 ? norms : 1.0);
}

size_t most_like_mean(std::span<const float> patch_embeddings, std::span<const float> mean, size_t n_patches) {
    size_t best = 0;
    double best_score = -INFINITY;
    for (size_t p = 0; p < n_patches; ++p) {
        const double s = cosine(patch_embeddings.data() + p * mean.size(), mean);
        if (s > best_score) best_score = s, best = p;
    }
    return best;
}

// The start of each row of patch_embeddings: every patch, or the ones a capped embedding model saw.
std::vector<double> embedding_patch_starts(const TrackAnalysis& a) {
    const size_t dim = a.embedding.size();
    const size_t n_rows = dim ? a.patch_embeddings.size() / dim : 0;
    if (n_rows == a.patch_start_s.size()) return a.patch_start_s;
    std::vector<double> starts;
    for (const ModelResult& m : a.models)
        if (m.model == a.embedding_model && m.patches.size() == n_rows)
            for (uint32_t p : m.patches) starts.push_back(p < a.patch_start_s.size() ? a.patch_start_s[p] : 0.0);
    return starts;
}

}  // namespace

double patch_duration_s() { return double(kMusicnnPatchFrames) * kMusicnnHopSizeSamples / kMusicnnSampleRateHz; }

std::vector<TagScore> TrackSummary::top_tags(const std::string& key) const {
    auto it = top_tags_by_model.find(key);
    return it == top_tags_by_model.end() ? std::vector<TagScore>{} : it->second;
}

std::vector<TagScore> top_tags(const std::vector<std::string>& labels, std::span<const float> probs, size_t n) {
    std::vector<TagScore> tags;
    for (size_t j = 0; j < labels.size() && j < probs.size(); ++j) tags.push_back({labels[j], probs[j]});
    std::stable_sort(tags.begin(), tags.end(), [](const TagScore& a, const TagScore& b) { return a.prob > b.prob; });
    if (tags.size() > n) tags.resize(n);
    return tags;
}

Segment representative_segment(std::span<const float> patch_embeddings, std::span<const float> mean_embedding,
                               std::span<const TimeWindow> spans, double track_duration_s, double segment_duration_s) {
    const double track_s = std::isfinite(track_duration_s) ? std::max(0.0, track_duration_s) : 0.0;
    Segment seg;
    seg.duration_s = round_ms(std::min(segment_duration_s, track_s));
    const size_t dim = mean_embedding.size();
    if (dim == 0 || spans.empty() || patch_embeddings.size() < spans.size() * dim) return seg;
    const TimeWindow& best = spans[most_like_mean(patch_embeddings, mean_embedding, spans.size())];
    const double centre_s = best.start_s + best.duration_s / 2.0;
    const double start_s = std::min(track_s - seg.duration_s, centre_s - seg.duration_s / 2.0);
    seg.start_s = round_ms(std::max(0.0, start_s));
    return seg;
}

std::vector<TimeWindow> patch_spans(std::span<const TimeWindow> windows, std::span<const double> patch_start_s,
                                    double track_duration_s) {
    std::vector<TimeWindow> spans;
    const bool one_per_window = windows.size() == patch_start_s.size();
    for (size_t p = 0; p < patch_start_s.size(); ++p) {
        const double start = one_per_window ? windows[p].start_s : patch_start_s[p];
        const double length = one_per_window ? std::min(windows[p].duration_s, patch_duration_s()) : patch_duration_s();
        spans.push_back({start, std::clamp(std::min(length, track_duration_s - start), 0.0, patch_duration_s())});
    }
    return spans;
}

TrackSummary summarize_track(const TrackAnalysis& a, const std::vector<AudioModel>& models, const SummaryOptions& options) {
    TrackSummary s;
    for (size_t i = 0; i < models.size() && i < a.models.size(); ++i) {
        const AudioModel& m = models[i];
        const std::vector<float>& mean = a.models[i].mean;
        if (m.role == ModelRole::tags) {
            s.top_tags_by_model[m.key] = top_tags(m.labels, mean, options.n_top_tags);
            continue;
        }
        for (size_t k = 0; k < kNumMoods; ++k)
            if (m.key == kMoodNames[k] && mean.size() > size_t(m.positive_index)) s.moods[k] = mean[size_t(m.positive_index)];
    }
    const std::vector<TimeWindow> spans = patch_spans(a.windows, embedding_patch_starts(a), a.duration_s);
    const Segment seg = representative_segment(a.patch_embeddings, a.embedding, spans, a.duration_s, options.segment_duration_s);
    s.segment_start_s = seg.start_s;
    s.segment_duration_s = seg.duration_s;
    return s;
}

}  // namespace cf
