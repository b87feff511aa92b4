// The playlist panel's model (playlist_model.h).
#include "app/session/playlist_model.h"

#include <algorithm>

namespace cf::app {

Status PlaylistModel::make(const query::QueryEngine& engine, const query::PlaylistSeed& seed, const std::string& seed_name,
                           const SearchFilters& filters) {
    query::PlaylistOptions o;
    o.n = std::min(size_t(std::clamp(n, 1, 1000)), engine.n_tracks());  // a small catalog: all of it
    o.filters = filters;
    if (arc) o.bpm_arc = query::BpmArc{arc_bpm[0], arc_bpm[1], arc_bpm[2]};
    auto p = query::make_playlist(engine, seed, o);
    if (!p) return p.status();
    playlist_ = std::move(*p);
    seed_name_ = seed_name;
    return Status::ok();
}

std::string PlaylistModel::export_text(const Catalog& catalog, const std::string& format) const {
    if (!playlist_) return "";
    query::PlaylistExportOptions o;
    o.title = "cuefinder playlist: " + seed_name_;
    if (format == "m3u8") return query::to_m3u8(catalog, *playlist_, o);
    if (format == "xspf") return query::to_xspf(catalog, *playlist_, o);
    if (format == "csv") return query::to_csv(catalog, *playlist_, o);
    return "";
}

std::pair<std::string, std::string> PlaylistModel::export_file(const std::string& format) {
    if (format == "m3u8") return {"cuefinder-playlist.m3u8", "audio/x-mpegurl"};
    if (format == "xspf") return {"cuefinder-playlist.xspf", "application/xspf+xml"};
    return {"cuefinder-playlist.csv", "text/csv"};
}

}  // namespace cf::app
