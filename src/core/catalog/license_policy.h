// cuefinder core — may the catalog site publish a track's full-length audio? Decided from the track's
// license string as catalog tracks store it (TrackMeta::license: SPDX-like ids such as "CC-BY-SA-3.0",
// "GPL-2+", "BSD-2-Clause", "public-domain", Debian's custom names such as "Drascula-License", free text
// such as "Creative Commons Attribution-NonCommercial 4.0", or empty).
//
//   cf::AudioLicenseDecision d = cf::full_audio_permission("GPL-2+ or CC-BY-SA-3.0");
//   if (d.verdict == cf::AudioVerdict::allowed) publish(track);   // d.reason says why, in one sentence
//
// What "publish" means here: the catalog build writes the whole track, unmodified except for its
// encoding (Opus, stereo kept, no cut, fade or gain), and the static catalog site serves it beside the
// track's title, license and attribution, free of charge. The policy answers for that use only.
//
// The policy, and why:
//  * allowed — licenses that permit anyone to redistribute copies:
//    - public domain dedications (CC0, "public domain", Unlicense, WTFPL, 0BSD): no conditions;
//    - free-software licenses, permissive (MIT/Expat, BSD, ISC, zlib, Apache, Artistic, MPL, Free Art
//      License, OGA-BY) and copyleft (GPL, LGPL, AGPL, GFDL): redistribution is permitted with the
//      license notice, which the site shows with every track. Copyleft asks that whoever receives a
//      copy can get its "source" (for a recording: the file it was made from); the catalog names the
//      source of every track (the demo's: the Debian source package and version, which Debian keeps
//      available), so a recipient knows where the original is;
//    - Creative Commons BY and BY-SA: redistribution with credit, which the site gives (attribution);
//    - Creative Commons NC variants (BY-NC, BY-NC-SA, BY-NC-ND): verbatim copies may be shared for
//      non-commercial purposes. The catalog site is a free, non-commercial demo (no fee, no ads, no
//      paid access), so they are allowed while AudioLicensePolicyOptions::non_commercial_site is true
//      (the default). Whoever runs a commercial site sets it false (or builds with --full-audio none);
//    - Creative Commons ND variants (BY-ND, BY-NC-ND): only verbatim copies may be shared, no adapted
//      material. The full audio is the whole track, with no cut, fade, gain or mix: a verbatim copy in
//      another encoding. Every CC license allows that explicitly — 4.0 §2(a)(4): "technical
//      modifications necessary to exercise the Licensed Rights in other media and formats ... never
//      produce Adapted Material"; 2.0–3.0 §3: the rights "may be exercised in all media and formats ...
//      include the right to make such modifications as are technically necessary to exercise the rights
//      in other media and formats". Transcoding to Opus is such a format change, so ND is allowed. (The
//      30 s previews are cut, faded and loudness-normalised: that is not this policy's question.)
//  * denied — a string that says redistribution is not permitted: "all rights reserved" (unless a
//    free license is named beside it, as BSD texts do), "proprietary", "non-free", "no redistribution",
//    "personal use only", "unlicensed"; and NC variants when the site is not non-commercial.
//  * unknown (not published under --full-audio auto) — an empty license, and any name this policy does
//    not recognise: custom licenses (Debian's "Drascula-License" permits free distribution only with its
//    Readme and notices intact, which a single track on a web page cannot guarantee), "freeware",
//    "royalty-free" (stock-music licenses rarely allow passing the file on), or free text. A person has
//    to read those; `catalog build --full-audio all` records that the builder asserts the rights.
//
// Expressions: "A or B" (also SPDX "OR") is allowed when one alternative is; "A and B" (also
// "AND", "&") only when every part is; "A with B" (an exception) is judged as A, since exceptions only
// add permissions; parentheses are ignored. Matching is case-insensitive, on words, so "MIT" matches
// "MIT" and "Expat/MIT" but never "permit" or "submitted".
#pragma once

#include <string>
#include <string_view>

namespace cf {

enum class AudioVerdict : int {
    allowed = 1,   ///< the license permits the site to publish the full track
    denied = 0,    ///< the license says it may not
    unknown = -1,  ///< empty, or not a license this policy recognises: not published under "auto"
};

struct AudioLicensePolicyOptions {
    bool non_commercial_site = true;  ///< the site is free and non-commercial: Creative Commons NC is allowed
};

struct AudioLicenseDecision {
    AudioVerdict verdict = AudioVerdict::unknown;
    std::string family;  ///< "public-domain", "free-software", "cc", "restricted", "unrecognised" or "none"
    std::string reason;  ///< one sentence naming the license, e.g. "CC-BY-SA-3.0: Creative Commons ..."
};

/// The verdict for `license` (the whole string as the track stores it). Never fails.
AudioLicenseDecision full_audio_permission(std::string_view license, const AudioLicensePolicyOptions& options = {});

/// "allowed", "denied" or "unknown".
const char* audio_verdict_name(AudioVerdict verdict);

}  // namespace cf
