// The mux command: FFmpeg's arguments as a list, each made safe for FFmpeg and then for the shell.
#include "core/fit/mux_command.h"

#include <cmath>
#include <cstdio>
#include <vector>

namespace cf {

namespace {

bool shell_safe(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("-_./:=+,@%").find(c) != std::string_view::npos;
}

bool scheme_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

Status check_path(std::string_view what, std::string_view path) {
    if (path.empty()) return Status(ErrorCode::invalid_argument, "mux command: the " + std::string(what) + " path is empty");
    if (path.find('\0') != std::string_view::npos)
        return Status(ErrorCode::invalid_argument, "mux command: the " + std::string(what) + " path holds a NUL byte");
    return Status::ok();
}

std::string join(const std::vector<std::string>& args) {
    std::string line;
    for (const std::string& a : args) line += (line.empty() ? "" : " ") + shell_quote(a);
    return line;
}

/// The audio part: the music alone, or amix of the clip's sound (with its gain) and the music.
void add_audio_args(std::vector<std::string>& args, const MuxOptions& o) {
    if (!o.keep_clip_audio) {
        args.insert(args.end(), {"-map", "0:v:0", "-map", "1:a:0"});
        return;
    }
    char graph[160];
    std::snprintf(graph, sizeof graph, "[0:a:0]volume=%.2fdB[clip];[clip][1:a:0]amix=inputs=2:duration=longest:normalize=0[mix]",
                  o.clip_audio_db);
    args.insert(args.end(), {"-filter_complex", graph, "-map", "0:v:0", "-map", "[mix]"});
}

}  // namespace

Status validate(const MuxOptions& o) {
    char text[120];
    if (!(o.clip_audio_db >= -60 && o.clip_audio_db <= 20)) {
        std::snprintf(text, sizeof text, "MuxOptions::clip_audio_db = %g: expected -60..20 dB", o.clip_audio_db);
        return Status(ErrorCode::invalid_argument, text);
    }
    if (o.audio_bitrate_kbps < 32 || o.audio_bitrate_kbps > 512) {
        std::snprintf(text, sizeof text, "MuxOptions::audio_bitrate_kbps = %d: expected 32..512", o.audio_bitrate_kbps);
        return Status(ErrorCode::invalid_argument, text);
    }
    if (o.ffmpeg.empty()) return Status(ErrorCode::invalid_argument, "MuxOptions::ffmpeg is empty");
    return check_path("ffmpeg", o.ffmpeg);
}

std::string shell_quote(std::string_view arg) {
    bool plain = !arg.empty();
    for (char c : arg) plain = plain && shell_safe(c);
    if (plain) return std::string(arg);
    std::string out = "'";
    for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string ffmpeg_file_arg(std::string_view path) {
    if (path.empty() || path[0] == '/') return std::string(path);
    size_t scheme = 0;
    while (scheme < path.size() && scheme_char(path[scheme])) ++scheme;
    const bool protocol_like = scheme < path.size() && path[scheme] == ':';
    if (path[0] == '-' || protocol_like) return "./" + std::string(path);
    return std::string(path);
}

Result<std::string> ffmpeg_mux_command(std::string_view video_path, std::string_view wav_path, std::string_view out_path,
                                       const MuxOptions& o) {
    CF_RETURN_IF_ERROR(validate(o));
    CF_RETURN_IF_ERROR(check_path("video", video_path));
    CF_RETURN_IF_ERROR(check_path("WAV", wav_path));
    CF_RETURN_IF_ERROR(check_path("output", out_path));
    std::vector<std::string> args = {o.ffmpeg, "-i", ffmpeg_file_arg(video_path), "-i", ffmpeg_file_arg(wav_path)};
    add_audio_args(args, o);
    args.insert(args.end(), {"-c:v", "copy", "-c:a", "aac", "-b:a", std::to_string(o.audio_bitrate_kbps) + "k",
                             ffmpeg_file_arg(out_path)});
    return join(args);
}

}  // namespace cf
