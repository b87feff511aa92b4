// Barnes-Hut t-SNE. See tsne.h for the references and the schedule.
//
// [SECTION] validation
// [SECTION] input affinities (kNN → per-point perplexity search → symmetric CSR)
// [SECTION] quadtree (repulsive forces)
// [SECTION] Tsne
// [SECTION] one-shot
#include "core/map/tsne.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/map/detail/knn.h"
#include "core/map/detail/random.h"
#include "core/map/pca.h"

namespace cf {
namespace {

std::string num(double x) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", x);
    return buf;
}
Status bad_option(const std::string& name, double value, const char* rule) {
    return Status(ErrorCode::invalid_argument, "t-SNE option " + name + " = " + num(value) + ": " + rule);
}

}  // namespace

// [SECTION] validation ---------------------------------------------------------------------------

Status validate(const TsneOptions& o) {
    if (!(std::isfinite(o.perplexity) && o.perplexity > 0.0)) return bad_option("perplexity", o.perplexity, "must be > 0");
    if (o.n_iterations < 0) return bad_option("n_iterations", o.n_iterations, "must be >= 0");
    if (!(o.theta >= 0.0 && o.theta <= 1.0)) return bad_option("theta", o.theta, "must be in [0, 1]");
    if (!(std::isfinite(o.learning_rate) && o.learning_rate >= 0.0))
        return bad_option("learning_rate", o.learning_rate, "must be >= 0 (0 = auto)");
    if (!(std::isfinite(o.early_exaggeration) && o.early_exaggeration >= 1.0))
        return bad_option("early_exaggeration", o.early_exaggeration, "must be >= 1");
    if (o.early_exaggeration_iterations < 0)
        return bad_option("early_exaggeration_iterations", o.early_exaggeration_iterations, "must be >= 0");
    if (!(o.momentum_early >= 0.0 && o.momentum_early < 1.0))
        return bad_option("momentum_early", o.momentum_early, "must be in [0, 1)");
    if (!(o.momentum_final >= 0.0 && o.momentum_final < 1.0))
        return bad_option("momentum_final", o.momentum_final, "must be in [0, 1)");
    if (!(std::isfinite(o.min_gain) && o.min_gain > 0.0)) return bad_option("min_gain", o.min_gain, "must be > 0");
    if (o.init != TsneInit::pca && o.init != TsneInit::random && o.init != TsneInit::given)
        return bad_option("init", double(int(o.init)), "must be TsneInit::pca, random or given");
    return Status::ok();
}

namespace {

// [SECTION] input affinities ---------------------------------------------------------------------

// ref: van der Maaten 2014 §4.1 / sklearn _binary_search_perplexity: find β_i so that the entropy of
// p_{j|i} ∝ exp(−β_i·d²_ij) over the k neighbours equals ln(perplexity). Distances are shifted by the
// smallest one (cancels in the normalisation) so exp never underflows to an all-zero row.
void conditional_row(const float* sq_dist, size_t k, double perplexity, float* p_out) {
    const double target = std::log(perplexity);
    const double d_min = sq_dist[0];
    double beta = 1.0, beta_lo = 0.0, beta_hi = std::numeric_limits<double>::infinity();
    std::vector<double> p(k);
    for (int it = 0; it < 200; ++it) {
        double sum = 0.0, weighted = 0.0;
        for (size_t j = 0; j < k; ++j) {
            const double d = double(sq_dist[j]) - d_min;
            p[j] = std::exp(-beta * d);
            sum += p[j];
            weighted += d * p[j];
        }
        const double entropy = std::log(sum) + beta * weighted / sum;
        for (size_t j = 0; j < k; ++j) p[j] /= sum;
        const double diff = entropy - target;
        if (std::fabs(diff) < 1e-5) break;
        if (diff > 0.0) {  // too flat: sharpen
            beta_lo = beta;
            beta = std::isinf(beta_hi) ? beta * 2.0 : 0.5 * (beta + beta_hi);
        } else {
            beta_hi = beta;
            beta = 0.5 * (beta + beta_lo);
        }
        if (beta > 1e300) break;  // all distances equal: the uniform row is the answer
    }
    for (size_t j = 0; j < k; ++j) p_out[j] = float(p[j]);
}

// [SECTION] quadtree -----------------------------------------------------------------------------

// A point-region quadtree over the current layout, rebuilt every iteration into the same storage.
// Leaves hold one position (with a count, for exact duplicates); below kMaxDepth nearly-coincident
// points share a leaf, which only slightly blurs forces between points < 1e-12 apart.
// Speed: the traversal reads only the compact `Cell` array (32 bytes per node); points are inserted
// and visited in Morton (Z-curve) order, so consecutive queries walk nearly the same cells, which
// stay in cache. Both orders only change the rounding of the sums, never the algorithm.
class QuadTree {
public:
    void build(const std::vector<double>& y, size_t n) {
        double min_x = y[0], max_x = y[0], min_y = y[1], max_y = y[1];
        for (size_t i = 1; i < n; ++i) {
            min_x = std::min(min_x, y[2 * i]);
            max_x = std::max(max_x, y[2 * i]);
            min_y = std::min(min_y, y[2 * i + 1]);
            max_y = std::max(max_y, y[2 * i + 1]);
        }
        const double half = 0.5 * std::max(max_x - min_x, max_y - min_y) * (1.0 + 1e-6) + 1e-12;
        // Morton order of the points (16 bits per axis; ties by index, so the order is deterministic).
        const double scale = 65535.0 / (2.0 * half);
        keys_.resize(n);
        for (size_t i = 0; i < n; ++i) {
            const uint32_t qx = uint32_t(std::min(65535.0, std::max(0.0, (y[2 * i] - min_x) * scale)));
            const uint32_t qy = uint32_t(std::min(65535.0, std::max(0.0, (y[2 * i + 1] - min_y) * scale)));
            keys_[i] = (uint64_t(interleave(qx) | (interleave(qy) << 1)) << 32) | uint64_t(i);
        }
        std::sort(keys_.begin(), keys_.end());
        order_.resize(n);
        for (size_t i = 0; i < n; ++i) order_[i] = uint32_t(keys_[i] & 0xffffffffu);
        cells_.clear();
        info_.clear();
        cells_.reserve(4 * n + 1);
        info_.reserve(4 * n + 1);
        add_leaf(0.5 * (min_x + max_x), 0.5 * (min_y + max_y), half, 0);
        for (uint32_t p : order_) insert(y, p);
    }

    /// Points in Morton order (valid after build()).
    const std::vector<uint32_t>& order() const { return order_; }

    /// Repulsion on point i: adds Σ_j q_ij²·(y_i − y_j) to (fx, fy) and returns Σ_j q_ij (j ≠ i),
    /// q_ij = 1 / (1 + |y_i − y_j|²), summarising cells that look small from y_i (width / dist < θ).
    double repulsion(double xi, double yi, double theta, double& fx, double& fy) const {
        const double theta2 = theta * theta;
        double sum_q = 0.0, ax = 0.0, ay = 0.0;
        int32_t stack[4 * kMaxDepth + 8];
        int top = 0;
        stack[top++] = 0;
        while (top > 0) {
            const Cell& cell = cells_[size_t(stack[--top])];
            if (cell.count == 0) continue;
            const double dx = xi - cell.com_x, dy = yi - cell.com_y;
            const double d2 = dx * dx + dy * dy;
            if (cell.first_child < 0 || double(cell.width2) < theta2 * d2) {
                if (cell.first_child < 0 && d2 == 0.0) {
                    sum_q += double(cell.count) - 1.0;  // exact duplicates of i (and i itself) at q = 1
                    continue;
                }
                const double q = 1.0 / (1.0 + d2);
                const double nq = double(cell.count) * q;
                sum_q += nq;
                ax += nq * q * dx;
                ay += nq * q * dy;
            } else {
                for (int c = 0; c < 4; ++c) stack[top++] = cell.first_child + c;
            }
        }
        fx += ax;
        fy += ay;
        return sum_q;
    }

private:
    static constexpr int kMaxDepth = 48;
    struct Cell {                // what the traversal reads
        double com_x, com_y;     ///< centre of mass of the points inside
        float width2;            ///< squared cell width
        uint32_t count;          ///< number of points inside
        int32_t first_child;     ///< index of 4 consecutive children, −1 for a leaf
        int32_t point;           ///< leaf: one point inside (−1 if empty)
    };
    struct CellGeometry {        // what only the build reads
        double cx, cy, half;
        int32_t depth;
    };

    static uint32_t interleave(uint32_t v) {  // 16 bits → even bit positions
        v &= 0xffffu;
        v = (v | (v << 8)) & 0x00ff00ffu;
        v = (v | (v << 4)) & 0x0f0f0f0fu;
        v = (v | (v << 2)) & 0x33333333u;
        v = (v | (v << 1)) & 0x55555555u;
        return v;
    }

    void add_leaf(double cx, double cy, double half, int depth) {
        cells_.push_back(Cell{0.0, 0.0, float(4.0 * half * half), 0u, -1, -1});
        info_.push_back(CellGeometry{cx, cy, half, depth});
    }
    int quadrant(size_t idx, double x, double y) const {
        return (x >= info_[idx].cx ? 1 : 0) + (y >= info_[idx].cy ? 2 : 0);
    }

    void insert(const std::vector<double>& y, uint32_t p) {
        const double px = y[2 * p], py = y[2 * p + 1];
        size_t idx = 0;
        for (;;) {
            Cell& cell = cells_[idx];
            if (cell.first_child >= 0) {  // inner cell: update the centre of mass and descend
                const double c = double(cell.count);
                cell.com_x = (cell.com_x * c + px) / (c + 1.0);
                cell.com_y = (cell.com_y * c + py) / (c + 1.0);
                cell.count += 1;
                idx = size_t(cell.first_child + quadrant(idx, px, py));
                continue;
            }
            if (cell.point < 0) {  // empty leaf
                cell.point = int32_t(p);
                cell.count = 1;
                cell.com_x = px;
                cell.com_y = py;
                return;
            }
            const double ox = y[2 * size_t(cell.point)], oy = y[2 * size_t(cell.point) + 1];
            if (ox == px && oy == py) {  // exact duplicate: the centre of mass stays exactly (ox, oy)
                cell.count += 1;
                return;
            }
            if (info_[idx].depth >= kMaxDepth) {  // nearly coincident: share the leaf
                const double c = double(cell.count);
                cell.com_x = (cell.com_x * c + px) / (c + 1.0);
                cell.com_y = (cell.com_y * c + py) / (c + 1.0);
                cell.count += 1;
                return;
            }
            // Split: the cell becomes inner (count and centre of mass unchanged so far); its old
            // occupant(s) move to their quadrant; the loop then inserts p through the inner cell.
            const Cell old = cell;
            const CellGeometry g = info_[idx];
            const double h = g.half * 0.5;
            const int32_t first = int32_t(cells_.size());
            for (int q = 0; q < 4; ++q) add_leaf(g.cx + ((q & 1) ? h : -h), g.cy + ((q & 2) ? h : -h), h, g.depth + 1);
            Cell& moved = cells_[size_t(first + quadrant(idx, old.com_x, old.com_y))];
            moved.count = old.count;
            moved.point = old.point;
            moved.com_x = old.com_x;
            moved.com_y = old.com_y;
            cells_[idx].first_child = first;  // (re-fetched: push_back may have moved the storage)
            cells_[idx].point = -1;
        }
    }

    std::vector<Cell> cells_;
    std::vector<CellGeometry> info_;
    std::vector<uint64_t> keys_;
    std::vector<uint32_t> order_;
};

}  // namespace

// [SECTION] Tsne ---------------------------------------------------------------------------------

Status Tsne::init(const float* data, size_t n_points, size_t dim, const TsneOptions& options,
                  const ProgressCallback& progress) {
    *this = Tsne();
    CF_RETURN_IF_ERROR(validate(options));
    if (data == nullptr || n_points == 0 || dim == 0)
        return Status(ErrorCode::invalid_argument, "t-SNE: empty input (n_points = " + std::to_string(n_points) +
                                                       ", dim = " + std::to_string(dim) + ")");
    if (n_points > size_t(std::numeric_limits<int32_t>::max() / 8))
        return Status(ErrorCode::too_large, "t-SNE: n_points = " + std::to_string(n_points) + " is too many");
    for (size_t i = 0; i < n_points * dim; ++i)
        if (!std::isfinite(data[i]))
            return Status(ErrorCode::invalid_argument, "t-SNE: data[" + std::to_string(i / dim) + "][" +
                                                           std::to_string(i % dim) + "] is not finite (" +
                                                           num(double(data[i])) + ")");
    const size_t n = n_points;
    if (options.init == TsneInit::given) {
        if (options.initial_layout.size() != 2 * n)
            return Status(ErrorCode::invalid_argument, "t-SNE: initial_layout has " +
                                                           std::to_string(options.initial_layout.size()) +
                                                           " values, expected 2 × n_points = " + std::to_string(2 * n));
        for (size_t i = 0; i < 2 * n; ++i)
            if (!std::isfinite(options.initial_layout[i]))
                return Status(ErrorCode::invalid_argument, "t-SNE: initial_layout[" + std::to_string(i / 2) + "][" +
                                                               std::to_string(i % 2) + "] is not finite (" +
                                                               num(double(options.initial_layout[i])) + ")");
    }
    Tsne t;
    t.options_ = options;
    t.options_.initial_layout = {};  // only init() reads it
    t.n_points_ = n;
    t.perplexity_ = options.perplexity;
    if (n <= 2) {
        t.embedding_.assign(2 * n, 0.0f);
        if (n == 2) {
            t.embedding_[0] = -1.0f;
            t.embedding_[2] = 1.0f;
        }
        t.y_.assign(t.embedding_.begin(), t.embedding_.end());
        t.note_ = "t-SNE: " + std::to_string(n) + " point(s): fixed layout, no iterations";
        t.perplexity_ = 0.0;
        *this = std::move(t);
        return Status::ok();
    }
    // k = 3·perplexity neighbours; a perplexity that needs more neighbours than exist is clamped.
    if (3.0 * t.perplexity_ > double(n - 1)) {
        t.perplexity_ = double(n - 1) / 3.0;
        t.note_ = "t-SNE: perplexity " + num(options.perplexity) + " is too large for " + std::to_string(n) +
                  " points; using " + num(t.perplexity_);
    }
    const size_t k = std::min(n - 1, std::max<size_t>(1, size_t(std::floor(3.0 * t.perplexity_))));
    const double estimate = double(n) * double(k) * 24.0 + double(n) * 160.0;
    if (estimate > double(options.max_memory_bytes))
        return Status(ErrorCode::too_large, "t-SNE: " + std::to_string(n) + " points at perplexity " +
                                                num(t.perplexity_) + " need about " + num(estimate / 1048576.0) +
                                                " MB, more than max_memory_bytes (" +
                                                num(double(options.max_memory_bytes) / 1048576.0) + " MB)");

    ProgressCallback knn_progress;
    if (progress) knn_progress = [&](double f) { return progress(0.95 * f); };
    Result<map_detail::KnnResult> knn = map_detail::exact_knn(data, n, dim, k, options.seed, knn_progress);
    if (!knn) return knn.status();

    // Conditional p_{j|i}, in place of the distances.
    std::vector<float>& cond = knn->squared_distance;
    std::vector<float> row(k);
    for (size_t i = 0; i < n; ++i) {
        conditional_row(&cond[i * k], k, t.perplexity_, row.data());
        std::copy(row.begin(), row.end(), cond.begin() + std::ptrdiff_t(i * k));
    }
    // Symmetrise: P = (P_cond + P_condᵀ) / sum, as CSR with both directions. Each row gets its own k
    // entries plus one per point that lists it; duplicates (mutual neighbours) are merged.
    std::vector<uint32_t> count(n, uint32_t(k));
    for (uint32_t j : knn->index) ++count[j];
    std::vector<uint32_t> start(n + 1, 0);
    for (size_t i = 0; i < n; ++i) start[i + 1] = start[i] + count[i];
    std::vector<std::pair<uint32_t, float>> entries(start[n]);
    std::vector<uint32_t> fill(start.begin(), start.end() - 1);
    for (size_t i = 0; i < n; ++i)
        for (size_t r = 0; r < k; ++r) {
            const uint32_t j = knn->index[i * k + r];
            const float v = cond[i * k + r];
            entries[fill[i]++] = {j, v};
            entries[fill[j]++] = {uint32_t(i), v};
        }
    knn = Status(ErrorCode::empty, "released");  // free the kNN arrays before building the CSR
    t.p_row_start_.assign(n + 1, 0);
    t.p_col_.reserve(entries.size());
    t.p_val_.reserve(entries.size());
    double total = 0.0;
    for (size_t i = 0; i < n; ++i) {
        auto first = entries.begin() + std::ptrdiff_t(start[i]), last = entries.begin() + std::ptrdiff_t(start[i + 1]);
        std::sort(first, last, [](const auto& a, const auto& b) { return a.first < b.first; });
        for (auto it = first; it != last;) {
            const uint32_t j = it->first;
            double v = 0.0;
            for (; it != last && it->first == j; ++it) v += double(it->second);
            t.p_col_.push_back(j);
            t.p_val_.push_back(float(v));
            total += v;
        }
        t.p_row_start_[i + 1] = uint32_t(t.p_col_.size());
    }
    std::vector<std::pair<uint32_t, float>>().swap(entries);
    t.p_col_.shrink_to_fit();
    t.p_val_.shrink_to_fit();
    for (float& v : t.p_val_) v = float(double(v) / total);

    // Initial layout, std 1e-4 (sklearn / openTSNE convention).
    t.y_.assign(2 * n, 0.0);
    bool have_init = false;
    if (options.init == TsneInit::pca || options.init == TsneInit::given) {
        // A given layout is treated like the PCA one: centred, scaled to std 1e-4 on x. Starting from
        // map units (std ~10–50) under early exaggeration would make the first steps overshoot.
        std::vector<float> start;
        if (options.init == TsneInit::given) {
            start = options.initial_layout;
        } else {
            Result<std::vector<float>> pca = pca_2d(data, n, dim);
            if (!pca) return pca.status();
            start = std::move(*pca);
        }
        double mean0 = 0.0, mean1 = 0.0, var0 = 0.0;
        for (size_t i = 0; i < n; ++i) {
            mean0 += start[2 * i];
            mean1 += start[2 * i + 1];
        }
        mean0 /= double(n);
        mean1 /= double(n);
        for (size_t i = 0; i < n; ++i) var0 += (start[2 * i] - mean0) * (start[2 * i] - mean0);
        const double sd0 = std::sqrt(var0 / double(n));
        // PCA output is already centred (mean1 ≈ 0 up to rounding); subtracting it only for a given
        // layout keeps the PCA path bit-identical to before.
        if (options.init == TsneInit::pca) mean0 = mean1 = 0.0;
        if (sd0 > 0.0) {
            for (size_t i = 0; i < n; ++i) {
                t.y_[2 * i] = (double(start[2 * i]) - mean0) / sd0 * 1e-4;
                t.y_[2 * i + 1] = (double(start[2 * i + 1]) - mean1) / sd0 * 1e-4;
            }
            have_init = true;
        }
    }
    if (!have_init) {  // random init, or a PCA / given layout with no spread on x (must not start all coincident)
        map_detail::SplitMix64 rng(options.seed ^ 0x7f4a7c159e3779b9ull);
        for (double& v : t.y_) v = 1e-4 * rng.normal();
    }
    t.update_.assign(2 * n, 0.0);
    t.gains_.assign(2 * n, 1.0);
    t.grad_.assign(2 * n, 0.0);
    t.learning_rate_ = options.learning_rate > 0.0 ? options.learning_rate
                                                   : std::max(double(n) / options.early_exaggeration / 4.0, 50.0);
    t.n_iterations_total_ = options.n_iterations;
    t.publish_embedding();
    if (progress && !progress(1.0)) return Status(ErrorCode::cancelled, "t-SNE: cancelled");
    *this = std::move(t);
    return Status::ok();
}

void Tsne::compute_gradient(double exaggeration, std::vector<double>& grad, double* sum_q_out) const {
    const size_t n = n_points_;
    QuadTree tree;
    tree.build(y_, n);
    // Repulsion first (needs the global normaliser Z = Σ q), then attraction over the sparse P.
    double sum_q = 0.0;
    for (const uint32_t i : tree.order()) {
        double fx = 0.0, fy = 0.0;
        sum_q += tree.repulsion(y_[2 * i], y_[2 * i + 1], options_.theta, fx, fy);
        grad[2 * i] = fx;
        grad[2 * i + 1] = fy;
    }
    if (sum_q_out) *sum_q_out = sum_q;
    const double inv_z = sum_q > 0.0 ? 1.0 / sum_q : 0.0;
    for (size_t i = 0; i < n; ++i) {
        const double xi = y_[2 * i], yi = y_[2 * i + 1];
        double ax = 0.0, ay = 0.0;
        for (uint32_t e = p_row_start_[i]; e < p_row_start_[i + 1]; ++e) {
            const size_t j = p_col_[e];
            const double dx = xi - y_[2 * j], dy = yi - y_[2 * j + 1];
            const double pq = double(p_val_[e]) / (1.0 + dx * dx + dy * dy);
            ax += pq * dx;
            ay += pq * dy;
        }
        grad[2 * i] = 4.0 * (exaggeration * ax - grad[2 * i] * inv_z);
        grad[2 * i + 1] = 4.0 * (exaggeration * ay - grad[2 * i + 1] * inv_z);
    }
}

bool Tsne::step(int n_iterations) {
    if (n_points_ <= 2) return false;
    const size_t n = n_points_;
    for (int s = 0; s < n_iterations && iteration_ < n_iterations_total_; ++s) {
        const bool early = iteration_ < options_.early_exaggeration_iterations;
        if (iteration_ == options_.early_exaggeration_iterations && iteration_ > 0) {
            // sklearn restarts its optimiser after the exaggeration phase: fresh momentum and gains.
            std::fill(update_.begin(), update_.end(), 0.0);
            std::fill(gains_.begin(), gains_.end(), 1.0);
        }
        const double exaggeration = early ? options_.early_exaggeration : 1.0;
        const double momentum = early ? options_.momentum_early : options_.momentum_final;
        compute_gradient(exaggeration, grad_, nullptr);
        for (size_t c = 0; c < 2 * n; ++c) {
            // ref: Jacobs 1988 delta-bar-delta gains, as in van der Maaten's and sklearn's optimisers.
            const bool same_direction = (update_[c] * grad_[c]) < 0.0;
            gains_[c] = same_direction ? gains_[c] + 0.2 : gains_[c] * 0.8;
            if (gains_[c] < options_.min_gain) gains_[c] = options_.min_gain;
            update_[c] = momentum * update_[c] - learning_rate_ * gains_[c] * grad_[c];
            y_[c] += update_[c];
        }
        // Keep the layout centred (t-SNE is translation invariant; a drifting centre only costs
        // precision). Done every iteration so any split of step() calls gives the same numbers.
        double mx = 0.0, my = 0.0;
        for (size_t i = 0; i < n; ++i) {
            mx += y_[2 * i];
            my += y_[2 * i + 1];
        }
        mx /= double(n);
        my /= double(n);
        for (size_t i = 0; i < n; ++i) {
            y_[2 * i] -= mx;
            y_[2 * i + 1] -= my;
        }
        ++iteration_;
    }
    publish_embedding();
    return iteration_ < n_iterations_total_;
}

void Tsne::publish_embedding() {
    embedding_.resize(y_.size());
    for (size_t c = 0; c < y_.size(); ++c) embedding_[c] = float(y_[c]);
}

double Tsne::kl_divergence_estimate() const {
    if (n_points_ <= 2) return 0.0;
    std::vector<double> grad(2 * n_points_);
    double sum_q = 0.0;
    compute_gradient(1.0, grad, &sum_q);
    if (!(sum_q > 0.0)) return 0.0;
    double kl = 0.0;
    for (size_t i = 0; i < n_points_; ++i)
        for (uint32_t e = p_row_start_[i]; e < p_row_start_[i + 1]; ++e) {
            const double p = p_val_[e];
            if (p <= 0.0) continue;
            const size_t j = p_col_[e];
            const double dx = y_[2 * i] - y_[2 * j], dy = y_[2 * i + 1] - y_[2 * j + 1];
            const double q = 1.0 / (1.0 + dx * dx + dy * dy) / sum_q;
            kl += p * std::log(p / std::max(q, 1e-300));
        }
    return kl;
}

// [SECTION] one-shot -----------------------------------------------------------------------------

Result<std::vector<float>> tsne(const float* data, size_t n_points, size_t dim, const TsneOptions& options,
                                const ProgressCallback& progress) {
    Tsne t;
    ProgressCallback init_progress;
    if (progress) init_progress = [&](double f) { return progress(0.2 * f); };
    CF_RETURN_IF_ERROR(t.init(data, n_points, dim, options, init_progress));
    const int total = std::max(1, t.n_iterations());
    while (t.step(10)) {
        if (progress && !progress(0.2 + 0.8 * double(t.iteration()) / double(total)))
            return Status(ErrorCode::cancelled, "t-SNE: cancelled at iteration " + std::to_string(t.iteration()));
    }
    if (progress && !progress(1.0)) return Status(ErrorCode::cancelled, "t-SNE: cancelled");
    return t.embedding();
}

}  // namespace cf
