// cuefinder core — the cue sheet of a fitted track: what plays where in the clip, from which part of
// which track, under which license, as JSON (for tools) and CSV (for a spreadsheet or an editor's
// music report).
//
//   cf::CueSheet cue{.clip = {"beach.mp4", 30.0, {2.1, 5.3}},
//                    .track = {"supertux/airship", "Airship", "Someone", "music/airship.ogg", "CC-BY-SA-3.0", ""},
//                    .segment = *segment, .plan = *plan};
//   std::string json = cf::cue_sheet_json(cue);
//   std::string csv = cf::cue_sheet_csv(cue);
//
// JSON (times in seconds, 3 decimals):
//   {"cue_sheet":1,
//    "clip":{"file":"beach.mp4","length_s":30.000,"cuts_s":[2.100,5.300]},
//    "track":{"id","title","artist","path","license","credit"},
//    "edit":{"kind":"splice","description":"intro … + ending …","segment_start_s","segment_end_s",
//            "beats_reliable":true,"cut_alignment":0.667,"cuts_aligned":true},
//    "pieces":[{"out_start_s","out_end_s","source_start_s","source_end_s"}],
//    "splices":[{"out_s","from_source_s","to_source_s","crossfade_s","similarity"}],
//    "fade_in":{"out_start_s","out_end_s"} | null, "fade_out":{"out_start_s","out_end_s"} | null,
//    "beats_out_s":[…]}
// cuts_aligned: whether cut_alignment was measured (the clip has cuts and the track reliable beats).
//
// CSV (RFC 4180: CRLF line ends, a header row, fields with a comma, quote, CR or LF quoted and their
// quotes doubled; UTF-8 kept as it is), one row per event: the fade-in, each piece followed by the
// splice that leaves it, the fade-out:
//   clip_file,clip_length_s,track_id,title,artist,license,credit,edit_kind,event,out_start_s,out_end_s,
//   source_start_s,source_end_s,crossfade_s
// event: piece | splice | fade_in | fade_out. A splice row: out_start_s = out_end_s = the splice
// point, source_start_s = where the music leaves (from_source_s), source_end_s = where it comes in
// (to_source_s). Fade rows leave the source columns empty. Beats and cuts are in the JSON only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/common/csv.h"  // csv_field
#include "core/common/json.h"
#include "core/fit/fit.h"

namespace cf {

struct CueClip {
    std::string file;            ///< the clip's file name (cue_sheet_* write its last path component)
    double length_s = 0.0;       ///< the clip's length (= the plan's)
    std::vector<double> cuts_s;  ///< the clip's cuts, clip time
};

struct CueTrack {
    std::string id, title, artist;
    std::string path;     ///< the track's audio file as the catalog stores it
    std::string license;  ///< as the source writes it ("CC-BY-SA-3.0")
    std::string credit;   ///< the attribution to show; empty: cue_credit_line() makes one
};

struct CueSheet {
    CueClip clip;
    CueTrack track;
    SegmentChoice segment;
    EditPlan plan;
};

/// The credit line: track.credit when set, else `"Title" by Artist (License)` with what is known
/// (the id stands in for a missing title).
std::string cue_credit_line(const CueTrack& track);

/// The last component of a path ('/' or '\\' separated): "clips/beach.mp4" → "beach.mp4".
std::string_view file_name_of(std::string_view path);

/// Appends the JSON object described at the top of this file as the writer's next value.
void write_cue_sheet_json(JsonWriter& w, const CueSheet& cue);
std::string cue_sheet_json(const CueSheet& cue);

/// The CSV text described at the top of this file (header row included).
std::string cue_sheet_csv(const CueSheet& cue);

}  // namespace cf
