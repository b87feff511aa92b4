// cuefinder app — words and pictures as queries: text search while typing, a dropped picture
// ("sees: …; feels: …"), their mix with a dropped track, and the zero-shot tagging panel.
// The scoring is the core's (core/semantic); this file keeps the app's state in step with it.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/app.h"
#include "core/common/json.h"
#include "core/image/image_ops.h"

namespace cf::app {

namespace {

// The default for text, pictures and labels: the mean of both methods' percentiles, best on the
// labelled set (docs/benchmarks/zeroshot.md).
constexpr semantic::TextMethod kMethod = semantic::TextMethod::ensemble;

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

}  // namespace

Status App::set_text_model(const std::string& vocab_text) {
    if (!embedder_) return Status(ErrorCode::unsupported_format, "text search: no model runner on this page");
    auto tok = text::SentencePieceTokenizer::from_vocab_text(vocab_text);
    if (!tok) return Status(tok.status().code(), "models/use-lite/vocab.txt: " + tok.status().message());
    semantic_ = std::make_unique<semantic::SemanticSearch>(*embedder_, std::move(*tok));
    semantic_ready_ = false;
    semantic_status_ = "Text search: waiting for the catalog";
    if (catalog_) attach_semantic();
    return Status::ok();
}

void App::set_image_labels(const std::string& labels_text) {
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

void App::attach_semantic() {
    if (!semantic_ || !catalog_) return;
    semantic_ready_ = false;
    semantic_status_ = "Preparing text search: embedding the audio models' tags...";
    std::vector<std::string> msd, mtt;
    for (const AudioModel& m : models_) {
        if (m.key == "msd") msd = m.labels;
        if (m.key == "mtt") mtt = m.labels;
    }
    semantic_->attach(*catalog_, semantic::audio_concepts(msd, mtt), [this](Status s) {
        if (!s) {
            semantic_status_ = "Text search is not available: " + s.message();
            after_semantic_ready_.clear();
            return;
        }
        semantic_ready_ = true;
        semantic_status_.clear();
        std::vector<std::function<void()>> actions = std::move(after_semantic_ready_);
        after_semantic_ready_.clear();
        for (auto& a : actions) a();
    });
}

void App::when_semantic_ready(std::function<void()> action) {
    if (semantic_ready_) action();
    else after_semantic_ready_.push_back(std::move(action));
}

// ---- text search -------------------------------------------------------------------------------

void App::set_text_query(const std::string& text) {
    std::snprintf(text_buf_.data(), text_buf_.size(), "%s", text.c_str());
    text_wanted_ = text;
    if (blank(text)) {
        const bool had = !text_.text.empty();
        text_ = TextPart{};
        if (had) {
            if (query_.kind == Query::Kind::none && image_.name.empty()) results_.clear(), results_are_fit_ = false;
            else run_search();
        }
        return;
    }
    if (!semantic_) {
        error_ = "Text search is not available: the sentence encoder is not loaded";
        return;
    }
    if (!text_in_flight_) {
        text_in_flight_ = true;  // also while waiting for the concepts: one pending start is enough
        when_semantic_ready([this] { start_text_embedding(); });
    }
}

void App::start_text_embedding() {
    const std::string text = text_wanted_;
    text_in_flight_ = true;
    text_started_s_ = host_.now_s();
    semantic_->embed({text}, [this, text](Result<std::vector<float>> e) {
        text_in_flight_ = false;
        const double embedded_s = host_.now_s();
        if (text == text_wanted_) {
            if (!e) {
                error_ = "text \"" + text + "\": " + e.status().message();
            } else {
                auto p = semantic_->matcher().prepare(*e, kMethod);
                if (!p) {
                    error_ = "text \"" + text + "\": " + p.status().message();
                } else {
                    text_.text = text;
                    text_.prepared = std::move(*p);
                    text_.embed_ms = (embedded_s - text_started_s_) * 1000.0;
                    text_.score_ms = (host_.now_s() - embedded_s) * 1000.0;
                    error_.clear();
                    run_search();
                }
            }
        }
        // Typing went on while this one ran: embed the latest text next.
        if (text_wanted_ != text && !blank(text_wanted_)) start_text_embedding();
    });
}

// ---- pictures ----------------------------------------------------------------------------------

void App::analyze_image(int request, const std::string& name, std::vector<uint8_t> bytes) {
    auto fail = [this, name](int req, const std::string& message) {
        error_ = message.find(name) == std::string::npos ? name + ": " + message : message;
        if (req == image_request_) image_request_ = 0;
        host_.analysis_finished(req, false, error_);
    };
    if (!semantic_ || image_labels_.empty()) {
        fail(request, "pictures need the image and text models, which are not loaded on this page");
        return;
    }
    const double t0 = host_.now_s();
    auto img = decode_image(bytes, name);
    if (!img) {
        fail(request, img.status().message());
        return;
    }
    image_request_ = request;
    ImagePart part;
    part.name = name;
    part.width_px = img->width_px;
    part.height_px = img->height_px;
    part.format = image_format_name(img->format);
    part.feel = colour_feel(colour_stats(to_model_input(*img, 224)));
    ModelRequest model_request = semantic::image_model_request(*img);
    when_semantic_ready([this, request, part, model_request, t0, fail]() mutable {
        if (request != image_request_) return;  // a newer picture replaced it
        embedder_->run(std::move(model_request), [this, request, part, t0, fail](Result<ModelOutputs> out) mutable {
            if (request != image_request_) return;
            if (!out) {
                fail(request, out.status().message());
                return;
            }
            auto classes = semantic::top_image_classes(*out, image_labels_, 3);
            if (!classes) {
                fail(request, classes.status().message());
                return;
            }
            part.classes = std::move(*classes);
            std::vector<std::string> words;
            std::vector<float> probs;
            for (const semantic::ImageClass& c : part.classes) words.push_back(c.words), probs.push_back(std::max(c.prob, 1e-4f));
            semantic_->embed(words, [this, request, part, probs, t0, fail](Result<std::vector<float>> e) mutable {
                if (request != image_request_) return;
                if (!e) {
                    fail(request, e.status().message());
                    return;
                }
                const semantic::TextMatcher& m = semantic_->matcher();
                const std::vector<float> q = semantic::normalized_mean(e->data(), probs.size(), semantic::kTextDim, probs.data());
                auto sees = m.prepare(q, kMethod);
                if (!sees) {
                    fail(request, sees.status().message());
                    return;
                }
                part.sees = std::move(*sees);
                std::vector<std::span<const float>> lists = {part.sees->scores};
                std::vector<float> weights = {1.0f};
                const std::vector<semantic::ConceptWeight> fw = semantic::feel_weights(m.concepts(), part.feel);
                if (!fw.empty()) {
                    part.feels = m.prepare_weights(fw);
                    lists.push_back(part.feels->scores);
                    weights.push_back(1.0f);
                }
                part.scores = semantic::combine_scores(lists, weights);
                part.explanation = semantic::image_explanation(part.classes, part.feel);
                part.analysis_ms = (host_.now_s() - t0) * 1000.0;
                image_ = std::move(part);
                image_request_ = 0;
                error_.clear();
                run_search();
                host_.analysis_finished(request, true, "");
            });
        });
    });
}

// ---- the mixed query ---------------------------------------------------------------------------

std::vector<float> App::query_concept_values() const {
    const semantic::TextMatcher& m = semantic_->matcher();
    if (query_.kind == Query::Kind::track) {
        if (auto t = catalog_->find(query_.track_id)) {
            auto v = m.track_values(*t);
            return {v.begin(), v.end()};
        }
    }
    return semantic::item_concept_values(m.concepts(), [&](const std::string& set, const std::string& label) {
        if (set == "mood") {
            for (size_t i = 0; i < kNumMoods; ++i)
                if (label == kMoodNames[i]) return query_.moods[i];
            return kUnknown;
        }
        auto it = query_.all_tags.find(set + ":" + label);
        return it == query_.all_tags.end() ? kUnknown : it->second;
    });
}

void App::run_semantic_search(const SearchOptions& o) {
    const size_t n = catalog_->size();
    std::vector<std::span<const float>> lists;
    std::vector<float> weights;
    std::vector<float> similarity;
    std::optional<uint32_t> exclude;
    if (query_.kind != Query::Kind::none && !query_.embedding.empty() && weight_track_ > 0) {
        // Cosine to every track (the catalog's embeddings are unit vectors).
        double norm = 0;
        for (float v : query_.embedding) norm += double(v) * v;
        const float inv = norm > 0 ? float(1.0 / std::sqrt(norm)) : 0.0f;
        similarity.resize(n);
        for (uint32_t t = 0; t < n; ++t) {
            const std::vector<float> e = catalog_->embedding(t);
            double s = 0;
            for (size_t d = 0; d < e.size() && d < query_.embedding.size(); ++d) s += double(e[d]) * query_.embedding[d];
            similarity[t] = float(s) * inv;
        }
        lists.push_back(similarity);
        weights.push_back(weight_track_);
    }
    if (query_.kind == Query::Kind::track) exclude = catalog_->find(query_.track_id);
    if (text_.prepared && weight_text_ > 0) lists.push_back(text_.prepared->scores), weights.push_back(weight_text_);
    if (!image_.scores.empty() && weight_image_ > 0) lists.push_back(image_.scores), weights.push_back(weight_image_);
    results_.clear();
    results_are_fit_ = true;
    selected_row_ = -1;
    if (lists.empty()) return;  // every weight at 0
    const std::vector<float> combined = semantic::combine_scores(lists, weights);
    std::vector<float> sorted = combined;
    std::sort(sorted.begin(), sorted.end());
    const std::vector<uint32_t> top = semantic::top_tracks(combined, o.k, [&](uint32_t t) {
        return (!exclude || t != *exclude) && catalog_->passes(t, o.filters);
    });
    const semantic::TextMatcher& m = semantic_->matcher();
    for (uint32_t t : top) {
        SearchHit h;
        h.track = t;
        h.id = catalog_->tracks()[t].id;
        h.score = semantic::fraction_below(sorted, combined[t]);
        // Why: the concepts that carried the words' and the picture's scores for this track.
        std::vector<std::string> why;
        auto add = [&](const semantic::PreparedText& p) {
            for (const semantic::Contribution& c : m.explain(p, m.track_values(t), 3)) {
                const std::string& w = m.concepts()[c.index].words;
                if (std::find(why.begin(), why.end(), w) == why.end()) why.push_back(w);
            }
        };
        if (!similarity.empty()) {  // the track part: tags the dropped/chosen track and this one share
            size_t shared = 0;
            for (const TagScore& q : query_.tags) {
                if (q.prob < 0.1f || shared == 2) continue;
                for (const TagScore& s : catalog_->tracks()[t].top_tags)
                    if (s.label == q.label && s.prob >= 0.1f && std::find(why.begin(), why.end(), s.label) == why.end())
                        why.push_back(s.label), ++shared;
            }
        }
        if (text_.prepared && weight_text_ > 0) add(*text_.prepared);
        if (image_.sees && weight_image_ > 0) add(*image_.sees);
        if (image_.feels && weight_image_ > 0) add(*image_.feels);
        h.shared_tags = std::move(why);
        results_.push_back(std::move(h));
    }
    selected_row_ = results_.empty() ? -1 : 0;
}

// ---- zero-shot tags ----------------------------------------------------------------------------

void App::set_tag_labels(const std::string& labels_text) {
    std::snprintf(labels_buf_.data(), labels_buf_.size(), "%s", labels_text.c_str());
    const std::vector<std::string> labels = semantic::split_labels(labels_text);
    if (labels.empty()) {
        label_scores_.clear();
        if (colour_by_.kind == ColourBy::Kind::label) colour_by_ = ColourBy{}, colours_dirty_ = true;
        return;
    }
    if (!semantic_) {
        error_ = "Zero-shot tags are not available: the sentence encoder is not loaded";
        return;
    }
    labels_in_flight_ = true;
    when_semantic_ready([this, labels] {
        semantic_->embed(labels, [this, labels](Result<std::vector<float>> e) {
            labels_in_flight_ = false;
            if (!e) {
                error_ = "labels: " + e.status().message();
                return;
            }
            const semantic::TextMatcher& m = semantic_->matcher();
            std::vector<LabelScore> out;
            for (size_t i = 0; i < labels.size(); ++i) {
                auto p = m.prepare(std::span<const float>(e->data() + i * semantic::kTextDim, semantic::kTextDim), kMethod);
                if (!p) {
                    error_ = "label \"" + labels[i] + "\": " + p.status().message();
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
            if (colour_by_.kind == ColourBy::Kind::label) colours_dirty_ = true;
        });
    });
}

// Per label: how many tracks fit at the threshold, and the dropped file's score.
void App::score_labels() {
    if (!semantic_ready_) return;
    const semantic::TextMatcher& m = semantic_->matcher();
    const bool have_file = query_.kind == Query::Kind::file && query_.embedding.size() == m.audio_dim();
    std::vector<float> values, unit;
    if (have_file) {
        values = query_concept_values();
        unit = query_.embedding;
        double norm = 0;
        for (float v : unit) norm += double(v) * v;
        for (float& v : unit) v = float(v / std::sqrt(std::max(norm, 1e-30)));
    }
    for (LabelScore& ls : label_scores_) {
        ls.n_fit = size_t(std::count_if(ls.percentile.begin(), ls.percentile.end(), [&](float p) { return p >= tag_threshold_; }));
        ls.file_raw = ls.file_percentile = kUnknown;
        ls.file_why.clear();
        if (have_file) {
            ls.file_raw = m.score_item(ls.prepared, values, unit);
            ls.file_percentile = semantic::TextMatcher::percentile(ls.prepared, ls.file_raw);
            ls.file_why = m.explain_text(ls.prepared, values, 3);
        }
    }
}

std::string App::semantic_state_json() const {
    char buf[96];
    std::string o = ",\"semantic\":{\"ready\":" + std::string(semantic_ready_ ? "true" : "false") +
                    ",\"status\":" + json_quote(semantic_status_) + ",\"method\":" + json_quote(semantic::text_method_name(kMethod));
    o += ",\"text\":";
    if (text_.prepared) {
        std::snprintf(buf, sizeof buf, ",\"embed_ms\":%.2f,\"score_ms\":%.2f", text_.embed_ms, text_.score_ms);
        o += "{\"query\":" + json_quote(text_.text) + buf + ",\"concepts\":[";
        const semantic::TextMatcher& m = semantic_->matcher();
        for (size_t i = 0; i < text_.prepared->weights.size(); ++i) {
            const semantic::ConceptWeight& w = text_.prepared->weights[i];
            std::snprintf(buf, sizeof buf, ",\"weight\":%.4f}", double(w.weight));
            o += std::string(i ? "," : "") + "{\"key\":" + json_quote(m.concepts()[w.index].key()) + buf;
        }
        o += "]}";
    } else {
        o += "null";
    }
    o += ",\"typing\":" + json_quote(text_wanted_) + ",\"embedding\":" + std::string(text_in_flight_ ? "true" : "false");
    o += ",\"image\":";
    if (!image_.name.empty()) {
        std::snprintf(buf, sizeof buf, ",\"width\":%d,\"height\":%d,\"analysis_ms\":%.1f", image_.width_px, image_.height_px, image_.analysis_ms);
        o += "{\"name\":" + json_quote(image_.name) + ",\"format\":" + json_quote(image_.format) + buf +
             ",\"explanation\":" + json_quote(image_.explanation) + ",\"classes\":[";
        for (size_t i = 0; i < image_.classes.size(); ++i) {
            std::snprintf(buf, sizeof buf, ",\"prob\":%.4f}", double(image_.classes[i].prob));
            o += std::string(i ? "," : "") + "{\"words\":" + json_quote(image_.classes[i].words) + buf;
        }
        std::snprintf(buf, sizeof buf, "],\"valence\":%.3f,\"arousal\":%.3f,\"energy\":%.3f}", double(image_.feel.valence),
                      double(image_.feel.arousal), double(image_.feel.energy));
        o += buf;
    } else {
        o += "null";
    }
    std::snprintf(buf, sizeof buf, ",\"weights\":{\"track\":%.2f,\"text\":%.2f,\"image\":%.2f}", double(weight_track_),
                  double(weight_text_), double(weight_image_));
    o += buf;
    std::snprintf(buf, sizeof buf, ",\"threshold\":%.3f", double(tag_threshold_));
    o += buf;
    o += ",\"labels\":[";
    for (size_t i = 0; i < label_scores_.size(); ++i) {
        const LabelScore& ls = label_scores_[i];
        o += std::string(i ? "," : "") + "{\"label\":" + json_quote(ls.label) + ",\"fits\":" + std::to_string(ls.n_fit) + ",\"best\":[";
        for (size_t j = 0; j < ls.best.size(); ++j) o += std::string(j ? "," : "") + json_quote(catalog_->tracks()[ls.best[j]].id);
        o += "]";
        if (std::isfinite(ls.file_percentile)) {
            std::snprintf(buf, sizeof buf, ",\"file_raw\":%.4f,\"file_percentile\":%.4f", double(ls.file_raw), double(ls.file_percentile));
            o += buf + std::string(",\"file_why\":") + json_quote(ls.file_why);
        }
        o += "}";
    }
    o += "]}";
    o += ",\"results_are_fit\":" + std::string(results_are_fit_ ? "true" : "false");
    return o;
}

}  // namespace cf::app
