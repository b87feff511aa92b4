// Playlist files: M3U8, XSPF and CSV with credits. Locations are relative to the catalog directory
// (full audio when the caller knows it, else the preview clip, else the source path), so a playlist
// written next to catalog.json plays from there.
#include <cctype>
#include <cmath>
#include <cstdio>
#include <iterator>

#include "core/common/csv.h"
#include "core/query/playlist.h"

namespace cf::query {

namespace {

std::string location(const Catalog& cat, uint32_t t, const PlaylistExportOptions& o) {
    const TrackMeta& m = cat.tracks()[t];
    if (t < o.locations.size() && !o.locations[t].empty()) return o.base + o.locations[t];
    if (!m.preview.empty()) return o.base + "previews/" + m.preview;
    return o.base + m.path;
}

std::string creator(const TrackMeta& m) {
    if (!m.artist.empty()) return m.artist;
    return m.composer;
}

std::string display_title(const TrackMeta& m) { return m.title.empty() ? m.id : m.title; }

std::string one_line(std::string s) {
    for (char& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    return s;
}

std::string fixed(float v, int decimals) {
    if (!std::isfinite(v)) return "";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, double(v));
    return buf;
}

std::string xml_escaped(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default:
                if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') break;  // not allowed in XML 1.0
                out += char(c);
        }
    }
    return out;
}

// A relative URI reference: unreserved characters and '/' kept, everything else percent-encoded.
std::string uri_escaped(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        bool keep = std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/' || c == ':';
        if (keep) out += char(c);
        else out += '%', out += hex[c >> 4], out += hex[c & 15];
    }
    return out;
}

void element(std::string& out, const char* name, const std::string& value) {
    if (value.empty()) return;
    out += std::string("      <") + name + ">" + xml_escaped(value) + "</" + name + ">\n";
}

}  // namespace

std::string to_m3u8(const Catalog& catalog, const Playlist& playlist, const PlaylistExportOptions& options) {
    std::string out = "#EXTM3U\n#PLAYLIST:" + one_line(options.title) + "\n";
    for (const PlaylistEntry& e : playlist.entries) {
        const TrackMeta& m = catalog.tracks()[e.track];
        long seconds = std::isfinite(m.duration_s) ? std::lround(m.duration_s) : -1;
        std::string who = creator(m);
        out += "#EXTINF:" + std::to_string(seconds) + "," + one_line(who.empty() ? "" : who + " - ") +
               one_line(display_title(m)) + "\n";
        out += one_line(location(catalog, e.track, options)) + "\n";
    }
    return out;
}

std::string to_xspf(const Catalog& catalog, const Playlist& playlist, const PlaylistExportOptions& options) {
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<playlist version=\"1\" xmlns=\"http://xspf.org/ns/0/\">\n";
    out += "  <title>" + xml_escaped(options.title) + "</title>\n  <trackList>\n";
    for (const PlaylistEntry& e : playlist.entries) {
        const TrackMeta& m = catalog.tracks()[e.track];
        out += "    <track>\n";
        element(out, "location", uri_escaped(location(catalog, e.track, options)));
        element(out, "title", display_title(m));
        element(out, "creator", creator(m));
        std::string note = m.license.empty() ? m.attribution : m.license + (m.attribution.empty() ? "" : " · " + m.attribution);
        element(out, "annotation", note);
        if (std::isfinite(m.duration_s)) element(out, "duration", std::to_string(std::lround(m.duration_s * 1000)));
        out += "    </track>\n";
    }
    return out + "  </trackList>\n</playlist>\n";
}

std::string to_csv(const Catalog& catalog, const Playlist& playlist, const PlaylistExportOptions& options) {
    std::string out =
        "position,id,title,artist,composer,license,attribution,source,bpm,target_bpm,fit,transition_cost,location\r\n";
    for (size_t k = 0; k < playlist.entries.size(); ++k) {
        const PlaylistEntry& e = playlist.entries[k];
        const TrackMeta& m = catalog.tracks()[e.track];
        const std::string fields[] = {std::to_string(k + 1), m.id, m.title, m.artist, m.composer, m.license,
                                      m.attribution, m.source, fixed(m.bpm, 1), fixed(e.target_bpm, 1),
                                      fixed(e.fit, 3), fixed(e.transition_cost, 4), location(catalog, e.track, options)};
        for (size_t i = 0; i < std::size(fields); ++i) out += (i ? "," : "") + csv_field(fields[i]);
        out += "\r\n";
    }
    return out;
}

}  // namespace cf::query
