// cuefinder core — how a picture feels: colour statistics → valence/arousal → moods and energy.
//
//   cf::ColourStats s = cf::colour_stats(cf::to_model_input(photo, 224));  // a small copy is enough
//   cf::ColourFeel feel = cf::colour_feel(s);
//   // feel.description == "bright, warm, saturated"; feel.moods[0] is "happy" (kColourMoodNames)
//   // feel.explanation == "bright, warm, saturated: pleasant, lively"
//
// Statistics (all over every pixel, sRGB 8-bit input):
//   brightness     mean CIE L* / 100 (D65; sRGB decoded to linear light first). L*/10 is close to
//                  Munsell value, the brightness scale of the colour-emotion studies below.
//   contrast       standard deviation of L* / 100 (RMS contrast of lightness).
//   saturation     mean HSV saturation (max − min) / max, 0 for black pixels.
//   chroma         mean (max − min) / 255.
//   warmth         mean (R − B) / 255: > 0 red/orange/yellow, < 0 blue; grey is 0.
//   colourfulness  Hasler & Süsstrunk's M on 0..255 values (0 grey, ~33 "moderately", ~59 "quite",
//                  ~109 "extremely colourful"); colourfulness_01 = min(1, M / 109).
//
// Feel (all 0..1; the formulas are in colour.cpp with their references):
//   valence, arousal  Valdez & Mehrabian (1994) regressions on brightness and saturation, rescaled to
//                     0..1 over the range the inputs can take; arousal gets a small warm-hue term.
//   energy            0.6 arousal + 0.25 colourfulness_01 + 0.15 min(1, contrast / 0.3).
//   moods             happy (v + a) / 2, sad (2 − v − a) / 2, relaxed (1 + v − a) / 2,
//                     aggressive (1 − v + a) / 2 (the four quadrants of Russell's circumplex),
//                     danceable 0.6 energy + 0.4 valence. Picture-to-music hints, not measurements.
#pragma once

#include <array>
#include <string>

#include "core/image/image.h"

namespace cf {

struct ColourStats {
    float brightness = 0;        ///< mean L*/100, 0 (black) .. 1 (white)
    float contrast = 0;          ///< standard deviation of L*/100
    float saturation = 0;        ///< mean HSV saturation, 0..1
    float chroma = 0;            ///< mean (max − min)/255, 0..1
    float warmth = 0;            ///< mean (R − B)/255, −1 (blue) .. 1 (red)
    float colourfulness = 0;     ///< Hasler–Süsstrunk M (0..~180 on 0..255 values)
    float colourfulness_01 = 0;  ///< min(1, colourfulness / 109)
};

/// Same order and names as the catalog's moods (core/catalog/catalog.h kMoodNames).
inline constexpr std::array<const char*, 5> kColourMoodNames = {"happy", "sad", "relaxed", "aggressive", "danceable"};

struct ColourFeel {
    float valence = 0.5f;            ///< 0 unpleasant .. 1 pleasant
    float arousal = 0.5f;            ///< 0 calm .. 1 excited
    float energy = 0.5f;             ///< 0..1, for matching a track's energy
    std::array<float, 5> moods{};    ///< 0..1 each, in kColourMoodNames order
    std::string description;         ///< what the colours are: "bright, warm, saturated"
    std::string explanation;         ///< description + what it suggests: "bright, warm, saturated: pleasant, lively"
};

/// Statistics of every pixel. An empty image gives all zeros (contract: rgb holds n_pixels() × 3 bytes).
ColourStats colour_stats(const Image& image);

/// Valence, arousal, energy, moods and their words from the statistics.
ColourFeel colour_feel(const ColourStats& stats);

}  // namespace cf
