// cuefinder-core — the core's command-line front end, used by ./cuefinder and by measurements.
//
//   cuefinder-core features FILE... [--window START_S:DURATION_S]... [--out DIR] [--quality fast|medium|best]
//   cuefinder-core video FILE... [--max-size PX] [--keyframes DIR]
//
// `features` decodes each file (streaming), resamples to 16 kHz mono and computes the musicnn mel
// frames, printing one JSON object per file: decode/feature timings, the frame count and the peak
// memory of the process so far. Bad files print {"file", "error"} and make the exit status 1; the
// other files are still processed.
//
// `video` decodes each clip once (platform/video_decoder.h: FFmpeg natively), its frames at most PX
// pixels on the long side (default 256) and its first audio stream, and reads it in that one pass
// (core/video/clip_reader.h: shots, a keyframe per shot, the clip's own sound), printing one JSON
// object per file: file, duration_s, width, height (display), rotation, fps, has_audio, video_codec,
// n_frames, cuts_s, fades, shots, pace, sound, complete, and decode_s / analyse_s timings. Errors as
// for `features`. --keyframes DIR: each shot's keyframe (kept by the reader during the pass, at most
// PX on the long side) is written as DIR/<file name>.shot<N>.bmp (24-bit BMP: the core's image
// decoder reads it) and listed in order as "keyframes": [path, ...].
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/audio/audio_reader.h"
#include "core/common/json.h"
#include "core/features/musicnn_features.h"
#include "core/video/clip_reader.h"
#include "platform/process_stats.h"
#include "platform/video_decoder.h"

namespace {

// One JSON object per line on stdout, flushed so a reader sees each file as soon as it is done.
void print_line(const cf::JsonWriter& w) {
    std::printf("%s\n", w.str().c_str());
    std::fflush(stdout);
}

void print_features_line(const std::string& path, const cf::AudioInfo& info, const cf::MusicnnFeatures& features,
                         double decode_s, double features_s, double total_s) {
    cf::JsonWriter w;
    w.begin_object();
    w.key("file").value(path);
    w.key("platform").value(cf::platform::platform_name());
    w.key("codec").value(cf::audio_codec_name(info.codec));
    w.key("source_rate_hz").value(info.source_rate_hz);
    w.key("source_channels").value(info.n_source_channels);
    w.key("duration_s").number(info.duration_s, "%.3f");
    w.key("n_frames").value(features.n_frames());
    w.key("n_frames_dropped_silent").value(features.dropped_frames().size());
    w.key("decode_s").number(decode_s, "%.3f");
    w.key("features_s").number(features_s, "%.3f");
    w.key("total_s").number(total_s, "%.3f");
    w.key("peak_memory_mb").number(double(cf::platform::peak_memory_bytes()) / (1024.0 * 1024.0), "%.1f");
    print_line(w.end_object());
}

struct FeatureJob {
    std::vector<cf::TimeWindow> windows;
    std::string out_dir;
    cf::DecodeOptions decode;
};

// Decodes `path` block by block into the feature extractor: memory stays at one block of audio plus
// the frames, whatever the track length.
cf::Status extract(const std::string& path, const FeatureJob& job) {
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    auto reader = cf::AudioReader::open_file(path, job.decode);
    if (!reader) return reader.status();
    cf::MusicnnFeatures features;
    const double expected_s = (*reader)->info().duration_s;
    // Reserve from the stated length (capped: a header can lie) so frames are not re-allocated by doubling.
    if (job.windows.empty() && expected_s > 0)
        features.reserve_for_samples(int64_t(std::min(expected_s, 3600.0) * 16000.0) + 16000);
    std::vector<float> block(16384);
    double decode_s = 0, features_s = 0;
    auto run_window = [&](double start_s, double duration_s) -> cf::Status {
        if (start_s > 0) CF_RETURN_IF_ERROR((*reader)->seek(start_s));
        int64_t remaining = duration_s > 0 ? int64_t(duration_s * 16000.0 + 0.5) : INT64_MAX;
        while (remaining > 0) {
            const auto a = clock::now();
            auto n = (*reader)->read(block.data(), size_t(std::min<int64_t>(remaining, int64_t(block.size()))));
            const auto b = clock::now();
            decode_s += std::chrono::duration<double>(b - a).count();
            if (!n) return n.status();
            if (*n == 0) break;
            features.push(block.data(), *n);
            features_s += std::chrono::duration<double>(clock::now() - b).count();
            remaining -= int64_t(*n);
        }
        return cf::Status::ok();
    };
    if (job.windows.empty()) {
        CF_RETURN_IF_ERROR(run_window(0, -1));
    } else {
        for (const cf::TimeWindow& w : job.windows) CF_RETURN_IF_ERROR(run_window(w.start_s, w.duration_s));
    }
    const auto f0 = clock::now();
    features.finish();
    features_s += std::chrono::duration<double>(clock::now() - f0).count();
    const cf::AudioInfo& info = (*reader)->info();
    if (!job.out_dir.empty()) {
        std::string base = path.substr(path.find_last_of('/') + 1);
        const std::string out = job.out_dir + "/" + base + ".mel.f32";
        std::FILE* f = std::fopen(out.c_str(), "wb");
        if (!f) return cf::Status(cf::ErrorCode::io, out + ": cannot write");
        std::fwrite(features.frames().data(), sizeof(float), features.frames().size(), f);
        std::fclose(f);
    }
    print_features_line(path, info, features, decode_s, features_s, std::chrono::duration<double>(clock::now() - t0).count());
    return cf::Status::ok();
}

// `image` as a 24-bit BMP file (bottom-up rows padded to 4 bytes).
cf::Status write_bmp(const cf::Image& image, const std::string& out) {
    const uint32_t w = uint32_t(image.width_px), h = uint32_t(image.height_px), row = (w * 3 + 3) & ~3u;
    std::vector<uint8_t> b(54 + size_t(row) * h, 0);
    auto put32 = [&](size_t at, uint32_t v) { for (int i = 0; i < 4; ++i) b[at + i] = uint8_t(v >> (8 * i)); };
    b[0] = 'B', b[1] = 'M';
    put32(2, uint32_t(b.size())), put32(10, 54), put32(14, 40), put32(18, w), put32(22, h);
    b[26] = 1, b[28] = 24;
    put32(34, uint32_t(b.size() - 54));
    for (uint32_t y = 0; y < h; ++y)
        for (uint32_t x = 0; x < w; ++x)
            for (int c = 0; c < 3; ++c)  // BGR
                b[54 + size_t(h - 1 - y) * row + x * 3 + c] = image.rgb[(size_t(y) * w + x) * 3 + 2 - c];
    std::FILE* f = std::fopen(out.c_str(), "wb");
    if (!f) return cf::Status(cf::ErrorCode::io, out + ": cannot write");
    const bool ok = std::fwrite(b.data(), 1, b.size(), f) == b.size();
    return std::fclose(f) == 0 && ok ? cf::Status::ok() : cf::Status(cf::ErrorCode::io, out + ": cannot write");
}

// Each shot's keyframe, as the reader kept it, to DIR/<file name>.shot<N>.bmp (paths listed in order).
cf::Status write_keyframes(const std::string& path, const cf::ClipAnalysis& clip, const std::string& dir,
                           std::vector<std::string>& paths) {
    const std::string base = dir + "/" + path.substr(path.find_last_of('/') + 1);
    for (size_t i = 0; i < clip.keyframes.size(); ++i) {
        paths.push_back(base + ".shot" + std::to_string(i) + ".bmp");
        CF_RETURN_IF_ERROR(write_bmp(clip.keyframes[i], paths.back()));
    }
    return cf::Status::ok();
}

// Hands the audio the source decoded on its way to the last frame to the reader.
cf::Status push_audio(cf::VideoSource& source, cf::ClipReader& reader, std::vector<float>& mono) {
    mono.clear();
    const int rate_hz = source.take_audio(&mono);
    return mono.empty() ? cf::Status::ok() : reader.push_audio(mono.data(), mono.size(), rate_hz);
}

// Decodes `path` once, frames and sound into the clip reader, and prints its reading.
cf::Status read_video(const std::string& path, cf::VideoSourceOptions options, const std::string& keyframe_dir) {
    using clock = std::chrono::steady_clock;
    options.decode_audio = true;
    auto source = cf::platform::open_video_file(path, options);
    if (!source) return source.status();
    cf::ClipReader reader(path, (*source)->info());
    cf::VideoFrame frame;
    std::vector<float> mono;
    double decode_s = 0, analyse_s = 0;
    while (true) {
        const auto a = clock::now();
        cf::Result<bool> got = (*source)->next_frame(&frame);
        const auto b = clock::now();
        decode_s += std::chrono::duration<double>(b - a).count();
        if (!got) return got.status();
        CF_RETURN_IF_ERROR(push_audio(**source, reader, mono));
        if (!*got) break;
        CF_RETURN_IF_ERROR(reader.push_frame(frame));
        analyse_s += std::chrono::duration<double>(clock::now() - b).count();
    }
    const auto f0 = clock::now();
    cf::Result<cf::ClipAnalysis> clip = reader.finish();
    if (!clip) return clip.status();
    analyse_s += std::chrono::duration<double>(clock::now() - f0).count();
    std::vector<std::string> keyframes;
    if (!keyframe_dir.empty()) CF_RETURN_IF_ERROR(write_keyframes(path, *clip, keyframe_dir, keyframes));
    cf::JsonWriter w;
    w.begin_object();
    cf::write_clip_json(w, path, *clip);
    if (!keyframe_dir.empty()) {
        w.key("keyframes").begin_array();
        for (const std::string& k : keyframes) w.value(k);
        w.end_array();
    }
    w.key("decode_s").number(decode_s, "%.3f").key("analyse_s").number(analyse_s, "%.3f");
    print_line(w.end_object());
    return cf::Status::ok();
}

int usage() {
    std::fprintf(stderr,
                 "usage: cuefinder-core features FILE... [--window START_S:DURATION_S]... [--out DIR]\n"
                 "                                [--quality fast|medium|best]\n"
                 "       cuefinder-core video FILE... [--max-size PX] [--keyframes DIR]\n");
    return 2;
}

// Runs `one` on every file; a failing file prints {"file", "error"} and makes the status 1.
template <class Fn>
int for_each_file(const std::vector<std::string>& files, Fn one) {
    int status = 0;
    for (const std::string& file : files) {
        cf::Status s = one(file);
        if (!s) {
            print_line(cf::JsonWriter().begin_object().key("file").value(file).key("error").value(s.message()).end_object());
            std::fprintf(stderr, "cuefinder-core: %s\n", s.message().c_str());
            status = 1;
        }
    }
    return status;
}

// The arguments after the command: `option(arg, value)` handles an option that takes a value (returns
// 0, or an exit status); anything else starting with "--" is unknown; the rest are files.
// Returns the exit status (0 = go on).
template <class OptionFn>
int parse_args(int argc, char** argv, std::vector<std::string>& files, OptionFn option) {
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.rfind("--", 0) != 0) {
            files.push_back(arg);
            continue;
        }
        if (i + 1 >= argc) {
            std::fprintf(stderr, "cuefinder-core: %s needs a value (or is unknown)\n", arg.c_str());
            return usage();
        }
        if (int status = option(arg, std::string(argv[++i])); status != 0) return status;
    }
    return files.empty() ? usage() : 0;
}

int unknown_option(const std::string& arg) {
    std::fprintf(stderr, "cuefinder-core: unknown option %s\n", arg.c_str());
    return usage();
}

int video_main(int argc, char** argv) {
    cf::VideoSourceOptions options;
    std::string keyframe_dir;
    std::vector<std::string> files;
    const int status = parse_args(argc, argv, files, [&](const std::string& arg, const std::string& value) {
        if (arg == "--keyframes") {
            keyframe_dir = value;
            return 0;
        }
        if (arg != "--max-size") return unknown_option(arg);
        char* end = nullptr;
        const long px = std::strtol(value.c_str(), &end, 10);
        options.max_size_px = (*end == 0 && px > 0 && px < 100000) ? int(px) : -1;
        if (cf::Status s = cf::check_video_source_options(options); !s) {
            std::fprintf(stderr, "cuefinder-core: --max-size %s: %s\n", value.c_str(), s.message().c_str());
            return 2;
        }
        return 0;
    });
    if (status != 0) return status;
    if (!cf::platform::video_decoder_available())
        std::fprintf(stderr, "cuefinder-core: video: this build decodes no video (built without FFmpeg's libraries; "
                             "apt-get install libavformat-dev libavcodec-dev libswscale-dev libavutil-dev, then rebuild)\n");
    return for_each_file(files, [&](const std::string& f) { return read_video(f, options, keyframe_dir); });
}

int features_option(FeatureJob& job, const std::string& arg, const std::string& value) {
    if (arg == "--window") {
        cf::TimeWindow w;
        if (std::sscanf(value.c_str(), "%lf:%lf", &w.start_s, &w.duration_s) != 2 || w.start_s < 0 || w.duration_s <= 0) {
            std::fprintf(stderr, "cuefinder-core: --window wants START_S:DURATION_S, got '%s'\n", value.c_str());
            return 2;
        }
        job.windows.push_back(w);
    } else if (arg == "--out") {
        job.out_dir = value;
    } else if (arg == "--quality") {
        if (value == "fast") job.decode.resample_quality = cf::ResampleQuality::fast;
        else if (value == "medium") job.decode.resample_quality = cf::ResampleQuality::medium;
        else if (value == "best") job.decode.resample_quality = cf::ResampleQuality::best;
        else return usage();
    } else {
        return unknown_option(arg);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    const std::string command = argv[1];
    if (command == "video") return video_main(argc, argv);
    if (command != "features") return usage();
    FeatureJob job;
    std::vector<std::string> files;
    const int status = parse_args(argc, argv, files, [&](const std::string& arg, const std::string& value) {
        return features_option(job, arg, value);
    });
    if (status != 0) return status;
    return for_each_file(files, [&](const std::string& f) { return extract(f, job); });
}
