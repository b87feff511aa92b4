// Custom tags in the app (custom_tags.h).
#include "app/session/custom_tags.h"

#include "core/common/json.h"
#include "core/io/json_reader.h"

namespace cf::app {

void CustomTags::open(const Catalog& catalog) {
    catalog_ = &catalog;
    filter = -1;
    for (CustomTag& t : tags_) score(t);
}

void CustomTags::score(CustomTag& t) const {
    t.scores.clear();
    t.n_fit = 0;
    if (!catalog_) return;
    auto s = query::score_catalog(t.tag, *catalog_);
    if (!s) return;  // another embedding: listed, not scored
    t.scores = std::move(*s);
    for (float p : t.scores) t.n_fit += query::fits(t.tag, p);
}

std::optional<size_t> CustomTags::find(std::string_view name) const {
    for (size_t i = 0; i < tags_.size(); ++i)
        if (tags_[i].tag.name == name) return i;
    return std::nullopt;
}

size_t CustomTags::put(query::FewShotTag tag) {
    CustomTag t{std::move(tag), {}, 0};
    score(t);
    if (auto i = find(t.tag.name)) {
        tags_[*i] = std::move(t);
        return *i;
    }
    tags_.push_back(std::move(t));
    return tags_.size() - 1;
}

Result<size_t> CustomTags::train(const std::string& name, std::span<const uint32_t> positives, std::span<const uint32_t> negatives) {
    if (!catalog_) return Status(ErrorCode::invalid_argument, "custom tag: no catalog is open");
    query::CatalogExamples ex;
    ex.positive_tracks.assign(positives.begin(), positives.end());
    ex.negative_tracks.assign(negatives.begin(), negatives.end());
    auto tag = query::train_few_shot_catalog(name, *catalog_, ex);
    if (!tag) return tag.status();
    return put(std::move(*tag));
}

Result<size_t> CustomTags::import_json(std::string_view json) {
    auto tag = query::parse_few_shot(json);
    if (!tag) return tag.status();
    if (catalog_) CF_RETURN_IF_ERROR(query::check_catalog(*tag, *catalog_));
    return put(std::move(*tag));
}

void CustomTags::remove(size_t index) {
    if (index >= tags_.size()) return;
    tags_.erase(tags_.begin() + std::ptrdiff_t(index));
    if (filter == int(index)) filter = -1;
    else if (filter > int(index)) --filter;
}

std::shared_ptr<const std::vector<uint8_t>> CustomTags::allowed() const {
    if (filter < 0 || size_t(filter) >= tags_.size() || tags_[size_t(filter)].scores.empty()) return nullptr;
    const CustomTag& t = tags_[size_t(filter)];
    auto mask = std::make_shared<std::vector<uint8_t>>(t.scores.size());
    for (size_t i = 0; i < t.scores.size(); ++i) (*mask)[i] = query::fits(t.tag, t.scores[i]) ? 1 : 0;
    return mask;
}

std::string CustomTags::store_json() const {
    JsonWriter w;
    w.begin_object().key("format").value("cuefinder-custom-tags").key("tags").begin_array();
    for (const CustomTag& t : tags_) w.value(query::to_json(t.tag));  // each tag's own JSON, as a string
    w.end_array().end_object();
    return w.take();
}

Status CustomTags::load_store(std::string_view json) {
    auto doc = parse_json(json);
    if (!doc) return doc.status().with_context("kept custom tags");
    const JsonValue* list = doc->is_object() ? doc->find("tags") : nullptr;
    if (!list || !list->is_array()) return Status(ErrorCode::corrupt, "kept custom tags: no \"tags\" list");
    std::string failed;
    for (const JsonValue& item : list->items()) {
        auto tag = query::parse_few_shot(item.string());
        if (tag) put(std::move(*tag));
        else failed += (failed.empty() ? "" : "; ") + tag.status().message();
    }
    if (failed.empty()) return Status::ok();
    return Status(ErrorCode::corrupt, "kept custom tags: " + failed);
}

std::string CustomTags::store_key(const Catalog& catalog) {
    return "tags:" + query::few_shot_embedding_key(catalog.embedding_name());
}

}  // namespace cf::app
