// cuefinder core — IVF-PQ index for sub-linear inner-product search over unit-norm embeddings.
//
//   cf::index::IvfPqOptions o;                 // nlist/n_sub 0 = automatic
//   cf::index::IvfPqIndex ix = cf::index::IvfPqIndex::build(vectors, n, dim, o);
//   std::vector<cf::index::Candidate> c = ix.search(query, /*nprobe=*/16, /*n_candidates=*/100);
//   // c: ids with approximate scores (q·centroid + PQ estimate of q·residual), best first;
//   // re-rank them exactly (float32 or int8) before showing them.
//
// Coarse quantizer: k-means with nlist centroids; each vector goes to the list of its nearest centroid.
// Fine quantizer: PQ of the residual x − centroid. For inner products the PQ lookup table of the
// residual does not depend on the list (q·(c + r) = q·c + q·r), so one table per query serves every
// probed list. Codes are stored list by list, so a probe reads one contiguous block.
//
// Why IVF-PQ and not HNSW: at 1M tracks a browser must download the index. IVF-PQ with 40-byte codes
// costs 44 bytes/track (codes + 4-byte ids); an HNSW graph alone is ~2·M·4 = 128 bytes/track at
// M = 16, plus the vectors it walks. See docs/benchmarks/search.md for measurements.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/io/container.h"
#include "core/common/status.h"
#include "core/index/quantizers.h"

namespace cf::index {

struct IvfPqOptions {
    size_t nlist = 0;      ///< coarse lists; 0 = round(2·√n), clamped to [1, n]
    size_t n_sub = 0;      ///< PQ sub-quantizers (bytes per code); 0 = max(1, dim / 5)
    size_t n_iterations = 10;  ///< k-means iterations (coarse and PQ)
    uint64_t seed = 1234;
};

struct Candidate {
    float score;  ///< approximate inner product (or exact after re-ranking)
    uint32_t id;  ///< vector index in the order the vectors were given to build()
};

/// Orders candidates best first: higher score, then lower id (so ties are deterministic).
inline bool candidate_better(const Candidate& a, const Candidate& b) {
    return a.score > b.score || (a.score == b.score && a.id < b.id);
}

/// Keeps the best `capacity` candidates pushed so far (a bounded min-heap).
class TopK {
public:
    explicit TopK(size_t capacity) : capacity_(capacity) { heap_.reserve(capacity); }
    void push(float score, uint32_t id);
    /// Worst score kept, or −∞ while not full (anything better is worth pushing).
    float threshold() const;
    size_t size() const { return heap_.size(); }
    /// The kept candidates, best first (empties the heap).
    std::vector<Candidate> take_sorted();

private:
    size_t capacity_;
    std::vector<Candidate> heap_;
};

class IvfPqIndex {
public:
    size_t dim = 0;
    size_t nlist = 0;
    std::vector<float> centroids;       ///< nlist × dim
    std::vector<uint32_t> list_offsets;  ///< nlist + 1; list l holds positions [offsets[l], offsets[l+1])
    std::vector<uint32_t> ids;           ///< n, vector index per position
    std::vector<uint8_t> codes;          ///< n × pq.n_sub, per position
    ProductQuantizer pq;

    size_t size() const { return ids.size(); }
    /// Index bytes per vector: PQ code + id (list offsets, centroids, codebooks amortised).
    double bytes_per_vector() const;

    /// Builds from n vectors of dim floats (normalise them first for cosine). n ≥ 1 (CF_ASSERT).
    static IvfPqIndex build(const float* vectors, size_t n, size_t dim, const IvfPqOptions& options);

    /// Probes the `nprobe` lists whose centroids score highest, then further lists until at least
    /// `min_accepted` vectors were accepted (or all lists were probed), and returns the best
    /// `n_candidates` accepted vectors by approximate score, best first. `accept` (n bytes, nonzero =
    /// allowed) filters before ranking; nullptr accepts everything.
    std::vector<Candidate> search(const float* query, size_t nprobe, size_t n_candidates,
                                  const uint8_t* accept = nullptr, size_t min_accepted = 0) const;

    /// Sections IVFC (centroids), IVFL (lists), PQCB (codebook), PQCD (codes).
    void write(ContainerWriter& writer) const;
    /// Reads the sections written by write(); nullopt-like empty index if IVFC is absent
    /// (`*present` = false). Errors name the file and the section.
    static Result<IvfPqIndex> read(const ContainerReader& reader, size_t expected_n, size_t expected_dim,
                                   bool* present);
};

}  // namespace cf::index
