// cuefinder core — a tempo that says how sure it is: steady (a number), uncertain (a range) or free
// (no pulse to speak of), from what the tempo tracker measured and every catalog stores.
//
//   cf::TempoReading r = cf::tempo_reading(tracker.finish());              // fresh analysis
//   cf::TempoReading r = cf::tempo_reading(meta.bpm, meta.bpm_confidence);  // any catalog, old ones too
//   std::string shown = cf::tempo_label(r);          // "120 BPM", "~107–134 BPM", "free tempo"
//   bool ok = cf::tempo_passes_range(r, 100, 130);  // the BPM filter
//
// Evidence: the tracker's confidence (core/rhythm/tempo.h), the periodicity of the onset envelope
// at the chosen period, which is near 0 when the comb finds no peak (a flat likelihood, where the
// tempo prior alone chose the number) and when the envelope has no onsets. Catalogs analysed before
// the tracker's fix (docs/benchmarks/tempo.md) pile beatless tracks onto 81.65–82.2 BPM with an
// inflated confidence: a reading in 81.6–82.25 BPM is never called steady.
// Thresholds (kFreeConfidence, kSteadyConfidence in tempo_reading.cpp) and how they were chosen:
// docs/benchmarks/tempo.md.
#pragma once

#include <string>

#include "core/common/json.h"
#include "core/rhythm/tempo.h"

namespace cf {

enum class TempoKind {
    unknown,    ///< no tempo was measured (bpm 0 or missing)
    steady,     ///< a clear pulse: bpm means what it says; bpm_low..bpm_high is ±2 %
    uncertain,  ///< a weak pulse: the number may be off (octave, rubato); show the ±12 % range
    free,       ///< no pulse (beatless, ambient, free rubato): the number is the prior's guess
};

struct TempoReading {
    TempoKind kind = TempoKind::unknown;
    double bpm = 0.0;       ///< the tracker's single best tempo, unchanged (0 when unknown)
    /// Plausible range, bpm_low ≤ bpm ≤ bpm_high: ±2 % steady, ±12 % uncertain, the tracker's whole
    /// search range (50–220 BPM) free; 0 when unknown.
    double bpm_low = 0.0, bpm_high = 0.0;
};

/// From a fresh TempoResult.
TempoReading tempo_reading(const TempoResult& result);

/// From stored values. bpm ≤ 0 or non-finite gives kind unknown; a non-finite confidence (a catalog
/// that stored a bpm without one) takes the bpm as measured: steady, unless in the old artefact band.
TempoReading tempo_reading(double bpm, double confidence);

/// "steady", "uncertain", "free", "unknown" (also the JSON spelling).
const char* tempo_kind_name(TempoKind kind);

/// What a person reads: "120 BPM", "~107–135 BPM", "free tempo"; "" when unknown.
std::string tempo_label(const TempoReading& reading);
/// For a narrow table column: "120", "~107–135", "free"; "" when unknown.
std::string tempo_short_label(const TempoReading& reading);

/// JSON members beside a "bpm" (kept as it was): "tempo" (tempo_kind_name), "bpm_low", "bpm_high"
/// (null when unknown) and "tempo_label" (tempo_label).
void write_tempo_json(JsonWriter& w, const TempoReading& reading);

/// The BPM filter [min_bpm, max_bpm] (a non-finite bound is open). Steady: bpm inside. Uncertain:
/// bpm inside and at least half of its plausible range inside. Free: only if the filter covers the
/// whole plausible range, i.e. never for a real bound: a track without a pulse has no tempo to match.
/// Unknown: fails any bound (as a NaN bpm always did).
bool tempo_passes_range(const TempoReading& reading, double min_bpm, double max_bpm);

}  // namespace cf
