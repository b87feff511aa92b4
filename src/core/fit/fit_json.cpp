#include "core/fit/fit_json.h"

namespace cf {

namespace {

constexpr const char* kTime = "%.3f";

void write_score(JsonWriter& w, const SegmentScore& s) {
    w.begin_object();
    w.key("total").number(s.total, "%.3f").key("pace").number(s.pace, "%.3f").key("pace_used").value(s.pace_used);
    w.key("cuts").number(s.cut_alignment, "%.3f").key("cuts_used").value(s.cuts_used);
    w.key("start").number(s.start, "%.3f");
    w.end_object();
}

void write_pieces(JsonWriter& w, const EditPlan& plan) {
    w.key("pieces").begin_array();
    for (const SourcePiece& p : plan.pieces)
        w.begin_object()
            .key("source_start_s")
            .number(p.source_start_s, kTime)
            .key("source_end_s")
            .number(p.source_end_s, kTime)
            .key("out_start_s")
            .number(p.out_start_s, kTime)
            .end_object();
    w.end_array().key("splices").begin_array();
    for (const Splice& s : plan.splices)
        w.begin_object()
            .key("out_s")
            .number(s.out_s, kTime)
            .key("from_source_s")
            .number(s.from_source_s, kTime)
            .key("to_source_s")
            .number(s.to_source_s, kTime)
            .key("crossfade_s")
            .number(s.crossfade_s, kTime)
            .key("similarity")
            .number(s.similarity, "%.3f")
            .end_object();
    w.end_array();
}

}  // namespace

void write_fit_json(JsonWriter& w, const SegmentChoice& segment, const EditPlan& plan) {
    w.begin_object();
    w.key("kind").value(fit_kind_name(plan.kind)).key("edit").value(plan.edit);
    w.key("length_s").number(plan.length_s, kTime);
    w.key("segment_start_s").number(segment.start_s, kTime).key("segment_end_s").number(segment.end_s, kTime);
    w.key("cut_alignment").number(segment.score.cut_alignment, "%.3f");
    w.key("beats_reliable").value(segment.beats_reliable);
    if (!segment.note.empty()) w.key("note").value(segment.note);
    w.key("score");
    write_score(w, segment.score);
    write_pieces(w, plan);
    w.key("fade_in_s").number(plan.fade_in_s, kTime);
    w.key("fade_out_start_s")
        .number(plan.fade_out_start_s, kTime)
        .key("fade_out_end_s")
        .number(plan.fade_out_end_s, kTime);
    w.key("beats_out_s").numbers(plan.beats_out_s, kTime);
    w.end_object();
}

}  // namespace cf
