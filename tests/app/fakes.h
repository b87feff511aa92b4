// Fakes for the app session tests: a Host that records what the session asked of the page, an
// Embedder that answers the sentence encoder (a bag of token ids, so texts sharing words are close),
// and a small catalog with known embeddings, tags, moods, tempo and map positions.
#pragma once

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "app/host.h"
#include "core/catalog/catalog.h"
#include "core/fit/fit.h"
#include "core/model/embedder.h"
#include "core/semantic/text_encoder.h"
#include "test_util.h"

namespace cf::app::test {

struct Finished {
    int request = 0;
    bool ok = false;
    std::string message;
};

class FakeHost final : public Host {
public:
    std::string last_url, last_download_name, last_download_text;
    double last_start_s = -1, clock_s = 100.0;
    bool is_playing = false, query_playing = false;
    int tsne_starts = 0;
    std::vector<Finished> finished;

    void play_url(const std::string& url, double start_s) override { last_url = url, last_start_s = start_s, is_playing = true, query_playing = false; }
    void play_query(double start_s) override { last_start_s = start_s, is_playing = true, query_playing = true; }
    void pause() override { is_playing = false; }
    void resume() override { is_playing = true; }
    bool playing() const override { return is_playing; }
    double position_s() const override { return 0.0; }
    std::string playback_error() const override { return ""; }
    void download(const std::string& name, const std::string&, const std::string& text) override { last_download_name = name, last_download_text = text; }
    void open_file_picker() override {}
    void start_tsne(const float*, size_t, size_t, double, int) override { ++tsne_starts; }
    void stop_tsne() override {}
    void analysis_finished(int request, bool ok, const std::string& message) override { finished.push_back({request, ok, message}); }
    double now_s() const override { return clock_s; }
    // video
    std::vector<std::pair<int, bool>> shown;      ///< show_clip calls
    std::vector<std::pair<int, std::string>> fetches;
    std::vector<uint8_t> last_wav, last_download_bytes;
    bool last_clip_sound = false;
    void show_clip(int request, bool show) override { shown.push_back({request, show}); }
    void play_with_clip(const std::vector<uint8_t>& wav, double, bool clip_sound) override {
        last_wav = wav, last_clip_sound = clip_sound, is_playing = true;
    }
    double clip_position_s() const override { return is_playing ? 0.0 : -1.0; }
    void fetch(int fetch_id, const std::string& url) override { fetches.push_back({fetch_id, url}); }
    void download_bytes(const std::string& name, const std::string&, const std::vector<uint8_t>& bytes) override {
        last_download_name = name, last_download_bytes = bytes;
    }
    std::map<std::string, std::string> saved;  ///< save_state: key → json ("" erases)
    void save_state(const std::string& key, const std::string& json) override {
        if (json.empty()) saved.erase(key);
        else saved[key] = json;
    }
};

/// Answers the sentence encoder ("use-lite") at once: one row per sentence, 1 at (token id mod dim)
/// for each of its tokens; the image model with `image_probabilities` when set. Any other request:
/// an error naming the model.
class FakeTextEmbedder final : public Embedder {
public:
    int calls = 0;
    std::vector<float> image_probabilities;
    void run(ModelRequest r, ModelCallback done) override {
        ++calls;
        if (!image_probabilities.empty() && r.outputs == std::vector<std::string>{"probabilities"}) {
            const int64_t n = int64_t(image_probabilities.size());
            done(ModelOutputs{{"probabilities", ModelTensor{image_probabilities, {1, n}}}});
            return;
        }
        if (r.model != "use-lite" || r.inputs.size() != 2) {
            done(Status(ErrorCode::unsupported_format, "model " + r.model + ": not in this fake"));
            return;
        }
        const std::vector<int32_t>& idx = r.inputs[0].i32;  // (sentence, position) pairs
        const std::vector<int32_t>& ids = r.inputs[1].i32;
        int64_t rows = 0;
        for (size_t i = 0; i + 1 < idx.size(); i += 2) rows = std::max<int64_t>(rows, idx[i] + 1);
        ModelTensor t;
        t.shape = {rows, int64_t(semantic::kTextDim)};
        t.values.assign(size_t(rows) * semantic::kTextDim, 0.0f);
        for (size_t k = 0; k < ids.size(); ++k) t.values[size_t(idx[2 * k]) * semantic::kTextDim + size_t(ids[k]) % semantic::kTextDim] += 1.0f;
        done(ModelOutputs{{"embedding", t}});
    }
};

/// The sentence encoder's vocabulary from models/ ("" when missing).
inline std::string use_lite_vocab() {
    const std::vector<uint8_t> bytes = cf::test::read_bytes(std::string(CF_SOURCE_DIR) + "/models/use-lite/vocab.txt");
    return std::string(bytes.begin(), bytes.end());
}

/// The tag model the session is told about (its labels become text-search concepts).
inline std::vector<AudioModel> test_models() {
    AudioModel m;
    m.name = "msd-musicnn-1";
    m.key = "msd";
    m.labels = {"piano", "rock", "guitar"};
    m.has_embedding = true;
    return {m};
}

struct TestTrack {
    std::string id;
    std::vector<float> embedding;  ///< 4-d, any length (the builder normalises)
    float bpm;
    float happy;
    float piano;                   ///< top tag "piano" probability (and 1 - piano for "rock")
    float x, y;                    ///< map position
    std::string license = "CC-BY-4.0";
};

/// Eight tracks: four piano-ish on the left of the map, four rock-ish on the right.
inline std::vector<TestTrack> test_tracks() {
    return {
        {"t0", {1, 0, 0, 0}, 70, 0.1f, 0.9f, -2, -1},      {"t1", {0.9f, 0.1f, 0, 0}, 80, 0.2f, 0.8f, -2, 1},
        {"t2", {0.7f, 0.3f, 0, 0}, 90, 0.3f, 0.7f, -1, -1}, {"t3", {0.5f, 0.5f, 0.1f, 0}, 100, 0.4f, 0.6f, -1, 1, "GPL-2+"},
        {"t4", {0, 0.5f, 0.5f, 0}, 120, 0.6f, 0.3f, 1, -1}, {"t5", {0, 0, 1, 0.2f}, 130, 0.7f, 0.2f, 1, 1},
        {"t6", {0, 0, 0.3f, 1}, 140, 0.8f, 0.1f, 2, -1},    {"t7", {0.1f, 0, 0, 1}, 150, 0.9f, 0.05f, 2, 1, "GPL-2+"},
    };
}

/// catalog.cfc bytes of test_tracks(): CatalogBuilder writes the catalog into a temporary folder of
/// its own, the bytes are read back from there. Empty on failure.
/// A track's timeline for fitting (with_timelines): steady beats at its BPM, a rising energy curve.
inline TrackTimeline test_timeline(const TrackMeta& m) {
    TrackTimeline tl;
    tl.duration_s = m.duration_s;
    tl.bpm = m.bpm;
    tl.beat_confidence = 0.9;
    for (double t = 0.5; t < m.duration_s; t += 60.0 / m.bpm) tl.beats_s.push_back(t);
    for (double t = 0; t < m.duration_s; t += 0.5) {
        tl.energy_times_s.push_back(t);
        tl.energy_db.push_back(float(-30.0 + 20.0 * t / m.duration_s));
    }
    return tl;
}

inline std::vector<uint8_t> test_catalog_bytes(bool with_timelines = false) {
    CatalogBuilder b(4, "test-embedding-4");
    std::vector<float> xy;
    for (const TestTrack& t : test_tracks()) {
        TrackMeta m;
        m.id = t.id;
        m.title = "Title " + t.id;
        m.source = t.piano > 0.5f ? "pianos" : "bands";
        m.license = t.license;
        m.preview = t.id + ".ogg";
        m.bpm = t.bpm;
        m.duration_s = 60.0f + t.bpm;
        m.moods = {t.happy, 1 - t.happy, 0.5f, 0.5f, 0.5f};
        m.top_tags = {{"piano", t.piano}, {"rock", 1 - t.piano}};
        std::stable_sort(m.top_tags.begin(), m.top_tags.end(), [](auto& a, auto& b) { return a.prob > b.prob; });
        const TrackTimeline tl = test_timeline(m);
        if (!b.add_track(m, t.embedding, {}, with_timelines ? &tl : nullptr)) return {};
        xy.push_back(t.x), xy.push_back(t.y);
    }
    if (!b.set_map(xy)) return {};
    const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                      ("cf_app_session_test_" + std::to_string(std::random_device{}()));
    if (!b.write(dir.string(), CatalogBuildOptions{})) return {};
    std::vector<uint8_t> bytes = cf::test::read_bytes((dir / "catalog.cfc").string());
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return bytes;
}

inline float cosine(const std::vector<float>& a, const std::vector<float>& b) {
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < a.size(); ++i) ab += double(a[i]) * b[i], aa += double(a[i]) * a[i], bb += double(b[i]) * b[i];
    return float(ab / std::sqrt(aa * bb));
}

}  // namespace cf::app::test
