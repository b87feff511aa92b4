#include "core/query/picture_query.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "core/image/colour.h"
#include "core/image/image_ops.h"
#include "core/semantic/text_encoder.h"

namespace cf::query {

namespace sem = cf::semantic;

namespace {

// What the chain carries from one step to the next.
struct PictureJob {
    PictureQuery picture;
    PictureOptions options;
    sem::SemanticSearch* search = nullptr;
    std::function<bool()> still_wanted;
    PictureCallback done;
    bool wanted() const { return !still_wanted || still_wanted(); }
};

// Step 3: the class words' embeddings → "sees"; the feel → "feels".
void finish_picture(const std::shared_ptr<PictureJob>& job, const std::vector<float>& probs, const std::vector<float>& embedded) {
    const sem::TextMatcher& m = job->search->matcher();
    const std::vector<float> q = sem::normalized_mean(embedded.data(), probs.size(), sem::kTextDim, probs.data());
    auto sees = m.prepare(q, job->options.method);
    if (!sees) return job->done(sees.status());
    job->picture.sees = std::move(*sees);
    std::vector<sem::ConceptWeight> fw = sem::feel_weights(m.concepts(), job->picture.feel);
    if (!fw.empty()) job->picture.feels = m.prepare_weights(std::move(fw));
    job->done(std::move(job->picture));
}

// Step 2: the image model's answer → classes → embed their words.
void embed_classes(const std::shared_ptr<PictureJob>& job, const std::vector<std::string>& labels, Result<ModelOutputs> out) {
    if (!out) return job->done(out.status());
    auto classes = sem::top_image_classes(*out, labels, job->options.n_classes);
    if (!classes) return job->done(classes.status());
    job->picture.classes = std::move(*classes);
    std::vector<std::string> words;
    std::vector<float> probs;
    for (const sem::ImageClass& c : job->picture.classes) {
        words.push_back(c.words);
        probs.push_back(std::max(c.prob, job->options.min_class_weight));
    }
    if (words.empty()) return job->done(Status(ErrorCode::io, "image model: no classes"));
    job->search->embed(words, [job, probs](Result<std::vector<float>> e) {
        if (!job->wanted()) return;
        if (!e) return job->done(e.status());
        if (!job->search->ready()) return job->done(Status(ErrorCode::invalid_argument, "text search is not ready"));
        finish_picture(job, probs, *e);
    });
}

}  // namespace

void prepare_picture(const Image& image, std::string name, const std::vector<std::string>& labels, Embedder& embedder,
                     sem::SemanticSearch& search, const PictureOptions& options, std::function<bool()> still_wanted,
                     PictureCallback done) {
    if (labels.empty()) return done(Status(ErrorCode::invalid_argument, "pictures need the image model's labels"));
    if (!search.ready()) return done(Status(ErrorCode::invalid_argument, "pictures need the text search ready"));
    auto job = std::make_shared<PictureJob>();
    job->picture.name = std::move(name);
    job->picture.feel = colour_feel(colour_stats(to_model_input(image, 224)));
    job->options = options;
    job->search = &search;
    job->still_wanted = std::move(still_wanted);
    job->done = std::move(done);
    // The labels are copied into the callback: the caller's list may change while the model runs.
    embedder.run(sem::image_model_request(image), [job, labels](Result<ModelOutputs> out) {
        if (job->wanted()) embed_classes(job, labels, std::move(out));
    });
}

void prepare_picture(std::span<const uint8_t> bytes, std::string name, const std::vector<std::string>& labels,
                     Embedder& embedder, sem::SemanticSearch& search, const PictureOptions& options,
                     std::function<bool()> still_wanted, PictureCallback done) {
    Result<Image> image = decode_image(bytes, name);
    if (!image) return done(image.status());
    prepare_picture(*image, std::move(name), labels, embedder, search, options, std::move(still_wanted), std::move(done));
}

}  // namespace cf::query
