// The cue sheet: the plan's pieces, splices and fades as events, with the track's credits.
#include "core/fit/cue_sheet.h"

#include <cstdio>

namespace cf {

namespace {

constexpr const char* kTime = "%.3f";

/// Output end of piece k: where the next one starts, or the edit's end.
double piece_out_end(const EditPlan& plan, size_t k) {
    return k + 1 < plan.pieces.size() ? plan.pieces[k + 1].out_start_s : plan.length_s;
}

bool has_fade_in(const EditPlan& plan) { return plan.fade_in_s > 0.0; }
bool has_fade_out(const EditPlan& plan) { return plan.fade_out_end_s > plan.fade_out_start_s; }

void write_span(JsonWriter& w, bool present, double start_s, double end_s) {
    if (!present) {
        w.null();
        return;
    }
    w.begin_object().key("out_start_s").number(start_s, kTime).key("out_end_s").number(end_s, kTime).end_object();
}

void write_pieces_json(JsonWriter& w, const EditPlan& plan) {
    w.key("pieces").begin_array();
    for (size_t k = 0; k < plan.pieces.size(); ++k) {
        const SourcePiece& p = plan.pieces[k];
        w.begin_object().key("out_start_s").number(p.out_start_s, kTime).key("out_end_s").number(piece_out_end(plan, k), kTime);
        w.key("source_start_s").number(p.source_start_s, kTime).key("source_end_s").number(p.source_end_s, kTime).end_object();
    }
    w.end_array().key("splices").begin_array();
    for (const Splice& s : plan.splices) {
        w.begin_object().key("out_s").number(s.out_s, kTime).key("from_source_s").number(s.from_source_s, kTime);
        w.key("to_source_s").number(s.to_source_s, kTime).key("crossfade_s").number(s.crossfade_s, kTime);
        w.key("similarity").number(s.similarity, "%.3f").end_object();
    }
    w.end_array();
}

std::string fmt_time(double t_s) {
    char text[48];
    std::snprintf(text, sizeof text, kTime, t_s);
    return text;
}

/// One CSV row: the clip and track columns, then the event's.
std::string csv_row(const CueSheet& cue, const char* event, double out_start_s, double out_end_s, const std::string& source_start,
                    const std::string& source_end, const std::string& crossfade) {
    const std::string fields[] = {std::string(file_name_of(cue.clip.file)), fmt_time(cue.clip.length_s), cue.track.id,
                                  cue.track.title, cue.track.artist, cue.track.license, cue_credit_line(cue.track),
                                  fit_kind_name(cue.plan.kind), event, fmt_time(out_start_s), fmt_time(out_end_s),
                                  source_start, source_end, crossfade};
    std::string row;
    for (const std::string& f : fields) row += (row.empty() ? "" : ",") + csv_field(f);
    return row + "\r\n";
}

}  // namespace

std::string cue_credit_line(const CueTrack& track) {
    if (!track.credit.empty()) return track.credit;
    std::string line = "\"" + (track.title.empty() ? track.id : track.title) + "\"";
    if (!track.artist.empty()) line += " by " + track.artist;
    if (!track.license.empty()) line += " (" + track.license + ")";
    return line;
}

std::string_view file_name_of(std::string_view path) {
    const size_t slash = path.find_last_of("/\\");
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

void write_cue_sheet_json(JsonWriter& w, const CueSheet& cue) {
    const EditPlan& plan = cue.plan;
    w.begin_object().key("cue_sheet").value(1);
    w.key("clip").begin_object().key("file").value(file_name_of(cue.clip.file)).key("length_s").number(cue.clip.length_s, kTime);
    w.key("cuts_s").numbers(cue.clip.cuts_s, kTime).end_object();
    w.key("track").begin_object().key("id").value(cue.track.id).key("title").value(cue.track.title);
    w.key("artist").value(cue.track.artist).key("path").value(cue.track.path).key("license").value(cue.track.license);
    w.key("credit").value(cue_credit_line(cue.track)).end_object();
    w.key("edit").begin_object().key("kind").value(fit_kind_name(plan.kind)).key("description").value(plan.edit);
    w.key("segment_start_s").number(cue.segment.start_s, kTime).key("segment_end_s").number(cue.segment.end_s, kTime);
    w.key("beats_reliable").value(cue.segment.beats_reliable).key("cut_alignment").number(cue.segment.score.cut_alignment, "%.3f");
    w.key("cuts_aligned").value(cue.segment.score.cuts_used).end_object();
    write_pieces_json(w, plan);
    w.key("fade_in");
    write_span(w, has_fade_in(plan), 0.0, plan.fade_in_s);
    w.key("fade_out");
    write_span(w, has_fade_out(plan), plan.fade_out_start_s, plan.fade_out_end_s);
    w.key("beats_out_s").numbers(plan.beats_out_s, kTime).end_object();
}

std::string cue_sheet_json(const CueSheet& cue) {
    JsonWriter w;
    write_cue_sheet_json(w, cue);
    return w.take();
}

std::string cue_sheet_csv(const CueSheet& cue) {
    const EditPlan& plan = cue.plan;
    std::string csv =
        "clip_file,clip_length_s,track_id,title,artist,license,credit,edit_kind,event,out_start_s,out_end_s,"
        "source_start_s,source_end_s,crossfade_s\r\n";
    if (has_fade_in(plan)) csv += csv_row(cue, "fade_in", 0.0, plan.fade_in_s, "", "", "");
    for (size_t k = 0; k < plan.pieces.size(); ++k) {
        const SourcePiece& p = plan.pieces[k];
        csv += csv_row(cue, "piece", p.out_start_s, piece_out_end(plan, k), fmt_time(p.source_start_s), fmt_time(p.source_end_s), "");
        if (k < plan.splices.size()) {
            const Splice& s = plan.splices[k];
            csv += csv_row(cue, "splice", s.out_s, s.out_s, fmt_time(s.from_source_s), fmt_time(s.to_source_s), fmt_time(s.crossfade_s));
        }
    }
    if (has_fade_out(plan)) csv += csv_row(cue, "fade_out", plan.fade_out_start_s, plan.fade_out_end_s, "", "", "");
    return csv;
}

}  // namespace cf
