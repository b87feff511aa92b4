#include "core/index/ivf_pq.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/index/kernels.h"

namespace cf::index {

// ---- TopK ----------------------------------------------------------------------------------------
namespace {
// Min-heap by "betterness": the root is the worst kept candidate.
bool heap_less(const Candidate& a, const Candidate& b) { return candidate_better(a, b); }
}  // namespace

void TopK::push(float score, uint32_t id) {
    if (capacity_ == 0) return;
    const Candidate c{score, id};
    if (heap_.size() < capacity_) {
        heap_.push_back(c);
        std::push_heap(heap_.begin(), heap_.end(), heap_less);
    } else if (candidate_better(c, heap_.front())) {
        std::pop_heap(heap_.begin(), heap_.end(), heap_less);
        heap_.back() = c;
        std::push_heap(heap_.begin(), heap_.end(), heap_less);
    }
}

float TopK::threshold() const {
    return heap_.size() < capacity_ ? -std::numeric_limits<float>::infinity() : heap_.front().score;
}

std::vector<Candidate> TopK::take_sorted() {
    std::vector<Candidate> out = std::move(heap_);
    heap_.clear();
    std::sort(out.begin(), out.end(), candidate_better);
    return out;
}

// ---- IvfPqIndex ----------------------------------------------------------------------------------
double IvfPqIndex::bytes_per_vector() const {
    if (ids.empty()) return 0.0;
    const double fixed = double(centroids.size() * 4 + list_offsets.size() * 4 + pq.codebook.size() * 4);
    return double(pq.n_sub + 4) + fixed / double(ids.size());
}

IvfPqIndex IvfPqIndex::build(const float* vectors, size_t n, size_t dim, const IvfPqOptions& options) {
    CF_ASSERT(n >= 1 && dim >= 1);
    IvfPqIndex ix;
    ix.dim = dim;
    ix.nlist = options.nlist ? options.nlist : size_t(std::lround(2.0 * std::sqrt(double(n))));
    ix.nlist = std::clamp<size_t>(ix.nlist, 1, n);
    const size_t n_sub = std::clamp<size_t>(options.n_sub ? options.n_sub : dim / 5, 1, dim);

    KMeansOptions ko;
    ko.n_iterations = options.n_iterations;
    ko.seed = options.seed;
    ix.centroids = kmeans(vectors, n, dim, ix.nlist, ko);

    std::vector<float> half_norms(ix.nlist);
    for (size_t j = 0; j < ix.nlist; ++j)
        half_norms[j] = 0.5f * dot(ix.centroids.data() + j * dim, ix.centroids.data() + j * dim, dim);
    std::vector<uint32_t> assign(n);
    for (size_t i = 0; i < n; ++i)
        assign[i] = uint32_t(nearest_centroid(vectors + i * dim, ix.centroids.data(), half_norms.data(), ix.nlist, dim));

    // PQ on residuals of an evenly strided sample (at most 256·64 vectors).
    const size_t n_train = std::min(n, size_t(256 * 64));
    std::vector<float> residuals(n_train * dim);
    for (size_t t = 0; t < n_train; ++t) {
        const size_t i = t * n / n_train;
        const float* c = ix.centroids.data() + size_t(assign[i]) * dim;
        for (size_t d = 0; d < dim; ++d) residuals[t * dim + d] = vectors[i * dim + d] - c[d];
    }
    KMeansOptions po = ko;
    po.seed = options.seed + 17;
    ix.pq = ProductQuantizer::train(residuals.data(), n_train, dim, n_sub, po);

    // Lists: counting sort by list, stable in vector order.
    ix.list_offsets.assign(ix.nlist + 1, 0);
    for (uint32_t a : assign) ++ix.list_offsets[a + 1];
    for (size_t l = 0; l < ix.nlist; ++l) ix.list_offsets[l + 1] += ix.list_offsets[l];
    std::vector<uint32_t> fill(ix.list_offsets.begin(), ix.list_offsets.end() - 1);
    ix.ids.resize(n);
    ix.codes.resize(n * n_sub);
    std::vector<float> r(dim);
    for (size_t i = 0; i < n; ++i) {
        const uint32_t pos = fill[assign[i]]++;
        ix.ids[pos] = uint32_t(i);
        const float* c = ix.centroids.data() + size_t(assign[i]) * dim;
        for (size_t d = 0; d < dim; ++d) r[d] = vectors[i * dim + d] - c[d];
        ix.pq.encode(r.data(), ix.codes.data() + size_t(pos) * n_sub);
    }
    return ix;
}

std::vector<Candidate> IvfPqIndex::search(const float* query, size_t nprobe, size_t n_candidates,
                                          const uint8_t* accept, size_t min_accepted) const {
    if (ids.empty() || n_candidates == 0) return {};
    std::vector<Candidate> lists(nlist);
    for (size_t l = 0; l < nlist; ++l) lists[l] = {dot(query, centroids.data() + l * dim, dim), uint32_t(l)};
    std::sort(lists.begin(), lists.end(), candidate_better);

    std::vector<float> lut(pq.n_sub * 256);
    pq.inner_product_table(query, lut.data());
    const size_t n_sub = pq.n_sub;
    TopK top(n_candidates);
    size_t n_accepted = 0;
    nprobe = std::max<size_t>(nprobe, 1);
    for (size_t p = 0; p < nlist; ++p) {
        if (p >= nprobe && n_accepted >= min_accepted) break;
        const uint32_t l = lists[p].id;
        const float base = lists[p].score;
        for (uint32_t pos = list_offsets[l]; pos < list_offsets[l + 1]; ++pos) {
            const uint32_t id = ids[pos];
            if (accept && !accept[id]) continue;
            ++n_accepted;
            top.push(base + pq_adc(lut.data(), codes.data() + size_t(pos) * n_sub, n_sub), id);
        }
    }
    return top.take_sorted();
}

void IvfPqIndex::write(ContainerWriter& writer) const {
    {
        PayloadWriter w;
        w.u32(uint32_t(nlist));
        w.u32(uint32_t(dim));
        w.align(16);
        w.raw(centroids.data(), centroids.size() * 4);
        writer.add_section("IVFC", std::move(w.bytes()));
    }
    {
        PayloadWriter w;
        w.u32(uint32_t(nlist));
        w.u32(uint32_t(ids.size()));
        w.raw(list_offsets.data(), list_offsets.size() * 4);
        w.raw(ids.data(), ids.size() * 4);
        writer.add_section("IVFL", std::move(w.bytes()));
    }
    {
        PayloadWriter w;
        w.u32(uint32_t(dim));
        w.u32(uint32_t(pq.n_sub));
        w.align(16);
        w.raw(pq.codebook.data(), pq.codebook.size() * 4);
        writer.add_section("PQCB", std::move(w.bytes()));
    }
    {
        PayloadWriter w;
        w.u32(uint32_t(ids.size()));
        w.u32(uint32_t(pq.n_sub));
        w.align(16);
        w.raw(codes.data(), codes.size());
        writer.add_section("PQCD", std::move(w.bytes()));
    }
}


Result<IvfPqIndex> IvfPqIndex::read(const ContainerReader& reader, size_t expected_n, size_t expected_dim,
                                    bool* present) {
    *present = false;
    IvfPqIndex ix;
    auto ivfc = reader.section("IVFC");
    if (!ivfc) return ix;
    *present = true;
    const std::string& name = reader.name();
    auto sec = [&](const char* tag) { return reader.require(tag); };
    auto ivfl = sec("IVFL");
    if (!ivfl) return ivfl.status();
    auto pqcb = sec("PQCB");
    if (!pqcb) return pqcb.status();
    auto pqcd = sec("PQCD");
    if (!pqcd) return pqcd.status();

    uint32_t nlist = 0, dim = 0, n = 0, n_sub = 0, u = 0;
    PayloadReader c(*ivfc, name + ": section IVFC");
    c.u32(nlist) && c.u32(dim) && c.align(16);
    if (c.ok() && dim != expected_dim) c.fail("dim " + std::to_string(dim) + " != catalog dim " + std::to_string(expected_dim));
    if (c.ok() && (nlist == 0 || nlist > expected_n)) c.fail("list count " + std::to_string(nlist) + " out of range");
    if (c.ok()) c.array(ix.centroids, uint64_t(nlist) * dim);
    CF_RETURN_IF_ERROR(c.status());

    PayloadReader l(*ivfl, name + ": section IVFL");
    l.u32(u) && l.u32(n);
    if (l.ok() && (u != nlist || n != expected_n))
        l.fail("counts (" + std::to_string(u) + " lists, " + std::to_string(n) + " ids) do not match (" +
               std::to_string(nlist) + ", " + std::to_string(expected_n) + ")");
    if (l.ok()) l.array(ix.list_offsets, uint64_t(nlist) + 1);
    if (l.ok()) l.array(ix.ids, n);
    if (l.ok()) {
        if (ix.list_offsets[0] != 0 || ix.list_offsets[nlist] != n) l.fail("list offsets do not span the ids");
        for (size_t i = 0; l.ok() && i < nlist; ++i)
            if (ix.list_offsets[i] > ix.list_offsets[i + 1]) l.fail("list offsets decrease at list " + std::to_string(i));
        std::vector<uint8_t> seen(n, 0);
        for (size_t i = 0; l.ok() && i < n; ++i) {
            if (ix.ids[i] >= n || seen[ix.ids[i]]) l.fail("id " + std::to_string(ix.ids[i]) + " out of range or repeated");
            else seen[ix.ids[i]] = 1;
        }
    }
    CF_RETURN_IF_ERROR(l.status());

    PayloadReader b(*pqcb, name + ": section PQCB");
    b.u32(u) && b.u32(n_sub) && b.align(16);
    if (b.ok() && (u != dim || n_sub == 0 || n_sub > dim)) b.fail("dim/sub-quantizer count out of range");
    if (b.ok()) b.array(ix.pq.codebook, uint64_t(256) * dim);
    CF_RETURN_IF_ERROR(b.status());

    PayloadReader d(*pqcd, name + ": section PQCD");
    d.u32(u) && d.u32(n) && d.align(16);  // n reused as n_sub here
    if (d.ok() && (u != expected_n || n != n_sub)) d.fail("code counts do not match the lists");
    if (d.ok()) d.array(ix.codes, uint64_t(expected_n) * n_sub);
    CF_RETURN_IF_ERROR(d.status());

    ix.dim = dim;
    ix.nlist = nlist;
    ix.pq.dim = dim;
    ix.pq.n_sub = n_sub;
    return ix;
}

}  // namespace cf::index
