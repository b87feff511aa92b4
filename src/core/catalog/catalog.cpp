#include "core/catalog/catalog.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <sys/stat.h>
#include <unordered_set>

#include "core/catalog/detail/timeline_section.h"
#include "core/fit/fit.h"
#include "core/io/container.h"
#include "core/common/json.h"
#include "core/index/kernels.h"
#include "core/map/pca.h"
#include "core/rhythm/tempo_reading.h"

namespace cf {

namespace {

constexpr size_t kMaxTags = 64;          // per track, checked when reading
constexpr uint32_t kTagpEncodingU8 = 1;  // TAGP code = round(p·255)

/// Empty string when `labels` is a valid TAGP label list, else what is wrong with it.
std::string tag_labels_problem(const std::vector<std::string>& labels) {
    if (labels.empty()) return "no tag labels";
    if (labels.size() > kMaxTagLabels)
        return std::to_string(labels.size()) + " tag labels (max " + std::to_string(kMaxTagLabels) + ")";
    std::unordered_set<std::string_view> seen;
    for (size_t i = 0; i < labels.size(); ++i) {
        const std::string& l = labels[i];
        if (l.empty()) return "tag label " + std::to_string(i) + " is empty";
        if (l.size() > kMaxTagLabelBytes)
            return "tag label " + std::to_string(i) + " is longer than " + std::to_string(kMaxTagLabelBytes) + " bytes";
        if (l.find_first_of("\n\r") != std::string::npos) return "tag label " + std::to_string(i) + " contains a newline";
        if (!seen.insert(l).second) return "tag label \"" + l + "\" repeated";
    }
    return "";
}

bool all_finite(const float* x, size_t n) {
    for (size_t i = 0; i < n; ++i)
        if (!std::isfinite(x[i])) return false;
    return true;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool contains(const std::string& s, const char* needle) { return s.find(needle) != std::string::npos; }


// One catalog.json track: metadata, map position (x, y), moods in kMoodNames order, [tag, p] pairs.
std::string track_json(const TrackMeta& t, float x, float y) {
    JsonWriter w;
    w.begin_object();
    const std::pair<const char*, const std::string*> strings[] = {
        {"id", &t.id}, {"title", &t.title}, {"artist", &t.artist}, {"composer", &t.composer},
        {"genre", &t.genre}, {"source", &t.source}, {"license", &t.license},
        {"attribution", &t.attribution}, {"path", &t.path}, {"preview", &t.preview}};
    for (const auto& [key, text] : strings) w.key(key).value(*text);
    w.key("license_kind").value(license_kind(t.license));
    const std::pair<const char*, float> numbers[] = {
        {"duration_s", t.duration_s}, {"bpm", t.bpm}, {"bpm_confidence", t.bpm_confidence},
        {"loudness_lufs", t.loudness_lufs}, {"segment_start_s", t.segment_start_s},
        {"segment_duration_s", t.segment_duration_s}, {"x", x}, {"y", y}};
    for (const auto& [key, v] : numbers) w.key(key).number(v);
    w.key("moods").numbers(t.moods.data(), t.moods.size());
    w.key("tags").begin_array();
    for (const TagScore& tag : t.top_tags) w.begin_array().value(tag.label).number(tag.prob).end_array();
    w.end_array();
    w.end_object();
    return w.take();
}

void write_meta(PayloadWriter& w, const TrackMeta& t) {
    for (const std::string* s : {&t.id, &t.title, &t.artist, &t.composer, &t.genre, &t.source, &t.license,
                                 &t.attribution, &t.path, &t.preview})
        w.str(*s);
    for (float v : {t.duration_s, t.bpm, t.bpm_confidence, t.loudness_lufs, t.segment_start_s, t.segment_duration_s})
        w.f32(v);
    for (float m : t.moods) w.f32(m);
    w.u32(uint32_t(t.top_tags.size()));
    for (const TagScore& tag : t.top_tags) { w.str(tag.label); w.f32(tag.prob); }
}

bool read_meta(PayloadReader& r, TrackMeta& t) {
    for (std::string* s : {&t.id, &t.title, &t.artist, &t.composer, &t.genre, &t.source, &t.license,
                           &t.attribution, &t.path, &t.preview})
        if (!r.str(*s, 1 << 16)) return false;
    for (float* v : {&t.duration_s, &t.bpm, &t.bpm_confidence, &t.loudness_lufs, &t.segment_start_s,
                     &t.segment_duration_s})
        if (!r.f32(*v)) return false;
    for (float& m : t.moods) if (!r.f32(m)) return false;
    uint32_t n_tags = 0;
    if (!r.u32(n_tags)) return false;
    if (n_tags > kMaxTags) return r.fail("track " + t.id + " has " + std::to_string(n_tags) + " tags (max 64)");
    t.top_tags.resize(n_tags);
    for (TagScore& tag : t.top_tags)
        if (!r.str(tag.label, 256) || !r.f32(tag.prob)) return false;
    return true;
}

// INPT: one unit vector as f32 scale + int8 codes (max |value| → 127).
void write_input_record(PayloadWriter& w, const float* v, size_t dim) {
    float peak = 0.0f;
    for (size_t k = 0; k < dim; ++k) peak = std::max(peak, std::fabs(v[k]));
    const float scale = peak > 0.0f ? peak / 127.0f : 1.0f;
    w.f32(scale);
    for (size_t k = 0; k < dim; ++k) w.u8(uint8_t(int8_t(std::lround(v[k] / scale))));
}

constexpr uint32_t kInputEncoding = 1;  // INPT: per track f32 scale + int8 codes

}  // namespace

std::string license_kind(std::string_view license) {
    const std::string l = lower(license);
    if (l.empty()) return "other";
    if (contains(l, "cc0") || contains(l, "public domain") || contains(l, "public-domain") || contains(l, "unlicense"))
        return "public-domain";
    if (contains(l, "lgpl") || contains(l, "lesser general")) return "lgpl";
    if (contains(l, "gpl") || contains(l, "general public")) return "gpl";
    const bool cc = contains(l, "cc-") || contains(l, "cc ") || contains(l, "creative commons");
    if (cc || contains(l, "attribution")) {
        if (contains(l, "-nc") || contains(l, "noncommercial") || contains(l, "non-commercial"))
            return "cc-by-nc";
        if (contains(l, "-sa") || contains(l, "sharealike") || contains(l, "share-alike") || contains(l, "share alike"))
            return "cc-by-sa";
        return "cc-by";
    }
    if (contains(l, "artistic")) return "artistic";
    if (contains(l, "mit") || contains(l, "bsd") || contains(l, "expat") || contains(l, "zlib")) return "mit-bsd";
    return "other";
}

// ---- Builder -------------------------------------------------------------------------------------
CatalogBuilder::CatalogBuilder(size_t dim, std::string embedding_name)
    : dim_(dim), embedding_name_(std::move(embedding_name)) {
    CF_ASSERT(dim > 0);
}

Status CatalogBuilder::set_tag_labels(std::vector<std::string> labels) {
    if (!tracks_.empty())
        return Status(ErrorCode::invalid_argument, "catalog: set_tag_labels after " + std::to_string(tracks_.size()) +
                                                       " tracks were added (call it before add_track)");
    const std::string problem = tag_labels_problem(labels);
    if (!problem.empty()) return Status(ErrorCode::invalid_argument, "catalog: " + problem);
    tag_labels_ = std::move(labels);
    return Status::ok();
}

Status CatalogBuilder::set_space(index::Space space) {
    if (!tracks_.empty())
        return Status(ErrorCode::invalid_argument, "catalog: set_space after " + std::to_string(tracks_.size()) +
                                                       " tracks were added (call it before add_track)");
    if (space.dim_in != dim_)
        return Status(ErrorCode::invalid_argument, "catalog: the space \"" + space.name + "\" takes " +
                                                       std::to_string(space.dim_in) + " values, the catalog's embeddings have " +
                                                       std::to_string(dim_));
    if (space.dim_out == 0 || space.mean.size() != space.dim_in || space.matrix.size() != space.dim_in * space.dim_out ||
        !all_finite(space.mean.data(), space.mean.size()) || !all_finite(space.matrix.data(), space.matrix.size()))
        return Status(ErrorCode::invalid_argument, "catalog: the space \"" + space.name + "\" is empty, inconsistent or has NaN/Inf values");
    space_ = std::move(space);
    return Status::ok();
}

namespace {

// The timeline with its windows mapped through `space` (each window's image at unit length).
Result<TrackTimeline> timeline_in_space(const TrackTimeline& t, const index::Space& space) {
    TrackTimeline out = t;
    const size_t n = t.embedding_times_s.size();
    if (n == 0) return out;
    out.embedding_dim = space.dim_out;
    out.embeddings.assign(n * space.dim_out, 0.0f);
    for (size_t i = 0; i < n; ++i) {
        const Status st = space.apply(std::span<const float>(t.embeddings.data() + i * t.embedding_dim, t.embedding_dim),
                                      std::span<float>(out.embeddings.data() + i * space.dim_out, space.dim_out));
        if (!st) return Status(ErrorCode::invalid_argument, "window " + std::to_string(i) + ": " + st.message());
    }
    return out;
}

}  // namespace

Status CatalogBuilder::add_track(TrackMeta meta, std::span<const float> embedding, std::span<const float> tag_probs,
                                 const TrackTimeline* timeline, std::span<const float> stored_image) {
    const std::string who = "track \"" + meta.id + "\"";
    if (meta.id.empty()) return Status(ErrorCode::invalid_argument, "catalog: a track has an empty id");
    for (const TrackMeta& t : tracks_)
        if (t.id == meta.id) return Status(ErrorCode::invalid_argument, "catalog: " + who + " added twice");
    if (embedding.size() != dim_)
        return Status(ErrorCode::invalid_argument, "catalog: " + who + ": embedding has " +
                                                       std::to_string(embedding.size()) + " values, expected " +
                                                       std::to_string(dim_));
    if (!all_finite(embedding.data(), embedding.size()))
        return Status(ErrorCode::invalid_argument, "catalog: " + who + ": embedding has NaN/Inf values");
    std::vector<float> e(embedding.begin(), embedding.end());
    if (index::normalize_l2(e.data(), dim_) == 0.0f)
        return Status(ErrorCode::invalid_argument, "catalog: " + who + ": embedding is all zeros");
    const std::vector<float> input = e;
    if (!stored_image.empty()) {
        if (!space_) return Status(ErrorCode::invalid_argument, "catalog: " + who + ": a stored image needs a space (set_space)");
        if (stored_image.size() != space_->dim_out || !all_finite(stored_image.data(), stored_image.size()))
            return Status(ErrorCode::invalid_argument, "catalog: " + who + ": stored image has " + std::to_string(stored_image.size()) +
                                                           " values (expected " + std::to_string(space_->dim_out) + ", finite)");
        e.assign(stored_image.begin(), stored_image.end());
        if (index::normalize_l2(e.data(), e.size()) == 0.0f)
            return Status(ErrorCode::invalid_argument, "catalog: " + who + ": stored image is all zeros");
    } else if (space_) {
        auto image = space_->apply(embedding);
        if (!image) return Status(ErrorCode::invalid_argument, "catalog: " + who + ": embedding: " + image.status().message());
        e = std::move(*image);
    }
    if (tag_probs.size() != tag_labels_.size()) {
        if (tag_labels_.empty())
            return Status(ErrorCode::invalid_argument, "catalog: " + who + ": has " + std::to_string(tag_probs.size()) +
                                                           " tag probabilities but the catalog has no tag labels");
        return Status(ErrorCode::invalid_argument, "catalog: " + who + ": has " + std::to_string(tag_probs.size()) +
                                                       " tag probabilities, expected one per tag label (" +
                                                       std::to_string(tag_labels_.size()) + ")");
    }
    for (size_t i = 0; i < tag_probs.size(); ++i) {
        const float p = tag_probs[i];
        if (!(p >= 0.0f && p <= 1.0f)) {  // NaN fails both
            char v[32];
            std::snprintf(v, sizeof v, "%g", double(p));
            return Status(ErrorCode::invalid_argument, "catalog: " + who + ": tag probability " + v + " for \"" +
                                                           tag_labels_[i] + "\" is not in [0, 1]");
        }
    }
    std::optional<TrackTimeline> mapped;
    if (timeline) {
        const std::string problem = catalog_detail::timeline_problem(*timeline, dim_);
        if (!problem.empty()) return Status(ErrorCode::invalid_argument, "catalog: " + who + ": timeline: " + problem);
        if (space_) {
            auto m = timeline_in_space(*timeline, *space_);
            if (!m) return Status(ErrorCode::invalid_argument, "catalog: " + who + ": timeline: " + m.status().message());
            mapped = std::move(*m);
        }
    }
    PayloadWriter record;
    catalog_detail::write_timeline_record(record, mapped ? &*mapped : timeline, stored_dim());
    timeline_records_.push_back(std::move(record.bytes()));
    any_timeline_ = any_timeline_ || timeline;
    if (meta.top_tags.size() > kMaxTags) meta.top_tags.resize(kMaxTags);
    for (const float p : tag_probs) tag_codes_.push_back(uint8_t(std::lround(double(p) * 255.0)));
    tracks_.push_back(std::move(meta));
    embeddings_.insert(embeddings_.end(), e.begin(), e.end());
    if (space_) input_embeddings_.insert(input_embeddings_.end(), input.begin(), input.end());
    return Status::ok();
}

Result<CatalogBuilder> upgrade_builder(const Catalog& old, index::Space space) {
    if (old.space())
        return Status(ErrorCode::invalid_argument, "catalog upgrade: the catalog already has a similarity space (" + old.space()->name +
                                                       "): rebuild it with ./cuefinder catalog build to change it");
    CatalogBuilder b(old.dim(), old.embedding_name());
    if (!old.tag_labels().empty()) CF_RETURN_IF_ERROR(b.set_tag_labels(old.tag_labels()));
    CF_RETURN_IF_ERROR(b.set_space(std::move(space)));
    std::vector<float> probs(old.tag_labels().size());
    for (uint32_t t = 0; t < old.size(); ++t) {
        if (!probs.empty()) old.tag_probs(t, probs.data());
        std::optional<TrackTimeline> tl;
        if (old.has_timeline()) tl = old.timeline(t);
        // A track added without a timeline decodes with empty series: it stays without one.
        const bool none = tl && tl->beats_s.empty() && tl->energy_times_s.empty() && tl->embedding_times_s.empty();
        CF_RETURN_IF_ERROR(b.add_track(old.tracks()[t], old.embedding(t), probs, tl && !none ? &*tl : nullptr));
    }
    if (old.map_kind() != MapKind::none) CF_RETURN_IF_ERROR(b.set_map(old.map_xy(), old.map_kind()));
    return b;
}

Status CatalogBuilder::set_map(std::span<const float> xy, MapKind kind) {
    if (xy.size() != tracks_.size() * 2)
        return Status(ErrorCode::invalid_argument, "catalog: map has " + std::to_string(xy.size()) +
                                                       " values, expected 2 × " + std::to_string(tracks_.size()));
    if (!all_finite(xy.data(), xy.size()))
        return Status(ErrorCode::invalid_argument, "catalog: map has NaN/Inf coordinates");
    map_xy_.assign(xy.begin(), xy.end());
    map_kind_ = kind;
    return Status::ok();
}

std::vector<float> CatalogBuilder::map_or_pca() const {
    if (map_xy_.size() == tracks_.size() * 2 && map_kind_ != MapKind::none) return map_xy_;
    auto xy = pca_2d(embeddings_.data(), tracks_.size(), stored_dim());
    return xy ? std::move(*xy) : std::vector<float>(tracks_.size() * 2, 0.0f);
}

Result<std::vector<uint8_t>> CatalogBuilder::build(const CatalogBuildOptions& options) const {
    const size_t n = tracks_.size();
    const size_t dim = stored_dim();  // every stored vector has the space's dim
    if (n == 0) return Status(ErrorCode::invalid_argument, "catalog: no tracks to build a catalog from");
    ContainerWriter cw;
    const bool have_map = map_xy_.size() == n * 2 && map_kind_ != MapKind::none;
    {
        PayloadWriter w;
        w.u32(uint32_t(n));
        w.u32(uint32_t(dim));
        w.u32(uint32_t(kNumMoods));
        w.u32(uint32_t(have_map ? map_kind_ : MapKind::pca));
        w.str(embedding_name_);
        cw.add_section("INFO", std::move(w.bytes()));
    }
    {
        PayloadWriter w;
        for (const TrackMeta& t : tracks_) write_meta(w, t);
        cw.add_section("META", std::move(w.bytes()));
    }
    if (options.store_float) {
        PayloadWriter w;
        w.u32(uint32_t(n));
        w.u32(uint32_t(dim));
        w.align(16);
        w.raw(embeddings_.data(), embeddings_.size() * 4);
        cw.add_section("EF32", std::move(w.bytes()));
    }
    const index::ScalarQuantizer8 sq = index::ScalarQuantizer8::train(embeddings_.data(), n, dim);
    {
        PayloadWriter w;
        w.u32(uint32_t(dim));
        w.align(16);
        w.raw(sq.scale.data(), dim * 4);
        w.raw(sq.offset.data(), dim * 4);
        cw.add_section("SQ8P", std::move(w.bytes()));
    }
    {
        const std::vector<int8_t> codes = sq.encode_all(embeddings_.data(), n);
        PayloadWriter w;
        w.u32(uint32_t(n));
        w.u32(uint32_t(dim));
        w.align(16);
        w.raw(codes.data(), codes.size());
        cw.add_section("SQ8C", std::move(w.bytes()));
    }
    {
        const std::vector<float> xy = map_or_pca();
        PayloadWriter w;
        w.u32(uint32_t(n));
        w.u32(0);
        w.raw(xy.data(), xy.size() * 4);
        cw.add_section("MAP2", std::move(w.bytes()));
    }
    if (!tag_labels_.empty()) {
        CF_ASSERT(tag_codes_.size() == n * tag_labels_.size());
        PayloadWriter w;
        w.u32(uint32_t(n));
        w.u32(uint32_t(tag_labels_.size()));
        w.u32(kTagpEncodingU8);
        w.u32(0);
        for (const std::string& l : tag_labels_) w.str(l);
        w.align(16);
        w.raw(tag_codes_.data(), tag_codes_.size());
        cw.add_section("TAGP", std::move(w.bytes()));
    }
    if (any_timeline_) {
        PayloadWriter w;
        w.u32(uint32_t(n));
        w.u32(uint32_t(dim));
        w.u32(catalog_detail::kTimelineEncoding);
        w.u32(0);
        for (const std::vector<uint8_t>& record : timeline_records_) w.raw(record.data(), record.size());
        cw.add_section("TIML", std::move(w.bytes()));
    }
    if (space_) {
        cw.add_section("SPCE", index::serialize_space(*space_));
        PayloadWriter w;
        w.u32(uint32_t(n));
        w.u32(uint32_t(dim_));
        w.u32(kInputEncoding);
        w.u32(0);
        for (size_t t = 0; t < n; ++t) write_input_record(w, input_embeddings_.data() + t * dim_, dim_);
        cw.add_section("INPT", std::move(w.bytes()));
    }
    if (n >= options.ivf_min_tracks) {
        const index::IvfPqIndex ix = index::IvfPqIndex::build(embeddings_.data(), n, dim, options.ivf);
        ix.write(cw);
    }
    return cw.finish(space_ ? 3 : 2);  // v2 readers open a catalog without a space
}

std::string CatalogBuilder::build_json() const {
    const std::vector<float> xy = map_or_pca();
    const bool have_map = map_xy_.size() == tracks_.size() * 2 && map_kind_ != MapKind::none;
    // One track per line (the page's file is diffable and greppable): the track list is joined here.
    std::string track_list = "[\n";
    for (size_t i = 0; i < tracks_.size(); ++i) {
        if (i) track_list += ",\n";
        track_list += track_json(tracks_[i], xy[i * 2], xy[i * 2 + 1]);
    }
    track_list += "\n]";
    JsonWriter w;
    w.begin_object();
    w.key("format").value("cuefinder-catalog");
    w.key("version").value(space_ ? 3 : 2);
    w.key("n_tracks").value(tracks_.size());
    w.key("dim").value(stored_dim());
    w.key("embedding").value(embedding_name_);
    if (space_) w.key("space").begin_object().key("name").value(space_->name).key("input").value(space_->input)
                    .key("dim_in").value(space_->dim_in).key("dim_out").value(space_->dim_out).end_object();
    w.key("map_kind").value(have_map && map_kind_ == MapKind::tsne ? "tsne" : "pca");
    w.key("moods").begin_array();
    for (const char* mood : kMoodNames) w.value(mood);
    w.end_array();
    w.key("tracks").raw(track_list);
    w.end_object();
    return w.take() + "\n";
}

Status CatalogBuilder::write(const std::string& dir, const CatalogBuildOptions& options) const {
    struct stat st;
    if (::stat(dir.c_str(), &st) != 0) {
        if (::mkdir(dir.c_str(), 0755) != 0) return Status(ErrorCode::io, dir + ": cannot create the directory");
    } else if (!S_ISDIR(st.st_mode)) {
        return Status(ErrorCode::io, dir + ": exists and is not a directory");
    }
    auto bytes = build(options);
    if (!bytes) return bytes.status();
    const std::string cfc = dir + "/catalog.cfc", json = dir + "/catalog.json";
    std::FILE* f = std::fopen(cfc.c_str(), "wb");
    if (!f) return Status(ErrorCode::io, cfc + ": cannot open for writing");
    bool ok = std::fwrite(bytes->data(), 1, bytes->size(), f) == bytes->size();
    ok = std::fclose(f) == 0 && ok;
    if (!ok) return Status(ErrorCode::io, cfc + ": write failed");
    const std::string text = build_json();
    f = std::fopen(json.c_str(), "wb");
    if (!f) return Status(ErrorCode::io, json + ": cannot open for writing");
    ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    ok = std::fclose(f) == 0 && ok;
    if (!ok) return Status(ErrorCode::io, json + ": write failed");
    return Status::ok();
}

// ---- Catalog: reading ----------------------------------------------------------------------------
Result<Catalog> Catalog::open(const std::string& path) {
    struct stat st;
    std::string file = path;
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) file = path + "/catalog.cfc";
    auto bytes = read_file_bytes(file);
    if (!bytes) return bytes.status();
    return open_buffer(std::move(*bytes), file);
}

Result<Catalog> Catalog::open_memory(std::span<const uint8_t> bytes, const std::string& name) {
    return open_buffer(std::vector<uint8_t>(bytes.begin(), bytes.end()), name);
}

Result<Catalog> Catalog::open_buffer(std::vector<uint8_t> bytes, const std::string& name) {
    Catalog c;
    c.bytes_ = std::move(bytes);
    CF_RETURN_IF_ERROR(c.load(name));
    c.bytes_.clear();  // everything was copied into typed arrays
    c.bytes_.shrink_to_fit();
    return c;
}

Status Catalog::load(const std::string& name) {
    name_ = name;
    auto rr = ContainerReader::parse(bytes_, name);
    if (!rr) return rr.status();
    const ContainerReader& r = *rr;
    format_version_ = r.version();

    auto info = r.require("INFO");
    if (!info) return info.status();
    PayloadReader pi(*info, name + ": section INFO");
    uint32_t n = 0, dim = 0, n_moods = 0, map_kind = 0;
    pi.u32(n) && pi.u32(dim) && pi.u32(n_moods) && pi.u32(map_kind) && pi.str(embedding_name_, 4096);
    if (pi.ok() && (n == 0 || dim == 0 || dim > 65536)) pi.fail("track count " + std::to_string(n) + " / dim " + std::to_string(dim) + " out of range");
    if (pi.ok() && n_moods != kNumMoods) pi.fail("mood count " + std::to_string(n_moods) + " is not 5");
    if (pi.ok() && map_kind > uint32_t(MapKind::pca)) pi.fail("unknown map kind " + std::to_string(map_kind));
    CF_RETURN_IF_ERROR(pi.status());
    dim_ = dim;
    map_kind_ = MapKind(map_kind);

    // Every section's size is checked against n and dim, and n itself against the META bytes
    // (each record takes ≥ 88 bytes), before anything is sized by n.
    auto meta = r.require("META");
    if (!meta) return meta.status();
    if (uint64_t(n) * 88 > meta->size())
        return Status(ErrorCode::corrupt, name + ": section META (" + std::to_string(meta->size()) +
                                              " bytes) is too small for " + std::to_string(n) + " tracks");
    PayloadReader pm(*meta, name + ": section META");
    tracks_.resize(n);
    for (uint32_t i = 0; i < n && pm.ok(); ++i) read_meta(pm, tracks_[i]);
    if (pm.ok() && pm.remaining() != 0) pm.fail(std::to_string(pm.remaining()) + " bytes left after the last track");
    CF_RETURN_IF_ERROR(pm.status());
    {
        std::unordered_set<std::string_view> ids;
        for (uint32_t i = 0; i < n; ++i)
            if (!ids.insert(tracks_[i].id).second)
                return Status(ErrorCode::corrupt, name + ": section META: id \"" + tracks_[i].id + "\" repeated");
    }
    license_kinds_.resize(n);
    for (uint32_t i = 0; i < n; ++i) license_kinds_[i] = license_kind(tracks_[i].license);

    if (auto ef = r.section("EF32")) {
        PayloadReader p(*ef, name + ": section EF32");
        uint32_t n2 = 0, d2 = 0;
        p.u32(n2) && p.u32(d2) && p.align(16);
        if (p.ok() && (n2 != n || d2 != dim)) p.fail("counts do not match INFO");
        if (p.ok()) p.array(embeddings_, uint64_t(n) * dim);
        if (p.ok() && !all_finite(embeddings_.data(), embeddings_.size())) p.fail("NaN/Inf values");
        CF_RETURN_IF_ERROR(p.status());
    }
    {
        auto sp = r.require("SQ8P");
        if (!sp) return sp.status();
        PayloadReader p(*sp, name + ": section SQ8P");
        uint32_t d2 = 0;
        p.u32(d2) && p.align(16);
        if (p.ok() && d2 != dim) p.fail("dim does not match INFO");
        sq_.dim = dim;
        if (p.ok()) p.array(sq_.scale, dim);
        if (p.ok()) p.array(sq_.offset, dim);
        if (p.ok() && (!all_finite(sq_.scale.data(), dim) || !all_finite(sq_.offset.data(), dim))) p.fail("NaN/Inf values");
        CF_RETURN_IF_ERROR(p.status());
        auto sc = r.require("SQ8C");
        if (!sc) return sc.status();
        PayloadReader q(*sc, name + ": section SQ8C");
        uint32_t n2 = 0;
        q.u32(n2) && q.u32(d2) && q.align(16);
        if (q.ok() && (n2 != n || d2 != dim)) q.fail("counts do not match INFO");
        if (q.ok()) q.array(sq_codes_, uint64_t(n) * dim);
        CF_RETURN_IF_ERROR(q.status());
    }
    {
        auto mp = r.require("MAP2");
        if (!mp) return mp.status();
        PayloadReader p(*mp, name + ": section MAP2");
        uint32_t n2 = 0, reserved = 0;
        p.u32(n2) && p.u32(reserved);
        if (p.ok() && n2 != n) p.fail("count does not match INFO");
        if (p.ok()) p.array(map_xy_, uint64_t(n) * 2);
        if (p.ok() && !all_finite(map_xy_.data(), map_xy_.size())) p.fail("NaN/Inf values");
        CF_RETURN_IF_ERROR(p.status());
    }
    if (auto tp = r.section("TAGP")) {
        PayloadReader p(*tp, name + ": section TAGP");
        uint32_t n2 = 0, n_labels = 0, encoding = 0, reserved = 0;
        p.u32(n2) && p.u32(n_labels) && p.u32(encoding) && p.u32(reserved);
        if (p.ok() && n2 != n) p.fail("track count " + std::to_string(n2) + " does not match INFO (" + std::to_string(n) + ")");
        if (p.ok() && (n_labels == 0 || n_labels > kMaxTagLabels))
            p.fail("label count " + std::to_string(n_labels) + " out of range (1.." + std::to_string(kMaxTagLabels) + ")");
        if (p.ok() && encoding != kTagpEncodingU8) p.fail("unknown encoding " + std::to_string(encoding));
        // Each label takes ≥ 5 bytes: check the count against the bytes before sizing anything by it.
        if (p.ok() && uint64_t(n_labels) * 5 > p.remaining())
            p.fail(std::to_string(n_labels) + " labels do not fit in " + std::to_string(p.remaining()) + " bytes");
        std::vector<std::string> labels;
        if (p.ok()) labels.resize(n_labels);
        for (uint32_t i = 0; i < n_labels && p.ok(); ++i) p.str(labels[i], kMaxTagLabelBytes);
        if (p.ok()) {
            const std::string problem = tag_labels_problem(labels);
            if (!problem.empty()) p.fail(problem);
        }
        p.align(16);
        if (p.ok()) p.array(tag_codes_, uint64_t(n) * n_labels);
        if (p.ok() && p.remaining() != 0) p.fail(std::to_string(p.remaining()) + " bytes left after the codes");
        CF_RETURN_IF_ERROR(p.status());
        tag_labels_ = std::move(labels);
    }
    if (auto tl = r.section("TIML")) CF_RETURN_IF_ERROR(load_timelines(*tl, n));
    if (auto sp = r.section("SPCE")) {
        auto space = index::parse_space(*sp, name + ": section SPCE");
        if (!space) return space.status();
        if (space->dim_out != dim)
            return Status(ErrorCode::corrupt, name + ": section SPCE: the space gives " + std::to_string(space->dim_out) +
                                                  " values, INFO's dim is " + std::to_string(dim));
        space_ = std::move(*space);
        CF_RETURN_IF_ERROR(load_inputs(r.section("INPT"), n));
    }
    auto ivf = index::IvfPqIndex::read(r, n, dim, &has_ivf_);
    if (!ivf) return ivf.status();
    if (has_ivf_) {
        if (!all_finite(ivf->centroids.data(), ivf->centroids.size()) ||
            !all_finite(ivf->pq.codebook.data(), ivf->pq.codebook.size()))
            return Status(ErrorCode::corrupt, name + ": IVF-PQ index has NaN/Inf values");
        ivf_ = std::move(*ivf);
    }
    return Status::ok();
}

// INPT: every track's input embedding, required with a space (the text matcher reads them).
Status Catalog::load_inputs(std::optional<std::span<const uint8_t>> payload, uint32_t n) {
    if (!payload) return Status(ErrorCode::corrupt, name_ + ": has a similarity space (SPCE) but no input embeddings (INPT)");
    PayloadReader p(*payload, name_ + ": section INPT");
    uint32_t count = 0, dim = 0, encoding = 0, reserved = 0;
    p.u32(count), p.u32(dim), p.u32(encoding), p.u32(reserved);
    if (p.ok() && count != n) p.fail(std::to_string(count) + " tracks, INFO has " + std::to_string(n));
    if (p.ok() && dim != space_->dim_in) p.fail("dim " + std::to_string(dim) + ", the space's input is " + std::to_string(space_->dim_in));
    if (p.ok() && encoding != kInputEncoding) p.fail("unknown encoding " + std::to_string(encoding));
    input_scales_.resize(n);
    input_codes_.resize(size_t(n) * dim);
    for (uint32_t t = 0; t < n && p.ok(); ++t) {
        p.f32(input_scales_[t]);
        p.raw(input_codes_.data() + size_t(t) * dim, dim);
        if (p.ok() && !(std::isfinite(input_scales_[t]) && input_scales_[t] > 0)) p.fail("track " + std::to_string(t) + ": bad scale");
    }
    if (p.ok() && p.remaining() != 0) p.fail(std::to_string(p.remaining()) + " bytes left after the records");
    return p.status();
}

// Checks every record once (so timeline() can decode without failing) and keeps the payload.
Status Catalog::load_timelines(std::span<const uint8_t> payload, uint32_t n) {
    PayloadReader p(payload, name_ + ": section TIML");
    uint32_t n2 = 0, dim = 0, encoding = 0, reserved = 0;
    p.u32(n2) && p.u32(dim) && p.u32(encoding) && p.u32(reserved);
    if (p.ok() && n2 != n) p.fail("track count " + std::to_string(n2) + " does not match INFO (" + std::to_string(n) + ")");
    if (p.ok() && dim != 0 && dim != dim_) p.fail("window dim " + std::to_string(dim) + " is not INFO's " + std::to_string(dim_));
    if (p.ok() && encoding != catalog_detail::kTimelineEncoding) p.fail("unknown encoding " + std::to_string(encoding));
    if (p.ok() && uint64_t(n) * 24 > p.remaining()) p.fail(std::to_string(n) + " records do not fit in " + std::to_string(p.remaining()) + " bytes");
    std::vector<size_t> offsets;
    for (uint32_t i = 0; i < n && p.ok(); ++i) {
        offsets.push_back(payload.size() - p.remaining());
        catalog_detail::read_timeline_record(p, dim, nullptr);
    }
    if (p.ok() && p.remaining() != 0) p.fail(std::to_string(p.remaining()) + " bytes left after the last record");
    CF_RETURN_IF_ERROR(p.status());
    timeline_bytes_.assign(payload.begin(), payload.end());
    timeline_offsets_ = std::move(offsets);
    timeline_dim_ = dim;
    return Status::ok();
}

Status Catalog::timeline_status() const {
    if (has_timeline()) return Status::ok();
    const std::string why = format_version_ < 2 ? "was built before timelines (format v" + std::to_string(format_version_) + ")"
                                                : "has no track timelines";
    return Status(ErrorCode::unsupported_format,
                  "catalog " + name_ + " " + why + ": rebuild it with ./cuefinder catalog build to fit tracks to a clip");
}

TrackTimeline Catalog::timeline(uint32_t track) const {
    CF_ASSERT(has_timeline() && track < tracks_.size());
    PayloadReader p(std::span<const uint8_t>(timeline_bytes_).subspan(timeline_offsets_[track]), name_ + ": section TIML");
    TrackTimeline t;
    const bool ok = catalog_detail::read_timeline_record(p, timeline_dim_, &t);
    CF_ASSERT(ok);  // every record was checked when the catalog was opened
    if (t.duration_s <= 0) {  // a track added without a timeline
        t.duration_s = std::isfinite(tracks_[track].duration_s) ? tracks_[track].duration_s : 0.0;
        t.bpm = std::isfinite(tracks_[track].bpm) ? tracks_[track].bpm : 0.0;
    }
    return t;
}

Result<std::vector<float>> Catalog::to_query(std::span<const float> input) const {
    if (space_) {
        auto q = space_->apply(input);
        if (!q) return Status(ErrorCode::invalid_argument, "query for catalog " + name_ + ": " + q.status().message());
        return q;
    }
    if (input.size() != dim_)
        return Status(ErrorCode::invalid_argument, "query for catalog " + name_ + ": " + std::to_string(input.size()) +
                                                       " values, expected " + std::to_string(dim_));
    if (!all_finite(input.data(), input.size()))
        return Status(ErrorCode::invalid_argument, "query for catalog " + name_ + ": NaN/Inf values");
    if (std::all_of(input.begin(), input.end(), [](float v) { return v == 0.0f; }))
        return Status(ErrorCode::invalid_argument, "query for catalog " + name_ + ": the embedding is all zeros");
    return std::vector<float>(input.begin(), input.end());  // unchanged: search() scales it, as it always did
}

Status Catalog::space_status() const {
    if (space_) return Status::ok();
    const std::string why = format_version_ < 3 ? "was built before the learned similarity space (format v" + std::to_string(format_version_) + ")"
                                                : "has no learned similarity space";
    return Status(ErrorCode::unsupported_format,
                  "catalog " + name_ + " " + why + ": search uses the plain embedding; rebuild it with ./cuefinder catalog build");
}

std::optional<uint32_t> Catalog::find(std::string_view id) const {
    for (size_t i = 0; i < tracks_.size(); ++i)
        if (tracks_[i].id == id) return uint32_t(i);
    return std::nullopt;
}

std::vector<float> Catalog::embedding(uint32_t track) const {
    std::vector<float> e(dim_);
    embedding_into(track, e.data());
    return e;
}

void Catalog::embedding_into(uint32_t track, float* out) const {
    CF_ASSERT(track < tracks_.size());
    if (has_float()) std::copy_n(embeddings_.data() + size_t(track) * dim_, dim_, out);
    else sq_.decode(sq_codes_.data() + size_t(track) * dim_, out);
}

std::vector<float> Catalog::input_embedding(uint32_t track) const {
    if (!space_) return embedding(track);
    CF_ASSERT(track < tracks_.size());
    const size_t d = space_->dim_in;
    std::vector<float> e(d);
    const int8_t* c = input_codes_.data() + size_t(track) * d;
    for (size_t k = 0; k < d; ++k) e[k] = float(c[k]) * input_scales_[track];
    index::normalize_l2(e.data(), d);
    return e;
}

float Catalog::tag_prob(uint32_t track, size_t label) const {
    const size_t L = tag_labels_.size();
    CF_ASSERT(track < tracks_.size() && label < L);
    return float(tag_codes_[size_t(track) * L + label]) / 255.0f;
}

void Catalog::tag_probs(uint32_t track, float* out) const {
    const size_t L = tag_labels_.size();
    CF_ASSERT(track < tracks_.size() && L > 0);
    const uint8_t* c = tag_codes_.data() + size_t(track) * L;
    for (size_t i = 0; i < L; ++i) out[i] = float(c[i]) / 255.0f;
}

// ---- Catalog: search -----------------------------------------------------------------------------
bool SearchFilters::active() const {
    if (bpm_min || bpm_max || duration_min_s || duration_max_s || !license_kinds.empty() || allowed_tracks) return true;
    for (const auto& m : mood_min) if (m) return true;
    return false;
}

bool Catalog::passes(uint32_t track, const SearchFilters& f) const {
    const TrackMeta& t = tracks_[track];
    // NaN compares false, so an unknown value fails every set bound.
    // A free or uncertain tempo passes only where its plausible range fits (core/rhythm/tempo_reading.h).
    if ((f.bpm_min || f.bpm_max) &&
        !tempo_passes_range(tempo_reading(t.bpm, t.bpm_confidence), f.bpm_min.value_or(NAN), f.bpm_max.value_or(NAN)))
        return false;
    if (f.duration_min_s && !(t.duration_s >= *f.duration_min_s)) return false;
    if (f.duration_max_s && !(t.duration_s <= *f.duration_max_s)) return false;
    for (size_t m = 0; m < kNumMoods; ++m)
        if (f.mood_min[m] && !(t.moods[m] >= *f.mood_min[m])) return false;
    if (!f.license_kinds.empty() &&
        std::find(f.license_kinds.begin(), f.license_kinds.end(), license_kinds_[track]) == f.license_kinds.end())
        return false;
    if (f.allowed_tracks && (track >= f.allowed_tracks->size() || !(*f.allowed_tracks)[track])) return false;
    return true;
}

float Catalog::exact_score(const float* q, const index::ScalarQuantizer8::Query& sqq, uint32_t t) const {
    if (has_float()) return index::dot(q, embeddings_.data() + size_t(t) * dim_, dim_);
    return sq_.dot(sqq, sq_codes_.data() + size_t(t) * dim_);
}

Result<std::vector<SearchHit>> Catalog::search(std::span<const float> query, const SearchOptions& o) const {
    if (o.k == 0) return Status(ErrorCode::invalid_argument, "search: k must be ≥ 1");
    if (query.size() != dim_)
        return Status(ErrorCode::invalid_argument, "search: query has " + std::to_string(query.size()) +
                                                       " values, the catalog " + name_ + " has dim " + std::to_string(dim_));
    if (!all_finite(query.data(), query.size()))
        return Status(ErrorCode::invalid_argument, "search: query has NaN/Inf values");
    std::vector<float> q(query.begin(), query.end());
    if (index::normalize_l2(q.data(), dim_) == 0.0f)
        return Status(ErrorCode::invalid_argument, "search: query embedding is all zeros");
    const index::ScalarQuantizer8::Query sqq = sq_.prepare(q.data());

    const size_t n = tracks_.size();
    std::vector<uint8_t> accept;
    size_t n_pass = n;
    if (o.filters.active() || o.exclude_track) {
        accept.assign(n, 1);
        n_pass = 0;
        for (uint32_t i = 0; i < n; ++i) {
            accept[i] = passes(i, o.filters) && !(o.exclude_track && *o.exclude_track == i);
            n_pass += accept[i];
        }
    }

    std::vector<index::Candidate> best;
    if (!has_ivf_ || o.exact || n_pass <= o.exhaustive_max_tracks) {
        index::TopK top(o.k);
        for (uint32_t i = 0; i < n; ++i)
            if (accept.empty() || accept[i]) top.push(exact_score(q.data(), sqq, i), i);
        best = top.take_sorted();
    } else {
        const size_t nprobe = o.nprobe ? o.nprobe : size_t(32);
        const size_t n_rerank = o.n_rerank ? o.n_rerank : std::max<size_t>(50 * o.k, 500);
        const std::vector<index::Candidate> cand =
            ivf_.search(q.data(), nprobe, n_rerank, accept.empty() ? nullptr : accept.data(), o.k);
        index::TopK top(o.k);
        for (const index::Candidate& c : cand) top.push(exact_score(q.data(), sqq, c.id), c.id);
        best = top.take_sorted();
    }

    std::vector<SearchHit> hits;
    hits.reserve(best.size());
    for (const index::Candidate& c : best) {
        SearchHit h;
        h.track = c.id;
        h.id = tracks_[c.id].id;
        h.score = c.score;
        const TrackMeta& t = tracks_[c.id];
        for (const TagScore& qt : o.query_tags) {
            if (qt.prob < o.tag_min_prob) continue;
            for (const TagScore& tt : t.top_tags)
                if (tt.label == qt.label && tt.prob >= o.tag_min_prob) { h.shared_tags.push_back(qt.label); break; }
        }
        for (size_t m = 0; m < kNumMoods; ++m)
            if (o.query_moods[m] >= o.mood_min_prob && t.moods[m] >= o.mood_min_prob) h.shared_moods.push_back(kMoodNames[m]);
        hits.push_back(std::move(h));
    }
    return hits;
}

Result<std::vector<SearchHit>> Catalog::search_track(std::string_view id, const SearchOptions& options) const {
    const auto t = find(id);
    if (!t) return Status(ErrorCode::not_found, "search: no track with id \"" + std::string(id) + "\" in " + name_);
    SearchOptions o = options;
    o.exclude_track = *t;
    if (o.query_tags.empty()) o.query_tags = tracks_[*t].top_tags;
    bool moods_unset = true;
    for (float m : o.query_moods) if (!std::isnan(m)) moods_unset = false;
    if (moods_unset) o.query_moods = tracks_[*t].moods;
    const std::vector<float> e = embedding(*t);
    return search(e, o);
}

}  // namespace cf
