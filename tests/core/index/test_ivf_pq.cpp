#include <gtest/gtest.h>

#include <algorithm>

#include "core/catalog/fixture_gen.h"
#include "core/io/container.h"
#include "core/index/ivf_pq.h"
#include "core/index/kernels.h"

namespace {

std::vector<float> unit_clustered(size_t n, size_t dim, uint64_t seed) {
    auto v = cf::test::clustered_vectors(n, dim, 50, seed, 0.5f);
    for (size_t i = 0; i < n; ++i) cf::index::normalize_l2(v.data() + i * dim, dim);
    return v;
}

std::vector<uint32_t> exact_top(const std::vector<float>& base, size_t dim, const float* q, size_t k) {
    cf::index::TopK top(k);
    for (size_t i = 0; i < base.size() / dim; ++i) top.push(cf::index::dot(q, base.data() + i * dim, dim), uint32_t(i));
    std::vector<uint32_t> ids;
    for (auto& c : top.take_sorted()) ids.push_back(c.id);
    return ids;
}

TEST(IvfPq, RecallAt10OnClusteredData) {
    // 8000 vectors, 32-d, 50 clusters (noise 0.5 per dim around unit-variance centres). IVF with
    // nlist = 179 lists, 8-byte PQ codes, nprobe 16; the top-100 candidates re-ranked exactly.
    // Recall@10 vs exact float search must be ≥ 0.95 (candidates) — it is ≈ 0.99 on this data.
    const size_t n = 8000, dim = 32, k = 10;
    const auto base = unit_clustered(n, dim, 1);
    const auto queries = unit_clustered(40, dim, 2);
    cf::index::IvfPqOptions o;
    o.n_sub = 8;
    o.n_iterations = 10;
    const auto ix = cf::index::IvfPqIndex::build(base.data(), n, dim, o);
    EXPECT_EQ(ix.nlist, 179u);
    // 8-byte code + 4-byte id, plus codebook (32 KB) and centroids (23 KB) spread over only 8000 vectors.
    EXPECT_LT(ix.bytes_per_vector(), 8 + 4 + 8);
    size_t hit = 0;
    for (size_t qi = 0; qi < 40; ++qi) {
        const float* q = queries.data() + qi * dim;
        const auto truth = exact_top(base, dim, q, k);
        auto cand = ix.search(q, 16, 100);
        cf::index::TopK top(k);
        for (auto& c : cand) top.push(cf::index::dot(q, base.data() + size_t(c.id) * dim, dim), c.id);
        for (auto& c : top.take_sorted()) hit += std::count(truth.begin(), truth.end(), c.id);
    }
    EXPECT_GE(double(hit) / (40.0 * k), 0.95);
}

TEST(IvfPq, AcceptMaskFiltersBeforeRanking) {
    const size_t n = 2000, dim = 16;
    const auto base = unit_clustered(n, dim, 3);
    cf::index::IvfPqOptions o;
    o.n_iterations = 5;
    const auto ix = cf::index::IvfPqIndex::build(base.data(), n, dim, o);
    std::vector<uint8_t> accept(n, 0);
    for (size_t i = 0; i < n; i += 100) accept[i] = 1;  // 20 pass
    const auto c = ix.search(base.data(), 1, 50, accept.data(), 10);
    EXPECT_GE(c.size(), 10u);
    for (auto& x : c) EXPECT_EQ(x.id % 100, 0u);
}

TEST(IvfPq, WriteReadRoundTrip) {
    const size_t n = 500, dim = 8;
    const auto base = unit_clustered(n, dim, 4);
    cf::index::IvfPqOptions o;
    o.n_iterations = 5;
    const auto ix = cf::index::IvfPqIndex::build(base.data(), n, dim, o);
    cf::ContainerWriter w;
    ix.write(w);
    const auto bytes = w.finish();
    auto r = cf::ContainerReader::parse(bytes, "ix");
    ASSERT_TRUE(r);
    bool present = false;
    auto back = cf::index::IvfPqIndex::read(*r, n, dim, &present);
    ASSERT_TRUE(back) << back.status().message();
    EXPECT_TRUE(present);
    EXPECT_EQ(back->ids, ix.ids);
    EXPECT_EQ(back->codes, ix.codes);
    EXPECT_EQ(back->centroids, ix.centroids);
    EXPECT_EQ(back->pq.codebook, ix.pq.codebook);
    auto wrong = cf::index::IvfPqIndex::read(*r, n + 1, dim, &present);
    ASSERT_FALSE(wrong);
    EXPECT_NE(wrong.status().message().find("ix: section"), std::string::npos) << wrong.status().message();
}

}  // namespace
