// The cue sheet: the JSON's members for a splice plan, the CSV's rows and RFC 4180 quoting (commas,
// quotes, newlines and non-ASCII in a title), the credit line, the clip's file name.
#include <gtest/gtest.h>

#include "core/fit/cue_sheet.h"
#include "core/io/json_reader.h"

namespace cf {
namespace {

CueSheet splice_cue() {
    CueSheet cue;
    cue.clip = {"/home/me/clips/beach day.mp4", 4.0, {1.0, 2.5}};
    cue.track = {"pkg/song", "Song, \"the\" one\nlive", "Åsa", "music/song.ogg", "CC-BY-4.0", ""};
    cue.segment.start_s = 0.25;
    cue.segment.end_s = 4.25;
    cue.segment.beats_reliable = true;
    cue.segment.score.cut_alignment = 0.5;
    cue.segment.score.cuts_used = true;
    cue.plan.kind = FitKind::splice;
    cue.plan.length_s = 4.0;
    cue.plan.pieces = {{0.25, 2.25, 0.0}, {10.0, 12.0, 2.0}};
    cue.plan.splices = {{2.0, 2.25, 10.0, 0.08, 0.93}};
    cue.plan.fade_in_s = 0.01;
    cue.plan.fade_out_start_s = 3.97;
    cue.plan.fade_out_end_s = 4.0;
    cue.plan.beats_out_s = {0.0, 0.5, 1.0};
    cue.plan.edit = "intro 0.2–2.2 s + ending 10.0–12.0 s";
    return cue;
}

TEST(FitCueSheet, CreditLineFromTheTrackWhenNoneIsGiven) {
    CueTrack t{"pkg/x", "Title", "Artist", "", "CC0", ""};
    EXPECT_EQ(cue_credit_line(t), "\"Title\" by Artist (CC0)");
    t.title.clear();
    t.artist.clear();
    EXPECT_EQ(cue_credit_line(t), "\"pkg/x\" (CC0)");
    t.credit = "Music: X, CC-BY";
    EXPECT_EQ(cue_credit_line(t), "Music: X, CC-BY");
    EXPECT_EQ(file_name_of("a/b\\c.mp4"), "c.mp4");
    EXPECT_EQ(file_name_of("c.mp4"), "c.mp4");
}

TEST(FitCueSheet, JsonHasTheClipTrackEditPiecesSplicesFadesAndBeats) {
    auto v = parse_json(cue_sheet_json(splice_cue()));
    ASSERT_TRUE(v) << v.status().message();
    EXPECT_EQ(v->find("cue_sheet")->number(), 1);
    const JsonValue& clip = *v->find("clip");
    EXPECT_EQ(clip.find("file")->string(), "beach day.mp4") << "the name, not the folders";
    EXPECT_EQ(clip.find("length_s")->number(), 4.0);
    ASSERT_EQ(clip.find("cuts_s")->items().size(), 2u);
    const JsonValue& track = *v->find("track");
    EXPECT_EQ(track.find("title")->string(), "Song, \"the\" one\nlive");
    EXPECT_EQ(track.find("artist")->string(), "Åsa");
    EXPECT_EQ(track.find("path")->string(), "music/song.ogg");
    EXPECT_EQ(track.find("license")->string(), "CC-BY-4.0");
    EXPECT_EQ(track.find("credit")->string(), "\"Song, \"the\" one\nlive\" by Åsa (CC-BY-4.0)");
    const JsonValue& edit = *v->find("edit");
    EXPECT_EQ(edit.find("kind")->string(), "splice");
    EXPECT_EQ(edit.find("cut_alignment")->number(), 0.5);
    EXPECT_TRUE(edit.find("cuts_aligned")->boolean());
    const auto& pieces = v->find("pieces")->items();
    ASSERT_EQ(pieces.size(), 2u);
    EXPECT_EQ(pieces[0].find("out_end_s")->number(), 2.0) << "a piece ends where the next starts";
    EXPECT_EQ(pieces[1].find("out_end_s")->number(), 4.0) << "the last one at the edit's end";
    EXPECT_EQ(pieces[1].find("source_start_s")->number(), 10.0);
    const auto& splices = v->find("splices")->items();
    ASSERT_EQ(splices.size(), 1u);
    EXPECT_EQ(splices[0].find("to_source_s")->number(), 10.0);
    EXPECT_EQ(splices[0].find("crossfade_s")->number(), 0.08);
    EXPECT_EQ(v->find("fade_in")->find("out_end_s")->number(), 0.01);
    EXPECT_EQ(v->find("fade_out")->find("out_start_s")->number(), 3.97);
    EXPECT_EQ(v->find("beats_out_s")->items().size(), 3u);
}

TEST(FitCueSheet, NoFadeIsNull) {
    CueSheet cue = splice_cue();
    cue.plan.fade_in_s = 0;
    cue.plan.fade_out_start_s = cue.plan.fade_out_end_s = 4.0;
    auto v = parse_json(cue_sheet_json(cue));
    ASSERT_TRUE(v);
    EXPECT_TRUE(v->find("fade_in")->is_null());
    EXPECT_TRUE(v->find("fade_out")->is_null());
    const std::string csv = cue_sheet_csv(cue);
    EXPECT_EQ(csv.find(",fade_in,"), std::string::npos);
    EXPECT_EQ(csv.find(",fade_out,"), std::string::npos);
}

TEST(FitCueSheet, CsvHasOneQuotedRowPerEvent) {
    const std::string csv = cue_sheet_csv(splice_cue());
    const std::string track = "beach day.mp4,4.000,pkg/song,\"Song, \"\"the\"\" one\nlive\",Åsa,CC-BY-4.0,"
                              "\"\"\"Song, \"\"the\"\" one\nlive\"\" by Åsa (CC-BY-4.0)\",splice,";
    const std::string expected =
        "clip_file,clip_length_s,track_id,title,artist,license,credit,edit_kind,event,out_start_s,out_end_s,"
        "source_start_s,source_end_s,crossfade_s\r\n" +
        track + "fade_in,0.000,0.010,,,\r\n" +
        track + "piece,0.000,2.000,0.250,2.250,\r\n" +
        track + "splice,2.000,2.000,2.250,10.000,0.080\r\n" +
        track + "piece,2.000,4.000,10.000,12.000,\r\n" +
        track + "fade_out,3.970,4.000,,,\r\n";
    EXPECT_EQ(csv, expected);
}

}  // namespace
}  // namespace cf
