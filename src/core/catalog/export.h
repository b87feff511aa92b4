// cuefinder core — exporting a list of catalog tracks (search results, a map selection) as CSV, JSON
// and an attribution text a creator can paste under a video.
//
//   std::vector<cf::ExportRow> rows = ...;                  // track index + score + why, in list order
//   std::string csv = cf::export_csv(catalog, rows);        // RFC 4180: quoted fields, CRLF
//   std::string json = cf::export_json(catalog, rows, "query.mp3");
//   std::string credits = cf::attribution_text(catalog, rows);
#pragma once

#include <string>
#include <span>
#include <vector>

#include "core/catalog/catalog.h"

namespace cf {

struct ExportRow {
    uint32_t track = 0;                     ///< index into Catalog::tracks()
    float score = kUnknown;                 ///< similarity, or NaN when the list has none (a selection)
    std::vector<std::string> shared_tags;   ///< why it matched
    std::vector<std::string> shared_moods;
    float match_percent = kUnknown;         ///< the score calibrated, 0..100 (SearchHit::match_percent), or NaN
};

/// Rows built from search hits, in rank order.
std::vector<ExportRow> export_rows(std::span<const SearchHit> hits);

/// CSV with a header row: rank,id,title,artist,composer,source,license,license_kind,attribution,
/// score,match_percent,bpm,duration_s,loudness_lufs,top_tags,moods,shared,path. Fields are quoted when needed
/// (comma, quote, CR/LF) with quotes doubled; lines end with CRLF; unknown numbers are empty.
std::string export_csv(const Catalog& catalog, std::span<const ExportRow> rows);

/// {"query": ..., "catalog_tracks": N, "results": [{"rank","id","title",...,"score","match_percent"}]}
/// ("score" raw, "match_percent" calibrated; null when unknown).
std::string export_json(const Catalog& catalog, std::span<const ExportRow> rows, const std::string& query);

/// Plain-text credits, one block per track in list order: title, artist/composer, source, license,
/// and the attribution text the source asks for; ends with a line naming the catalog's licenses.
std::string attribution_text(const Catalog& catalog, std::span<const ExportRow> rows);

}  // namespace cf
