// Shared by the query tests: small synthetic catalogs built in memory and a TextMatcher fitted on them
// whose concepts have orthogonal text embeddings (concept j is the unit axis j), bridge method only.
#pragma once

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/common/status.h"
#include "core/semantic/semantic_search.h"
#include "core/semantic/text_encoder.h"
#include "core/semantic/text_matcher.h"

namespace cf::test {

/// The unit vector along axis j of the text embedding space.
inline std::vector<float> text_axis(size_t j) {
    std::vector<float> v(semantic::kTextDim, 0.0f);
    v[j] = 1.0f;
    return v;
}

/// The builder's catalog, opened from memory.
inline Catalog open_built(CatalogBuilder& b) {
    auto bytes = b.build({});
    CF_ASSERT(bytes.is_ok());
    auto cat = Catalog::open_buffer(std::move(*bytes), "test.cfc");
    CF_ASSERT(cat.is_ok());
    return std::move(*cat);
}

/// A matcher over `cat` with `concepts`, concept j embedded as text_axis(j).
inline semantic::TextMatcher axis_matcher(const Catalog& cat, const std::vector<semantic::Concept>& concepts) {
    std::vector<float> emb;
    for (size_t j = 0; j < concepts.size(); ++j) {
        auto a = text_axis(j);
        emb.insert(emb.end(), a.begin(), a.end());
    }
    auto m = semantic::TextMatcher::build(concepts, emb, semantic::catalog_concept_values(cat, concepts), cat.size(), {}, 0);
    CF_ASSERT(m.is_ok());
    return std::move(*m);
}

}  // namespace cf::test
