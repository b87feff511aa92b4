// Colour statistics and the colour → emotion mapping.
#include "core/image/colour.h"

#include <algorithm>
#include <cmath>

namespace cf {
namespace {

// sRGB 8-bit → linear light (IEC 61966-2-1).
const std::array<double, 256>& srgb_to_linear() {
    static const std::array<double, 256> table = [] {
        std::array<double, 256> t{};
        for (int i = 0; i < 256; ++i) {
            const double v = i / 255.0;
            t[size_t(i)] = v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
        }
        return t;
    }();
    return table;
}

// CIE L* (0..100) of relative luminance Y (0..1).
double lightness(double y) {
    constexpr double e = 216.0 / 24389.0, k = 24389.0 / 27.0;
    return y > e ? 116.0 * std::cbrt(y) - 16.0 : k * y;
}

float clamp01(double v) { return float(std::clamp(v, 0.0, 1.0)); }

}  // namespace

ColourStats colour_stats(const Image& image) {
    CF_ASSERT(image.rgb.size() == image.n_pixels() * 3);
    ColourStats s;
    const size_t n = image.n_pixels();
    if (n == 0) return s;
    const auto& lin = srgb_to_linear();
    double l0 = 0, sum_l = 0, sum_l2 = 0, sum_sat = 0, sum_chroma = 0, sum_warm = 0;
    double sum_rg = 0, sum_rg2 = 0, sum_yb = 0, sum_yb2 = 0;
    for (size_t i = 0; i < n; ++i) {
        const uint8_t* p = &image.rgb[i * 3];
        const int r = p[0], g = p[1], b = p[2];
        const double y = 0.2126 * lin[size_t(r)] + 0.7152 * lin[size_t(g)] + 0.0722 * lin[size_t(b)];
        // Shifted by the first pixel's lightness: exact 0 spread for a flat picture, no cancellation.
        if (i == 0) l0 = lightness(y) / 100.0;
        const double l = lightness(y) / 100.0 - l0;
        sum_l += l;
        sum_l2 += l * l;
        const int mx = std::max({r, g, b}), mn = std::min({r, g, b});
        sum_sat += mx > 0 ? double(mx - mn) / mx : 0.0;
        sum_chroma += (mx - mn) / 255.0;
        sum_warm += (r - b) / 255.0;
        // ref: Hasler & Süsstrunk, "Measuring colourfulness in natural images", Proc. SPIE 5007
        // (Human Vision and Electronic Imaging VIII), 2003, eq. 3: opponent components
        // rg = R − G, yb = (R + G)/2 − B on the 0..255 sRGB values.
        const double rg = r - g, yb = 0.5 * (r + g) - b;
        sum_rg += rg;
        sum_rg2 += rg * rg;
        sum_yb += yb;
        sum_yb2 += yb * yb;
    }
    const double inv = 1.0 / double(n);
    s.brightness = float(l0 + sum_l * inv);
    s.contrast = float(std::sqrt(std::max(0.0, sum_l2 * inv - (sum_l * inv) * (sum_l * inv))));
    s.saturation = float(sum_sat * inv);
    s.chroma = float(sum_chroma * inv);
    s.warmth = float(sum_warm * inv);
    // M = σ_rgyb + 0.3 μ_rgyb, σ_rgyb = √(σ_rg² + σ_yb²), μ_rgyb = √(μ_rg² + μ_yb²) (population σ).
    const double mu_rg = sum_rg * inv, mu_yb = sum_yb * inv;
    const double var_rg = std::max(0.0, sum_rg2 * inv - mu_rg * mu_rg);
    const double var_yb = std::max(0.0, sum_yb2 * inv - mu_yb * mu_yb);
    const double m = std::sqrt(var_rg + var_yb) + 0.3 * std::sqrt(mu_rg * mu_rg + mu_yb * mu_yb);
    s.colourfulness = float(m);
    // 109: the top of the paper's scale ("extremely colourful", table 2).
    s.colourfulness_01 = clamp01(m / 109.0);
    return s;
}

ColourFeel colour_feel(const ColourStats& s) {
    ColourFeel f;
    const double b = std::clamp(double(s.brightness), 0.0, 1.0), sat = std::clamp(double(s.saturation), 0.0, 1.0);
    // ref: Valdez & Mehrabian, "Effects of color on emotions", J. Exp. Psychol. General 123(4),
    // 394-409, 1994: standardised regressions over Munsell brightness B and saturation S,
    //   Pleasure = .69 B + .22 S,   Arousal = −.31 B + .60 S   (Dominance = −.76 B + .32 S, unused).
    // Normalisation: B = mean L*/100 (L*/10 ≈ Munsell value) and S = mean HSV saturation, both 0..1.
    // Over that square Pleasure spans [0, .91] and Arousal [−.31, .60]; each is mapped linearly onto
    // 0..1, so a black picture has valence 0 and a white one .76, a mid-grey (B .5, S 0) has valence
    // .38 and arousal .17, and a saturated mid-bright picture (B .5, S 1) has arousal .83.
    f.valence = clamp01((0.69 * b + 0.22 * sat) / 0.91);
    double arousal = (-0.31 * b + 0.60 * sat + 0.31) / 0.91;
    // ref: Wilms & Oberfeld, "Color and emotion: effects of hue, saturation, and brightness",
    // Psychological Research 82, 896-914, 2018: at equal brightness and saturation, red hues are the
    // most arousing and blue/green the least. A small term for the warm-cool axis (our weight 0.1:
    // a hue effect well below the saturation effect, as in their data).
    arousal += 0.1 * std::clamp(double(s.warmth), -1.0, 1.0);
    f.arousal = clamp01(arousal);
    // Energy (our heuristic): mostly arousal, plus colourfulness and lightness contrast, which make a
    // picture look busier (an RMS L* contrast of 0.3 is already a hard black-and-white picture).
    f.energy = clamp01(0.6 * f.arousal + 0.25 * s.colourfulness_01 + 0.15 * std::min(1.0, s.contrast / 0.3));
    // Moods: the quadrants of Russell's circumplex (J. Pers. Soc. Psychol. 39(6), 1980): happy = pleasant
    // + aroused, relaxed = pleasant + calm, sad = unpleasant + calm, aggressive = unpleasant + aroused;
    // each the mean of its two 0..1 coordinates, so opposite moods add up to 1.
    const double v = f.valence, a = f.arousal;
    f.moods = {float((v + a) / 2), float((2 - v - a) / 2), float((1 + v - a) / 2), float((1 - v + a) / 2),
               clamp01(0.6 * f.energy + 0.4 * v)};

    // Words. Thresholds: L* 40/65, HSV saturation .2/.45, warmth ±.05, contrast .08/.25, M 59 ("quite
    // colourful" in Hasler & Süsstrunk's scale).
    std::string d;
    auto add = [&](const char* w) { if (!d.empty()) d += ", "; d += w; };
    if (s.brightness >= 0.65f) add("bright");
    else if (s.brightness < 0.40f) add("dark");
    if (s.warmth > 0.05f) add("warm");
    else if (s.warmth < -0.05f) add("cool");
    if (s.saturation >= 0.45f) add("saturated");
    else if (s.saturation < 0.2f) add(s.saturation < 0.03f ? "grey" : "muted");
    if (s.colourfulness >= 59.0f) add("colourful");
    if (s.contrast >= 0.25f) add("high contrast");
    else if (s.contrast < 0.08f) add("flat");
    if (d.empty()) d = "medium";
    f.description = d;
    const char* vw = f.valence >= 0.6f ? "pleasant" : f.valence < 0.4f ? "sombre" : "neutral";
    const char* aw = f.arousal >= 0.6f ? "lively" : f.arousal < 0.4f ? "calm" : "moderate";
    f.explanation = d + ": " + vw + ", " + aw;
    return f;
}

}  // namespace cf
