// cuefinder core — a fitted edit as JSON, for `./cuefinder suggest --json`, the cue sheet and the page.
//
//   cf::JsonWriter w;
//   w.begin_object().key("id").value(track_id).key("fit");
//   cf::write_fit_json(w, *segment, *plan);
//   w.end_object();
//
// Writes one object (times in seconds, 3 decimals; scores 3 decimals):
//   {"kind":"splice","edit":"intro 0.0–18.5 s + ending …","length_s":30.000,
//    "segment_start_s":0.250,"segment_end_s":30.250,"cut_alignment":0.667,"beats_reliable":true,
//    "score":{"total":0.812,"pace":0.903,"pace_used":true,"cuts":0.667,"cuts_used":true,"start":1.000},
//    "pieces":[{"source_start_s":…,"source_end_s":…,"out_start_s":…}, …],
//    "splices":[{"out_s":…,"from_source_s":…,"to_source_s":…,"crossfade_s":0.080,"similarity":0.930}],
//    "fade_in_s":0.000,"fade_out_start_s":29.000,"fade_out_end_s":30.000,"beats_out_s":[…]}
// `note` is added when the segment has one (e.g. "no beats: energy-only").
#pragma once

#include "core/common/json.h"
#include "core/fit/fit.h"

namespace cf {

/// Appends the object described above as the writer's next value.
void write_fit_json(JsonWriter& w, const SegmentChoice& segment, const EditPlan& plan);

}  // namespace cf
