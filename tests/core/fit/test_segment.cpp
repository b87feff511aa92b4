// Choosing the segment: on a beat, cut alignment, the pace curve, the energy-only fallback, bad input.
#include <gtest/gtest.h>

#include <cmath>

#include "core/fit/fit.h"
#include "core/fit/fit_test_util.h"
#include "core/loudness/loudness.h"
#include "core/rhythm/tempo.h"

namespace cf {
namespace {

using fit_test::beat_track;
using fit_test::on_a_beat;
using fit_test::pace_curve;

/// Energy with a rising ramp over [100, 130] s and a falling one over [40, 70] s, −40 dB elsewhere.
double two_ramps(double t) {
    if (t >= 100 && t <= 130) return -40 + (t - 100);
    if (t >= 40 && t <= 70) return -10 - (t - 40);
    return -40;
}

TEST(FitSegment, StartsOnABeat) {
    TrackTimeline track = beat_track(180, 123, 0.37, two_ramps);
    ClipShape clip{30.0, {1.0, 7.5}, pace_curve(30, [](int i) { return i / 30.0; })};
    Result<SegmentChoice> seg = choose_segment(track, clip);
    ASSERT_TRUE(seg) << seg.status().message();
    EXPECT_TRUE(seg->beats_reliable);
    EXPECT_TRUE(on_a_beat(track.beats_s, seg->start_s)) << seg->start_s;
    EXPECT_NEAR(seg->end_s - seg->start_s, 30.0, 1e-9);
}

TEST(FitSegment, CutAlignmentIsTheShareOfCutsWithin70msOfABeat) {
    TrackTimeline track = beat_track(60, 120);  // beats every 0.5 s from 0
    // From a start at 10 s: 11.0 on a beat, 12.069 within 70 ms, 13.25 between beats, 14.571 just over.
    ClipShape clip{20.0, {1.0, 2.069, 3.25, 4.571}, {}};
    SegmentScore s = score_segment(track, clip, 10.0);
    EXPECT_TRUE(s.cuts_used);
    EXPECT_DOUBLE_EQ(s.cut_alignment, 0.5);
    // A start a quarter beat later moves every cut off the grid.
    EXPECT_DOUBLE_EQ(score_segment(track, clip, 10.125).cut_alignment, 0.0);
    EXPECT_FALSE(score_segment(track, ClipShape{20.0, {}, {}}, 10.0).cuts_used);
}

TEST(FitSegment, CutsPullTheStartToWhereTheyLandOnBeats) {
    // Beats every 0.5 s but a tempo change at 90 s to every 0.6 s: cuts 0.6 s apart align only there.
    TrackTimeline track = beat_track(90, 120);
    for (double b = 90; b < 180; b += 0.6) track.beats_s.push_back(b);
    track.duration_s = 180;
    ClipShape clip{12.0, {}, {}};
    for (double c = 0.6; c < 12; c += 1.2) clip.cuts_s.push_back(c);
    Result<SegmentChoice> seg = choose_segment(track, clip);
    ASSERT_TRUE(seg);
    EXPECT_GE(seg->start_s, 90.0);
    EXPECT_DOUBLE_EQ(seg->score.cut_alignment, 1.0);
}

TEST(FitSegment, PaceCurveMovesTheSegmentToMatchingEnergy) {
    TrackTimeline track = beat_track(180, 120, 0.0, two_ramps);
    ClipShape rising{30.0, {}, pace_curve(30, [](int i) { return i / 29.0; })};
    ClipShape falling{30.0, {}, pace_curve(30, [](int i) { return 1.0 - i / 29.0; })};
    Result<SegmentChoice> up = choose_segment(track, rising);
    Result<SegmentChoice> down = choose_segment(track, falling);
    ASSERT_TRUE(up && down);
    EXPECT_NEAR(up->start_s, 100.0, 1.0);
    EXPECT_NEAR(down->start_s, 40.0, 1.0);
    EXPECT_TRUE(up->score.pace_used);
    EXPECT_GT(up->score.pace, 0.95);
    // The same clip scored at the track's start (flat energy there) gets r = 0.
    EXPECT_NEAR(score_segment(track, rising, 0.0).pace, 0.5, 1e-9);
}

TEST(FitSegment, WithoutPaceOrCutsTheTrackStartWins) {
    TrackTimeline track = beat_track(180, 120, 0.25, two_ramps);
    Result<SegmentChoice> seg = choose_segment(track, ClipShape{30.0, {}, {}});
    ASSERT_TRUE(seg);
    EXPECT_DOUBLE_EQ(seg->start_s, 0.25);
    EXPECT_DOUBLE_EQ(seg->score.start, 1.0);
}

TEST(FitSegment, NaturalStartPrefersABeatAfterAQuietStretch) {
    // A quiet gap at 60–64 s in music whose level swells (loud around 43 s).
    auto energy = [](double t) { return t >= 60 && t < 64 ? -60.0 : -10.0 + 5.0 * std::sin(t / 3.0); };
    TrackTimeline track = beat_track(180, 120, 0.0, energy);
    ClipShape clip{30.0, {}, {}};
    EXPECT_GE(score_segment(track, clip, 64.0).start, 0.6);
    EXPECT_LT(score_segment(track, clip, 43.0).start, 0.2);
}

TEST(FitSegment, UnreliableBeatsFallBackToEnergyOnly) {
    TrackTimeline track = beat_track(180, 120, 0.0, two_ramps);
    track.beat_confidence = 0.1;
    ClipShape clip{30.0, {0.5, 1.0}, pace_curve(30, [](int i) { return i / 29.0; })};
    Result<SegmentChoice> seg = choose_segment(track, clip);
    ASSERT_TRUE(seg);
    EXPECT_FALSE(seg->beats_reliable);
    EXPECT_NE(seg->note.find("energy-only"), std::string::npos) << seg->note;
    EXPECT_FALSE(seg->score.cuts_used);
    EXPECT_NEAR(seg->start_s, 100.0, 1.0);
    track.beats_s.clear();
    seg = choose_segment(track, clip);
    ASSERT_TRUE(seg);
    EXPECT_EQ(seg->note, "no beats: energy-only");
}

TEST(FitSegment, MakeTimelineTakesTheAnalysisResults) {
    TempoResult tempo{100.0, 0.7, {0.3, 0.9, 1.5}};
    LoudnessResult loud;
    loud.curve_times_s = {0.5, 1.0};
    loud.energy_dbfs = {-20.0f, -18.0f};
    TrackTimeline t = make_timeline(2.0, tempo, loud);
    EXPECT_EQ(t.bpm, 100.0);
    EXPECT_EQ(t.beat_confidence, 0.7);
    EXPECT_EQ(t.beats_s, tempo.beats_s);
    EXPECT_EQ(t.energy_db, loud.energy_dbfs);
    EXPECT_TRUE(validate(t));
}

TEST(FitSegment, BadInputIsAStatusNamingIt) {
    TrackTimeline track = beat_track(60, 120);
    auto message = [&](const TrackTimeline& t, const ClipShape& c, const FitOptions& o = {}) {
        Result<SegmentChoice> r = choose_segment(t, c, o);
        EXPECT_FALSE(r);
        return r ? std::string() : r.status().message();
    };
    EXPECT_NE(message(track, ClipShape{0.0, {}, {}}).find("length_s"), std::string::npos);
    EXPECT_NE(message(track, ClipShape{-3.0, {}, {}}).find("length_s"), std::string::npos);
    EXPECT_NE(message(track, ClipShape{NAN, {}, {}}).find("length_s"), std::string::npos);
    EXPECT_NE(message(track, ClipShape{10.0, {1.0, NAN}, {}}).find("cuts_s[1]"), std::string::npos);
    EXPECT_NE(message(track, ClipShape{10.0, {}, {0.1, INFINITY}}).find("pace[1]"), std::string::npos);
    EXPECT_NE(message(track, ClipShape{10.0, {2.0, 1.0}, {}}).find("not ascending"), std::string::npos);
    TrackTimeline nan_beat = track;
    nan_beat.beats_s[3] = NAN;
    EXPECT_NE(message(nan_beat, ClipShape{10.0, {}, {}}).find("beats_s[3]"), std::string::npos);
    TrackTimeline empty = track;
    empty.duration_s = 0;
    EXPECT_NE(message(empty, ClipShape{10.0, {}, {}}).find("duration_s"), std::string::npos);
    TrackTimeline mismatch = track;
    mismatch.energy_db.pop_back();
    EXPECT_NE(message(mismatch, ClipShape{10.0, {}, {}}).find("energy_db"), std::string::npos);
    FitOptions o;
    o.cut_tolerance_s = -1;
    EXPECT_NE(message(track, ClipShape{10.0, {}, {}}, o).find("cut_tolerance_s"), std::string::npos);
}

}  // namespace
}  // namespace cf
