// The committed fixture catalogs (tests/data/catalog/fixture_v2.cfc, fixture_ivf_v2.cfc; the v1 files are
// kept from before timelines) and small synthetic catalogs for the catalog tests. The fixture is regenerated with
//   CF_REGENERATE_CATALOG_FIXTURE=1 build/<dir>/tests/cuefinder_tests --gtest_filter='CatalogCompat.*'
// only when the format version changes (keep the old file as fixture_v<N>.cfc for the compat test).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/fit/fit.h"
#include "core/index/quantizers.h"
#include "core/index/space.h"

namespace cf::test {

inline constexpr size_t kFixtureTracks = 20;
inline constexpr size_t kFixtureDim = 16;

/// Clustered unit-ish vectors: `n_clusters` random centres, points = centre + 0.3·noise.
inline std::vector<float> clustered_vectors(size_t n, size_t dim, size_t n_clusters, uint64_t seed, float noise = 0.3f) {
    cf::index::Rng rng(seed);
    std::vector<float> centres(n_clusters * dim), out(n * dim);
    for (float& c : centres) c = float(rng.normal());
    for (size_t i = 0; i < n; ++i) {
        const size_t c = rng.below(n_clusters);
        for (size_t d = 0; d < dim; ++d) out[i * dim + d] = centres[c * dim + d] + noise * float(rng.normal());
    }
    return out;
}

inline cf::TrackMeta fixture_track(size_t i) {
    static const char* licenses[] = {"CC-BY-3.0", "CC-BY-SA-4.0", "GPL-2+", "public domain", "Artistic"};
    static const char* tags[] = {"rock", "electronic", "ambient", "classical", "metal", "chillout"};
    cf::TrackMeta t;
    const std::string n2 = (i < 10 ? "0" : "") + std::to_string(i);
    t.id = "fixture/track" + n2;
    t.title = "Track " + n2 + (i == 3 ? " \"quoted\" — ünïcode" : "");
    t.artist = "Artist " + std::to_string(i % 4);
    t.composer = i % 2 ? "Composer" : "";
    t.genre = tags[i % 6];
    t.source = "pkg-" + std::to_string(i % 3);
    t.license = licenses[i % 5];
    t.attribution = "by Artist " + std::to_string(i % 4) + ", " + t.license;
    t.path = "/music/pkg-" + std::to_string(i % 3) + "/track" + n2 + ".ogg";
    t.preview = "track" + n2 + ".opus";
    t.duration_s = 60.0f + 15.0f * float(i);
    t.bpm = 80.0f + 5.0f * float(i);
    t.bpm_confidence = 0.5f + 0.02f * float(i);
    t.loudness_lufs = -20.0f + 0.5f * float(i);
    t.top_tags = {{tags[i % 6], 0.8f - 0.01f * float(i)}, {tags[(i + 1) % 6], 0.3f}};
    for (size_t m = 0; m < cf::kNumMoods; ++m) t.moods[m] = float((i * 7 + m * 3) % 10) / 10.0f;
    if (i == 19) t.bpm = cf::kUnknown;  // an unknown value fails every bpm bound
    t.segment_start_s = 10.0f + float(i);
    t.segment_duration_s = 30.0f;
    return t;
}

/// A synthetic timeline for a fixture track (meta: fixture_track(i)): beats at its bpm from 0.25 s and an
/// energy curve every second (a swell, −40..−10 dB), both over the first 40 s only (keeps the committed
/// fixture small), and 8 windows over the whole track whose embeddings drift from `e`.
inline cf::TrackTimeline fixture_timeline(const cf::TrackMeta& meta, const float* e, size_t dim) {
    cf::TrackTimeline t;
    t.duration_s = meta.duration_s;
    t.bpm = meta.bpm;
    t.beat_confidence = std::min(1.0f, meta.bpm_confidence);  // the metadata goes past 1 for i > 25
    const double covered_s = std::min(t.duration_s, 40.0);
    for (double b = 0.25; b < covered_s; b += 60.0 / t.bpm) t.beats_s.push_back(std::round(b * 1000.0) / 1000.0);
    for (double x = 1.0; x <= covered_s; x += 1.0) {
        t.energy_times_s.push_back(x);
        t.energy_db.push_back(float(-25.0 + 15.0 * std::sin(x / covered_s * 6.283)));
    }
    t.embedding_dim = dim;
    for (size_t w = 0; w < 8; ++w) {
        t.embedding_times_s.push_back(t.duration_s * (double(w) + 0.5) / 8.0);
        for (size_t d = 0; d < dim; ++d) t.embeddings.push_back(e[d] + 0.2f * float(std::sin(double(w * dim + d))));
    }
    return t;
}

/// The fixture's similarity space (format v3): whitening (shrinkage 0.1) fitted on its tracks' timeline
/// windows, keeping `keep_dims` of `dim` directions (0 = all).
inline cf::index::Space fixture_space(size_t n = kFixtureTracks, size_t dim = kFixtureDim, size_t keep_dims = 12) {
    const std::vector<float> v = clustered_vectors(n, dim, 4, 42);
    std::vector<float> rows;
    for (size_t i = 0; i < n; ++i) {
        const cf::TrackTimeline t = fixture_timeline(fixture_track(i), v.data() + i * dim, dim);
        rows.insert(rows.end(), t.embeddings.begin(), t.embeddings.end());
    }
    cf::index::WhiteningOptions o;
    o.shrinkage = 0.1;
    o.keep_dims = keep_dims;
    o.input = "fixture-" + std::to_string(dim) + "d";
    auto space = cf::index::fit_whitening(rows.data(), rows.size() / dim, dim, o);
    CF_ASSERT(space.is_ok());
    return std::move(*space);
}

/// Builder for the fixture (and bigger variants for tests: same metadata scheme, any n); with `space`
/// the format v3 fixture.
inline cf::CatalogBuilder fixture_builder(size_t n = kFixtureTracks, size_t dim = kFixtureDim,
                                          const cf::index::Space* space = nullptr) {
    cf::CatalogBuilder b(dim, "fixture-" + std::to_string(dim) + "d");
    if (space) {
        const cf::Status st = b.set_space(*space);
        CF_ASSERT(st.is_ok());
    }
    const std::vector<float> v = clustered_vectors(n, dim, 4, 42);
    for (size_t i = 0; i < n; ++i) {
        // Every track but the one of unknown bpm (19) has a timeline: it is stored with an empty record.
        const cf::TrackMeta meta = fixture_track(i);
        const cf::TrackTimeline t = fixture_timeline(meta, v.data() + i * dim, dim);
        cf::Status s = b.add_track(meta, std::span<const float>(v.data() + i * dim, dim), {}, std::isfinite(meta.bpm) ? &t : nullptr);
        if (!s) std::fprintf(stderr, "fixture_builder: %s\n", s.message().c_str());
        CF_ASSERT(s.is_ok());
    }
    return b;
}

}  // namespace cf::test
