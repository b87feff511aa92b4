// The core's modules (src/core/<module>/) form four layers; a module may include its own layer or
// lower ones, never a higher one, and the include graph between modules has no cycle. Read from the
// sources' `#include "core/<module>/..."` lines, so moving a file or adding an include is checked.
// A new module folder fails here until it is given a layer below.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

using Graph = std::map<std::string, std::set<std::string>>;  // module → modules it includes

/// 0 foundation, 1 primitives, 2 building blocks, 3 product logic.
const std::map<std::string, int> kLayers = {
    {"common", 0},   {"io", 0},                                                          //
    {"dsp", 1},      {"audio", 1},    {"text", 1},    {"image", 1}, {"model", 1},        //
    {"features", 2}, {"rhythm", 2},   {"loudness", 2}, {"index", 2}, {"map", 2}, {"video", 2},  //
    {"analysis", 3}, {"catalog", 3},  {"match", 3},   {"semantic", 3}, {"query", 3}, {"fit", 3},
};

Graph read_core_includes(const std::filesystem::path& core) {
    namespace fs = std::filesystem;
    static const std::regex include_line(R"(^\s*#\s*include\s*"core/([a-z_]+)/)");
    Graph graph;
    for (const auto& entry : fs::recursive_directory_iterator(core)) {
        const std::string ext = entry.path().extension().string();
        if (!entry.is_regular_file() || (ext != ".h" && ext != ".cpp" && ext != ".inc")) continue;
        const std::string module = fs::relative(entry.path(), core).begin()->string();
        std::set<std::string>& deps = graph[module];
        std::ifstream in(entry.path());
        std::smatch m;
        for (std::string line; std::getline(in, line);)
            if (std::regex_search(line, m, include_line) && m[1] != module) deps.insert(m[1]);
    }
    return graph;
}

/// A cycle as "a → b → a", or "" when the graph has none (depth-first search, three colours).
std::string find_cycle(const Graph& graph) {
    std::map<std::string, int> colour;  // 0 unseen, 1 on the current path, 2 done
    std::vector<std::string> path;
    std::string cycle;
    auto visit = [&](auto&& self, const std::string& node) -> void {
        colour[node] = 1;
        path.push_back(node);
        auto it = graph.find(node);
        if (it != graph.end())
            for (const std::string& next : it->second) {
                if (!cycle.empty()) return;
                if (colour[next] == 1) {
                    for (auto p = std::find(path.begin(), path.end(), next); p != path.end(); ++p) cycle += *p + " → ";
                    cycle += next;
                } else if (colour[next] == 0) {
                    self(self, next);
                }
            }
        path.pop_back();
        colour[node] = 2;
    };
    for (const auto& [node, deps] : graph)
        if (colour[node] == 0 && cycle.empty()) visit(visit, node);
    return cycle;
}

}  // namespace

TEST(CoreLayers, FindCycleSeesACycleAndOnlyACycle) {
    EXPECT_EQ(find_cycle({{"a", {"b"}}, {"b", {"c"}}, {"c", {}}}), "");
    EXPECT_EQ(find_cycle({{"a", {"b"}}, {"b", {"c"}}, {"c", {"b"}}}), "b → c → b");
    // The shape the catalog container had before it moved to io/: catalog ↔ index.
    EXPECT_EQ(find_cycle({{"catalog", {"index"}}, {"index", {"catalog"}}}), "catalog → index → catalog");
}

TEST(CoreLayers, EveryIncludePointsDownOrSidewaysWithoutCycles) {
    const Graph graph = read_core_includes(std::filesystem::path(CF_SOURCE_DIR) / "src" / "core");
    ASSERT_GT(graph.size(), 10u);
    for (const auto& [module, deps] : graph) {
        auto layer = kLayers.find(module);
        if (layer == kLayers.end()) {
            ADD_FAILURE() << "src/core/" << module << "/ has no layer: add it to kLayers in " << __FILE__;
            continue;
        }
        for (const std::string& dep : deps) {
            auto dep_layer = kLayers.find(dep);
            ASSERT_NE(dep_layer, kLayers.end()) << module << " includes core/" << dep << "/, which does not exist";
            EXPECT_LE(dep_layer->second, layer->second)
                << "src/core/" << module << "/ (layer " << layer->second << ") includes core/" << dep
                << "/ (layer " << dep_layer->second << "): arrows must point down";
        }
    }
    EXPECT_EQ(find_cycle(graph), "") << "modules include each other in a cycle";
}

TEST(CoreLayers, IoIncludesOnlyCommon) {
    const Graph graph = read_core_includes(std::filesystem::path(CF_SOURCE_DIR) / "src" / "core");
    ASSERT_TRUE(graph.count("io"));
    for (const std::string& dep : graph.at("io")) EXPECT_EQ(dep, "common") << "src/core/io/ includes core/" << dep << "/";
}
