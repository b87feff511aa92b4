// Rendering a plan: each piece is copied with its gain (1, or a crossfade's cos/sin at a splice) and
// added to the output, then the fades are applied. Scalar loops; a SIMD multiply-add (core/dsp/simd.h)
// would speed up the copy if a 3-minute render ever matters (it takes milliseconds: docs/benchmarks/fit.md).
#include "core/fit/render.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include <samplerate.h>

namespace cf {

namespace {

using Index = long long;

/// A crossfade's output samples [begin, begin + length).
struct Zone {
    Index begin = 0, length = 0;
};

Zone splice_zone(const Splice& s, int rate) {
    Zone z;
    z.length = std::max<Index>(1, std::llround(s.crossfade_s * rate));
    z.begin = std::llround(s.out_s * rate) - z.length / 2;
    return z;
}

/// Gain of piece `k` at output sample j: sin in the zone it enters by, cos in the zone it leaves by.
double piece_gain(Index j, const Zone* enter, const Zone* leave) {
    constexpr double kHalfPi = std::numbers::pi / 2;
    if (enter && j < enter->begin + enter->length)
        return std::sin(kHalfPi * (double(j - enter->begin) + 0.5) / double(enter->length));
    if (leave && j >= leave->begin) return std::cos(kHalfPi * (double(j - leave->begin) + 0.5) / double(leave->length));
    return 1.0;
}

void add_piece(const EditPlan& plan, size_t k, const PcmView& src, const std::vector<Zone>& zones,
               std::vector<float>& out) {
    const int rate = src.sample_rate_hz, ch = src.n_channels;
    const Index n_out = Index(out.size() / size_t(ch));
    const SourcePiece& p = plan.pieces[k];
    const Zone* enter = k > 0 ? &zones[k - 1] : nullptr;
    const Zone* leave = k < zones.size() ? &zones[k] : nullptr;
    Index begin = enter ? enter->begin : 0;
    Index end = leave ? leave->begin + leave->length : n_out;
    if (k + 1 == plan.pieces.size()) end = n_out;
    Index offset = std::llround(p.source_start_s * rate) - std::llround(p.out_start_s * rate);
    for (Index j = std::max<Index>(begin, 0); j < std::min(end, n_out); ++j) {
        Index s = j + offset;
        if (s < 0 || s >= Index(src.n_frames)) continue;
        float g = float(piece_gain(j, enter, leave));
        for (int c = 0; c < ch; ++c) out[size_t(j) * ch + c] += g * src.interleaved[size_t(s) * ch + c];
    }
}

/// Raised-cosine fade-in over [0, fade_in) and fade-out over [start, end), silence after end.
void apply_fades(const EditPlan& plan, int rate, int ch, std::vector<float>& out) {
    const Index n_out = Index(out.size() / size_t(ch));
    auto scale = [&](Index j, double g) {
        for (int c = 0; c < ch; ++c) out[size_t(j) * ch + c] *= float(g);
    };
    Index n_in = std::min(n_out, std::llround(plan.fade_in_s * rate));
    for (Index j = 0; j < n_in; ++j)
        scale(j, 0.5 - 0.5 * std::cos(std::numbers::pi * (double(j) + 0.5) / double(n_in)));
    Index f0 = std::llround(plan.fade_out_start_s * rate), f1 = std::llround(plan.fade_out_end_s * rate);
    if (f1 <= f0) return;
    for (Index j = std::max<Index>(f0, 0); j < n_out; ++j)
        scale(j, j >= f1 ? 0.0 : 0.5 + 0.5 * std::cos(std::numbers::pi * (double(j - f0) + 0.5) / double(f1 - f0)));
}

Status check_input(const EditPlan& plan, const PcmView& src) {
    auto bad = [](ErrorCode code, const std::string& m) { return Status(code, "render: " + m); };
    if (!std::isfinite(plan.length_s) || plan.length_s <= 0)
        return bad(ErrorCode::invalid_argument, "the plan's length_s must be a positive number");
    if (plan.pieces.empty() || plan.splices.size() + 1 != plan.pieces.size())
        return bad(ErrorCode::invalid_argument, "the plan has no pieces, or splices do not join them");
    for (const SourcePiece& p : plan.pieces)
        if (!std::isfinite(p.source_start_s) || !std::isfinite(p.source_end_s) || !std::isfinite(p.out_start_s) ||
            std::fabs(p.source_start_s) > 1e7 || std::fabs(p.out_start_s) > 1e7)
            return bad(ErrorCode::invalid_argument, "a plan piece has a time that is not a finite number of seconds");
    for (const Splice& s : plan.splices)
        if (!std::isfinite(s.out_s) || !std::isfinite(s.crossfade_s) || s.crossfade_s < 0 || s.crossfade_s > 60)
            return bad(ErrorCode::invalid_argument, "a plan splice has a time or crossfade_s that is not valid");
    if (!std::isfinite(plan.fade_in_s) || !std::isfinite(plan.fade_out_start_s) || !std::isfinite(plan.fade_out_end_s))
        return bad(ErrorCode::invalid_argument, "the plan's fade times are not finite numbers");
    if (src.n_channels < 1 || src.n_channels > 64)
        return bad(ErrorCode::invalid_argument,
                   "n_channels = " + std::to_string(src.n_channels) + " is outside [1, 64]");
    if (src.sample_rate_hz < 1000 || src.sample_rate_hz > 768000)
        return bad(ErrorCode::invalid_argument,
                   "sample_rate_hz = " + std::to_string(src.sample_rate_hz) + " is outside [1000, 768000]");
    if (src.n_frames == 0 || src.interleaved == nullptr)
        return bad(ErrorCode::empty, "the source audio has no samples");
    if (plan.length_s * src.sample_rate_hz * src.n_channels > 2e9)
        return bad(ErrorCode::too_large, "the output would exceed 2e9 samples");
    return Status::ok();
}

/// NaN or infinite samples in what the plan reads (each piece's source range plus the crossfade
/// margin): a Status naming the frame. Only those parts, so a 30 s edit does not scan a whole album.
Status check_samples(const EditPlan& plan, const PcmView& src) {
    const int rate = src.sample_rate_hz, ch = src.n_channels;
    double margin_s = 0.0;
    for (const Splice& s : plan.splices) margin_s = std::max(margin_s, s.crossfade_s);
    for (const SourcePiece& p : plan.pieces) {
        Index begin = std::max<Index>(0, std::llround((p.source_start_s - margin_s) * rate));
        Index end = std::min<Index>(Index(src.n_frames), std::llround((p.source_end_s + margin_s) * rate) + 1);
        for (Index f = begin; f < end; ++f)
            for (int c = 0; c < ch; ++c)
                if (!std::isfinite(src.interleaved[size_t(f) * ch + c]))
                    return Status(ErrorCode::invalid_argument,
                                  "render: source sample at frame " + std::to_string(f) + " is not a finite number");
    }
    return Status::ok();
}

}  // namespace

size_t rendered_frames(double length_s, int sample_rate_hz) {
    return length_s > 0 ? size_t(std::llround(length_s * sample_rate_hz)) : 0;
}

Result<std::vector<float>> render_plan(const EditPlan& plan, const PcmView& src) {
    CF_RETURN_IF_ERROR(check_input(plan, src));
    CF_RETURN_IF_ERROR(check_samples(plan, src));
    std::vector<float> out(rendered_frames(plan.length_s, src.sample_rate_hz) * size_t(src.n_channels), 0.0f);
    std::vector<Zone> zones;
    for (const Splice& s : plan.splices) zones.push_back(splice_zone(s, src.sample_rate_hz));
    for (size_t k = 0; k < plan.pieces.size(); ++k) add_piece(plan, k, src, zones, out);
    apply_fades(plan, src.sample_rate_hz, src.n_channels, out);
    return out;
}

Result<std::vector<float>> render_plan_at_rate(const EditPlan& plan, const PcmView& src, int output_rate_hz) {
    if (output_rate_hz < 1000 || output_rate_hz > 768000)
        return Status(ErrorCode::invalid_argument, "render: output rate " + std::to_string(output_rate_hz) + " Hz is outside [1000, 768000]");
    auto at_source = render_plan(plan, src);
    if (!at_source || output_rate_hz == src.sample_rate_hz) return at_source;
    const size_t ch = size_t(src.n_channels), n_in = at_source->size() / ch;
    const size_t n_out = rendered_frames(plan.length_s, output_rate_hz);
    std::vector<float> out((n_out + 64) * ch, 0.0f);
    SRC_DATA d{};
    d.data_in = at_source->data();
    d.input_frames = long(n_in);
    d.data_out = out.data();
    d.output_frames = long(n_out + 64);
    d.src_ratio = double(output_rate_hz) / src.sample_rate_hz;
    d.end_of_input = 1;
    if (int e = src_simple(&d, SRC_SINC_MEDIUM_QUALITY, src.n_channels); e != 0)
        return Status(ErrorCode::invalid_argument, std::string("render: resampling failed: ") + src_strerror(e));
    // The count is made exact: the edit ends in silence or the track's own 30 ms fade, so a frame
    // more or less at the end is inaudible.
    const size_t got = size_t(d.output_frames_gen);
    for (size_t f = got; f < n_out; ++f)
        for (size_t c = 0; c < ch; ++c) out[f * ch + c] = got > 0 ? out[(got - 1) * ch + c] : 0.0f;
    out.resize(n_out * ch);
    return out;
}

}  // namespace cf
