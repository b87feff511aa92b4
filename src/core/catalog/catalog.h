// cuefinder core — the catalog: what the browser downloads and searches.
//
//   // Build (the `catalog build` CLI does this after analysing each track):
//   cf::CatalogBuilder b(/*dim=*/200, "musicnn-msd-embedding");
//   cf::TrackMeta t; t.id = "warzone/track3"; t.title = "Track 3"; t.bpm = 120; ...
//   CF_RETURN_IF_ERROR(b.set_tag_labels({"msd:rock", …, "mtt:piano", …}));  // optional, before add_track
//   CF_RETURN_IF_ERROR(b.set_space(space));                   // optional (format v3): core/index/space.h
//   CF_RETURN_IF_ERROR(b.add_track(t, embedding, probs));     // float[dim], any norm ≠ 0; probs: one per label
//   CF_RETURN_IF_ERROR(b.write("out/catalog", {}));            // out/catalog/catalog.cfc + catalog.json
//
//   // Search (CLI natively; the app on a fetched ArrayBuffer copied into the WASM heap):
//   auto cat = cf::Catalog::open("out/catalog");                // a directory or a .cfc file
//   auto cat2 = cf::Catalog::open_buffer(std::move(bytes), "https://…/catalog.cfc");
//   cf::SearchOptions o; o.k = 5; o.filters.bpm_min = 100; o.filters.license_kinds = {"cc-by"};
//   auto hits = cat->search_track("warzone/track3", o);       // excludes the track itself
//   for (const cf::SearchHit& h : *hits) printf("%s %.3f\n", h.id.c_str(), h.score);
//   // A file's embedding (the analysis's, input_dim() values) meets the catalog through to_query():
//   auto q = cat->to_query(file_embedding);                   // the catalog's space, unit length
//   auto hits2 = cat->search(*q, o);
//   if (Status st = cat->space_status(); !st) warn(st.message());  // "catalog X was built before the learned …"
//
//   // Every track's full tag probabilities (when the catalog has TAGP), e.g. for text → music scoring:
//   // A track's timeline (beats, energy curve, window embeddings) for fitting it to a clip (core/fit/fit.h):
//   if (Status st = cat->timeline_status(); !st) return st;   // "catalog X was built before timelines (format v1): …"
//   cf::TrackTimeline tl = cat->timeline(track);
//
//   if (cat->has_tag_probs()) {
//       const size_t L = cat->tag_labels().size();             // "msd:rock", "mtt:piano", …
//       std::span<const uint8_t> codes = cat->tag_codes();     // size() × L, p ≈ code / 255
//       float p = cat->tag_prob(track, label_index);           // decoded, 0..1
//   }
//
// Files of a catalog directory (all static, servable by any web server):
//   catalog.cfc   the binary container (core/io/container.h) with the sections
//                 INFO (counts, dim, embedding name), META (per-track metadata), EF32 (unit-norm
//                 float32 embeddings, optional), SQ8P + SQ8C (per-dimension int8 codes, always),
//                 MAP2 (2-D map coordinates), IVFC/IVFL/PQCB/PQCD (IVF-PQ index, large catalogs only),
//                 TAGP (optional: the catalog's tag labels and every track's probability for each, uint8),
//                 TIML (optional, format v2: per-track timelines — beats, energy, window embeddings)
//                 SPCE (optional, format v3: the catalog's similarity space, core/index/space.h's
//                 serialize_space(); with it EF32, SQ8C, IVF and the TIML windows hold the space's
//                 images of the embeddings, INFO's dim is the space's dim_out and queries go through
//                 Catalog::to_query())
//                 INPT (with SPCE, required: every track's embedding in the space's INPUT, for the text
//                 matcher, which maps audio to words from the analysis's own embedding) payload: u32
//                 n_tracks, u32 dim_in, u32 encoding (1), u32 reserved; per track f32 scale + dim_in
//                 int8 codes (the unit-length input embedding ≈ code·scale); nothing after.
//                 TAGP payload (little-endian): u32 n_tracks (= INFO's), u32 n_labels L (1..4096),
//                 u32 encoding (1 = uint8 code = round(p·255)), u32 reserved (0); L labels, each u32 byte
//                 length (1..256) + UTF-8 bytes (unique, no newline); zeros to a multiple of 16 from the
//                 payload start; n_tracks × L codes, track-major; nothing after. Catalogs without TAGP
//                 open with tag_labels() empty; readers that predate TAGP ignore it.
//                 TIML (format v2 on, optional: per-track timelines for core/fit) payload: u32 n_tracks,
//                 u32 dim of the window embeddings (0 = none; else INFO's), u32 encoding (1), u32 reserved;
//                 then one record per track in track order, nothing after. A record: f32 duration_s
//                 (0 = this track has no timeline), f32 bpm (0 = no tempo), f32 beat_confidence (0..1),
//                 u32 n_beats, u32 n_energy, u32 n_windows; beat times; energy-point times; n_energy u8
//                 energy codes (dB = code·0.5 − 120, the analysis's RMS energy curve, 0.5 s hop); window
//                 centre times; per window f32 scale + dim int8 codes (the window's unit-length embedding
//                 ≈ code·scale). Times are ascending: each a u16 delta in ms from the previous (the first
//                 from 0), or 0xFFFF followed by a u32 delta. docs/catalog-format.md has the sizes.
//   catalog.json  the same metadata and map as JSON for the web page (the core does not read it)
//   previews/     preview clips named by TrackMeta::preview (written by the catalog CLI, not here)
//
// Similarity is cosine: embeddings are L2-normalised when the catalog is built and queries when they
// are searched, and the score is their dot product (1 = same direction). With a similarity space
// (SPCE) the embeddings are the space's unit-length images (whitened or learned, docs/catalog-format.md),
// so every vector from outside the catalog (a file's embedding) goes through to_query() first;
// search() takes vectors already in the catalog's space (embedding(), to_query()'s result).
//
// [SECTION] Track metadata
// [SECTION] Builder
// [SECTION] Search options and results
// [SECTION] Catalog
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"
#include "core/index/ivf_pq.h"
#include "core/index/quantizers.h"
#include "core/index/space.h"

namespace cf {

struct TrackTimeline;  // core/fit/fit.h: include it to call Catalog::timeline or pass one to add_track

// [SECTION] Track metadata -----------------------------------------------------------------------
inline constexpr size_t kNumMoods = 5;
/// Mood names in the order of TrackMeta::moods.
inline constexpr std::array<const char*, kNumMoods> kMoodNames = {"happy", "sad", "relaxed", "aggressive",
                                                                 "danceable"};
inline constexpr float kUnknown = std::numeric_limits<float>::quiet_NaN();

struct TagScore {
    std::string label;  ///< e.g. "rock" (an MSD tag)
    float prob = 0.0f;  ///< 0..1
};

struct TrackMeta {
    std::string id;           ///< unique, non-empty (e.g. "supertux/airship_2")
    std::string title;
    std::string artist;
    std::string composer;
    std::string genre;
    std::string source;       ///< where it came from, e.g. the Debian package
    std::string license;      ///< as written by the source ("CC-BY-SA-3.0", "GPL-2+")
    std::string attribution;  ///< text to show next to the track
    std::string path;         ///< the source file as given to the builder
    std::string preview;      ///< preview clip file name inside previews/, or empty
    float duration_s = kUnknown;
    float bpm = kUnknown;
    float bpm_confidence = kUnknown;  ///< 0..1
    float loudness_lufs = kUnknown;
    std::vector<TagScore> top_tags;   ///< best first
    std::array<float, kNumMoods> moods = {kUnknown, kUnknown, kUnknown, kUnknown, kUnknown};  ///< 0..1, see kMoodNames
    float segment_start_s = kUnknown;     ///< representative segment
    float segment_duration_s = kUnknown;
};

/// The kind of a license string, for filtering: "public-domain" (incl. CC0), "cc-by", "cc-by-sa",
/// "cc-by-nc" (any NC variant), "gpl", "lgpl", "artistic", "mit-bsd", or "other". Case-insensitive
/// heuristic over SPDX-like names and free text ("Creative Commons Attribution-ShareAlike 3.0").
std::string license_kind(std::string_view license);

enum class MapKind : uint32_t { none = 0, tsne = 1, pca = 2 };

/// Limits of the TAGP section (checked by the builder and the reader).
inline constexpr size_t kMaxTagLabels = 4096;
inline constexpr size_t kMaxTagLabelBytes = 256;

// [SECTION] Builder ------------------------------------------------------------------------------
struct CatalogBuildOptions {
    bool store_float = true;        ///< write EF32 (float32 originals: exact re-rank; 4·dim bytes/track)
    size_t ivf_min_tracks = 20000;  ///< build the IVF-PQ index from this many tracks on (brute force below)
    index::IvfPqOptions ivf;        ///< index parameters (0 = automatic)
};

class CatalogBuilder {
public:
    /// `dim` floats per embedding; `embedding_name` is recorded (e.g. "musicnn-msd-embedding-200").
    explicit CatalogBuilder(size_t dim, std::string embedding_name = "");

    /// The tag (concept) labels every track gets a probability for, written "<set>:<label>" (e.g.
    /// "msd:rock", "mtt:piano"), stored in the optional TAGP section. Call before the first add_track.
    /// Errors (invalid_argument): tracks already added, no labels, an empty label, a repeated label, a
    /// label longer than kMaxTagLabelBytes or containing a newline, more than kMaxTagLabels labels.
    Status set_tag_labels(std::vector<std::string> labels);
    const std::vector<std::string>& tag_labels() const { return tag_labels_; }

    /// The catalog's similarity space (core/index/space.h, fitted on these tracks' windows), stored in
    /// SPCE; the catalog is then written as format v3. Call before the first add_track: add_track then
    /// takes embeddings and timeline windows in the space's input (space.dim_in must be dim()) and
    /// stores their images (space.dim_out values each). Without a space the plain unit embedding is
    /// stored and the file is format v2, readable by older cuefinder builds.
    /// Errors (invalid_argument): tracks already added, dim_in ≠ dim(), an inconsistent space.
    Status set_space(index::Space space);
    const std::optional<index::Space>& space() const { return space_; }
    /// Values per stored embedding: the space's dim_out, else dim().
    size_t stored_dim() const { return space_ ? space_->dim_out : dim_; }
    /// The stored unit embeddings so far, size() × stored_dim() (e.g. the map's t-SNE input).
    const std::vector<float>& stored_embeddings() const { return embeddings_; }

    /// Adds one track. `tag_probs`: one probability (0..1) per tag label, in label order; required when
    /// set_tag_labels() was called, empty otherwise. Stored as round(p·255).
    /// Errors (invalid_argument, naming the track): empty or repeated id, embedding of the wrong size,
    /// non-finite or all-zero embedding, tag_probs of the wrong size or with NaN/out-of-range values.
    /// `timeline` (optional): the track's beats, energy curve and window embeddings (dim values each, or
    /// none), stored in the TIML section when any track has one; errors name the track and the problem
    /// (unsorted times, NaN, windows of another dim).
    /// `stored_image` (optional, with a space only): the track's image to store instead of
    /// space().apply(embedding) — for a fused space (core/index/space.h FusedSpaces::track_image: the
    /// catalog's tracks placed by two models, queries by the space's input alone); stored_dim() values,
    /// finite, nonzero (scaled to unit length). INPT keeps `embedding`.
    Status add_track(TrackMeta meta, std::span<const float> embedding, std::span<const float> tag_probs = {},
                     const TrackTimeline* timeline = nullptr, std::span<const float> stored_image = {});
    /// Map coordinates (x, y per track, in add order) from t-SNE or another layout; without this call
    /// the builder computes a PCA projection. Errors: wrong size, non-finite values.
    Status set_map(std::span<const float> xy, MapKind kind = MapKind::tsne);
    size_t size() const { return tracks_.size(); }
    size_t dim() const { return dim_; }

    /// The catalog.cfc bytes. Deterministic: same tracks, order and options → identical bytes.
    /// Errors: invalid_argument for an empty catalog.
    Result<std::vector<uint8_t>> build(const CatalogBuildOptions& options) const;
    /// The catalog.json text (metadata + map) for the web page.
    std::string build_json() const;
    /// Creates `dir` if needed and writes catalog.cfc and catalog.json into it.
    Status write(const std::string& dir, const CatalogBuildOptions& options) const;

private:
    std::vector<float> map_or_pca() const;
    size_t dim_;
    std::string embedding_name_;
    std::vector<TrackMeta> tracks_;
    std::vector<float> embeddings_;  ///< unit-norm, n × stored_dim()
    std::vector<float> input_embeddings_;  ///< with a space: unit-norm inputs, n × dim (INPT)
    std::vector<float> map_xy_;
    MapKind map_kind_ = MapKind::none;
    std::vector<std::string> tag_labels_;
    std::vector<uint8_t> tag_codes_;  ///< n × tag_labels_.size(), round(p·255)
    std::vector<std::vector<uint8_t>> timeline_records_;  ///< one TIML record per track (empty: none)
    bool any_timeline_ = false;
    std::optional<index::Space> space_;
};

// [SECTION] Search options and results -----------------------------------------------------------
/// Filters are applied before the top-k, so k results come back whenever ≥ k tracks pass.
/// An unset bound is no constraint; a track whose value is unknown (NaN) fails a set bound.
struct SearchFilters {
    std::optional<float> bpm_min, bpm_max;
    std::optional<float> duration_min_s, duration_max_s;
    std::array<std::optional<float>, kNumMoods> mood_min;  ///< per kMoodNames: moods[i] ≥ mood_min[i]
    std::vector<std::string> license_kinds;  ///< allowed license_kind() values; empty = any
    /// Per track, nonzero = may pass (e.g. the tracks a custom tag fits: core/query/few_shot.h); null =
    /// any. A track beyond its end fails. Shared, so copies of the options stay cheap.
    std::shared_ptr<const std::vector<uint8_t>> allowed_tracks;

    bool active() const;
};

struct SearchOptions {
    size_t k = 10;
    SearchFilters filters;
    std::optional<uint32_t> exclude_track;  ///< track index to leave out (search_track sets it)
    size_t nprobe = 0;      ///< IVF lists to probe; 0 = 32 (recall saturates at 16–32 in docs/benchmarks/search.md)
    size_t n_rerank = 0;    ///< IVF candidates re-ranked exactly; 0 = max(50·k, 500)
    bool exact = false;     ///< force an exhaustive scan (float32 if stored, else int8)
    size_t exhaustive_max_tracks = 20000;  ///< scan exhaustively when at most this many tracks pass
    std::vector<TagScore> query_tags;  ///< optional, for SearchHit::shared_tags
    std::array<float, kNumMoods> query_moods = {kUnknown, kUnknown, kUnknown, kUnknown, kUnknown};
    float tag_min_prob = 0.1f;   ///< a tag is "shared" when both have it in their top tags with ≥ this
    float mood_min_prob = 0.5f;  ///< a mood is "shared" when both are ≥ this
};

struct SearchHit {
    uint32_t track = 0;  ///< index into Catalog::tracks()
    std::string id;
    float score = 0.0f;  ///< cosine similarity (exact from float32, or from int8 codes without EF32)
    /// The score calibrated against the catalog, 0..100 (core/match/calibration.h: percent of the
    /// catalog's nearest-neighbour similarities below it); NaN until a MatchCalibration is applied.
    float match_percent = kUnknown;
    std::vector<std::string> shared_tags;   ///< why it matched: tags both have (query's order)
    std::vector<std::string> shared_moods;  ///< moods both have ≥ mood_min_prob
    /// What stands out: "both: piano, sad · more: drums", or "similar overall" (set by query::QueryEngine
    /// when the query's concept values are known: core/query/match_why.h); "" otherwise.
    std::string why;
};

// [SECTION] Catalog ------------------------------------------------------------------------------
class Catalog {
public:
    /// Opens `path`: a catalog directory (reads path/catalog.cfc) or a .cfc file.
    static Result<Catalog> open(const std::string& path);
    /// Opens catalog.cfc bytes (e.g. a fetched ArrayBuffer); `name` is used in messages.
    static Result<Catalog> open_buffer(std::vector<uint8_t> bytes, const std::string& name);
    /// Like open_buffer but copies from a borrowed span.
    static Result<Catalog> open_memory(std::span<const uint8_t> bytes, const std::string& name);

    size_t size() const { return tracks_.size(); }
    /// Values per stored embedding (the space's dim_out with a space): what search() takes.
    size_t dim() const { return dim_; }
    /// Values of a file's embedding for to_query(): the space's dim_in, else dim().
    size_t input_dim() const { return space_ ? space_->dim_in : dim_; }
    const std::string& embedding_name() const { return embedding_name_; }
    const std::vector<TrackMeta>& tracks() const { return tracks_; }
    /// Map coordinates, size() × 2, and where they came from.
    const std::vector<float>& map_xy() const { return map_xy_; }
    MapKind map_kind() const { return map_kind_; }
    bool has_float() const { return !embeddings_.empty(); }
    bool has_index() const { return has_ivf_; }
    const index::IvfPqIndex& ivf() const { return ivf_; }
    /// Track index of `id`, or nullopt.
    std::optional<uint32_t> find(std::string_view id) const;
    /// The track's unit-norm embedding (float32, or dequantized int8 without EF32).
    std::vector<float> embedding(uint32_t track) const;
    /// The same into `out` (dim() floats), without allocating: for passes over every track.
    void embedding_into(uint32_t track, float* out) const;
    /// The track's unit-norm embedding in the space's input (input_dim() values): what a file's
    /// analysis gives, for the text matcher. Without a space: embedding(track). With one: from INPT
    /// (int8, ≈ 0.4 % per value).
    std::vector<float> input_embedding(uint32_t track) const;
    /// Whether a track passes the filters.
    bool passes(uint32_t track, const SearchFilters& filters) const;

    /// Tag labels of the TAGP section ("msd:rock", …), empty when the catalog has none.
    const std::vector<std::string>& tag_labels() const { return tag_labels_; }
    bool has_tag_probs() const { return !tag_labels_.empty(); }
    /// Probability (0..1, quantised to 1/255) of tag `label` (index into tag_labels()) for `track`.
    /// CF_ASSERT: has_tag_probs(), track < size(), label < tag_labels().size().
    float tag_prob(uint32_t track, size_t label) const;
    /// All tag_labels().size() probabilities of `track` into `out`, in label order.
    void tag_probs(uint32_t track, float* out) const;
    /// The raw codes, size() × tag_labels().size() row-major (track-major); p = code / 255.
    /// Empty without TAGP.
    std::span<const uint8_t> tag_codes() const { return tag_codes_; }

    /// The container's format version (1: before timelines; 2: plain builds; 3: with a similarity space).
    uint32_t format_version() const { return format_version_; }
    /// Whether the catalog has per-track timelines (TIML), needed to fit its tracks to a clip.
    bool has_timeline() const { return !timeline_offsets_.empty(); }
    /// OK with timelines, else unsupported_format saying what the catalog lacks and how to get it:
    /// "catalog X was built before timelines (format v1): rebuild it with ./cuefinder catalog build to
    /// fit tracks to a clip".
    Status timeline_status() const;
    /// Track `track`'s timeline (core/fit/fit.h), decoded: beats (±0.5 ms), energy curve (dB, 0.5 dB
    /// steps), window centre times and their unit-length embeddings (int8, ≈ 0.4 % per value). A track
    /// built without a timeline gets its metadata's duration and bpm and empty series.
    /// CF_ASSERT: has_timeline(), track < size().
    TrackTimeline timeline(uint32_t track) const;
    /// Bytes of the TIML section (0 without): its size per track is timeline_section_bytes() / size().
    size_t timeline_section_bytes() const { return timeline_bytes_.size(); }

    /// The catalog's similarity space (format v3, SPCE), or nullopt (older catalogs, plain builds).
    const std::optional<index::Space>& space() const { return space_; }
    /// A file's embedding (input_dim() values, any nonzero norm; e.g. an analysis's mean embedding) as
    /// a query in this catalog's space: the space applied, unit length. Without a space it is the input
    /// itself (search() scales it to unit length, as it always did: old catalogs search exactly as
    /// before). Errors (invalid_argument): wrong size, NaN/Inf, all zeros, or a vector the space sends to 0.
    Result<std::vector<float>> to_query(std::span<const float> input) const;
    /// OK with a similarity space, else unsupported_format with the note for people: "catalog X was
    /// built before the learned similarity space (format v2): search uses the plain embedding; rebuild
    /// it with ./cuefinder catalog build" (or "has no learned similarity space" for a v3 file without).
    Status space_status() const;

    /// Top-k tracks by cosine similarity to `query` (dim floats, any nonzero norm), best first.
    /// `query` is in the catalog's space: embedding(t), or to_query() of a file's embedding.
    /// Errors: invalid_argument (wrong size, non-finite or zero query, k = 0).
    Result<std::vector<SearchHit>> search(std::span<const float> query, const SearchOptions& options) const;
    /// Search with a track's own embedding, tags and moods; the track itself is excluded.
    /// Errors: not_found naming the id.
    Result<std::vector<SearchHit>> search_track(std::string_view id, const SearchOptions& options) const;

private:
    Status load(const std::string& name);
    Status load_timelines(std::span<const uint8_t> payload, uint32_t n);
    Status load_inputs(std::optional<std::span<const uint8_t>> payload, uint32_t n);
    float exact_score(const float* unit_query, const index::ScalarQuantizer8::Query& sq_query, uint32_t t) const;

    std::vector<uint8_t> bytes_;
    std::string name_;
    size_t dim_ = 0;
    std::string embedding_name_;
    std::vector<TrackMeta> tracks_;
    std::vector<std::string> license_kinds_;  ///< license_kind() per track
    std::vector<float> embeddings_;           ///< n × dim unit-norm, empty without EF32
    index::ScalarQuantizer8 sq_;
    std::vector<int8_t> sq_codes_;  ///< n × dim
    std::vector<float> input_scales_;  ///< INPT: per track
    std::vector<int8_t> input_codes_;  ///< INPT: n × input_dim()
    std::vector<float> map_xy_;
    MapKind map_kind_ = MapKind::none;
    bool has_ivf_ = false;
    index::IvfPqIndex ivf_;
    std::vector<std::string> tag_labels_;
    std::vector<uint8_t> tag_codes_;  ///< n × tag_labels_.size()
    uint32_t format_version_ = 0;
    std::vector<uint8_t> timeline_bytes_;   ///< the TIML payload, validated (decoded per call)
    std::vector<size_t> timeline_offsets_;  ///< per track: its record's offset in timeline_bytes_
    size_t timeline_dim_ = 0;
    std::optional<index::Space> space_;
};

/// Upgrading a catalog without analysing anything again (./cuefinder catalog upgrade): a builder holding
/// `old`'s tracks — metadata, tag probabilities, timelines (TIML, int8), map — with `space` set, the
/// stored embeddings as the space's input. `space` is fitted on old's stored timeline windows (unit
/// length, int8: Catalog::timeline(t).embeddings). Errors (invalid_argument): `old` already has a space
/// (its stored vectors are not the space's input), a space of another input dim, a track the space
/// cannot map (naming it).
Result<CatalogBuilder> upgrade_builder(const Catalog& old, index::Space space);

}  // namespace cf
