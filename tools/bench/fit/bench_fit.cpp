// bench_fit: how long choosing a segment, planning the edit, rendering it and writing the WAV take for
// a synthetic 3-minute 44.1 kHz stereo track (beats at 124 BPM, an energy curve every 0.5 s, a
// 200-dim embedding every 1.5 s — the shape a catalog timeline will have) and clips of 30 s (a
// segment, and a splice forced by min_splice_similarity = 0) and 6 min (a loop). One JSON line per
// case, medians over the runs.
//
//   build/native-release/tools/bench/fit/bench_fit [runs]
//   node build/wasm-release/tools/bench/fit/bench_fit.js [runs]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/audio/wav_writer.h"
#include "core/common/json.h"
#include "core/fit/fit.h"
#include "core/fit/render.h"

namespace {

constexpr int kRate = 44100;
constexpr double kTrackS = 180.0;

cf::TrackTimeline make_track() {
    cf::TrackTimeline t;
    t.duration_s = kTrackS;
    t.bpm = 124.0;
    t.beat_confidence = 0.8;
    for (double b = 0.2; b < kTrackS; b += 60.0 / t.bpm) t.beats_s.push_back(b);
    for (double c = 0.5; c <= kTrackS; c += 0.5) {
        t.energy_times_s.push_back(c);
        t.energy_db.push_back(float(-18.0 + 6.0 * std::sin(c / 9.0) + 3.0 * std::sin(c / 2.3)));
    }
    t.embedding_dim = 200;
    for (double w = 1.5; w < kTrackS; w += 1.5) {
        t.embedding_times_s.push_back(w);
        for (size_t d = 0; d < t.embedding_dim; ++d) t.embeddings.push_back(float(std::sin(0.05 * w * double(d + 1))));
    }
    return t;
}

std::vector<float> make_audio() {  // two detuned sines per channel, clicks on the beats
    std::vector<float> x(size_t(kTrackS * kRate) * 2);
    for (size_t i = 0; i < x.size() / 2; ++i) {
        double t = double(i) / kRate, beat = std::fmod(t - 0.2, 60.0 / 124.0);
        float click = beat >= 0 && beat < 0.005 ? 0.3f : 0.0f;
        x[2 * i] = float(0.2 * std::sin(2 * M_PI * 220.0 * t)) + click;
        x[2 * i + 1] = float(0.2 * std::sin(2 * M_PI * 330.0 * t)) + click;
    }
    return x;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

int run_case(const cf::TrackTimeline& track, const std::vector<float>& audio, double clip_s, int runs,
             const cf::FitOptions& options) {
    cf::ClipShape clip{clip_s, {}, {}};
    for (double c = 1.7; c < clip_s; c += 2.9) clip.cuts_s.push_back(c);
    for (int i = 0; i < int(clip_s); ++i) clip.pace.push_back(0.5 + 0.5 * std::sin(i / 4.0));
    std::vector<double> plan_ms, render_ms, wav_ms;
    std::string edit;
    for (int r = 0; r < runs; ++r) {
        auto t0 = std::chrono::steady_clock::now();
        cf::Result<cf::SegmentChoice> seg = cf::choose_segment(track, clip, options);
        cf::Result<cf::EditPlan> plan =
            seg ? cf::plan_fit(track, clip, *seg, options) : cf::Result<cf::EditPlan>(seg.status());
        if (!plan) return std::fprintf(stderr, "bench_fit: %s\n", plan.status().message().c_str()), 1;
        plan_ms.push_back(ms_since(t0));
        t0 = std::chrono::steady_clock::now();
        cf::Result<std::vector<float>> out =
            cf::render_plan(*plan, cf::PcmView{audio.data(), audio.size() / 2, 2, kRate});
        if (!out) return std::fprintf(stderr, "bench_fit: %s\n", out.status().message().c_str()), 1;
        render_ms.push_back(ms_since(t0));
        t0 = std::chrono::steady_clock::now();
        cf::Result<std::vector<uint8_t>> wav = cf::encode_wav(*out, 2, kRate);
        if (!wav) return std::fprintf(stderr, "bench_fit: %s\n", wav.status().message().c_str()), 1;
        wav_ms.push_back(ms_since(t0));
        edit = plan->edit;
    }
    cf::JsonWriter w;
    w.begin_object().key("track_s").number(kTrackS, "%.0f").key("clip_s").number(clip_s, "%.0f");
    w.key("runs").number(double(runs), "%.0f").key("plan_ms").number(median(plan_ms), "%.2f");
    w.key("render_ms").number(median(render_ms), "%.2f").key("wav_ms").number(median(wav_ms), "%.2f");
    w.key("edit").value(edit).end_object();
    std::printf("%s\n", w.take().c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 7;
    const cf::TrackTimeline track = make_track();
    const std::vector<float> audio = make_audio();
    cf::FitOptions defaults, splice;
    splice.min_splice_similarity = 0.0;  // always splice onto the ending: times the splice search
    if (int rc = run_case(track, audio, 30.0, runs, defaults)) return rc;
    if (int rc = run_case(track, audio, 30.0, runs, splice)) return rc;
    return run_case(track, audio, 360.0, runs, defaults);
}
