// cuefinder app session — the playlist panel: a seed (the map selection, the liked tracks, or the
// current query: a track, a dropped file, words, a picture) → N tracks in smooth order (core/query/
// playlist.h does the choosing and ordering), shown as a list with each transition's cost and as a path
// on the map, exported as M3U8, XSPF or CSV with credits.
//
//   cf::app::PlaylistModel p;
//   p.n = 12;  p.arc = true;  p.arc_bpm = {90, 140, 100};
//   p.make(engine, seed, "5 selected tracks", filters);   // Status; playlist() then holds it
//   std::string m3u = p.export_text(catalog, "m3u8");
#pragma once

#include <array>
#include <optional>
#include <string>

#include "core/catalog/catalog.h"
#include "core/common/status.h"
#include "core/query/playlist.h"
#include "core/query/query_engine.h"

namespace cf::app {

class PlaylistModel {
public:
    int n = 12;                                  ///< tracks, 2..100 in the panel
    bool arc = false;                            ///< follow a tempo arc
    std::array<float, 3> arc_bpm = {90, 140, 100};  ///< start, peak, end

    /// Makes the playlist from `seed` (described as `seed_name`, e.g. "5 selected tracks").
    Status make(const query::QueryEngine& engine, const query::PlaylistSeed& seed, const std::string& seed_name,
                const SearchFilters& filters);
    void clear() { playlist_.reset(), seed_name_.clear(); }
    const std::optional<query::Playlist>& playlist() const { return playlist_; }
    const std::string& seed_name() const { return seed_name_; }
    /// The playlist as "m3u8", "xspf" or "csv" text (paths relative to the catalog folder); "" without one.
    std::string export_text(const Catalog& catalog, const std::string& format) const;
    /// The file name and MIME type of an export.
    static std::pair<std::string, std::string> export_file(const std::string& format);

private:
    std::optional<query::Playlist> playlist_;
    std::string seed_name_;
};

}  // namespace cf::app
