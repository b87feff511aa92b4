// Synthetic tracks for the fit tests: a steady beat grid and an energy curve given as a function.
#pragma once

#include <cmath>
#include <functional>
#include <vector>

#include "core/fit/fit.h"

namespace cf::fit_test {

/// A track of duration_s with beats every 60/bpm s from first_beat_s, confidence 0.9, and an energy
/// curve every 0.5 s (dB) from `energy` (flat −20 dB when empty).
inline TrackTimeline beat_track(double duration_s, double bpm, double first_beat_s = 0.0,
                                const std::function<double(double)>& energy = {}) {
    TrackTimeline t;
    t.duration_s = duration_s;
    t.bpm = bpm;
    t.beat_confidence = 0.9;
    for (double b = first_beat_s; b < duration_s; b += 60.0 / bpm) t.beats_s.push_back(b);
    for (double c = 0.5; c <= duration_s + 1e-9; c += 0.5) {
        t.energy_times_s.push_back(c);
        t.energy_db.push_back(float(energy ? energy(c) : -20.0));
    }
    return t;
}

/// A pace curve for a clip of n seconds from a function of the second's index.
inline std::vector<double> pace_curve(int n, const std::function<double(int)>& f) {
    std::vector<double> p;
    for (int i = 0; i < n; ++i) p.push_back(f(i));
    return p;
}

/// True when t_s is one of `beats` (to 1 µs).
inline bool on_a_beat(const std::vector<double>& beats, double t_s) {
    for (double b : beats)
        if (std::fabs(b - t_s) < 1e-6) return true;
    return false;
}

}  // namespace cf::fit_test
