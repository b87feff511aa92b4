// cuefinder core — tempo (BPM), a confidence and beat times from 16 kHz mono, streaming.
//
//   cf::TempoTracker tracker(16000);                 // options validated with validate() first
//   tracker.start_segment(0.0);                      // optional for one contiguous stream
//   while (n = reader->read(block, 4096), *n > 0) tracker.push(block, *n);
//   cf::TempoResult t = tracker.finish();            // t.bpm, t.confidence, t.beats_s (track time)
//
// Windowed analysis of a long track: start_segment(start_s) before each non-contiguous excerpt. The
// tempo pools the periodicity of all segments; beats are tracked per segment and reported in track
// time. Memory: only the onset envelope is kept (100 floats per second of audio, 400 B/s).
//
// Method (our own implementation of published methods):
//  1. Onset strength — ref: Böck, Krebs & Schedl, "Evaluating the online capabilities of onset
//     detection methods" (ISMIR 2012): log-compressed spectral flux. 32 ms Hann frames (512 at
//     16 kHz), 10 ms hop, |X| per bin compressed as log(1 + 1000·|X|), the half-wave rectified rise
//     summed over bins 30 Hz–8 kHz. Per segment the envelope's 1 s moving mean is removed.
//  2. Tempo — ref: Ellis, "Beat tracking by dynamic programming" (JNMR 2007) §3 and Klapuri et al.
//     2006 (comb filters): the unbiased autocorrelation of the envelope, summed over segments, is
//     scored on a fine BPM grid (0.05 BPM) by a comb over the first multiples of the beat period
//     (fractional lags interpolated; the multiples averaged with weights = the share of envelope
//     products behind each lag, so a lag near a short segment's length, estimated from a handful of
//     products, cannot win), weighted by a log-normal tempo prior around prior_bpm (140 BPM by
//     default; width prior_octaves), restricted to [min_bpm, max_bpm].
//  3. Beats — ref: Ellis 2007 §2: dynamic programming that maximises the onset strength at the beats
//     plus tightness · (−log²(interval / period)) between consecutive beats, traced back from the
//     best-scoring frame near the end of each segment.
//
// Confidence in [0, 1]: the normalised autocorrelation of the onset envelope at the chosen beat
// period and its multiples (the comb score divided by the envelope's energy). ~0.6–1 for steady
// drums or clicks, ~0.1–0.3 for music with a weak pulse, ~0 for noise, pads and rubato. Not a
// probability: core/rhythm/tempo_reading.h turns it into steady / uncertain / free tempo. Known
// blind spot: a perfectly stationary synthetic tone (a digital sine or square chord) has a periodic
// flux (the 10 ms hop beating against the waveform's period) and reads as a confident pulse.
// Silence, or less than min_duration_s of audio in total: bpm 0, confidence 0, no beats (not an error).
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "core/common/status.h"

namespace cf {

struct TempoOptions {
    double min_bpm = 50.0;           ///< slowest tempo reported, in [20, max_bpm)
    double max_bpm = 220.0;          ///< fastest tempo reported, in (min_bpm, 400]
    /// Centre of the log-normal tempo prior, in [min_bpm, max_bpm]. 140 rather than the usual 120:
    /// chosen on a subset of the tempo evaluation (docs/benchmarks/tempo.md), where 120 halved or took
    /// 2/3 of more fast (170–200 BPM) pieces.
    double prior_bpm = 140.0;
    double prior_octaves = 1.0;      ///< its standard deviation in octaves, in [0.1, 10]
    double tightness = 680.0;        ///< beat-tracking penalty weight for tempo deviations, in [0, 10000]
    double min_duration_s = 4.0;     ///< less audio than this (over all segments) gives bpm 0, in [1, 60]
};

/// Validates options once; the message names the bad field and value.
Status validate(const TempoOptions& options);

struct TempoResult {
    double bpm = 0.0;                ///< beats per minute; 0 when no tempo was found
    double confidence = 0.0;         ///< 0..1, see the header comment (periodicity strength)
    std::vector<double> beats_s;     ///< beat times in track time, ascending
};

class TempoTracker {
public:
    /// sample_rate_hz in [8000, 48000] (tier-1 assert); invalid options are a tier-1 assert too.
    explicit TempoTracker(int sample_rate_hz, const TempoOptions& options = {});
    ~TempoTracker();
    TempoTracker(const TempoTracker&) = delete;
    TempoTracker& operator=(const TempoTracker&) = delete;

    /// The next samples begin at start_s in the track (seconds, finite).
    void start_segment(double start_s);
    /// Mono samples, full scale ±1.
    void push(const float* samples, size_t n);
    /// Estimates tempo and beats from everything pushed; the tracker can then only be destroyed.
    TempoResult finish();

    /// Onset-envelope frame rate (frames per second), for tests and tools.
    double frame_rate_hz() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cf
