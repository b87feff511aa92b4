// cuefinder app session — words and pictures as queries: text search while typing, a dropped picture
// ("sees: …; feels: …"), and the zero-shot tagging panel. The scoring is the core's (core/semantic);
// this file keeps the state in step with the answers as they arrive.
#include "app/session/words_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/session/mixed_search.h"
#include "core/common/json.h"

namespace cf::app {

namespace {

// The default for text, pictures and labels: the mean of both methods' percentiles, best on the
// labelled set (docs/benchmarks/zeroshot.md).
constexpr semantic::TextMethod kMethod = semantic::TextMethod::ensemble;

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

}  // namespace

WordsModel::WordsModel(Host& host, Embedder* embedder, const Query& query, WordsHooks hooks)
    : host_(host), embedder_(embedder), query_(query), hooks_(std::move(hooks)) {}
WordsModel::~WordsModel() = default;

Status WordsModel::set_text_model(const std::string& vocab_text) {
    if (!embedder_) return Status(ErrorCode::unsupported_format, "text search: no model runner on this page");
    auto tok = text::SentencePieceTokenizer::from_vocab_text(vocab_text);
    if (!tok) return Status(tok.status().code(), "models/use-lite/vocab.txt: " + tok.status().message());
    semantic_ = std::make_unique<semantic::SemanticSearch>(*embedder_, std::move(*tok));
    ready_ = false;
    status_ = "Text search: waiting for the catalog";
    return Status::ok();
}

void WordsModel::set_image_labels(const std::string& labels_text) {
    image_labels_.clear();
    size_t start = 0;
    while (start < labels_text.size()) {
        size_t end = labels_text.find('\n', start);
        if (end == std::string::npos) end = labels_text.size();
        std::string line = labels_text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) image_labels_.push_back(line);
        start = end + 1;
    }
}

void WordsModel::attach(const Catalog& catalog, const std::vector<AudioModel>& models) {
    catalog_ = &catalog;
    if (!semantic_) return;
    ready_ = false;
    status_ = "Preparing text search: embedding the audio models' tags...";
    std::vector<std::string> msd, mtt;
    for (const AudioModel& m : models) {
        if (m.key == "msd") msd = m.labels;
        if (m.key == "mtt") mtt = m.labels;
    }
    semantic_->attach(catalog, semantic::audio_concepts(msd, mtt), [this](Status s) {
        if (!s) {
            status_ = "Text search is not available: " + s.message();
            after_ready_.clear();
            return;
        }
        ready_ = true;
        status_.clear();
        std::vector<std::function<void()>> actions = std::move(after_ready_);
        after_ready_.clear();
        for (auto& a : actions) a();
    });
}

void WordsModel::clear_parts() {
    text_ = TextPart{};
    image_ = ImagePart{};
    label_scores_.clear();
}

void WordsModel::when_ready(std::function<void()> action) {
    if (ready_) action();
    else after_ready_.push_back(std::move(action));
}

// ---- text search -------------------------------------------------------------------------------

void WordsModel::set_text_query(const std::string& text) {
    text_wanted_ = text;
    if (blank(text)) {
        const bool had = !text_.text.empty();
        text_ = TextPart{};
        if (had) hooks_.parts_changed();
        return;
    }
    if (!semantic_) {
        hooks_.error("Text search is not available: the sentence encoder is not loaded");
        return;
    }
    if (!text_in_flight_) {
        text_in_flight_ = true;  // also while waiting for the concepts: one pending start is enough
        when_ready([this] { start_text_embedding(); });
    }
}

void WordsModel::start_text_embedding() {
    const std::string text = text_wanted_;
    text_in_flight_ = true;
    text_started_s_ = host_.now_s();
    semantic_->embed({text}, [this, text](Result<std::vector<float>> e) {
        text_in_flight_ = false;
        const double embedded_s = host_.now_s();
        if (text == text_wanted_) {
            auto p = e ? semantic_->matcher().prepare(*e, kMethod) : Result<semantic::PreparedText>(e.status());
            if (!p) {
                hooks_.error("text \"" + text + "\": " + p.status().message());
            } else {
                text_.text = text;
                text_.prepared = std::move(*p);
                text_.embed_ms = (embedded_s - text_started_s_) * 1000.0;
                text_.score_ms = (host_.now_s() - embedded_s) * 1000.0;
                hooks_.error("");
                hooks_.parts_changed();
            }
        }
        // Typing went on while this one ran: embed the latest text next.
        if (text_wanted_ != text && !blank(text_wanted_)) start_text_embedding();
    });
}

void WordsModel::prepare_texts(std::vector<std::string> texts, PreparedCallback done) {
    if (!semantic_) return done(Status(ErrorCode::invalid_argument, "words need the text model, which is not loaded on this page"));
    when_ready([this, texts = std::move(texts), done = std::move(done)]() mutable {
        const size_t n = texts.size();
        semantic_->embed(std::move(texts), [this, n, done = std::move(done)](Result<std::vector<float>> e) {
            if (!e) return done(e.status());
            if (n == 0 || e->size() % n) return done(Status(ErrorCode::corrupt, "the text model gave an embedding of the wrong size"));
            const size_t dim = e->size() / n;
            std::vector<semantic::PreparedText> out;
            for (size_t i = 0; i < n; ++i) {
                auto p = semantic_->matcher().prepare(std::span<const float>(e->data() + i * dim, dim), kMethod);
                if (!p) return done(p.status());
                out.push_back(std::move(*p));
            }
            done(std::move(out));
        });
    });
}

// ---- pictures ----------------------------------------------------------------------------------

void WordsModel::fail_image(int request, const std::string& name, const std::string& message) {
    const std::string error = message.find(name) == std::string::npos ? name + ": " + message : message;
    if (request == image_request_) image_request_ = 0;
    hooks_.error(error);
    host_.analysis_finished(request, false, error);
}

void WordsModel::analyze_image(int request, const std::string& name, std::vector<uint8_t> bytes) {
    if (!semantic_ || image_labels_.empty()) {
        fail_image(request, name, "pictures need the image and text models, which are not loaded on this page");
        return;
    }
    const double t0 = host_.now_s();
    auto img = decode_image(bytes, name);
    if (!img) {
        fail_image(request, name, img.status().message());
        return;
    }
    image_request_ = request;
    ImagePart part;
    part.name = name;
    part.width_px = img->width_px;
    part.height_px = img->height_px;
    part.format = image_format_name(img->format);
    when_ready([this, request, part = std::move(part), image = std::move(*img), t0]() mutable {
        if (request != image_request_) return;  // a newer picture replaced it
        query::PictureOptions options;
        options.method = kMethod;
        options.min_class_weight = 1e-4f;
        const std::string name = part.name;
        query::prepare_picture(image, name, image_labels_, *embedder_, *semantic_, options,
                               [this, request] { return request == image_request_; },
                               [this, request, part = std::move(part), t0](Result<query::PictureQuery> p) mutable {
                                   picture_ready(request, std::move(part), std::move(p), t0);
                               });
    });
}

void WordsModel::picture_ready(int request, ImagePart part, Result<query::PictureQuery> picture, double t0) {
    if (request != image_request_) return;
    if (!picture) {
        fail_image(request, part.name, picture.status().message());
        return;
    }
    part.picture = std::move(*picture);
    part.explanation = part.picture.explanation();
    part.analysis_ms = (host_.now_s() - t0) * 1000.0;
    image_ = std::move(part);
    image_request_ = 0;
    hooks_.error("");
    hooks_.parts_changed();
    host_.analysis_finished(request, true, "");
}

void WordsModel::remove_image() {
    image_ = ImagePart{};
    hooks_.parts_changed();
}

// ---- zero-shot tags ----------------------------------------------------------------------------

void WordsModel::set_tag_labels(const std::string& labels_text) {
    labels_text_ = labels_text;
    const std::vector<std::string> labels = semantic::split_labels(labels_text);
    if (labels.empty()) {
        label_scores_.clear();
        hooks_.labels_scored();
        return;
    }
    if (!semantic_) {
        hooks_.error("Zero-shot tags are not available: the sentence encoder is not loaded");
        return;
    }
    labels_in_flight_ = true;
    when_ready([this, labels] {
        semantic_->embed(labels, [this, labels](Result<std::vector<float>> e) {
            labels_in_flight_ = false;
            if (!e) hooks_.error("labels: " + e.status().message());
            else labels_embedded(labels, *e);
        });
    });
}

void WordsModel::labels_embedded(const std::vector<std::string>& labels, const std::vector<float>& embeddings) {
    const semantic::TextMatcher& m = semantic_->matcher();
    std::vector<LabelScore> out;
    for (size_t i = 0; i < labels.size(); ++i) {
        auto p = m.prepare(std::span<const float>(embeddings.data() + i * semantic::kTextDim, semantic::kTextDim), kMethod);
        if (!p) {
            hooks_.error("label \"" + labels[i] + "\": " + p.status().message());
            return;
        }
        LabelScore ls;
        ls.label = labels[i];
        ls.prepared = std::move(*p);
        ls.percentile.resize(ls.prepared.scores.size());
        for (size_t t = 0; t < ls.percentile.size(); ++t)
            ls.percentile[t] = semantic::TextMatcher::percentile(ls.prepared, ls.prepared.scores[t]);
        ls.best = semantic::top_tracks(ls.prepared.scores, 5, nullptr);
        out.push_back(std::move(ls));
    }
    label_scores_ = std::move(out);
    score_labels();
    hooks_.labels_scored();
}

void WordsModel::set_threshold(float fraction) {
    threshold_ = std::clamp(fraction, 0.5f, 0.99f);
    score_labels();
}

// Per label: how many tracks fit at the threshold, and the dropped file's score.
void WordsModel::score_labels() {
    if (!ready_ || !catalog_) return;
    const semantic::TextMatcher& m = semantic_->matcher();
    std::vector<float> values, unit;
    // The file's own embedding: the matcher's audio projection was fitted on the catalog's input
    // embeddings (Catalog::input_embedding), not on its similarity space.
    if (query_.kind == Query::Kind::file && query_.embedding.size() == m.audio_dim()) unit = query_.embedding;
    const bool have_file = !unit.empty();
    if (have_file) {
        values = query_concept_values(*catalog_, m, query_);
        double norm = 0;
        for (float v : unit) norm += double(v) * v;
        for (float& v : unit) v = float(v / std::sqrt(std::max(norm, 1e-30)));
    }
    for (LabelScore& ls : label_scores_) {
        ls.n_fit = size_t(std::count_if(ls.percentile.begin(), ls.percentile.end(), [&](float p) { return p >= threshold_; }));
        ls.file_raw = ls.file_percentile = kUnknown;
        ls.file_why.clear();
        if (have_file) {
            ls.file_raw = m.score_item(ls.prepared, values, unit);
            ls.file_percentile = semantic::TextMatcher::percentile(ls.prepared, ls.file_raw);
            ls.file_why = m.explain_text(ls.prepared, values, 3);
        }
    }
}

}  // namespace cf::app

namespace cf::app {

std::vector<query::TextQuery> WordsModel::text_queries() const {
    std::vector<query::TextQuery> out;
    if (text_.prepared && weight_text > 0) out.push_back(query::TextQuery{text_.text, *text_.prepared});
    return out;
}

}  // namespace cf::app
