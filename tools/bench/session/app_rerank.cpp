// The browser app's like/skip path at ~100k tracks (issue 16: "re-rank under 50 ms for a 100k-track
// catalog in the page"): cf::app::Session::like / skip, which after every input runs the query for
// every track, refits the adaptive session and re-ranks (src/app/session/session_feedback.cpp). Built
// natively and for WASM (Node), like the other benchmarks; docs/benchmarks/sessions.md has the numbers.
//
//   app_rerank DEMO_CATALOG.cfc [--tracks 100000] [--inputs 20] [--jitter 0.02] [--cache FILE.cfc]
//
// 1. A catalog of --tracks tracks: jittered copies of the demo catalog's tracks (input embedding +
//    Gaussian noise of --jitter per value, tag probabilities, moods and bpm nudged, map position
//    nudged), with the demo's similarity space (format v3) and the builder's defaults (IVF-PQ from 20k
//    tracks on). Written to a temporary folder and read back; with --cache FILE the bytes are written
//    to / read from FILE instead (so the WASM run can reuse the native build of the same catalog).
// 2. A Session with a do-nothing Host (its clock: steady_clock), open_catalog, query_track(0), then
//    --inputs likes and skips (two likes, one skip, each of the top unjudged match). Per input: the wall
//    time of Session::like/skip and the session's own "rerank_ms" (state_json), median and p90.
// 3. The same work in pieces, on a second copy of the catalog with the same events: the query's score
//    for every track (QueryEngine::run + mix_scores), AdaptiveSession::set_base, rerank, and the
//    percentile sort FeedbackModel::rerank does (and, apart, a sort like the one QueryEngine::run does
//    for its percentiles); median, p90 and max of --inputs repeats each.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "app/host.h"
#include "app/session/mixed_search.h"
#include "app/session/query.h"
#include "app/session/results.h"
#include "app/session/session.h"
#include "app/session/words_model.h"
#include "core/catalog/catalog.h"
#include "core/io/json_reader.h"
#include "core/query/adaptive.h"
#include "core/query/playlist.h"
#include "core/query/query_engine.h"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

// A Host that plays nothing and keeps nothing; now_s() is the steady clock (the session's rerank_ms).
class BenchHost final : public cf::app::Host {
public:
    void play_url(const std::string&, double) override {}
    void play_query(double) override {}
    void pause() override {}
    void resume() override {}
    bool playing() const override { return false; }
    double position_s() const override { return 0.0; }
    std::string playback_error() const override { return ""; }
    void download(const std::string&, const std::string&, const std::string&) override {}
    void open_file_picker() override {}
    void start_tsne(const float*, size_t, size_t, double, int) override {}
    void stop_tsne() override {}
    void analysis_finished(int, bool, const std::string&) override {}
    void show_clip(int, bool) override {}
    void play_with_clip(const std::vector<uint8_t>&, double, bool) override {}
    double clip_position_s() const override { return -1.0; }
    void fetch(int, const std::string&) override {}
    void download_bytes(const std::string&, const std::string&, const std::vector<uint8_t>&) override {}
    double now_s() const override { return std::chrono::duration<double>(Clock::now().time_since_epoch()).count(); }
    void save_state(const std::string&, const std::string& json) override { saved_bytes += json.size(); }
    size_t saved_bytes = 0;
};

struct Args {
    std::string demo, cache;
    size_t tracks = 100000;
    int inputs = 20;
    float jitter = 0.02f;
};

bool parse_args(int argc, char** argv, Args* a) {
    for (int i = 1; i < argc; ++i) {
        const std::string s = argv[i];
        const bool has_value = i + 1 < argc;
        if (s == "--tracks" && has_value) a->tracks = size_t(std::atol(argv[++i]));
        else if (s == "--inputs" && has_value) a->inputs = std::atoi(argv[++i]);
        else if (s == "--jitter" && has_value) a->jitter = float(std::atof(argv[++i]));
        else if (s == "--cache" && has_value) a->cache = argv[++i];
        else if (!s.empty() && s[0] != '-' && a->demo.empty()) a->demo = s;
        else return false;
    }
    return !a->demo.empty() && a->tracks > 0 && a->inputs > 0;
}

std::vector<uint8_t> read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

float clamp01(float v) { return std::min(1.0f, std::max(0.0f, v)); }

// Copy `copy` of demo track `t`: its input embedding, tags, moods, bpm and map position, nudged.
cf::Status add_copy(cf::CatalogBuilder& b, const cf::Catalog& demo, uint32_t t, size_t copy, float jitter,
                    std::mt19937& rng, std::vector<float>* xy) {
    std::normal_distribution<float> noise(0.0f, 1.0f);
    cf::TrackMeta m = demo.tracks()[t];
    m.id = "copy" + std::to_string(copy) + "/" + m.id;
    if (std::isfinite(m.bpm)) m.bpm *= 1.0f + 0.03f * noise(rng);
    for (float& v : m.moods)
        if (std::isfinite(v)) v = clamp01(v + 0.03f * noise(rng));
    std::vector<float> e = demo.input_embedding(t);
    for (float& v : e) v += jitter * noise(rng);
    std::vector<float> tags(demo.tag_labels().size());
    if (!tags.empty()) demo.tag_probs(t, tags.data());
    for (float& p : tags) p = clamp01(p + 0.02f * noise(rng));
    const float* map = demo.map_xy().data() + 2 * size_t(t);
    xy->push_back(map[0] + 0.3f * noise(rng));
    xy->push_back(map[1] + 0.3f * noise(rng));
    return b.add_track(std::move(m), e, tags);
}

// The big catalog's bytes: built from jittered copies of the demo's tracks (or read from --cache).
cf::Result<std::vector<uint8_t>> big_catalog(const cf::Catalog& demo, const Args& a) {
    if (!a.cache.empty() && std::filesystem::exists(a.cache)) {
        std::printf("catalog: read from %s\n", a.cache.c_str());
        return read_file(a.cache);
    }
    const auto t0 = Clock::now();
    cf::CatalogBuilder b(demo.input_dim(), demo.embedding_name());
    if (demo.has_tag_probs()) CF_RETURN_IF_ERROR(b.set_tag_labels(demo.tag_labels()));
    if (demo.space()) CF_RETURN_IF_ERROR(b.set_space(*demo.space()));
    std::mt19937 rng(16);
    std::vector<float> xy;
    for (size_t i = 0; i < a.tracks; ++i)
        CF_RETURN_IF_ERROR(add_copy(b, demo, uint32_t(i % demo.size()), i / demo.size(), a.jitter, rng, &xy));
    CF_RETURN_IF_ERROR(b.set_map(xy));
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("cf_app_rerank_" + std::to_string(std::random_device{}()));
    CF_RETURN_IF_ERROR(b.write(dir.string(), cf::CatalogBuildOptions{}));
    std::vector<uint8_t> bytes = read_file((dir / "catalog.cfc").string());
    std::error_code ec;
    if (!a.cache.empty()) std::filesystem::copy_file(dir / "catalog.cfc", a.cache, ec);
    std::filesystem::remove_all(dir, ec);
    std::printf("catalog: built %zu tracks in %.1f s (%zu bytes)%s\n", a.tracks, ms_since(t0) / 1000.0, bytes.size(),
                a.cache.empty() ? "" : (" → " + a.cache).c_str());
    return bytes;
}

double quantile(std::vector<double> v, double q) {
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    return v[size_t(std::lround(q * double(v.size() - 1)))];
}

void print_row(const char* what, const std::vector<double>& ms) {
    std::printf("| %-52s | %8.2f | %8.2f | %8.2f |\n", what, quantile(ms, 0.5), quantile(ms, 0.9), quantile(ms, 1.0));
}

double session_rerank_ms(const cf::app::Session& s) {
    auto doc = cf::parse_json(s.state_json());
    const cf::JsonValue* session = doc && doc->is_object() ? doc->find("session") : nullptr;
    const cf::JsonValue* ms = session && session->is_object() ? session->find("rerank_ms") : nullptr;
    return ms && ms->is_number() ? ms->number() : NAN;
}

// Step 2: the app's Session. Returns the events it made (for step 3) through `events`.
int run_session(const std::vector<uint8_t>& bytes, const Args& a, std::vector<cf::query::SessionEvent>* events) {
    BenchHost host;
    cf::app::Session s(host, nullptr);
    auto t0 = Clock::now();
    if (cf::Status st = s.open_catalog(bytes, "bench", "catalog/"); !st) {
        std::fprintf(stderr, "app_rerank: open_catalog: %s\n", st.message().c_str());
        return 1;
    }
    const double open_ms = ms_since(t0);
    t0 = Clock::now();
    s.query_track(0);
    const double query_ms = ms_since(t0);
    if (!s.error().empty() || s.results().hits.empty()) {
        std::fprintf(stderr, "app_rerank: query_track: no matches (%s)\n", s.error().c_str());
        return 1;
    }
    std::vector<double> wall, own;
    for (int i = 0; i < a.inputs; ++i) {
        const uint32_t track = s.results().hits.front().track;
        t0 = Clock::now();
        if (i % 3 == 2) s.skip(track);
        else s.like(track);
        wall.push_back(ms_since(t0));
        own.push_back(session_rerank_ms(s));
        if (!s.error().empty() || s.results().hits.empty()) {
            std::fprintf(stderr, "app_rerank: input %d: %s\n", i, s.error().empty() ? "no matches" : s.error().c_str());
            return 1;
        }
    }
    *events = s.feedback().events();
    std::printf("\nSession (%zu tracks, dim %zu, input dim %zu, IVF %s, %zu tag labels): open_catalog %.0f ms "
                "(QueryEngine calibration, map, AdaptiveFeatures::build, ...), query_track %.1f ms\n",
                s.catalog()->size(), s.catalog()->dim(), s.catalog()->input_dim(), s.catalog()->has_index() ? "yes" : "no",
                s.catalog()->tag_labels().size(), open_ms, query_ms);
    std::printf("first input: %.1f ms (Session::like wall), %.1f ms (rerank_ms)\n\n", wall.front(), own.front());
    std::printf("| %d inputs (like, like, skip, ...)                      | median ms | p90 ms | max ms |\n", a.inputs);
    std::printf("|------------------------------------------------------|---------:|---------:|---------:|\n");
    print_row("Session::like / skip, wall", wall);
    print_row("session rerank_ms (state_json, run_search only)", own);
    return 0;
}

// Step 3: the pieces of session_search timed apart, on a catalog of our own with the same events.
int run_pieces(const std::vector<uint8_t>& bytes, const Args& a, const std::vector<cf::query::SessionEvent>& events) {
    auto cat = cf::Catalog::open_buffer(bytes, "bench");
    if (!cat) return std::fprintf(stderr, "app_rerank: %s\n", cat.status().message().c_str()), 1;
    auto t0 = Clock::now();
    cf::query::QueryEngine engine(*cat);
    const double engine_ms = ms_since(t0);
    t0 = Clock::now();
    auto features = cf::query::AdaptiveFeatures::build(engine);
    const double features_ms = ms_since(t0);
    if (!features) return std::fprintf(stderr, "app_rerank: %s\n", features.status().message().c_str()), 1;
    cf::query::AdaptiveSession session(*features);
    for (const cf::query::SessionEvent& e : events) {
        const cf::Status st = e.kind == cf::query::SessionEvent::Kind::like ? session.like(e.track) : session.skip(e.track);
        if (!st) return std::fprintf(stderr, "app_rerank: replay: %s\n", st.message().c_str()), 1;
    }
    // The app's filters: every license kind of the catalog allowed, the filter switched off.
    cf::app::Filters filters;
    for (const cf::TrackMeta& t : cat->tracks()) filters.license_kinds[cf::license_kind(t.license)] = true;
    const cf::app::Query query = cf::app::query_from_track(*cat, 0);
    const cf::SearchOptions o = filters.search_options(query);

    // The query track's cosines two ways: as QueryEngine::run's input_scores does them (a copy of each
    // track's embedding, a double-precision dot), and from one contiguous n × dim array (float sums).
    const std::vector<float> qv = cat->embedding(0);
    std::vector<float> matrix;
    matrix.reserve(cat->size() * cat->dim());
    for (uint32_t t = 0; t < cat->size(); ++t) {
        const std::vector<float> e = cat->embedding(t);
        matrix.insert(matrix.end(), e.begin(), e.end());
    }
    std::vector<double> copy_dot_ms, flat_dot_ms;
    float checksum = 0.0f;
    for (int i = 0; i < a.inputs; ++i) {
        std::vector<float> cos(cat->size());
        t0 = Clock::now();
        for (uint32_t t = 0; t < cat->size(); ++t) {
            const std::vector<float> e = cat->embedding(t);
            double d = 0;
            for (size_t k = 0; k < e.size(); ++k) d += double(e[k]) * qv[k];
            cos[t] = float(d);
        }
        copy_dot_ms.push_back(ms_since(t0));
        t0 = Clock::now();
        for (uint32_t t = 0; t < cat->size(); ++t) {
            const float* e = matrix.data() + size_t(t) * cat->dim();
            float d = 0;
            for (size_t k = 0; k < cat->dim(); ++k) d += e[k] * qv[k];
            cos[t] = d;
        }
        flat_dot_ms.push_back(ms_since(t0));
        checksum += cos[size_t(i) % cos.size()];
    }
    std::vector<double> base_ms, base_sort_ms, set_base_ms, rerank_ms, sort_ms, like_ms;
    std::vector<float> base;
    for (int i = 0; i < a.inputs; ++i) {
        t0 = Clock::now();
        cf::query::MixedQuery q = cf::app::mixed_query(*cat, query, cf::app::TextPart{}, cf::app::ImagePart{}, cf::app::MixWeights{}, o,
                                                       engine.explainer());
        q.options.k = 1;
        auto r = engine.run(q, nullptr);
        if (!r) return std::fprintf(stderr, "app_rerank: run: %s\n", r.status().message().c_str()), 1;
        base = cf::query::mix_scores(*r);
        base_ms.push_back(ms_since(t0));
        t0 = Clock::now();
        std::vector<float> base_sorted = base;  // QueryEngine::run sorts its mix once (ascending()) for k = 1 row
        std::sort(base_sorted.begin(), base_sorted.end());
        base_sort_ms.push_back(ms_since(t0));
        t0 = Clock::now();
        if (cf::Status st = session.set_base(base); !st) return std::fprintf(stderr, "app_rerank: %s\n", st.message().c_str()), 1;
        set_base_ms.push_back(ms_since(t0));
        t0 = Clock::now();
        auto rows = session.rerank(o.k + 1, o.filters);
        rerank_ms.push_back(ms_since(t0));
        if (!rows) return std::fprintf(stderr, "app_rerank: rerank: %s\n", rows.status().message().c_str()), 1;
        t0 = Clock::now();
        std::vector<float> sorted = session.scores();
        std::sort(sorted.begin(), sorted.end());
        sort_ms.push_back(ms_since(t0));
    }
    // like() alone (the refit happens in set_base or like, whichever the core does): an undo keeps the
    // session the same between repeats.
    for (int i = 0; i < a.inputs; ++i) {
        const uint32_t track = uint32_t((size_t(i) * 7919 + 1) % cat->size());
        t0 = Clock::now();
        (void)session.like(track);
        like_ms.push_back(ms_since(t0));
        session.undo();
    }
    std::printf("\nPieces (own catalog copy, same %zu events): QueryEngine(catalog) %.0f ms, AdaptiveFeatures::build %.0f ms\n\n",
                events.size(), engine_ms, features_ms);
    std::printf("| piece, %d repeats                                    | median ms | p90 ms | max ms |\n", a.inputs);
    std::printf("|------------------------------------------------------|---------:|---------:|---------:|\n");
    print_row("query scores: mixed_query + QueryEngine::run + mix_scores", base_ms);
    print_row("  apart: copy + std::sort of n scores (QueryEngine::run has one)", base_sort_ms);
    print_row("  apart: n cosines, Catalog::embedding copy + double dot", copy_dot_ms);
    print_row("  apart: n cosines from one n x dim array, float dot", flat_dot_ms);
    print_row("AdaptiveSession::set_base", set_base_ms);
    print_row("AdaptiveSession::rerank(k = 26, app filters)", rerank_ms);
    print_row("FeedbackModel: scores() copy + std::sort", sort_ms);
    print_row("AdaptiveSession::like (then undo, not timed)", like_ms);
    std::printf("(checksum %.3f)\n", checksum);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Args a;
    if (!parse_args(argc, argv, &a)) {
        std::fprintf(stderr, "usage: app_rerank DEMO_CATALOG.cfc [--tracks 100000] [--inputs 20] [--jitter 0.02] [--cache FILE.cfc]\n");
        return 2;
    }
    auto demo = cf::Catalog::open(a.demo);
    if (!demo) return std::fprintf(stderr, "app_rerank: %s\n", demo.status().message().c_str()), 1;
    std::printf("demo: %s, %zu tracks, format v%u, %s\n", a.demo.c_str(), demo->size(), demo->format_version(),
                demo->space() ? "with a similarity space" : "no similarity space");
    auto bytes = big_catalog(*demo, a);
    if (!bytes) return std::fprintf(stderr, "app_rerank: building the catalog: %s\n", bytes.status().message().c_str()), 1;
    std::vector<cf::query::SessionEvent> events;
    if (int rc = run_session(*bytes, a, &events)) return rc;
    return run_pieces(*bytes, a, events);
}
