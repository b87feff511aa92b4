// cuefinder core — a TrackAnalysis as JSON (what `./cuefinder analyze --json` prints).
//
//   std::string text = cf::analysis_to_json(analyzer.result(), models);
//
// Keys: file, duration_s, codec, sample_rate_hz, channels, metadata {the file's tags}, complete, windows [[start_s, duration_s]...], tags {<key>: {label: p}},
// moods {<key>: p of the positive class}, embedding {model, dim, values}, bpm, bpm_confidence, tempo, bpm_low, bpm_high, tempo_label (core/rhythm/tempo_reading.h), beats_s,
// loudness_lufs, loudness_range_lu, sample_peak_dbfs, energy {hop_s, times_s, short_term_lufs,
// rms_dbfs}, extra_outputs {<model key>: {<output>: {dim, patches, per_patch}}} (only when
// AnalysisOptions::extra_outputs asks for some), taggram {model, labels, times_s, values [[p...]...]} (one row per patch), timings_s.
// Non-finite numbers are written as null; so is loudness_lufs for silence (nothing above the
// −70 LUFS gate).
#pragma once

#include <string>
#include <vector>

#include "core/analysis/track_analyzer.h"
#include "core/common/json.h"

namespace cf {

struct AnalysisJsonOptions {
    bool taggram = true;             ///< include the per-patch taggram
    bool patch_embeddings = false;   ///< include [n_patches × dim] embeddings (large)
    bool curves = true;              ///< include the loudness/energy curves and the waveform overview
    std::string taggram_model_key = "msd";  ///< which tag model the taggram shows (also "mtt")
    bool precise = false;            ///< taggram and per-patch values with float precision (%.7g), not 4 decimals
};

std::string analysis_to_json(const TrackAnalysis& analysis, const std::vector<AudioModel>& models,
                             const AnalysisJsonOptions& options = {});

/// A stable identifier for JSON: "not_found", "unsupported_format", "corrupt", "truncated", ...
const char* error_code_id(ErrorCode code);

/// {"file": ..., "error": ..., "code": error_code_id} for a file that could not be analysed.
std::string analysis_error_json(const std::string& file, const Status& status);


}  // namespace cf
