// The core must stay headless and portable: no platform, UI or JS code under src/core
// (the project's style guide, "One headless core"). Cheap to check, so it is a test.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

TEST(CoreIsHeadless, NoPlatformOrUiCodeInSrcCore) {
    namespace fs = std::filesystem;
    const fs::path core = fs::path(CF_SOURCE_DIR) / "src" / "core";
    ASSERT_TRUE(fs::is_directory(core)) << core;
    const char* forbidden[] = {"__EMSCRIPTEN__", "<emscripten", "EM_JS", "EM_ASM", "<SDL", "imgui.h", "EMSCRIPTEN_KEEPALIVE"};
    int n_files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(core)) {
        if (!entry.is_regular_file()) continue;
        const std::string ext = entry.path().extension().string();
        if (ext != ".h" && ext != ".cpp" && ext != ".hpp" && ext != ".c") continue;
        ++n_files;
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        for (const char* token : forbidden)
            EXPECT_EQ(text.str().find(token), std::string::npos) << entry.path() << " contains " << token;
    }
    EXPECT_GT(n_files, 5);
}
