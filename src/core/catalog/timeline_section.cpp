#include "core/catalog/detail/timeline_section.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace cf::catalog_detail {

namespace {

constexpr uint16_t kLongDelta = 0xFFFF;  // a u32 delta follows

// Ascending times as millisecond deltas: u16 each, or 0xFFFF + u32 for a gap of 65.535 s or more.
// Deltas are taken between the rounded times, so the error stays ≤ 0.5 ms however long the series.
void write_times(PayloadWriter& w, const std::vector<double>& times_s) {
    uint64_t prev_ms = 0;
    for (double t : times_s) {
        const uint64_t ms = uint64_t(std::llround(t * 1000.0));
        const uint64_t delta = ms - prev_ms;
        if (delta < kLongDelta) {
            const uint16_t d = uint16_t(delta);
            w.raw(&d, 2);
        } else {
            w.raw(&kLongDelta, 2);
            w.u32(uint32_t(delta));
        }
        prev_ms = ms;
    }
}

bool read_times(PayloadReader& r, uint32_t n, std::vector<double>* out) {
    uint64_t ms = 0;
    for (uint32_t i = 0; i < n; ++i) {
        uint16_t d = 0;
        if (!r.raw(&d, 2)) return false;
        uint32_t delta = d;
        if (d == kLongDelta && !r.u32(delta)) return false;
        ms += delta;
        if (out) out->push_back(double(ms) / 1000.0);
    }
    return true;
}

bool sorted_non_negative(const std::vector<double>& v) {
    for (size_t i = 0; i < v.size(); ++i)
        if (!(v[i] >= 0.0 && v[i] < 4.0e6) || (i && v[i] < v[i - 1])) return false;  // < 46 days: fits u32 ms
    return true;
}

uint8_t energy_code(float db) {
    if (!std::isfinite(db)) return 0;
    return uint8_t(std::clamp<long>(std::lround((db - kEnergyFloorDb) / kEnergyStepDb), 0, 255));
}

// One window embedding at unit length, symmetric int8 with its own scale (cosine is what is used).
void write_window(PayloadWriter& w, const float* x, size_t dim) {
    double norm = 0;
    for (size_t i = 0; i < dim; ++i) norm += double(x[i]) * x[i];
    norm = norm > 0 ? std::sqrt(norm) : 1.0;
    float max_abs = 0;
    for (size_t i = 0; i < dim; ++i) max_abs = std::max(max_abs, float(std::fabs(x[i] / norm)));
    const float scale = max_abs > 0 ? max_abs / 127.0f : 1.0f;
    w.f32(scale);
    for (size_t i = 0; i < dim; ++i) {
        const int8_t c = int8_t(std::clamp<long>(std::lround(x[i] / norm / scale), -127, 127));
        w.raw(&c, 1);
    }
}

}  // namespace

std::string timeline_problem(const TrackTimeline& t, size_t dim) {
    if (Status st = validate(t); !st) return st.message();
    if (!sorted_non_negative(t.beats_s)) return "beats_s are not ascending times ≥ 0";
    if (!sorted_non_negative(t.energy_times_s)) return "energy_times_s are not ascending times ≥ 0";
    if (!sorted_non_negative(t.embedding_times_s)) return "embedding_times_s are not ascending times ≥ 0";
    if (!t.embedding_times_s.empty() && t.embedding_dim != dim)
        return "window embeddings have dim " + std::to_string(t.embedding_dim) + ", the catalog " + std::to_string(dim);
    if (t.bpm < 0 || t.beat_confidence < 0 || t.beat_confidence > 1) return "bpm < 0 or beat_confidence outside [0, 1]";
    for (size_t n : {t.beats_s.size(), t.energy_times_s.size(), t.embedding_times_s.size()})
        if (n > kMaxTimelinePoints) return "more than " + std::to_string(kMaxTimelinePoints) + " points in a series";
    return "";
}

void write_timeline_record(PayloadWriter& w, const TrackTimeline* t, size_t dim) {
    const TrackTimeline empty;
    if (!t) t = &empty;
    for (double v : {t->duration_s, t->bpm, t->beat_confidence}) w.f32(float(v));
    const size_t n_windows = t->embedding_times_s.size();
    for (size_t n : {t->beats_s.size(), t->energy_times_s.size(), n_windows}) w.u32(uint32_t(n));
    write_times(w, t->beats_s);
    write_times(w, t->energy_times_s);
    for (float db : t->energy_db) w.u8(energy_code(db));
    write_times(w, t->embedding_times_s);
    for (size_t i = 0; i < n_windows; ++i) write_window(w, t->embeddings.data() + i * dim, dim);
}

bool read_timeline_record(PayloadReader& r, size_t dim, TrackTimeline* out) {
    float duration = 0, bpm = 0, confidence = 0;
    uint32_t n_beats = 0, n_energy = 0, n_windows = 0;
    if (!(r.f32(duration) && r.f32(bpm) && r.f32(confidence) && r.u32(n_beats) && r.u32(n_energy) && r.u32(n_windows)))
        return false;
    if (!(duration >= 0 && std::isfinite(duration) && bpm >= 0 && std::isfinite(bpm) && confidence >= 0 && confidence <= 1))
        return r.fail("a record's duration, bpm or confidence is out of range");
    if (n_windows && dim == 0) return r.fail("a record has window embeddings but the section's dim is 0");
    // Every point takes ≥ 2 bytes (a window ≥ 6 + dim): check the counts before anything is sized by them.
    const uint64_t least = 2ull * n_beats + 3ull * n_energy + (6ull + dim) * n_windows;
    if (least > r.remaining())
        return r.fail(std::to_string(n_beats) + " beats, " + std::to_string(n_energy) + " energy points and " +
                      std::to_string(n_windows) + " windows do not fit in " + std::to_string(r.remaining()) + " bytes");
    std::vector<uint8_t> energy, codes;
    if (out) *out = TrackTimeline{};
    if (!read_times(r, n_beats, out ? &out->beats_s : nullptr) || !read_times(r, n_energy, out ? &out->energy_times_s : nullptr) ||
        !r.array(energy, n_energy) || !read_times(r, n_windows, out ? &out->embedding_times_s : nullptr))
        return false;
    if (out) {
        out->duration_s = duration;
        out->bpm = bpm;
        out->beat_confidence = confidence;
        for (uint8_t c : energy) out->energy_db.push_back(float(c) * kEnergyStepDb + kEnergyFloorDb);
        out->embedding_dim = n_windows ? dim : 0;
    }
    for (uint32_t i = 0; i < n_windows; ++i) {
        float scale = 0;
        if (!r.f32(scale) || !r.array(codes, dim)) return false;
        if (!(std::isfinite(scale) && scale > 0)) return r.fail("a window's scale is not a positive number");
        if (out)
            for (uint8_t c : codes) out->embeddings.push_back(float(int8_t(c)) * scale);
    }
    return true;
}

}  // namespace cf::catalog_detail
