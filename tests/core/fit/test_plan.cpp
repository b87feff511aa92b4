// Planning the edit: exact length for clips shorter than, as long as and longer than the track; starts,
// splices and fade ends on beats; which plan is chosen and what it says.
#include <gtest/gtest.h>

#include <cmath>

#include "core/common/random.h"
#include "core/fit/fit.h"
#include "core/fit/fit_test_util.h"
#include "core/fit/render.h"

namespace cf {
namespace {

using fit_test::beat_track;
using fit_test::on_a_beat;
using fit_test::pace_curve;

EditPlan plan_for(const TrackTimeline& track, const ClipShape& clip, const FitOptions& o = {}) {
    Result<SegmentChoice> seg = choose_segment(track, clip, o);
    EXPECT_TRUE(seg) << seg.status().message();
    Result<EditPlan> plan = plan_fit(track, clip, *seg, o);
    EXPECT_TRUE(plan) << plan.status().message();
    return plan ? *plan : EditPlan{};
}

/// The invariants every plan keeps (see fit.h).
void expect_well_formed(const TrackTimeline& track, const EditPlan& p, double length_s) {
    SCOPED_TRACE(p.edit);
    ASSERT_FALSE(p.pieces.empty());
    ASSERT_EQ(p.splices.size() + 1, p.pieces.size());
    EXPECT_EQ(p.length_s, length_s);
    double out = 0.0;
    for (size_t k = 0; k < p.pieces.size(); ++k) {
        const SourcePiece& piece = p.pieces[k];
        EXPECT_NEAR(piece.out_start_s, out, 1e-9);
        EXPECT_GE(piece.source_start_s, 0.0);
        EXPECT_LE(piece.source_end_s, track.duration_s + 1e-6);
        EXPECT_GT(piece.source_end_s - piece.source_start_s, 0.0);
        out += piece.source_end_s - piece.source_start_s;
        if (k > 0) {
            EXPECT_NEAR(p.splices[k - 1].out_s, piece.out_start_s, 1e-9);
        }
        // Each crossfade fits inside the pieces it joins: half of each side, both sides of a piece.
        double fades =
            (k > 0 ? p.splices[k - 1].crossfade_s : 0) + (k + 1 < p.pieces.size() ? p.splices[k].crossfade_s : 0);
        EXPECT_GE(piece.source_end_s - piece.source_start_s, fades / 2 - 1e-9) << "piece " << k;
    }
    EXPECT_NEAR(out, length_s, 1e-9);  // exactly the clip's length
    EXPECT_LE(p.fade_out_end_s, length_s + 1e-9);
    EXPECT_LE(p.fade_out_start_s, p.fade_out_end_s);
    if (!p.on_beats) return;
    // On a beat, or the track's own start when no beat leaves room for the clip.
    EXPECT_TRUE(on_a_beat(track.beats_s, p.pieces[0].source_start_s) || p.pieces[0].source_start_s == 0.0)
        << p.pieces[0].source_start_s;
    for (const Splice& s : p.splices) {
        EXPECT_TRUE(on_a_beat(track.beats_s, s.from_source_s)) << s.from_source_s;
        EXPECT_TRUE(on_a_beat(track.beats_s, s.to_source_s)) << s.to_source_s;
        EXPECT_GE(s.crossfade_s, 0.03);
    }
    if (p.kind == FitKind::segment_fade && p.fade_out_end_s < length_s - 1e-9) {
        EXPECT_TRUE(on_a_beat(p.beats_out_s, p.fade_out_end_s)) << p.fade_out_end_s;
    }
}

TEST(FitPlan, EveryPlanIsExactlyTheClipsLength) {
    auto swell = [](double t) { return -20.0 + 8.0 * std::sin(t / 5.0); };
    TrackTimeline steady = beat_track(60, 120, 0.1, swell);
    TrackTimeline unsure = steady;
    unsure.beat_confidence = 0.05;
    for (const TrackTimeline* track : {&steady, &unsure})
        for (double length : {1.3, 5.0, 20.0, 33.333, 59.7, 60.0, 60.3, 95.0, 300.0, 601.7}) {
            SCOPED_TRACE("length " + std::to_string(length) + (track == &unsure ? " unsure" : " steady"));
            ClipShape clip{length, {0.5, 1.7}, pace_curve(int(length), [](int i) { return (i % 7) / 7.0; })};
            EditPlan p = plan_for(*track, clip);
            expect_well_formed(*track, p, length);
            EXPECT_EQ(p.kind, length > 60.0 ? FitKind::loop : p.kind);
            EXPECT_EQ(p.on_beats, track == &steady);
            for (int rate : {8000, 44100, 48000})
                EXPECT_EQ(rendered_frames(p.length_s, rate), size_t(std::llround(length * rate)));
        }
}

TEST(FitPlan, SegmentWithAFadeOutEndingOnABeat) {
    TrackTimeline track = beat_track(180, 120, 0.0);
    ClipShape clip{30.2, {}, {}};
    FitOptions o;
    o.prefer_real_ending = false;
    EditPlan p = plan_for(track, clip, o);
    expect_well_formed(track, p, 30.2);
    EXPECT_EQ(p.kind, FitKind::segment_fade);
    EXPECT_DOUBLE_EQ(p.fade_out_end_s, 30.0);    // the last beat inside the clip
    EXPECT_DOUBLE_EQ(p.fade_out_start_s, 29.0);  // two beats of 0.5 s
    EXPECT_EQ(p.edit, "segment 0.0–30.2 s, fade-out over the last 2 beats");
    EXPECT_EQ(p.fade_in_s, 0.0);  // the track's own start
}

TEST(FitPlan, ASegmentThatReachesTheEndKeepsTheOwnEnding) {
    TrackTimeline track = beat_track(30.0, 120, 0.0);
    EditPlan p = plan_for(track, ClipShape{30.0, {}, {}});
    EXPECT_EQ(p.kind, FitKind::segment_fade);
    EXPECT_NE(p.edit.find("own ending"), std::string::npos) << p.edit;
}

/// A track of 180 s whose windows (every second, 8 dims) are section A before 60 s, C after, except
/// that `ending_like_intro` makes 160–170 s sound like A again.
TrackTimeline sectioned_track(bool ending_like_intro) {
    TrackTimeline track = beat_track(180, 120, 0.0);
    track.embedding_dim = 8;
    for (double t = 0.5; t < 180; t += 1.0) {
        track.embedding_times_s.push_back(t);
        bool a = t < 60 || (ending_like_intro && t >= 160 && t < 170);
        for (size_t d = 0; d < 8; ++d) track.embeddings.push_back(d == (a ? 0u : 5u) ? 1.0f : 0.0f);
    }
    return track;
}

TEST(FitPlan, SpliceTheIntroOntoTheEndingWhereTheMusicIsAlike) {
    TrackTimeline track = sectioned_track(true);
    EditPlan p = plan_for(track, ClipShape{30.0, {}, {}});
    expect_well_formed(track, p, 30.0);
    ASSERT_EQ(p.kind, FitKind::splice) << p.edit;
    ASSERT_EQ(p.splices.size(), 1u);
    EXPECT_GE(p.splices[0].to_source_s, 161.0);
    EXPECT_LE(p.splices[0].to_source_s, 169.0);
    EXPECT_GT(p.splices[0].similarity, 0.95);
    EXPECT_DOUBLE_EQ(p.splices[0].crossfade_s, 0.08);
    EXPECT_NEAR(p.pieces[1].source_end_s, 180.0, 0.5);  // the track's real ending (within a beat)
    EXPECT_EQ(p.edit.rfind("intro 0.0–", 0), 0u) << p.edit;
    EXPECT_NE(p.edit.find("spliced on beats, 80 ms crossfade"), std::string::npos) << p.edit;
}

TEST(FitPlan, NoSpliceWhenNothingInTheEndingIsAlike) {
    TrackTimeline track = sectioned_track(false);
    EditPlan p = plan_for(track, ClipShape{30.0, {}, {}});
    EXPECT_EQ(p.kind, FitKind::segment_fade) << p.edit;
    FitOptions lenient;
    lenient.min_splice_similarity = 0.5;
    EXPECT_EQ(plan_for(track, ClipShape{30.0, {}, {}}, lenient).kind, FitKind::splice);
}

TEST(FitPlan, LoopsASectionWhenTheTrackIsShorter) {
    TrackTimeline track = beat_track(20.0, 120, 0.0, [](double t) { return -20.0 + std::sin(t); });
    EditPlan p = plan_for(track, ClipShape{50.0, {}, {}});
    expect_well_formed(track, p, 50.0);
    EXPECT_EQ(p.kind, FitKind::loop);
    EXPECT_GE(p.splices.size(), 2u);
    EXPECT_NE(p.edit.find("a loop back from"), std::string::npos) << p.edit;
    // The loop spans whole bars: a multiple of 4 beats of 0.5 s.
    double span_beats = (p.splices[0].from_source_s - p.splices[0].to_source_s) / 0.5;
    EXPECT_NEAR(std::fmod(span_beats + 0.5, 4.0), 0.5, 1e-6) << span_beats;
}

/// A random track: tempo drifting (beats jittered by up to ±15 ms), confidence anywhere in [0, 1], a
/// ragged energy curve, sometimes an embedding timeline; a random clip from 0.2 s to 3× the track.
TrackTimeline random_track(SplitMix64& rng) {
    double duration = 0.5 + rng.uniform() * 240.0, period = 60.0 / (50.0 + rng.uniform() * 170.0);
    TrackTimeline t = beat_track(duration, 60.0 / period, rng.uniform() * period,
                                 [&](double) { return -60.0 + 60.0 * rng.uniform(); });
    t.beat_confidence = rng.uniform();
    for (size_t i = 1; i < t.beats_s.size(); ++i) t.beats_s[i] += (rng.uniform() - 0.5) * 0.03;
    if (rng.below(2)) {
        t.embedding_dim = 3;
        for (double w = 0.75; w < duration; w += 1.5) {
            t.embedding_times_s.push_back(w);
            for (int d = 0; d < 3; ++d) t.embeddings.push_back(float(rng.normal()));
        }
    }
    return t;
}

TEST(FitPlan, RandomTracksAndClipsAlwaysGiveAWellFormedPlanOfTheExactLength) {
    SplitMix64 rng(14);
    for (int n = 0; n < 300; ++n) {
        TrackTimeline track = random_track(rng);
        ClipShape clip{0.2 + rng.uniform() * 3.0 * track.duration_s, {}, {}};
        for (double c = rng.uniform() * 3; c < clip.length_s; c += 0.3 + rng.uniform() * 4) clip.cuts_s.push_back(c);
        for (int i = 0; i < int(clip.length_s); ++i) clip.pace.push_back(rng.uniform());
        SCOPED_TRACE("case " + std::to_string(n) + ": track " + std::to_string(track.duration_s) + " s, clip " +
                     std::to_string(clip.length_s) + " s");
        FitOptions o;
        if (rng.below(3) == 0) o.crossfade_s = 0.03 + rng.uniform() * 3.97;
        Result<SegmentChoice> seg = choose_segment(track, clip, o);
        ASSERT_TRUE(seg) << seg.status().message();
        Result<EditPlan> plan = plan_fit(track, clip, *seg, o);
        if (!plan) {  // only a track too short to hold two crossfades may refuse
            EXPECT_LT(track.duration_s - seg->start_s, 0.09 + 1e-9) << plan.status().message();
            continue;
        }
        expect_well_formed(track, *plan, clip.length_s);
        for (const Splice& s : plan->splices) EXPECT_LE(s.crossfade_s, o.crossfade_s + 1e-12);
    }
}

TEST(FitPlan, BadInputIsAStatusNamingIt) {
    TrackTimeline track = beat_track(60, 120);
    SegmentChoice seg;
    seg.start_s = 45.0;  // 45 + 30 > 60
    Result<EditPlan> r = plan_fit(track, ClipShape{30.0, {}, {}}, seg);
    ASSERT_FALSE(r);
    EXPECT_NE(r.status().message().find("segment start_s"), std::string::npos) << r.status().message();
    seg.start_s = NAN;
    EXPECT_FALSE(plan_fit(track, ClipShape{10.0, {}, {}}, seg));
    seg.start_s = 0;
    r = plan_fit(track, ClipShape{NAN, {}, {}}, seg);
    ASSERT_FALSE(r);
    EXPECT_NE(r.status().message().find("length_s"), std::string::npos);
    FitOptions o;
    o.crossfade_s = 0.001;
    r = plan_fit(track, ClipShape{10.0, {}, {}}, seg, o);
    ASSERT_FALSE(r);
    EXPECT_NE(r.status().message().find("crossfade_s"), std::string::npos);
}

}  // namespace
}  // namespace cf
