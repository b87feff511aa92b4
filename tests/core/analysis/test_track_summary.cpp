// Track summary: top tags per tag model, moods by key, and the representative segment (the patch most
// like the track by cosine, a segment centred on it and kept inside the track).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/analysis/track_summary.h"

namespace {

constexpr double kPatchS = 2.992;  // 187 frames × 256 samples / 16 kHz

std::vector<cf::AudioModel> slots() {
    std::vector<cf::AudioModel> m(4);
    m[0].name = "msd-musicnn-1", m[0].key = "msd", m[0].has_embedding = true, m[0].labels = {"rock", "pop", "jazz"};
    m[1].name = "mtt-musicnn-1", m[1].key = "mtt", m[1].labels = {"guitar", "piano"};
    m[2].name = "mood_sad", m[2].key = "sad", m[2].role = cf::ModelRole::mood, m[2].labels = {"non_sad", "sad"};
    m[2].positive_index = 1;
    m[3].name = "danceability", m[3].key = "danceable", m[3].role = cf::ModelRole::mood, m[3].labels = {"danceable", "not"};
    return m;
}

// A 200 s track with three analysed patches (at 10, 60 and 150 s) of 2-d embeddings.
cf::TrackAnalysis analysis() {
    cf::TrackAnalysis a;
    a.duration_s = 200.0;
    a.patch_start_s = {10.0, 60.0, 150.0};
    a.embedding_model = "msd-musicnn-1";
    a.embedding = {1.0f, 1.0f};
    // Patch 0 has the largest dot product with the mean (10) but points elsewhere (cosine 0.71);
    // patch 1 points exactly like the mean (cosine 1, dot 2).
    a.patch_embeddings = {10.0f, 0.0f, 1.0f, 1.0f, 0.0f, 0.5f};
    a.models.resize(4);
    a.models[0].model = "msd-musicnn-1", a.models[0].mean = {0.2f, 0.7f, 0.2f};
    a.models[1].mean = {0.1f, 0.3f};
    a.models[2].mean = {0.25f, 0.75f};
    a.models[3].mean = {0.6f, 0.4f};
    return a;
}

TEST(TrackSummary, TopTagsBestFirstTiesInLabelOrderAndCapped) {
    const std::vector<std::string> labels = {"a", "b", "c", "d"};
    const std::vector<float> probs = {0.2f, 0.9f, 0.2f, 0.5f};
    auto t = cf::top_tags(labels, probs, 3);
    ASSERT_EQ(t.size(), 3u);
    EXPECT_EQ(t[0].label, "b");
    EXPECT_EQ(t[1].label, "d");
    EXPECT_EQ(t[2].label, "a");  // a and c tie: label order
    EXPECT_FLOAT_EQ(t[2].prob, 0.2f);
    EXPECT_EQ(cf::top_tags(labels, probs, 10).size(), 4u);
}

TEST(TrackSummary, TagsPerModelAndMoodsByKeyWithTheirPositiveClass) {
    cf::TrackSummary s = cf::summarize_track(analysis(), slots());
    ASSERT_EQ(s.top_tags("msd").size(), 3u);
    EXPECT_EQ(s.top_tags("msd")[0].label, "pop");
    EXPECT_EQ(s.top_tags("msd")[1].label, "rock");
    ASSERT_EQ(s.top_tags("mtt").size(), 2u);
    EXPECT_EQ(s.top_tags("mtt")[0].label, "piano");
    EXPECT_TRUE(s.top_tags("none").empty());
    EXPECT_FLOAT_EQ(s.moods[1], 0.75f);  // sad: positive_index 1
    EXPECT_FLOAT_EQ(s.moods[4], 0.6f);   // danceable: positive_index 0
    EXPECT_TRUE(std::isnan(s.moods[0])) << "no happy model";
    cf::SummaryOptions o;
    o.n_top_tags = 1;
    EXPECT_EQ(cf::summarize_track(analysis(), slots(), o).top_tags("msd").size(), 1u);
}

TEST(TrackSummary, SegmentIsCentredOnThePatchMostLikeTheTrackByCosine) {
    cf::TrackSummary s = cf::summarize_track(analysis(), slots());
    // Patch 1 (60 s), not patch 0 (largest dot product): centre 60 + 1.496, 30 s around it.
    EXPECT_DOUBLE_EQ(s.segment_start_s, 46.496);
    EXPECT_DOUBLE_EQ(s.segment_duration_s, 30.0);
}

TEST(TrackSummary, SegmentStaysInsideTheTrack) {
    const std::vector<float> mean = {1.0f, 0.0f};
    const std::vector<float> one = {1.0f, 0.0f};
    auto at = [&](double patch_s, double track_s) {
        const std::vector<double> starts = {patch_s};
        return cf::representative_segment(one, mean, cf::patch_spans({}, starts, track_s), track_s, 30.0);
    };
    EXPECT_DOUBLE_EQ(at(2.0, 200.0).start_s, 0.0);      // near the start
    EXPECT_DOUBLE_EQ(at(197.0, 200.0).start_s, 170.0);  // near the end: the last 30 s
    EXPECT_DOUBLE_EQ(at(5.0, 20.0).start_s, 0.0);       // shorter than a segment: all of it
    EXPECT_DOUBLE_EQ(at(5.0, 20.0).duration_s, 20.0);
    EXPECT_DOUBLE_EQ(at(100.0, 200.0).start_s, std::round((100.0 + kPatchS / 2 - 15.0) * 1000) / 1000);
    EXPECT_NEAR(cf::patch_duration_s(), kPatchS, 1e-12);
}

TEST(TrackSummary, OnePatchWindowsAreThePatchesAudio) {
    cf::TrackAnalysis a = analysis();
    a.windows = {{9.99, 2.976}, {59.99, 2.976}, {149.99, 2.976}};  // what each patch's audio was
    EXPECT_DOUBLE_EQ(cf::summarize_track(a, slots()).segment_start_s, 46.478);  // 59.99 + 1.488 - 15
    const std::vector<cf::TimeWindow> whole = {{0.0, 200.0}};
    const std::vector<double> starts = {0.0, 2.992, 198.0};
    const std::vector<cf::TimeWindow> spans = cf::patch_spans(whole, starts, 200.0);  // a complete analysis
    ASSERT_EQ(spans.size(), 3u);
    EXPECT_DOUBLE_EQ(spans[1].start_s, 2.992);
    EXPECT_NEAR(spans[1].duration_s, kPatchS, 1e-12);
    EXPECT_DOUBLE_EQ(spans[2].duration_s, 2.0);  // cut at the track's end
}

TEST(TrackSummary, NoPatchEmbeddingsGiveASegmentFromTheStart) {
    cf::TrackAnalysis a = analysis();
    a.patch_embeddings.clear();
    cf::TrackSummary s = cf::summarize_track(a, slots());
    EXPECT_DOUBLE_EQ(s.segment_start_s, 0.0);
    EXPECT_DOUBLE_EQ(s.segment_duration_s, 30.0);
    a.embedding.clear();
    a.duration_s = std::nan("");
    s = cf::summarize_track(a, slots());
    EXPECT_DOUBLE_EQ(s.segment_duration_s, 0.0);
}

TEST(TrackSummary, ACappedEmbeddingModelMapsItsRowsToThePatchesItSaw) {
    cf::TrackAnalysis a = analysis();
    a.patch_start_s = {10.0, 40.0, 60.0, 100.0, 150.0};
    a.models[0].patches = {0, 2, 4};  // its rows are patches 0, 2 and 4: row 1 (the best) is at 60 s
    EXPECT_DOUBLE_EQ(cf::summarize_track(a, slots()).segment_start_s, 46.496);
}

}  // namespace
