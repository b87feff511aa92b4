// cuefinder core — shots → picture queries (clip_pictures.h).
#include "core/query/clip_pictures.h"

#include <algorithm>
#include <cstdio>
#include <numeric>

namespace cf::query {

std::vector<size_t> shots_to_classify(const ClipReading& clip, size_t max_shots) {
    std::vector<size_t> order(clip.shots.size());
    std::iota(order.begin(), order.end(), size_t{0});
    auto len = [&](size_t i) { return clip.shots[i].end_s - clip.shots[i].start_s; };
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return len(a) > len(b); });
    if (order.size() > max_shots) order.resize(max_shots);
    return order;
}

namespace {

struct Chain {
    std::shared_ptr<ClipReading> clip;
    std::vector<Image> keyframes;
    std::vector<size_t> order;
    const std::vector<std::string>* labels = nullptr;
    Embedder* embedder = nullptr;
    semantic::SemanticSearch* search = nullptr;
    PictureOptions options;
    std::function<bool()> wanted;
    std::function<void(Status)> done;
};

std::string shot_name(const ClipReading& clip, size_t i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "shot %zu (%.1f s)", i + 1, clip.shots[i].start_s);
    return buf;
}

void step(std::shared_ptr<Chain> c, size_t k) {
    if (!c->wanted()) return;
    if (k >= c->order.size()) return c->done(Status::ok());
    const size_t i = c->order[k];
    const Image& img = c->keyframes[i];
    if (img.rgb.empty()) return c->done(Status(ErrorCode::invalid_argument, shot_name(*c->clip, i) + ": no keyframe"));
    prepare_picture(img, shot_name(*c->clip, i), *c->labels, *c->embedder, *c->search, c->options, c->wanted,
                    [c, k, i](Result<PictureQuery> p) {
                        if (!p) return c->done(Status(p.status().code(), shot_name(*c->clip, i) + ": " + p.status().message()));
                        c->clip->shots[i].picture = std::move(*p);
                        step(c, k + 1);
                    });
}

}  // namespace

void read_shot_pictures(std::shared_ptr<ClipReading> clip, std::vector<Image> keyframes,
                        const std::vector<std::string>& labels, Embedder& embedder, semantic::SemanticSearch& search,
                        const ShotPictureOptions& options, std::function<bool()> still_wanted,
                        std::function<void(Status)> done) {
    if (keyframes.size() != clip->shots.size())
        return done(Status(ErrorCode::invalid_argument, "one keyframe per shot expected: " + std::to_string(keyframes.size()) +
                                                            " keyframes for " + std::to_string(clip->shots.size()) + " shots"));
    if (options.max_shots < 1 || options.max_shots > 1000)
        return done(Status(ErrorCode::invalid_argument, "max_shots must be 1..1000"));
    auto c = std::make_shared<Chain>();
    c->order = shots_to_classify(*clip, options.max_shots);
    c->clip = std::move(clip);
    c->keyframes = std::move(keyframes);
    c->labels = &labels;
    c->embedder = &embedder;
    c->search = &search;
    c->options = options.picture;
    c->wanted = still_wanted ? std::move(still_wanted) : [] { return true; };
    c->done = std::move(done);
    step(std::move(c), 0);
}

}  // namespace cf::query
