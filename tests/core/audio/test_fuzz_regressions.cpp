// Inputs that once crashed, leaked or hung an audio fuzz target (tools/fuzz/fuzz_audio_*) go to
// tests/data/fuzz_regressions/ (the other targets' inputs are replayed by their modules' tests).
// Each must now open and read to the end (or to an error) with the same calls the fuzzers make: an error
// is fine, a crash, sanitizer report or hang is not.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "core/audio/audio_reader.h"
#include "core/audio/audio_test_util.h"

// Files named "*-libleak-*" trip a known leak inside a Debian codec library, not in our code (see
// tools/fuzz/fuzz_audio_reader.cpp and tests/data/fuzz_regressions/README.md). They are opened with
// LeakSanitizer paused, so the rest of the suite still catches leaks of ours. The hooks are weak: without
// a sanitizer runtime (e.g. WebAssembly) they are null and skipped.
extern "C" __attribute__((weak)) void __lsan_disable();
extern "C" __attribute__((weak)) void __lsan_enable();

namespace cf {
namespace {

TEST(AudioFuzzRegressions, EveryInputOpensAndReadsWithoutCrashing) {
    const std::filesystem::path folder = test::test_data_dir() + "/fuzz_regressions";
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(folder))
        if (entry.is_regular_file() && entry.path().filename().string().rfind("fuzz_audio", 0) == 0)  // not pictures, text
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& path : files) {
        SCOPED_TRACE(path.filename().string());
        const bool library_leak = path.filename().string().find("-libleak-") != std::string::npos;
        if (library_leak && __lsan_disable) __lsan_disable();
        struct ResumeLeakChecks {
            bool active;
            ~ResumeLeakChecks() {
                if (active && __lsan_enable) __lsan_enable();
            }
        } resume{library_leak};
        std::vector<uint8_t> bytes = test::read_bytes(path.string());
        DecodeOptions options;
        options.max_duration_s = 600.0;
        auto reader = AudioReader::open(make_memory_source(bytes.data(), bytes.size(), path.filename().string()), options);
        if (!reader) {
            EXPECT_EQ(reader.status().message().rfind(path.filename().string() + ": ", 0), 0u) << reader.status().message();
            continue;
        }
        std::vector<float> block(4096);
        for (;;) {
            auto n = (*reader)->read(block.data(), block.size());
            if (!n || *n == 0) break;
        }
        for (double t : {0.0, 0.5, 3.0}) {
            if (!(*reader)->seek(t)) continue;
            (void)(*reader)->read(block.data(), block.size());
        }
    }
}

}  // namespace
}  // namespace cf
