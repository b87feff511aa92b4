// LoudnessMeter: libebur128 states (one per segment) + a per-hop RMS energy curve.
#include "core/loudness/loudness.h"

#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/audio/audio_reader.h"

namespace cf {

Status validate(const LoudnessOptions& o, int n_channels) {
    char text[200];
    if (!(o.curve_hop_s >= 0.05 && o.curve_hop_s <= 10.0)) {
        std::snprintf(text, sizeof text, "LoudnessOptions.curve_hop_s = %g is out of range [0.05, 10]", o.curve_hop_s);
        return Status(ErrorCode::invalid_argument, text);
    }
    if (!o.channel_roles.empty() && int(o.channel_roles.size()) != n_channels) {
        std::snprintf(text, sizeof text, "LoudnessOptions.channel_roles has %zu entries for %d channels",
                      o.channel_roles.size(), n_channels);
        return Status(ErrorCode::invalid_argument, text);
    }
    return Status::ok();
}

std::vector<LoudnessChannel> default_channel_roles(int n_channels, bool vorbis_order) {
    using C = LoudnessChannel;
    std::vector<C> roles(size_t(std::max(n_channels, 0)), C::front);
    if (n_channels == 6) {
        if (vorbis_order) roles = {C::front, C::front, C::front, C::surround, C::surround, C::unused};
        else roles = {C::front, C::front, C::front, C::unused, C::surround, C::surround};
    } else if (n_channels == 5) {
        roles = {C::front, C::front, C::front, C::surround, C::surround};
    }
    return roles;
}

LoudnessOptions loudness_options_for(const AudioInfo& info) {
    LoudnessOptions o;
    bool vorbis_order = info.codec == AudioCodec::vorbis || info.codec == AudioCodec::opus;
    o.channel_roles = default_channel_roles(info.n_source_channels, vorbis_order);
    return o;
}

struct LoudnessMeter::States {
    std::vector<ebur128_state*> list;
    ~States() {
        for (ebur128_state*& st : list) ebur128_destroy(&st);
    }
};

namespace {

double lufs_or_floor(double lufs) {
    return std::isfinite(lufs) ? std::max(lufs, kLoudnessFloorLufs) : kLoudnessFloorLufs;
}

double dbfs_of_mean_square(double ms) {
    return ms > 0.0 ? std::max(10.0 * std::log10(ms), kLevelFloorDbfs) : kLevelFloorDbfs;
}

}  // namespace

LoudnessMeter::LoudnessMeter(int sample_rate_hz, int n_channels, const LoudnessOptions& options)
    : sample_rate_hz_(sample_rate_hz), n_channels_(n_channels), options_(options), states_(std::make_unique<States>()) {
    CF_ASSERT(sample_rate_hz >= 8000 && sample_rate_hz <= 768000);
    CF_ASSERT(n_channels >= 1 && n_channels <= 64);
    CF_ASSERT(validate(options, n_channels).is_ok());
    if (options_.channel_roles.empty()) options_.channel_roles = default_channel_roles(n_channels, false);
    hop_frames_ = size_t(std::max(1L, std::lround(options_.curve_hop_s * sample_rate_hz)));
    result_.curve_hop_s = double(hop_frames_) / sample_rate_hz;
}

LoudnessMeter::~LoudnessMeter() = default;

void LoudnessMeter::new_state() {
    ebur128_state* st = ebur128_init(unsigned(n_channels_), (unsigned long)sample_rate_hz_,
                                     EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_SAMPLE_PEAK |
                                         EBUR128_MODE_HISTOGRAM);
    CF_ASSERT(st != nullptr);  // only fails on out-of-memory or absurd arguments (checked above)
    for (int c = 0; c < n_channels_; ++c) {
        int role = EBUR128_LEFT;  // any front channel: weight 1.0
        if (options_.channel_roles[size_t(c)] == LoudnessChannel::surround) role = EBUR128_LEFT_SURROUND;
        if (options_.channel_roles[size_t(c)] == LoudnessChannel::unused) role = EBUR128_UNUSED;
        CF_ASSERT(ebur128_set_channel(st, unsigned(c), role) == EBUR128_SUCCESS);
    }
    states_->list.push_back(st);
    segment_open_ = true;
}

void LoudnessMeter::start_segment(double start_s) {
    CF_ASSERT(!finished_);
    CF_ASSERT(std::isfinite(start_s));
    if (block_frames_ > 0) close_block();
    segment_open_ = false;  // the next push opens a fresh state
    segment_start_s_ = start_s;
    segment_frames_ = 0;
}

void LoudnessMeter::close_block() {
    ebur128_state* st = states_->list.back();
    const double elapsed_s = double(segment_frames_) / sample_rate_hz_;
    double short_term = -HUGE_VAL;
    unsigned long window_ms = (unsigned long)std::clamp(std::floor(elapsed_s * 1000.0), 1.0, 3000.0);
    if (ebur128_loudness_window(st, window_ms, &short_term) != EBUR128_SUCCESS) short_term = -HUGE_VAL;
    result_.curve_times_s.push_back(segment_start_s_ + elapsed_s);
    result_.short_term_lufs.push_back(float(lufs_or_floor(short_term)));
    result_.energy_dbfs.push_back(float(dbfs_of_mean_square(block_sum_squares_ / (double(block_frames_) * n_channels_))));
    block_frames_ = 0;
    block_sum_squares_ = 0.0;
}

void LoudnessMeter::push_interleaved(const float* frames, size_t n_frames) {
    CF_ASSERT(!finished_);
    CF_ASSERT(frames != nullptr || n_frames == 0);
    if (n_frames == 0) return;
    if (!segment_open_) new_state();
    ebur128_state* st = states_->list.back();
    const size_t nc = size_t(n_channels_);
    while (n_frames > 0) {
        size_t m = std::min(n_frames, hop_frames_ - block_frames_);
        CF_ASSERT(ebur128_add_frames_float(st, frames, m) == EBUR128_SUCCESS);
        double sum = 0.0;
        for (size_t i = 0; i < m * nc; ++i) sum += double(frames[i]) * frames[i];
        block_sum_squares_ += sum;
        block_frames_ += m;
        segment_frames_ += m;
        total_frames_ += double(m);
        frames += m * nc;
        n_frames -= m;
        if (block_frames_ == hop_frames_) close_block();
    }
}

LoudnessResult LoudnessMeter::finish() {
    CF_ASSERT(!finished_);
    if (block_frames_ > 0) close_block();
    finished_ = true;
    LoudnessResult& r = result_;
    r.duration_s = total_frames_ / sample_rate_hz_;
    if (states_->list.empty()) return r;
    double integrated = -HUGE_VAL;
    if (ebur128_loudness_global_multiple(states_->list.data(), states_->list.size(), &integrated) != EBUR128_SUCCESS)
        integrated = -HUGE_VAL;
    r.has_loudness = std::isfinite(integrated) && integrated > kLoudnessFloorLufs;
    r.integrated_lufs = lufs_or_floor(integrated);
    double range = 0.0;
    if (ebur128_loudness_range_multiple(states_->list.data(), states_->list.size(), &range) != EBUR128_SUCCESS ||
        !std::isfinite(range))
        range = 0.0;
    r.loudness_range_lu = r.has_loudness ? range : 0.0;
    double peak = 0.0;
    for (ebur128_state* st : states_->list)
        for (int c = 0; c < n_channels_; ++c) {
            double p = 0.0;
            if (ebur128_sample_peak(st, unsigned(c), &p) == EBUR128_SUCCESS) peak = std::max(peak, p);
        }
    r.sample_peak_dbfs = peak > 0.0 ? std::max(20.0 * std::log10(peak), kLevelFloorDbfs) : kLevelFloorDbfs;
    return r;
}

}  // namespace cf
