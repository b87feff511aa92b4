// cuefinder app session — custom tags: a tag learned from a few examples (a map lasso, liked tracks;
// core/query/few_shot.h does the learning), applied to the whole catalog: scores, fits, a filter, the
// map coloured by it; kept in this browser (Host::save_state) and exported/imported as small JSON.
//
//   cf::app::CustomTags tags;
//   tags.open(catalog);                                   // scores every kept tag that fits this catalog
//   auto i = tags.train("rainy evening", catalog, {12, 40, 41}, {});  // index, or an error
//   tags.tags()[*i].scores;                               // per track, calibrated 0..1
//   tags.filter = *i;  options.filters.allowed_tracks = tags.allowed();  // only tracks it fits
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/common/status.h"
#include "core/query/few_shot.h"

namespace cf::app {

struct CustomTag {
    query::FewShotTag tag;
    std::vector<float> scores;  ///< per catalog track, 0..1 (empty: trained for another embedding)
    size_t n_fit = 0;           ///< tracks with scores ≥ the tag's threshold
};

class CustomTags {
public:
    /// A new catalog: every kept tag is scored against it (a tag of another embedding stays listed, unscored).
    void open(const Catalog& catalog);
    void close() { catalog_ = nullptr, filter = -1; }

    /// Trains (or retrains, same name) a tag on catalog tracks; the rest of the catalog is the
    /// background. Returns its index. Errors: those of train_few_shot_catalog (no positives, …).
    Result<size_t> train(const std::string& name, std::span<const uint32_t> positives, std::span<const uint32_t> negatives);
    /// Adds a tag from its JSON (an export); replaces a tag of the same name. Errors: parse_few_shot's,
    /// check_catalog's.
    Result<size_t> import_json(std::string_view json);
    void remove(size_t index);
    const std::vector<CustomTag>& tags() const { return tags_; }
    std::optional<size_t> find(std::string_view name) const;

    /// The tag the matches are filtered by (-1: none) and its mask for SearchFilters::allowed_tracks.
    int filter = -1;
    std::shared_ptr<const std::vector<uint8_t>> allowed() const;

    /// Every tag as one JSON text for Host::save_state (a list of tag JSONs), and back. Errors of
    /// load_store name the tag that could not be read; the others are kept.
    std::string store_json() const;
    Status load_store(std::string_view json);
    /// "tags:msd-musicnn-1": the key they are kept under (tags carry over between catalogs of one embedding).
    static std::string store_key(const Catalog& catalog);

private:
    size_t put(query::FewShotTag tag);
    void score(CustomTag& t) const;
    const Catalog* catalog_ = nullptr;
    std::vector<CustomTag> tags_;
};

}  // namespace cf::app
