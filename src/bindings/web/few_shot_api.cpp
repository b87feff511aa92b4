// C entry points of few-shot custom tags for JavaScript (`./cuefinder tag --examples-pos`, the
// evaluation in tools/eval/fewshot): train a tag from example embeddings and/or catalog tracks, score
// embeddings and a catalog with it. The model: core/query/few_shot.h. Errors and returned strings: abi.h.
//
//   // rows: n_pos positives, then n_neg negatives, then n_bg background rows, dim floats each
//   const tag = core.mustJson('cf_few_shot_train', JSON.stringify({ name: 'rainy', catalog: dir }), rows, 3, 0, 0, 200);
//   const r = core.mustJson('cf_few_shot_score', JSON.stringify(tag), files, n, 200, JSON.stringify({ catalog: dir, top: 5 }));
//
// The training spec (JSON object; "name" required): "name", "embedding" (what the rows are, e.g.
// "msd-musicnn-1"; set from the catalog when one is given), "catalog" (a catalog directory or .cfc:
// its other tracks are the background; then n_bg must be 0), "positive_tracks" / "negative_tracks"
// (catalog track ids, with "catalog"), and the options "shrinkage", "negative_weight", "threshold",
// "max_background", "min_positives", "min_loo_auc" (FewShotOptions). The result: to_json()'s tag.
//
// The scoring spec (JSON object, optional): "embedding" (what the rows are: refused when the tag was
// trained on another), "catalog" (path; scores its tracks too) and "top" (N: the catalog's N best tracks). The result: {"name", "trust", "trust_message", "threshold", "scores":
// [{"raw", "score", "fits"}] (one per row), "catalog": {"n_tracks", "n_fit", "top": [{"id", "title",
// "score"}]}} ("catalog" only with a catalog).
#include <emscripten.h>

#include <algorithm>
#include <memory>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include "bindings/web/abi.h"
#include "bindings/web/exports.h"
#include "core/catalog/catalog.h"
#include "core/common/json.h"
#include "core/io/json_reader.h"
#include "core/query/few_shot.h"

namespace {

namespace qry = cf::query;

// The last catalog opened by path (a CLI run trains and scores on one catalog).
cf::Result<const cf::Catalog*> catalog_at(const std::string& path) {
    static std::string open_path;
    static std::unique_ptr<cf::Catalog> open;
    if (open && open_path == path) return open.get();
    auto c = cf::Catalog::open(path);
    if (!c) return c.status();
    open = std::make_unique<cf::Catalog>(std::move(*c));
    open_path = path;
    return open.get();
}

cf::Status bad(std::string m) { return cf::Status(cf::ErrorCode::invalid_argument, std::move(m)); }

cf::Status track_ids(const cf::JsonValue& v, const cf::Catalog& cat, const char* key, std::vector<uint32_t>& out) {
    if (!v.is_array()) return bad(std::string("spec '") + key + "': expected an array of track ids");
    for (const cf::JsonValue& id : v.items()) {
        auto t = cat.find(id.string());
        if (!id.is_string() || !t) return bad(std::string("spec '") + key + "': no track '" + id.string() + "' in the catalog");
        out.push_back(*t);
    }
    return cf::Status::ok();
}

cf::Status number_option(const std::string& key, const cf::JsonValue& v, qry::FewShotOptions& o, bool* known) {
    *known = true;
    if (!v.is_number() && (key == "shrinkage" || key == "negative_weight" || key == "threshold" || key == "max_background" ||
                           key == "min_positives" || key == "min_loo_auc"))
        return bad("spec '" + key + "': expected a number");
    const double x = v.number();
    if (key == "shrinkage") o.shrinkage = float(x);
    else if (key == "negative_weight") o.negative_weight = float(x);
    else if (key == "threshold") o.threshold = float(x);
    else if (key == "min_loo_auc") o.min_loo_auc = float(x);
    else if (key == "max_background") o.max_background = size_t(std::max(0.0, x));
    else if (key == "min_positives") o.min_positives = size_t(std::max(0.0, x));
    else *known = false;
    return cf::Status::ok();
}

struct TrainSpec {
    std::string name;
    std::string catalog;
    const cf::JsonValue* positive_tracks = nullptr;
    const cf::JsonValue* negative_tracks = nullptr;
    qry::FewShotOptions options;
};

cf::Status parse_train_spec(const cf::JsonValue& v, TrainSpec& s) {
    if (!v.is_object()) return bad("spec: expected a JSON object");
    for (const auto& [key, value] : v.members()) {
        bool known = false;
        CF_RETURN_IF_ERROR(number_option(key, value, s.options, &known));
        if (known) continue;
        if (key == "name") s.name = value.string();
        else if (key == "embedding") s.options.embedding = value.string();
        else if (key == "catalog") s.catalog = value.string();
        else if (key == "positive_tracks") s.positive_tracks = &value;
        else if (key == "negative_tracks") s.negative_tracks = &value;
        else return bad("spec: unknown key '" + key + "'");
    }
    if (s.name.empty()) return bad("spec: 'name' is missing or empty");
    return cf::Status::ok();
}

cf::Result<qry::FewShotTag> train_on_catalog(const TrainSpec& s, std::span<const float> pos, std::span<const float> neg) {
    auto cat = catalog_at(s.catalog);
    if (!cat) return cat.status();
    qry::CatalogExamples ex;
    if (s.positive_tracks) CF_RETURN_IF_ERROR(track_ids(*s.positive_tracks, **cat, "positive_tracks", ex.positive_tracks));
    if (s.negative_tracks) CF_RETURN_IF_ERROR(track_ids(*s.negative_tracks, **cat, "negative_tracks", ex.negative_tracks));
    ex.positive_files.assign(pos.begin(), pos.end());
    ex.negative_files.assign(neg.begin(), neg.end());
    return qry::train_few_shot_catalog(s.name, **cat, ex, s.options);
}

cf::Result<qry::FewShotTag> train(const char* spec_json, const float* rows, int n_pos, int n_neg, int n_bg, int dim) {
    auto v = cf::parse_json(spec_json ? spec_json : "");
    if (!v) return bad("spec: " + v.status().message());
    TrainSpec s;
    CF_RETURN_IF_ERROR(parse_train_spec(*v, s));
    if (n_pos < 0 || n_neg < 0 || n_bg < 0 || dim <= 0 || (!rows && n_pos + n_neg + n_bg > 0))
        return bad("few-shot training: bad row counts or dim");
    const size_t d = size_t(dim);
    const std::span<const float> pos(rows, rows ? size_t(n_pos) * d : 0);
    const std::span<const float> neg(rows ? rows + pos.size() : nullptr, rows ? size_t(n_neg) * d : 0);
    const std::span<const float> bg(rows ? rows + pos.size() + neg.size() : nullptr, rows ? size_t(n_bg) * d : 0);
    if (!s.catalog.empty()) {
        if (n_bg > 0) return bad("spec: give a catalog or background rows, not both");
        return train_on_catalog(s, pos, neg);
    }
    if (s.positive_tracks || s.negative_tracks) return bad("spec: track ids need a 'catalog'");
    return qry::train_few_shot(s.name, {d, pos, neg, bg}, s.options);
}

void write_catalog_scores(cf::JsonWriter& w, const qry::FewShotTag& tag, const cf::Catalog& cat, const std::vector<float>& p,
                          size_t top) {
    std::vector<uint32_t> order(cat.size());
    std::iota(order.begin(), order.end(), 0u);
    top = std::min(top, order.size());
    std::partial_sort(order.begin(), order.begin() + long(top), order.end(), [&](uint32_t a, uint32_t b) { return p[a] > p[b]; });
    const size_t n_fit = size_t(std::count_if(p.begin(), p.end(), [&](float x) { return qry::fits(tag, x); }));
    w.key("catalog").begin_object().key("n_tracks").value(cat.size()).key("n_fit").value(n_fit).key("top").begin_array();
    for (size_t i = 0; i < top; ++i) {
        const cf::TrackMeta& m = cat.tracks()[order[i]];
        w.begin_object().key("id").value(m.id).key("title").value(m.title).key("score").number(p[order[i]], "%.4f").end_object();
    }
    w.end_array().end_object();
}

cf::Result<std::string> score_json(const qry::FewShotTag& tag, std::span<const float> rows, size_t n, const cf::JsonValue& spec) {
    if (const cf::JsonValue* e = spec.find("embedding"); e && !e->string().empty() && !tag.embedding.empty() && e->string() != tag.embedding)
        return bad("tag '" + tag.name + "' was trained on " + tag.embedding + " embeddings, these are " + e->string());
    cf::JsonWriter w;
    w.begin_object().key("name").value(tag.name).key("trust").value(qry::few_shot_trust_name(tag.trust));
    w.key("trust_message").value(tag.trust_message).key("threshold").number(tag.threshold, "%.3f").key("scores").begin_array();
    for (size_t i = 0; i < n; ++i) {
        auto raw = qry::raw_score(tag, rows.subspan(i * tag.dim, tag.dim));
        if (!raw) return raw.status().with_context("row " + std::to_string(i + 1));
        const float p = qry::calibrate(tag, *raw);
        w.begin_object().key("raw").number(*raw, "%.4f").key("score").number(p, "%.4f").key("fits").value(qry::fits(tag, p)).end_object();
    }
    w.end_array();
    if (const cf::JsonValue* c = spec.find("catalog"); c && !c->string().empty()) {
        auto cat = catalog_at(c->string());
        if (!cat) return cat.status();
        auto p = qry::score_catalog(tag, **cat);
        if (!p) return p.status();
        const cf::JsonValue* top = spec.find("top");
        write_catalog_scores(w, tag, **cat, *p, top && top->is_number() ? size_t(std::max(0.0, top->number())) : 0);
    }
    return w.end_object().take();
}

}  // namespace

extern "C" {

/// Trains a few-shot tag (see the top of this file); its JSON (core/query/few_shot.h to_json), or NULL.
EMSCRIPTEN_KEEPALIVE const char* cf_few_shot_train(const char* spec_json, const float* rows, int n_pos, int n_neg, int n_bg,
                                                   int dim) {
    try {
        auto tag = train(spec_json, rows, n_pos, n_neg, n_bg, dim);
        if (!tag) return cf::bindings::fail_null(tag.status().message());
        return cf::bindings::text(qry::to_json(*tag));
    } catch (const std::exception& e) {
        return cf::bindings::fail_null(std::string("few-shot training: ") + e.what());
    }
}

/// Scores n rows of dim floats (and a catalog) with a tag's JSON; the JSON above, or NULL (corrupt tag
/// JSON, a dim or embedding that is not the tag's, a catalog that cannot be opened).
EMSCRIPTEN_KEEPALIVE const char* cf_few_shot_score(const char* tag_json, const float* rows, int n, int dim, const char* spec_json) {
    try {
        auto tag = qry::parse_few_shot(tag_json ? tag_json : "");
        if (!tag) return cf::bindings::fail_null(tag.status().message());
        if (n > 0 && (!rows || dim != int(tag->dim)))
            return cf::bindings::fail_null("tag '" + tag->name + "' takes " + std::to_string(tag->dim) + " values per embedding, got " +
                                           std::to_string(dim));
        auto spec = cf::parse_json(spec_json && *spec_json ? spec_json : "{}");
        if (!spec || !spec->is_object()) return cf::bindings::fail_null("score spec: expected a JSON object");
        auto out = score_json(*tag, {rows, rows ? size_t(std::max(n, 0)) * tag->dim : 0}, size_t(std::max(n, 0)), *spec);
        if (!out) return cf::bindings::fail_null(out.status().message());
        return cf::bindings::text(std::move(*out));
    } catch (const std::exception& e) {
        return cf::bindings::fail_null(std::string("few-shot scoring: ") + e.what());
    }
}

}  // extern "C"
