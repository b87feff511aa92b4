// TempoTracker on synthetic drum patterns of known tempo and beat times.
//
// Tolerances: tempo within 2 % of the truth, or exactly an octave (×2 or ×½) off where a pattern is
// genuinely ambiguous (stated per case); beats within 50 ms of a true beat (the onset envelope has a
// 10 ms hop and the flux peak sits within ±1 frame of the onset).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "core/rhythm/tempo.h"

namespace cf {
namespace {

constexpr int kRate = 16000;

struct Lcg {
    uint32_t s = 12345;
    float next() {  // uniform in [-1, 1)
        s = s * 1664525u + 1013904223u;
        return float(int32_t(s)) / 2147483648.0f;
    }
};

/// Adds a drum-like hit at t_s: a kick (decaying 60 Hz sine) or a hat (decaying noise burst).
void add_hit(std::vector<float>& x, double t_s, bool kick, float gain, Lcg& rng) {
    const size_t start = size_t(std::lround(t_s * kRate));
    const size_t len = size_t(kRate * (kick ? 0.25 : 0.06));
    for (size_t i = 0; i < len && start + i < x.size(); ++i) {
        double t = double(i) / kRate;
        float v = kick ? float(std::sin(2 * M_PI * (60 + 80 * std::exp(-t * 40)) * t) * std::exp(-t * 12))
                       : rng.next() * float(std::exp(-t * 80));
        x[start + i] += gain * v;
    }
}

struct Pattern {
    double bpm = 120;
    double swing = 0.5;     ///< where the off-beat 8th falls within the beat (0.5 straight, 0.667 swing)
    float noise = 0.0f;     ///< white noise amplitude
    double seconds = 30;
    double first_beat_s = 0.37;
};

/// Kick on every beat, louder on 1 and 3 of each bar, hats on the 8ths.
std::vector<float> render(const Pattern& p, std::vector<double>* beats = nullptr) {
    std::vector<float> x(size_t(p.seconds * kRate), 0.0f);
    Lcg rng;
    const double period = 60.0 / p.bpm;
    int k = 0;
    for (double t = p.first_beat_s; t < p.seconds - 0.3; t += period, ++k) {
        add_hit(x, t, true, k % 2 == 0 ? 0.5f : 0.3f, rng);
        add_hit(x, t, false, 0.15f, rng);
        add_hit(x, t + p.swing * period, false, 0.1f, rng);
        if (beats) beats->push_back(t);
    }
    if (p.noise > 0)
        for (float& v : x) v += p.noise * rng.next();
    return x;
}

TempoResult track(const std::vector<float>& x, size_t block = 4096, const TempoOptions& o = {}) {
    TempoTracker t(kRate, o);
    for (size_t i = 0; i < x.size(); i += block) t.push(x.data() + i, std::min(block, x.size() - i));
    return t.finish();
}

/// Fraction of reported beats within 50 ms of a true beat, and of true beats (inside the reported
/// span) matched by a reported one.
void beat_match(const std::vector<double>& got, const std::vector<double>& truth, double* precision, double* recall) {
    auto near = [](const std::vector<double>& a, double t) {
        for (double v : a)
            if (std::abs(v - t) <= 0.05) return true;
        return false;
    };
    size_t hit = 0;
    for (double g : got) hit += near(truth, g);
    *precision = got.empty() ? 0.0 : double(hit) / double(got.size());
    size_t n = 0, found = 0;
    for (double t : truth) {
        if (got.empty() || t < got.front() - 0.05 || t > got.back() + 0.05) continue;
        ++n;
        found += near(got, t);
    }
    *recall = n ? double(found) / double(n) : 0.0;
}

void expect_tempo(const Pattern& p, bool allow_octave) {
    std::vector<double> truth;
    TempoResult r = track(render(p, &truth));
    double ratio = r.bpm / p.bpm;
    bool exact = std::abs(ratio - 1.0) <= 0.02;
    bool octave = std::abs(ratio - 2.0) <= 0.04 || std::abs(ratio - 0.5) <= 0.01;
    EXPECT_TRUE(exact || (allow_octave && octave)) << "truth " << p.bpm << " got " << r.bpm;
    EXPECT_GT(r.confidence, 0.3);
    EXPECT_LE(r.confidence, 1.0);
    if (!exact && ratio > 1.5) {  // tracked at the 8th-note level: the off-beats count as beats too
        std::vector<double> eighths;
        for (double t : truth) eighths.insert(eighths.end(), {t, t + p.swing * 60.0 / p.bpm});
        truth = eighths;
    }
    double precision = 0, recall = 0;
    beat_match(r.beats_s, truth, &precision, &recall);
    EXPECT_GE(precision, 0.95) << p.bpm;  // every reported beat is a true beat
    if (exact || ratio > 1.5) EXPECT_GE(recall, 0.95) << p.bpm;
    EXPECT_GE(r.beats_s.size(), size_t((p.seconds - 3) / (60.0 / std::max(r.bpm, 1.0)) * 0.9));
}

TEST(Tempo, StraightDrumPatternsAtKnownTempi) {
    for (double bpm : {100.0, 120.0, 140.0}) {
        SCOPED_TRACE(bpm);
        Pattern p;
        p.bpm = bpm;
        expect_tempo(p, false);
    }
}

TEST(Tempo, SlowPatternsMayBeDoubled) {
    // 72 and 90 BPM with hats on every straight 8th: the 144/180 BPM 8th-note pulse is as regular as
    // the beat and nearer the 140 BPM prior, so double tempo is an accepted octave error (the beats
    // then fall on the 8ths, and are checked against them). With swung 8ths (SwingAndNoise) the 8ths
    // are not a regular pulse and 90 BPM must come out exactly.
    for (double bpm : {72.0, 90.0}) {
        SCOPED_TRACE(bpm);
        Pattern p;
        p.bpm = bpm;
        expect_tempo(p, true);
    }
}

TEST(Tempo, FastPatternMayBeHalved) {
    // 174 BPM with kicks on every beat: 87 BPM explains the same pulse (every other beat), so half
    // tempo is an accepted octave error (the 140 BPM prior prefers 174).
    Pattern p;
    p.bpm = 174;
    expect_tempo(p, true);
}

TEST(Tempo, SwingAndNoise) {
    for (double bpm : {90.0, 120.0, 140.0}) {
        SCOPED_TRACE(bpm);
        Pattern p;
        p.bpm = bpm;
        p.swing = 2.0 / 3.0;
        p.noise = 0.05f;  // ≈ −29 dBFS white noise under the drums
        expect_tempo(p, false);
    }
}

TEST(Tempo, BlockSizeDoesNotMatter) {
    Pattern p;
    p.bpm = 100;
    std::vector<float> x = render(p);
    TempoResult a = track(x, 4096), b = track(x, 37);
    EXPECT_EQ(a.bpm, b.bpm);
    EXPECT_EQ(a.beats_s, b.beats_s);
}

TEST(Tempo, SilenceAndShortInputGiveNoTempo) {
    std::vector<float> silence(size_t(kRate * 20), 0.0f);
    TempoResult s = track(silence);
    EXPECT_EQ(s.bpm, 0.0);
    EXPECT_EQ(s.confidence, 0.0);
    EXPECT_TRUE(s.beats_s.empty());
    Pattern p;
    p.seconds = 2.0;
    TempoResult t = track(render(p));
    EXPECT_EQ(t.bpm, 0.0);
    EXPECT_TRUE(t.beats_s.empty());
    TempoTracker nothing(kRate);
    EXPECT_EQ(nothing.finish().bpm, 0.0);
}

TEST(Tempo, SegmentsPoolTempoAndReportBeatsInTrackTime) {
    // Three 12 s excerpts of one 120 BPM track, at 0, 60 and 150 s.
    Pattern p;
    p.bpm = 120;
    p.seconds = 170;
    p.first_beat_s = 0.25;
    std::vector<double> truth;
    std::vector<float> x = render(p, &truth);
    TempoTracker t(kRate);
    for (double start : {0.0, 60.0, 150.0}) {
        t.start_segment(start);
        size_t a = size_t(start * kRate), n = size_t(12 * kRate);
        t.push(x.data() + a, n);
    }
    TempoResult r = t.finish();
    EXPECT_NEAR(r.bpm, 120, 2.4);
    double precision = 0, recall = 0;
    beat_match(r.beats_s, truth, &precision, &recall);
    EXPECT_GE(precision, 0.95);
    size_t in_first = 0, in_last = 0, between = 0;
    for (double b : r.beats_s) {
        in_first += b < 12.0;
        in_last += b >= 150.0 && b < 162.0;
        between += (b >= 12.1 && b < 60.0) || (b >= 72.1 && b < 150.0);
    }
    EXPECT_GE(in_first, size_t(20));
    EXPECT_GE(in_last, size_t(20));
    EXPECT_EQ(between, size_t(0));
}

TEST(Tempo, InvalidOptionsNameTheField) {
    TempoOptions o;
    o.min_bpm = 300;
    EXPECT_NE(validate(o).message().find("min_bpm"), std::string::npos);
    o = {};
    o.prior_bpm = 10;
    EXPECT_NE(validate(o).message().find("prior_bpm"), std::string::npos);
    o = {};
    o.tightness = -1;
    EXPECT_NE(validate(o).message().find("tightness"), std::string::npos);
    EXPECT_TRUE(validate(TempoOptions{}).is_ok());
}

}  // namespace
}  // namespace cf
