// cuefinder core — internal: the TIML section of catalog.cfc (per-track timelines for fitting a
// track to a clip). The layout is documented in catalog.h and docs/catalog-format.md; this header
// is shared by the builder and the reader only (not a public API).
#pragma once

#include <cstddef>
#include <string>

#include "core/common/status.h"
#include "core/fit/fit.h"
#include "core/io/container.h"

namespace cf::catalog_detail {

inline constexpr uint32_t kTimelineEncoding = 1;  ///< times as ms deltas, energy u8, windows int8
/// Energy code c means c · kEnergyStepDb + kEnergyFloorDb dB (−120 .. +7.5 dB, 0.5 dB steps).
inline constexpr float kEnergyFloorDb = -120.0f;
inline constexpr float kEnergyStepDb = 0.5f;
/// Most points of each series in one record (a 10-hour track at 200 BPM has 120 000 beats).
inline constexpr uint32_t kMaxTimelinePoints = 1u << 20;

/// Empty when `t` can be stored in a catalog of embedding dimension `dim`, else what is wrong.
std::string timeline_problem(const TrackTimeline& t, size_t dim);

/// Appends one track's record; `t` null writes the empty record of a track without a timeline.
void write_timeline_record(PayloadWriter& w, const TrackTimeline* t, size_t dim);

/// Reads and checks one record of a section whose windows have `dim` values (0: none); decodes it
/// into `out` when not null. False with the reader failed (naming the problem) on bad bytes.
bool read_timeline_record(PayloadReader& r, size_t dim, TrackTimeline* out);

}  // namespace cf::catalog_detail
