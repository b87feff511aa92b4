// Soundtrack suggestions on a small synthetic catalog: 12 tracks at 70, 80, …, 180 BPM, one tag
// concept per track ("word0".."word2"), moods that make the fast tracks energetic.
#include <gtest/gtest.h>

#include <cmath>

#include "core/io/json_reader.h"
#include "core/query/soundtrack.h"
#include "core/query/query_test_util.h"

using namespace cf;
using namespace cf::query;
namespace sem = cf::semantic;

namespace {

constexpr size_t kTracks = 12, kDim = 4;

std::vector<sem::Concept> concepts() { return {{"mtt", "c0", "word0"}, {"mtt", "c1", "word1"}, {"mtt", "c2", "word2"}}; }

Catalog make_catalog() {
    CatalogBuilder b(kDim, "test-4d");
    EXPECT_TRUE(b.set_tag_labels({"mtt:c0", "mtt:c1", "mtt:c2"}));
    for (size_t t = 0; t < kTracks; ++t) {
        TrackMeta m;
        m.id = "t" + std::to_string(t);
        m.bpm = 70.0f + 10.0f * float(t);
        const float e = float(t) / float(kTracks - 1);
        m.moods = {0.5f, 0.5f, 1.0f - e, e, e};  // relaxed falls, aggressive and danceable rise with tempo
        m.top_tags = {{"c" + std::to_string(t % 3), 0.9f}};
        const float a = 0.5f * float(t);
        const float emb[kDim] = {std::cos(a), std::sin(a), 0.3f, float(t % 2)};
        const float p[3] = {t % 3 == 0 ? 0.9f : 0.05f, t % 3 == 1 ? 0.9f : 0.05f, t % 3 == 2 ? 0.9f : 0.05f};
        EXPECT_TRUE(b.add_track(m, emb, p));
    }
    return test::open_built(b);
}

std::vector<float> axis(size_t j) { return test::text_axis(j); }

sem::TextMatcher make_matcher(const Catalog& cat) { return test::axis_matcher(cat, concepts()); }

ClipReading clip(double cuts_per_min, float motion) {
    ClipReading c;
    c.duration_s = 12;
    c.cuts_per_min = cuts_per_min;
    c.motion = motion;
    c.shots = {{0, 4, motion, std::nullopt}, {4, 12, motion, std::nullopt}};
    return c;
}

SoundtrackOptions opts(size_t k) {
    SoundtrackOptions o;
    o.k = k;
    return o;
}

float mean_bpm(const Catalog& cat, const std::vector<Suggestion>& s) {
    float sum = 0;
    for (const Suggestion& x : s) sum += cat.tracks()[x.track].bpm;
    return sum / float(s.size());
}

struct SoundtrackOnCatalog : testing::Test {
    Catalog cat = make_catalog();
    sem::TextMatcher matcher = make_matcher(cat);
    QueryEngine engine{cat};
    TextQuery text(size_t j) const { return {"word" + std::to_string(j), *matcher.prepare(axis(j), sem::TextMethod::bridge)}; }
};

}  // namespace

TEST(SoundtrackPace, LivelierClipsAimFaster) {
    const PaceTarget calm = pace_target(2, 0.02f), lively = pace_target(30, 0.4f);
    EXPECT_NEAR(calm.bpm_min, 70.0f + 80.0f * calm.pace - 12.5f, 1e-4f);
    EXPECT_LT(calm.bpm_max, 100.0f);
    EXPECT_GT(lively.bpm_min, 130.0f);
    EXPECT_FLOAT_EQ(lively.pace, 1.0f);
    EXPECT_LT(calm.energy, lively.energy);
}

TEST(SoundtrackPace, TempoFitAllowsHalfAndDouble) {
    const PaceTarget t{0.5f, 100, 125, 0.5f};
    EXPECT_FLOAT_EQ(tempo_fit(110, t), 1.0f);
    EXPECT_FLOAT_EQ(tempo_fit(220, t), 0.6f);
    EXPECT_FLOAT_EQ(tempo_fit(55, t), 0.6f);
    EXPECT_FLOAT_EQ(tempo_fit(135, t), 0.75f);
    EXPECT_FLOAT_EQ(tempo_fit(300, t), 0.3f);  // neither 150 nor 600 inside; 175 BPM out: the floor
}

TEST(SoundtrackPace, EnergyFromMoods) {
    TrackMeta m;
    EXPECT_TRUE(std::isnan(track_energy(m)));
    EXPECT_FLOAT_EQ(energy_fit(kUnknown, {}), 1.0f);
    m.moods = {kUnknown, kUnknown, 0.2f, 0.6f, kUnknown};
    EXPECT_FLOAT_EQ(track_energy(m), 0.7f);
    EXPECT_FLOAT_EQ(energy_fit(0.7f, PaceTarget{0, 0, 0, 0.2f}), 0.625f);
}

TEST_F(SoundtrackOnCatalog, PaceMovesTheSuggestions) {
    auto calm = suggest_soundtrack(engine, &matcher, clip(2, 0.02f), {}, opts(3));
    auto lively = suggest_soundtrack(engine, &matcher, clip(30, 0.4f), {}, opts(3));
    ASSERT_TRUE(calm.is_ok()) << calm.status().message();
    ASSERT_TRUE(lively.is_ok()) << lively.status().message();
    ASSERT_EQ(calm->size(), 3u);
    EXPECT_LT(mean_bpm(cat, *calm), 100.0f);
    EXPECT_GT(mean_bpm(cat, *lively), 130.0f);
    EXPECT_NE((*calm)[0].why.find("still shots; 2.0 cuts/min → 63–88 BPM"), std::string::npos) << (*calm)[0].why;
    for (size_t i = 1; i < calm->size(); ++i) EXPECT_GE((*calm)[i - 1].score, (*calm)[i].score);
}

TEST_F(SoundtrackOnCatalog, WordsMoveTheSuggestions) {
    auto r = suggest_soundtrack(engine, &matcher, clip(15, 0.15f), {text(1)}, opts(3));
    ASSERT_TRUE(r.is_ok()) << r.status().message();
    for (const Suggestion& s : *r) EXPECT_EQ(s.track % 3, 1u) << s.why;
    EXPECT_NE((*r)[0].why.find("word1"), std::string::npos) << (*r)[0].why;
}

TEST_F(SoundtrackOnCatalog, FiltersApply) {
    SoundtrackOptions o = opts(20);
    o.filters.bpm_max = 100;
    auto r = suggest_soundtrack(engine, &matcher, clip(30, 0.4f), {}, o);
    ASSERT_TRUE(r.is_ok());
    EXPECT_EQ(r->size(), 4u);
}

TEST_F(SoundtrackOnCatalog, BadInputIsAnError) {
    ClipReading empty = clip(2, 0);
    empty.duration_s = 0;
    auto r = suggest_soundtrack(engine, &matcher, empty, {}, {});
    ASSERT_FALSE(r.is_ok());
    EXPECT_NE(r.status().message().find("no duration"), std::string::npos);
    EXPECT_FALSE(suggest_soundtrack(engine, &matcher, clip(2, 0), {}, opts(0)).is_ok());
    EXPECT_FALSE(suggest_soundtrack(engine, nullptr, clip(2, 0), {text(0)}, {}).is_ok());
}

TEST(SoundtrackClip, FromShotAnalysis) {
    ShotAnalysis a;
    a.duration_s = 5;
    a.pace.cuts_per_min = 12;
    a.pace.motion = 0.1f;
    a.shots = {Shot{0, 2, 0, 60, 0.2f, 30, 1.0}, Shot{2, 5, 60, 90, 0.05f, 100, 3.3}};
    const ClipReading c = clip_reading(a);
    ASSERT_EQ(c.shots.size(), 2u);
    EXPECT_DOUBLE_EQ(c.shots[1].end_s, 5.0);
    EXPECT_FLOAT_EQ(c.shots[0].motion, 0.2f);
    EXPECT_DOUBLE_EQ(c.cuts_per_min, 12.0);
}

TEST_F(SoundtrackOnCatalog, Json) {
    ClipReading c = clip(6, 0.1f);
    c.cuts_s = {4.0};
    auto r = suggest_soundtrack(engine, &matcher, c, {}, opts(2));
    ASSERT_TRUE(r.is_ok());
    JsonWriter w;
    w.begin_object();
    write_soundtrack_json(w, cat, c, *r);
    auto v = parse_json(w.end_object().str());
    ASSERT_TRUE(v.is_ok()) << w.str();
    EXPECT_EQ(v->find("duration_s"), nullptr);  // write_video_info_json's
    EXPECT_DOUBLE_EQ(v->find("cuts_s")->items()[0].number(), 4.0);
    ASSERT_EQ(v->find("shots")->items().size(), 2u);
    EXPECT_TRUE(v->find("shots")->items()[0].find("sees")->is_array());
    EXPECT_DOUBLE_EQ(v->find("pace")->find("cuts_per_min")->number(), 6.0);
    const auto& s = v->find("suggestions")->items();
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[0].find("id")->string(), cat.tracks()[(*r)[0].track].id);
    EXPECT_NEAR(s[0].find("score")->number(), (*r)[0].score, 1e-4);
    for (const char* k : {"title", "path", "why", "bpm", "license", "credit"}) EXPECT_NE(s[1].find(k), nullptr) << k;
}

TEST(SoundtrackClip, ShapeForFitting) {
    ClipReading c;
    c.duration_s = 7.5;
    c.cuts_s = {2.0, 5.0};
    c.pace = {0.1, 0.5};
    const ClipShape s = clip_shape(c);
    EXPECT_DOUBLE_EQ(s.length_s, 7.5);
    EXPECT_EQ(s.cuts_s, c.cuts_s);
    EXPECT_EQ(s.pace, c.pace);
}

TEST_F(SoundtrackOnCatalog, AClipWithoutItsPictureRanksByWordsNotPace) {
    ClipReading c = sound_only_reading(12.0);
    ASSERT_EQ(c.shots.size(), 1u);
    EXPECT_FALSE(c.pace_known);
    auto r = suggest_soundtrack(engine, &matcher, c, {text(1)}, opts(4));
    ASSERT_TRUE(r.is_ok()) << r.status().message();
    for (const Suggestion& s : *r) {
        EXPECT_EQ(s.tempo, 1.0f);
        EXPECT_EQ(s.energy, 1.0f);
        EXPECT_EQ(cat.tracks()[s.track].top_tags[0].label, "c1") << "the words decide";
        EXPECT_NE(s.why.find("pace unknown"), std::string::npos) << s.why;
    }
}

TEST(SoundtrackFit, ATrackTimelineIsFittedToExactlyTheClipsLengthOnItsBeats) {
    TrackTimeline tl;
    tl.duration_s = 90, tl.bpm = 120, tl.beat_confidence = 0.9;
    for (double t = 0.25; t < 90; t += 0.5) tl.beats_s.push_back(t);
    for (double t = 0; t < 90; t += 0.5) tl.energy_times_s.push_back(t), tl.energy_db.push_back(-20.0f);
    ClipReading c;
    c.duration_s = 17.3;
    c.cuts_s = {4.0, 9.5};
    auto fit = fit_track(tl, c);
    ASSERT_TRUE(fit.is_ok()) << fit.status().message();
    EXPECT_NEAR(fit->plan.length_s, 17.3, 1e-9);
    const double start = fit->segment.start_s;
    const double beat_phase = std::fmod(start - 0.25, 0.5);
    EXPECT_TRUE(beat_phase < 1e-6 || beat_phase > 0.5 - 1e-6) << "starts on a beat: " << start;
}

TEST_F(SoundtrackOnCatalog, ACatalogWithoutTimelinesCannotBeFittedAndSaysWhy) {
    auto fit = fit_catalog_track(cat, 0, clip(2, 0.1f));
    ASSERT_FALSE(fit.is_ok());
    EXPECT_NE(fit.status().message().find("timeline"), std::string::npos) << fit.status().message();
}
