#include "core/semantic/text_encoder.h"

#include <cmath>
#include <utility>

namespace cf::semantic {

namespace {

std::string quoted(const std::string& s) {
    return "\"" + (s.size() > 60 ? s.substr(0, 57) + "..." : s) + "\"";
}

}  // namespace

TextEncoder::TextEncoder(Embedder& embedder, text::SentencePieceTokenizer tokenizer, std::string model)
    : embedder_(embedder), tokenizer_(std::move(tokenizer)), model_(std::move(model)) {}

void TextEncoder::encode(std::vector<std::string> sentences, Callback done) {
    if (sentences.empty()) {
        done(Status(ErrorCode::invalid_argument, "text: no sentences to embed"));
        return;
    }
    std::vector<std::vector<int32_t>> ids;
    ids.reserve(sentences.size());
    for (const std::string& s : sentences) {
        auto t = tokenizer_.encode(s);
        if (!t) {
            done(Status(t.status().code(), "text " + quoted(s) + ": " + t.status().message()));
            return;
        }
        if (t->empty()) {
            done(Status(ErrorCode::invalid_argument, "text " + quoted(s) + " is empty"));
            return;
        }
        ids.push_back(std::move(*t));
    }
    text::SparseTokenBatch batch = text::make_sparse_batch(ids);
    const size_t n = sentences.size();
    CF_ASSERT(size_t(batch.n_output_rows) == n);
    ModelRequest req;
    req.model = model_;
    const int64_t n_tokens = int64_t(batch.n_tokens());
    req.inputs.push_back({"indices", ModelInput::Type::int32, {}, std::move(batch.indices), {}, {n_tokens, 2}});
    req.inputs.push_back({"values", ModelInput::Type::int32, {}, std::move(batch.values), {}, {n_tokens}});
    req.outputs = {"embedding"};
    const std::string model = model_;
    embedder_.run(std::move(req), [n, model, done = std::move(done)](Result<ModelOutputs> out) {
        if (!out) {
            done(out.status());
            return;
        }
        auto it = out->find("embedding");
        if (it == out->end() || it->second.values.size() != n * kTextDim) {
            done(Status(ErrorCode::io, "model " + model + ": expected an embedding of " + std::to_string(n) + " × " +
                                           std::to_string(kTextDim) + " values"));
            return;
        }
        std::vector<float> e = std::move(it->second.values);
        for (size_t i = 0; i < n; ++i) {  // the model normalises; renormalise against rounding
            float* r = e.data() + i * kTextDim;
            double s = 0;
            for (size_t j = 0; j < kTextDim; ++j) s += double(r[j]) * r[j];
            if (!(s > 0) || !std::isfinite(s)) {
                done(Status(ErrorCode::io, "model " + model + ": sentence " + std::to_string(i) + " has no direction"));
                return;
            }
            const float inv = float(1.0 / std::sqrt(s));
            for (size_t j = 0; j < kTextDim; ++j) r[j] *= inv;
        }
        done(std::move(e));
    });
}

std::vector<float> normalized_mean(const float* rows, size_t n, size_t dim, const float* weights) {
    std::vector<double> acc(dim, 0.0);
    for (size_t i = 0; i < n; ++i) {
        const double w = weights ? weights[i] : 1.0;
        for (size_t j = 0; j < dim; ++j) acc[j] += w * rows[i * dim + j];
    }
    double s = 0;
    for (double v : acc) s += v * v;
    std::vector<float> out(dim, 0.0f);
    if (s > 0) {
        const double inv = 1.0 / std::sqrt(s);
        for (size_t j = 0; j < dim; ++j) out[j] = float(acc[j] * inv);
    }
    return out;
}

}  // namespace cf::semantic
