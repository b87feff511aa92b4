// TempoReading: steady / uncertain / free from the tracker's confidence. See tempo_reading.h; the
// thresholds and how they were chosen: docs/benchmarks/tempo.md.
#include "core/rhythm/tempo_reading.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace cf {

namespace {

constexpr double kFreeConfidence = 0.2;     // below: no pulse
constexpr double kSteadyConfidence = 0.4;   // at or above: steady
constexpr double kSteadyFactor = 1.02;      // range bpm ÷/× this
constexpr double kUncertainFactor = 1.12;
constexpr double kFreeLowBpm = 50.0, kFreeHighBpm = 220.0;  // TempoOptions' default search range
// Where the tracker before the fix put beatless music on 3 s windows (4 · 60/bpm ≈ 2.94 s).
constexpr double kOldArtefactLowBpm = 81.6, kOldArtefactHighBpm = 82.25;

}  // namespace

TempoReading tempo_reading(const TempoResult& r) { return tempo_reading(r.bpm, r.confidence); }

TempoReading tempo_reading(double bpm, double confidence) {
    TempoReading out;
    if (!std::isfinite(bpm) || !(bpm > 0.0)) return out;
    out.bpm = bpm;
    const bool artefact = bpm >= kOldArtefactLowBpm && bpm <= kOldArtefactHighBpm;
    if (!std::isfinite(confidence)) confidence = kSteadyConfidence;  // not stored: taken as measured
    if (confidence < kFreeConfidence) {
        out.kind = TempoKind::free;
        out.bpm_low = std::min(bpm, kFreeLowBpm);
        out.bpm_high = std::max(bpm, kFreeHighBpm);
    } else if (confidence >= kSteadyConfidence && !artefact) {
        out.kind = TempoKind::steady;
        out.bpm_low = bpm / kSteadyFactor;
        out.bpm_high = bpm * kSteadyFactor;
    } else {
        out.kind = TempoKind::uncertain;
        out.bpm_low = bpm / kUncertainFactor;
        out.bpm_high = bpm * kUncertainFactor;
    }
    return out;
}

const char* tempo_kind_name(TempoKind kind) {
    switch (kind) {
        case TempoKind::steady: return "steady";
        case TempoKind::uncertain: return "uncertain";
        case TempoKind::free: return "free";
        case TempoKind::unknown: break;
    }
    return "unknown";
}

std::string tempo_label(const TempoReading& r) {
    char text[64];
    switch (r.kind) {
        case TempoKind::steady: std::snprintf(text, sizeof text, "%.0f BPM", r.bpm); return text;
        case TempoKind::uncertain:
            std::snprintf(text, sizeof text, "~%.0f\u2013%.0f BPM", std::floor(r.bpm_low), std::ceil(r.bpm_high));
            return text;
        case TempoKind::free: return "free tempo";
        case TempoKind::unknown: break;
    }
    return "";
}

std::string tempo_short_label(const TempoReading& r) {
    std::string label = tempo_label(r);
    if (r.kind == TempoKind::free) return "free";
    const size_t unit = label.rfind(" BPM");
    return unit == std::string::npos ? label : label.substr(0, unit);
}

void write_tempo_json(JsonWriter& w, const TempoReading& r) {
    w.key("tempo").value(tempo_kind_name(r.kind));
    w.key("bpm_low");
    r.kind == TempoKind::unknown ? w.null() : w.number(r.bpm_low, "%.1f");
    w.key("bpm_high");
    r.kind == TempoKind::unknown ? w.null() : w.number(r.bpm_high, "%.1f");
    w.key("tempo_label").value(tempo_label(r));
}

bool tempo_passes_range(const TempoReading& r, double min_bpm, double max_bpm) {
    const double lo = std::isfinite(min_bpm) ? min_bpm : -INFINITY, hi = std::isfinite(max_bpm) ? max_bpm : INFINITY;
    switch (r.kind) {
        case TempoKind::steady: return r.bpm >= lo && r.bpm <= hi;
        case TempoKind::uncertain: {
            if (!(r.bpm >= lo && r.bpm <= hi)) return false;
            const double inside = std::min(hi, r.bpm_high) - std::max(lo, r.bpm_low);
            return inside >= 0.5 * (r.bpm_high - r.bpm_low);
        }
        case TempoKind::free: return lo <= r.bpm_low && hi >= r.bpm_high;
        case TempoKind::unknown: break;
    }
    return false;
}

}  // namespace cf
