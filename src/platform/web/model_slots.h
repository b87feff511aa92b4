// The model-slot entry point shared by the web modules (the Node module's analysis_api.cpp and the
// app's app_main.cpp): JS passes each slot as plain C values (web/ort_bridge.mjs configureModels).
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "core/analysis/track_analyzer.h"

namespace cf::platform {

/// Non-empty lines of `text` (labels come one per line).
inline std::vector<std::string> split_lines(const char* text) {
    std::vector<std::string> lines;
    std::stringstream in(text ? text : "");
    std::string line;
    while (std::getline(in, line))
        if (!line.empty()) lines.push_back(line);
    return lines;
}

/// role: 0 = tags, 1 = mood. labels: one per line. max_patches: 0 = every patch.
inline AudioModel audio_model_from_c(const char* name, const char* key, int role, const char* labels, int positive_index,
                                     int has_embedding, int max_patches) {
    AudioModel m;
    m.name = name;
    m.key = key;
    m.role = role == 1 ? ModelRole::mood : ModelRole::tags;
    m.labels = split_lines(labels);
    m.positive_index = positive_index;
    m.has_embedding = has_embedding != 0;
    m.max_patches = max_patches > 0 ? max_patches : 0;
    return m;
}

}  // namespace cf::platform
