// The full-audio license policy (core/catalog/license_policy.h): the demo catalog's license strings,
// SPDX ids and free text, Creative Commons variants, expressions, and what is not recognised.
#include <gtest/gtest.h>

#include <string>

#include "core/catalog/license_policy.h"

namespace {

using cf::AudioVerdict;

AudioVerdict verdict(const std::string& license, cf::AudioLicensePolicyOptions o = {}) {
    return cf::full_audio_permission(license, o).verdict;
}

TEST(LicensePolicy, TheDemoCatalogsLicenses) {
    // Every license string of the demo catalog's manifest (docs/catalog-sources.md), and its verdict.
    for (const char* l : {"GPL-2+", "GPL-3+", "GPL-2", "GPL", "GPL-2.0+", "LGPL-2", "CC-BY-SA-3.0", "CC-BY-3.0",
                          "BSD-2-Clause", "public-domain"})
        EXPECT_EQ(verdict(l), AudioVerdict::allowed) << l;
    // A custom license (free distribution only with its Readme intact): a person has to read it.
    EXPECT_EQ(verdict("Drascula-License"), AudioVerdict::unknown);
}

TEST(LicensePolicy, PublicDomainAndFreeSoftware) {
    for (const char* l : {"CC0", "CC0-1.0", "Public Domain", "Unlicense", "WTFPL", "0BSD", "MIT", "Expat", "ISC", "Zlib",
                          "Apache-2.0", "Artistic", "Artistic-2.0", "MPL-2.0", "BSD-3-Clause", "LGPL-2.1+", "AGPL-3.0-only",
                          "GPLv2", "GNU General Public License v3", "GFDL-1.3", "Free Art License 1.3", "OGA-BY-3.0",
                          "https://creativecommons.org/publicdomain/zero/1.0/"})
        EXPECT_EQ(verdict(l), AudioVerdict::allowed) << l;
}

TEST(LicensePolicy, CreativeCommonsIncludingNonCommercialAndNoDerivatives) {
    for (const char* l : {"CC-BY-4.0", "CC BY-SA 4.0", "Creative Commons Attribution-ShareAlike 3.0 Unported",
                          "https://creativecommons.org/licenses/by/4.0/", "CC-BY-NC-4.0", "CC-BY-NC-SA-3.0",
                          "CC-BY-ND-4.0", "CC-BY-NC-ND-4.0", "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0"})
        EXPECT_EQ(verdict(l), AudioVerdict::allowed) << l;
    // The reasons say what each condition means for the site.
    EXPECT_NE(cf::full_audio_permission("CC-BY-NC-ND-4.0").reason.find("NoDerivatives"), std::string::npos);
    EXPECT_NE(cf::full_audio_permission("CC-BY-NC-4.0").reason.find("non-commercial"), std::string::npos);
    EXPECT_EQ(cf::full_audio_permission("CC-BY-4.0").family, "cc");
    // A commercial site may not publish NC tracks; the others are unaffected.
    cf::AudioLicensePolicyOptions commercial;
    commercial.non_commercial_site = false;
    EXPECT_EQ(verdict("CC-BY-NC-SA-3.0", commercial), AudioVerdict::denied);
    EXPECT_EQ(verdict("Creative Commons Attribution-NonCommercial 4.0", commercial), AudioVerdict::denied);
    EXPECT_EQ(verdict("CC-BY-ND-4.0", commercial), AudioVerdict::allowed);
    EXPECT_EQ(verdict("CC-BY-SA-3.0", commercial), AudioVerdict::allowed);
}

TEST(LicensePolicy, RestrictionsAreDenied) {
    for (const char* l : {"All rights reserved", "Copyright 2021 Someone. All Rights Reserved.", "Proprietary",
                          "non-free", "personal use only", "Unlicensed", "No redistribution", "GPL-2+ and proprietary"})
        EXPECT_EQ(verdict(l), AudioVerdict::denied) << l;
    // A BSD text opens with "All rights reserved" and then grants redistribution.
    EXPECT_EQ(verdict("Copyright (c) 2003 Kenta Cho. All rights reserved. BSD-2-Clause"), AudioVerdict::allowed);
}

TEST(LicensePolicy, EmptyAndUnrecognisedAreUnknown) {
    for (const char* l : {"", "   ", "Freeware", "royalty-free", "see README", "Copyright 2020 Someone", "cc"})
        EXPECT_EQ(verdict(l), AudioVerdict::unknown) << '"' << l << '"';
    EXPECT_EQ(cf::full_audio_permission("").family, "none");
    EXPECT_NE(cf::full_audio_permission("").reason.find("no license given"), std::string::npos);
    const cf::AudioLicenseDecision d = cf::full_audio_permission("Drascula-License");
    EXPECT_EQ(d.family, "unrecognised");
    EXPECT_EQ(d.reason.rfind("Drascula-License: ", 0), 0u) << d.reason;  // names the license as written
}

TEST(LicensePolicy, WordsNotSubstrings) {
    // "mit" inside "permitted", "bsd" inside another word, "pd" inside "updated": not licenses.
    EXPECT_EQ(verdict("use permitted on request"), AudioVerdict::unknown);
    EXPECT_EQ(verdict("submitted by the composer"), AudioVerdict::unknown);
    EXPECT_EQ(verdict("updated terms"), AudioVerdict::unknown);
}

TEST(LicensePolicy, Expressions) {
    // One allowed alternative is enough; the reason names the whole expression and the chosen part.
    const cf::AudioLicenseDecision either = cf::full_audio_permission("Drascula-License or CC-BY-SA-3.0");
    EXPECT_EQ(either.verdict, AudioVerdict::allowed);
    EXPECT_NE(either.reason.find("Drascula-License or CC-BY-SA-3.0 → CC-BY-SA-3.0: "), std::string::npos) << either.reason;
    EXPECT_EQ(verdict("(MIT OR Apache-2.0)"), AudioVerdict::allowed);
    EXPECT_EQ(verdict("Proprietary or Freeware"), AudioVerdict::unknown);
    EXPECT_EQ(verdict("Proprietary or All rights reserved"), AudioVerdict::denied);
    // Every part of a conjunction must be allowed.
    EXPECT_EQ(verdict("GPL-2+ and CC-BY-3.0"), AudioVerdict::allowed);
    EXPECT_EQ(verdict("GPL-2+ AND Drascula-License"), AudioVerdict::unknown);
    EXPECT_EQ(verdict("CC-BY-3.0 & All rights reserved"), AudioVerdict::denied);
    // An exception is judged as the license it extends.
    EXPECT_EQ(verdict("GPL-2+ with Font exception"), AudioVerdict::allowed);
    // Case and surrounding space do not matter.
    EXPECT_EQ(verdict("  cc-by-sa-3.0\n"), AudioVerdict::allowed);
}

TEST(LicensePolicy, VerdictNames) {
    EXPECT_STREQ(cf::audio_verdict_name(AudioVerdict::allowed), "allowed");
    EXPECT_STREQ(cf::audio_verdict_name(AudioVerdict::denied), "denied");
    EXPECT_STREQ(cf::audio_verdict_name(AudioVerdict::unknown), "unknown");
    EXPECT_EQ(int(AudioVerdict::allowed), 1);  // the values the binding returns (cf_license_allows_audio)
    EXPECT_EQ(int(AudioVerdict::denied), 0);
    EXPECT_EQ(int(AudioVerdict::unknown), -1);
}

}  // namespace
