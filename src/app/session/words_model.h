// cuefinder app session — words and a picture as parts of the query, and the zero-shot tags: the
// sentence encoder and the image model run through the Embedder (core/model/embedder.h), answers
// arrive later; this class keeps the parts, the flows in flight and their results.
//
//   cf::app::WordsModel words(host, embedder, query, hooks);  // hooks: search again, show an error
//   words.set_text_model(vocab_text);  words.attach(catalog, models);   // concepts embedded, then ready
//   words.set_text_query("calm piano");                       // hooks.parts_changed() once embedded
//   words.analyze_image(request, "sea.jpg", bytes);           // host.analysis_finished(request, ...) later
//   words.set_tag_labels("piano, calm");                      // label_scores() once embedded
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/host.h"
#include "app/session/query.h"
#include "core/common/json.h"
#include "core/image/colour.h"
#include "core/query/picture_query.h"
#include "core/semantic/image_query.h"
#include "core/semantic/semantic_search.h"

namespace cf::app {

struct TextPart {
    std::string text;                            ///< what the results are for ("" = no text part)
    std::optional<semantic::PreparedText> prepared;
    double embed_ms = 0, score_ms = 0;           ///< last query: text → embedding, embedding → catalog scores
};
struct ImagePart {
    std::string name;                            ///< "" = no picture
    query::PictureQuery picture;                 ///< what it shows and how it feels (core/query/picture_query.h)
    std::string explanation;                     ///< "sees: …; feels: …"
    int width_px = 0, height_px = 0;
    std::string format;
    double analysis_ms = 0;
};
/// One zero-shot label of the tagging panel.
struct LabelScore {
    std::string label;
    semantic::PreparedText prepared;
    std::vector<float> percentile;               ///< per catalog track, 0..1
    size_t n_fit = 0;                            ///< tracks at or above the threshold
    std::vector<uint32_t> best;                  ///< best tracks, best first
    float file_raw = kUnknown, file_percentile = kUnknown;  ///< the dropped file
    std::string file_why;
};

/// What the words model asks of the session.
struct WordsHooks {
    std::function<void()> parts_changed;             ///< the words or the picture changed: search again
    std::function<void(const std::string&)> error;   ///< shows an error ("" clears it)
    std::function<void()> labels_scored;             ///< label fits changed (the map may colour by one)
};

class WordsModel {
public:
    /// `query` is the session's current query (read when scoring labels against a dropped file).
    WordsModel(Host& host, Embedder* embedder, const Query& query, WordsHooks hooks);
    ~WordsModel();

    /// The sentence encoder's vocabulary (models/use-lite/vocab.txt). Errors name the file.
    Status set_text_model(const std::string& vocab_text);
    /// The image model's class lines (models/mobilenet-v2/labels.txt).
    void set_image_labels(const std::string& labels_text);
    /// Embeds the concepts (`models`' tag labels) and fits the matcher on `catalog` (kept: it must
    /// outlive this or the next attach); ready() once done. Without a text model it only keeps `catalog`.
    void attach(const Catalog& catalog, const std::vector<AudioModel>& models);
    /// Forgets the words, the picture and the labels' scores (a new catalog).
    void clear_parts();

    /// Results for `text` arrive when it is embedded (typing calls this on every change; the latest wins).
    void set_text_query(const std::string& text);
    /// A picture: decoded now, classified and embedded later; host.analysis_finished(request, ...) at the end.
    void analyze_image(int request, const std::string& name, std::vector<uint8_t> bytes);
    void remove_image();
    /// Zero-shot tags: each comma-separated label scored against the catalog (and a dropped file).
    void set_tag_labels(const std::string& labels_text);
    /// Recounts fits at the threshold and scores the dropped file (after a new analysis).
    void score_labels();
    void set_threshold(float fraction);

    bool has_text_model() const { return semantic_ != nullptr; }
    bool ready() const { return ready_; }
    const std::string& status() const { return status_; }            ///< "" when ready
    const semantic::TextMatcher& matcher() const { return semantic_->matcher(); }
    /// For the video model: the text search session (null without a text model), the image model's
    /// labels, and `action` once the matcher is ready (at once when it is).
    semantic::SemanticSearch* search() { return semantic_.get(); }
    const std::vector<std::string>& image_labels() const { return image_labels_; }
    void when_ready(std::function<void()> action);
    /// Each text prepared against the catalog (its scores per track), in order, once the matcher is
    /// ready and the texts are embedded (remarks of an adaptive session). Without a text model: an error.
    using PreparedCallback = std::function<void(Result<std::vector<semantic::PreparedText>>)>;
    void prepare_texts(std::vector<std::string> texts, PreparedCallback done);
    /// The typed words as a query part (empty without words).
    std::vector<query::TextQuery> text_queries() const;
    bool has_parts() const { return !text_.text.empty() || !image_.name.empty(); }
    const TextPart& text() const { return text_; }
    const std::string& typing() const { return text_wanted_; }
    bool text_in_flight() const { return text_in_flight_; }
    const ImagePart& image() const { return image_; }
    bool image_in_flight() const { return image_request_ != 0; }
    const std::vector<LabelScore>& label_scores() const { return label_scores_; }
    const std::string& labels_text() const { return labels_text_; }
    bool labels_in_flight() const { return labels_in_flight_; }
    float threshold() const { return threshold_; }
    float weight_track = 1.0f, weight_text = 1.0f, weight_image = 1.0f;  ///< the mix (0 leaves a part out)

    /// Writes the "semantic" member of the session's state_json() (`catalog` names the labels' best tracks).
    void write_state(JsonWriter& w, const Catalog* catalog) const;

private:
    void write_image(JsonWriter& w) const;
    void start_text_embedding();
    void picture_ready(int request, ImagePart part, Result<query::PictureQuery> picture, double t0);
    void fail_image(int request, const std::string& name, const std::string& message);
    void labels_embedded(const std::vector<std::string>& labels, const std::vector<float>& embeddings);

    Host& host_;
    Embedder* embedder_;
    const Query& query_;
    WordsHooks hooks_;
    const Catalog* catalog_ = nullptr;
    std::unique_ptr<semantic::SemanticSearch> semantic_;
    bool ready_ = false;
    std::string status_;                             ///< "" when ready; else what is happening or failed
    std::vector<std::function<void()>> after_ready_;
    std::vector<std::string> image_labels_;
    std::string text_wanted_;                        ///< the latest text to embed
    bool text_in_flight_ = false;
    double text_started_s_ = 0;
    TextPart text_;
    ImagePart image_;
    int image_request_ = 0;                          ///< the picture being analysed (0: none)
    std::string labels_text_;                        ///< the tagging panel's labels, as last set
    std::vector<LabelScore> label_scores_;
    bool labels_in_flight_ = false;
    float threshold_ = 0.825f;                       ///< calibrated threshold: best mean F1 on the labelled set (docs/benchmarks/zeroshot.md)
};

}  // namespace cf::app
