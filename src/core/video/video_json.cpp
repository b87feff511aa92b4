#include "core/video/video_json.h"

namespace cf {

void write_video_info_json(JsonWriter& w, const VideoInfo& info) {
    w.key("duration_s").number(info.duration_s, "%.3f");
    w.key("width").value(info.width_px);
    w.key("height").value(info.height_px);
    w.key("rotation").value(info.rotation_deg);
    w.key("fps").number(info.fps, "%.3f");
    w.key("has_audio").value(info.has_audio);
    w.key("video_codec").value(info.video_codec);
}

void write_shot_analysis_json(JsonWriter& w, const ShotAnalysis& a) {
    w.key("n_frames").value(a.n_frames);
    w.key("cuts_s").begin_array();
    for (const Cut& c : a.cuts) w.number(c.time_s, "%.3f");
    w.end_array();
    w.key("fades").begin_array();
    for (const Fade& f : a.fades)
        w.begin_object().key("kind").value(fade_kind_name(f.kind)).key("start_s").number(f.start_s, "%.3f")
            .key("end_s").number(f.end_s, "%.3f").end_object();
    w.end_array();
    w.key("shots").begin_array();
    for (const Shot& s : a.shots)
        w.begin_object().key("start_s").number(s.start_s, "%.3f").key("end_s").number(s.end_s, "%.3f")
            .key("motion").number(s.motion, "%.3f").key("keyframe_s").number(s.keyframe_s, "%.3f").end_object();
    w.end_array();
    w.key("pace").begin_object();
    w.key("cuts_per_min").number(a.pace.cuts_per_min, "%.2f").key("motion").number(a.pace.motion, "%.3f");
    w.key("curve").begin_array();
    for (const PacePoint& p : a.pace.curve)
        w.begin_object().key("start_s").number(p.start_s, "%.3f").key("motion").number(p.motion, "%.3f")
            .key("n_cuts").value(p.n_cuts).key("pace").number(p.pace, "%.3f").end_object();
    w.end_array().end_object();
}

}  // namespace cf
