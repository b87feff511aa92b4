// cuefinder core — a clip's reading and its soundtrack suggestions as JSON (soundtrack.h).
#include <cmath>

#include "core/query/soundtrack.h"
#include "core/rhythm/tempo_reading.h"

namespace cf::query {

namespace {

void write_shot(JsonWriter& w, const ClipShot& shot) {
    w.begin_object().key("start_s").number(shot.start_s, "%.3f").key("end_s").number(shot.end_s, "%.3f");
    w.key("motion").number(shot.motion, "%.3f").key("sees").begin_array();
    if (shot.picture)
        for (const semantic::ImageClass& c : shot.picture->classes) w.value(c.words);
    w.end_array().key("moods").begin_object();
    if (shot.picture)
        for (size_t k = 0; k < kColourMoodNames.size(); ++k) w.key(kColourMoodNames[k]).number(shot.picture->feel.moods[k], "%.3f");
    w.end_object().key("why").value(shot.picture ? shot.picture->explanation() : std::string());
    w.end_object();
}

void write_suggestion(JsonWriter& w, const Catalog& catalog, const Suggestion& s, size_t rank) {
    const TrackMeta& m = catalog.tracks()[s.track];
    w.begin_object().key("rank").value(rank + 1).key("id").value(m.id).key("title").value(m.title);
    w.key("path").value(m.path).key("score").number(s.score, "%.4f").key("content").number(s.content, "%.4f");
    w.key("tempo_fit").number(s.tempo, "%.3f").key("energy_fit").number(s.energy, "%.3f").key("why").value(s.why);
    w.key("bpm").number(m.bpm, "%.1f");
    write_tempo_json(w, tempo_reading(m.bpm, m.bpm_confidence));
    w.key("license").value(m.license).key("credit").value(m.attribution);
    w.end_object();
}

}  // namespace

void write_soundtrack_json(JsonWriter& w, const Catalog& catalog, const ClipReading& clip,
                           const std::vector<Suggestion>& suggestions) {
    w.key("cuts_s").begin_array();
    for (double c : clip.cuts_s) w.number(c, "%.3f");
    w.end_array().key("shots").begin_array();
    for (const ClipShot& shot : clip.shots) write_shot(w, shot);
    const PaceTarget t = pace_target(clip.cuts_per_min, clip.motion);
    w.end_array().key("pace").begin_object().key("cuts_per_min").number(clip.cuts_per_min, "%.2f");
    w.key("motion").number(clip.motion, "%.3f").key("bpm_min").number(t.bpm_min, "%.1f");
    w.key("bpm_max").number(t.bpm_max, "%.1f").key("energy").number(t.energy, "%.3f").end_object();
    w.key("suggestions").begin_array();
    for (size_t r = 0; r < suggestions.size(); ++r) write_suggestion(w, catalog, suggestions[r], r);
    w.end_array();
}

}  // namespace cf::query
