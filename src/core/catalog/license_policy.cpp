// The full-audio license policy (license_policy.h has the policy and its reasoning). A license string
// is split into alternatives ("or") of conjunctions ("and") of terms; each term is matched on its
// lower-case words.
#include "core/catalog/license_policy.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <vector>

namespace cf {
namespace {

std::string lower_trimmed(std::string_view s) {
    size_t a = 0, b = s.size();
    while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
    std::string out(s.substr(a, b - a));
    for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

struct Span {
    size_t start = 0, size = 0;
};

/// The parts of `s` between occurrences of any of `separators` (lower-case, with their spaces).
std::vector<Span> split_any(std::string_view s, std::initializer_list<std::string_view> separators) {
    std::vector<Span> parts;
    size_t start = 0;
    for (size_t i = 0; i < s.size();) {
        size_t hit = 0;
        for (std::string_view sep : separators)
            if (s.compare(i, sep.size(), sep) == 0) hit = std::max(hit, sep.size());
        if (hit == 0) { ++i; continue; }
        parts.push_back({start, i - start});
        i += hit;
        start = i;
    }
    parts.push_back({start, s.size() - start});
    return parts;
}

/// Lower-case words of a term: runs of letters and digits ("bsd-2-clause" → bsd, 2, clause).
std::vector<std::string> words_of(const std::string& term) {
    std::vector<std::string> words;
    std::string w;
    for (char c : term) {
        if (std::isalnum(static_cast<unsigned char>(c))) { w += c; continue; }
        if (!w.empty()) words.push_back(std::move(w));
        w.clear();
    }
    if (!w.empty()) words.push_back(std::move(w));
    return words;
}

struct Words {
    std::vector<std::string> w;
    bool has(std::string_view word) const { return std::find(w.begin(), w.end(), word) != w.end(); }
    bool any(std::initializer_list<std::string_view> words) const {
        return std::any_of(words.begin(), words.end(), [&](std::string_view x) { return has(x); });
    }
    /// A word starting with `prefix` ("gplv2" for "gpl").
    bool starts(std::string_view prefix) const {
        return std::any_of(w.begin(), w.end(), [&](const std::string& x) { return x.rfind(prefix, 0) == 0; });
    }
    /// `a` directly followed by `b` ("public domain").
    bool pair(std::string_view a, std::string_view b) const {
        for (size_t i = 0; i + 1 < w.size(); ++i)
            if (w[i] == a && w[i + 1] == b) return true;
        return false;
    }
};

AudioLicenseDecision decision(AudioVerdict v, const char* family, const std::string& term, const std::string& why) {
    return {v, family, term + ": " + why};
}

bool says_not_redistributable(const Words& w, const std::string& term) {
    for (const char* phrase : {"non-free", "nonfree", "no redistribution", "not for redistribution", "not redistributable",
                               "do not redistribute", "may not be redistributed", "personal use only"})
        if (term.find(phrase) != std::string::npos) return true;
    return w.any({"proprietary", "unlicensed"});
}

/// A Creative Commons license other than CC0 (handled as public domain).
AudioLicenseDecision creative_commons(const Words& w, const std::string& term, const AudioLicensePolicyOptions& o) {
    const bool nc = w.any({"nc", "noncommercial"}) || w.pair("non", "commercial");
    const bool nd = w.any({"nd", "noderivs", "noderivatives", "noderivative"}) || w.pair("no", "derivatives") ||
                    w.pair("no", "derivs");
    if (nc && !o.non_commercial_site)
        return decision(AudioVerdict::denied, "cc", term,
                        "Creative Commons NonCommercial, and the site is not declared non-commercial");
    std::string why = "Creative Commons: copies may be shared with credit (the site shows the attribution)";
    if (nc) why += "; NonCommercial: the catalog site is free and non-commercial";
    if (nd) why += "; NoDerivatives: the whole track is published unmodified, only re-encoded, which CC allows as a format change";
    return decision(AudioVerdict::allowed, "cc", term, why);
}

AudioLicenseDecision judge_term(const std::string& raw, const AudioLicensePolicyOptions& o) {
    // "GPL-2+ with Font exception": exceptions only add permissions.
    const std::string lowered = lower_trimmed(raw);
    std::string term = lowered.substr(0, split_any(lowered, {" with "}).front().size);
    term.erase(std::remove_if(term.begin(), term.end(), [](char c) { return c == '(' || c == ')'; }), term.end());
    const std::string shown = lowered.empty() ? "(empty)" : std::string(raw);
    const Words w{words_of(term)};
    if (w.w.empty()) return decision(AudioVerdict::unknown, "none", shown, "no license given");
    if (says_not_redistributable(w, term))
        return decision(AudioVerdict::denied, "restricted", shown, "says the track may not be redistributed");
    if (w.any({"cc0", "pd", "unlicense", "wtfpl", "0bsd", "publicdomain"}) || w.pair("public", "domain"))
        return decision(AudioVerdict::allowed, "public-domain", shown, "public domain: no conditions on copies");
    const bool cc = (w.has("cc") && w.w.size() > 1) || w.pair("creative", "commons") || w.has("creativecommons");
    if (cc) return creative_commons(w, shown, o);
    if (w.starts("gpl") || w.starts("lgpl") || w.starts("agpl") || w.starts("gfdl") ||
        w.pair("general", "public") || w.pair("documentation", "license"))
        return decision(AudioVerdict::allowed, "free-software", shown,
                        "copyleft free license: copies may be redistributed with the license, and the catalog names the track's source");
    if (w.any({"mit", "expat", "x11", "bsd", "freebsd", "isc", "zlib", "libpng", "apache", "artistic", "mpl", "fal", "lal", "bsl"}) ||
        w.pair("oga", "by") || w.pair("free", "art") || w.pair("art", "libre") || w.pair("boost", "software"))
        return decision(AudioVerdict::allowed, "free-software",
                        shown, "permissive free license: copies may be redistributed with the license notice");
    if (term.find("all rights reserved") != std::string::npos)
        return decision(AudioVerdict::denied, "restricted", shown, "all rights reserved, and no license grants redistribution");
    return decision(AudioVerdict::unknown, "unrecognised", shown,
                    "not a license this policy recognises (a person has to read it; --full-audio all asserts the rights)");
}

/// Every part must be allowed: the first denied part, else the first unknown one, else the first part.
AudioLicenseDecision judge_all(const std::vector<std::string>& parts, const AudioLicensePolicyOptions& o) {
    std::vector<AudioLicenseDecision> d;
    for (const std::string& p : parts) d.push_back(judge_term(p, o));
    for (AudioVerdict v : {AudioVerdict::denied, AudioVerdict::unknown})
        for (const AudioLicenseDecision& x : d)
            if (x.verdict == v) return x;
    return d.front();
}

}  // namespace

AudioLicenseDecision full_audio_permission(std::string_view license, const AudioLicensePolicyOptions& options) {
    // Split the lower-case text and take the parts from the original at the same places (tolower keeps
    // every byte's position), so reasons quote the license as written.
    const size_t lead = std::min(license.size(), license.find_first_not_of(" \t\r\n"));
    const std::string text = lower_trimmed(license);
    const std::string_view original = license.substr(lead, text.size());
    std::vector<AudioLicenseDecision> alternatives;
    for (const Span alt : split_any(text, {" or "})) {
        std::vector<std::string> parts;
        const std::string_view alt_text = std::string_view(text).substr(alt.start, alt.size);
        for (const Span part : split_any(alt_text, {" and ", " & "}))
            parts.emplace_back(original.substr(alt.start + part.start, part.size));
        alternatives.push_back(judge_all(parts, options));
    }
    // One allowed alternative is enough; else the first unknown one (someone may know it), else denied.
    AudioLicenseDecision out = alternatives.front();
    for (AudioVerdict v : {AudioVerdict::denied, AudioVerdict::unknown, AudioVerdict::allowed})
        for (auto d = alternatives.rbegin(); d != alternatives.rend(); ++d)  // the first of the best verdict wins
            if (d->verdict == v) out = *d;
    if (alternatives.size() > 1) out.reason = std::string(original) + " → " + out.reason;
    return out;
}

const char* audio_verdict_name(AudioVerdict verdict) {
    switch (verdict) {
        case AudioVerdict::allowed: return "allowed";
        case AudioVerdict::denied: return "denied";
        case AudioVerdict::unknown: return "unknown";
    }
    return "unknown";
}

}  // namespace cf
