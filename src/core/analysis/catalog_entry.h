// cuefinder core — a catalog track from an analysis: what `./cuefinder catalog build` adds to the
// CatalogBuilder for each analysed file. The analysis arrives as the JSON of analysis_to_json (the build
// caches it between runs), with the per-patch embeddings (AnalysisJsonOptions::patch_embeddings) for
// the representative segment; the track's own fields (manifest or folder) as a second JSON object.
//
//   auto analysis = cf::parse_json(analysis_text), track = cf::parse_json(track_text);
//   auto entry = cf::catalog_entry(*analysis, *track, builder.tag_labels());
//   if (!entry) return entry.status();                       // names the track and what is missing
//   builder.add_track(entry->meta, entry->embedding, entry->tag_probs);
//
// The track object: {"id", "title"?, "artist"?, "composer"?, "genre"?, "source"?, "license"?,
// "attribution"?, "path" (as stored in the catalog), "file_name"? (for a title), "preview"?}; every
// field a string. What the catalog gets:
//   title        the track's, else the file's own tag (metadata.title), else the file name without its
//                audio extension, '_' and '-' runs as spaces
//   artist, composer, genre   the track's, else the file's tag
//   license      the track's, else the file's license tag, else its copyright tag
//   attribution  the track's, else "title — artist (or composer) — source — license" (parts present)
//   duration_s, loudness_lufs; bpm and bpm_confidence when a tempo was found (bpm > 0)
//   top_tags     the msd model's 10 best; moods; the representative segment (track_summary.h)
//   embedding    the analysis's mean embedding scaled to unit length
//   tag_probs    every tag label's probability ("<set>:<label>" → tags[set][label]) in label order
//   timeline     (core/fit/fit.h) duration_s, bpm, bpm_confidence, beats_s; the energy curve
//                (energy.times_s + energy.rms_dbfs, when the analysis has curves); one window per
//                per-patch embedding row at its patch's centre time (when it has patch embeddings)
// Text fields are kept on one line (tabs and line breaks become one space) and trimmed.
#pragma once

#include <string>
#include <vector>

#include "core/analysis/track_summary.h"
#include "core/catalog/catalog.h"
#include "core/common/status.h"
#include "core/fit/fit.h"
#include "core/io/json_reader.h"

namespace cf {

struct CatalogEntry {
    TrackMeta meta;
    std::vector<float> embedding;  ///< unit length
    std::vector<float> tag_probs;  ///< one per tag label, in label order (empty without labels)
    TrackTimeline timeline;        ///< for CatalogBuilder::add_track (see the top of this file)
};

/// The summary (track_summary.h) of an analysis given as analysis_to_json's JSON. Patch times come from
/// its windows: window i's start when every window holds one patch (the windowed profiles), else
/// consecutive patches of patch_duration_s() through the windows. Errors (corrupt): not an analysis
/// object, no duration.
Result<TrackSummary> summarize_analysis_json(const JsonValue& analysis, const SummaryOptions& options = {});

/// The catalog track of an analysis (see the top of this file). Errors (invalid_argument, naming the
/// track): no id, an analysis that failed or has no embedding, a tag label without a probability,
/// beats or curves that are not ascending times.
Result<CatalogEntry> catalog_entry(const JsonValue& analysis, const JsonValue& track,
                                   const std::vector<std::string>& tag_labels);

/// `text` on one line: runs of tabs, CRs and LFs become one space; leading/trailing whitespace removed.
std::string one_line(std::string_view text);

}  // namespace cf
