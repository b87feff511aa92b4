// The fit as JSON: the exact text for a small plan, and a note when there is one.
#include <gtest/gtest.h>

#include "core/fit/fit_json.h"
#include "core/io/json_reader.h"

namespace cf {
namespace {

TEST(FitJson, WritesTheSegmentThePlanAndTheScore) {
    SegmentChoice seg;
    seg.start_s = 0.25;
    seg.end_s = 4.25;
    seg.beats_reliable = true;
    seg.score = {0.8125, 0.9, 0.5, 1.0, true, true};
    EditPlan plan;
    plan.kind = FitKind::splice;
    plan.length_s = 4.0;
    plan.pieces = {{0.25, 2.25, 0.0}, {10.0, 12.0, 2.0}};
    plan.splices = {{2.0, 2.25, 10.0, 0.08, 0.93}};
    plan.fade_out_start_s = 3.97;
    plan.fade_out_end_s = 4.0;
    plan.beats_out_s = {0.0, 1.0};
    plan.edit = "intro 0.2–2.2 s + ending 10.0–12.0 s";
    JsonWriter w;
    write_fit_json(w, seg, plan);
    EXPECT_EQ(
        w.str(),
        R"({"kind":"splice","edit":"intro 0.2–2.2 s + ending 10.0–12.0 s","length_s":4.000,)"
        R"("segment_start_s":0.250,"segment_end_s":4.250,"cut_alignment":0.500,"beats_reliable":true,)"
        R"("score":{"total":0.812,"pace":0.900,"pace_used":true,"cuts":0.500,"cuts_used":true,"start":1.000},)"
        R"("pieces":[{"source_start_s":0.250,"source_end_s":2.250,"out_start_s":0.000},)"
        R"({"source_start_s":10.000,"source_end_s":12.000,"out_start_s":2.000}],)"
        R"("splices":[{"out_s":2.000,"from_source_s":2.250,"to_source_s":10.000,"crossfade_s":0.080,"similarity":0.930}],)"
        R"("fade_in_s":0.000,"fade_out_start_s":3.970,"fade_out_end_s":4.000,"beats_out_s":[0.000,1.000]})");
    EXPECT_TRUE(parse_json(w.str())) << "not valid JSON";
    seg.note = "no beats: energy-only";
    JsonWriter w2;
    write_fit_json(w2, seg, plan);
    EXPECT_NE(w2.str().find(R"("note":"no beats: energy-only")"), std::string::npos);
}

}  // namespace
}  // namespace cf
