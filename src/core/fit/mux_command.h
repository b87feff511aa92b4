// cuefinder core — the FFmpeg command line that puts a rendered soundtrack (a WAV of exactly the
// clip's length, core/fit/render.h) under its clip, ready to paste into a POSIX shell.
//
//   cf::MuxOptions o;
//   o.keep_clip_audio = true;   // the clip's own sound mixed with the (already ducked) music
//   cf::Result<std::string> cmd = cf::ffmpeg_mux_command("beach.mp4", "fit.wav", "beach-music.mp4", o);
//   // ffmpeg -i 'beach.mp4' -i 'fit.wav' -filter_complex '[0:a:0][1:a:0]amix=…[mix]' -map 0:v:0 -map '[mix]' …
//
// The picture is copied as it is (-c:v copy), the audio encoded AAC. No -shortest: the WAV is the
// clip's length. Without keep_clip_audio the music replaces the clip's sound; with it, amix sums the
// clip's first audio stream and the music (normalize=0: levels as they are, so the ducking done in the
// WAV stays what it was; duration=longest). A clip without audio must not ask for keep_clip_audio
// (FFmpeg would fail on the missing stream [0:a:0]). The output's extension picks the container, which
// must hold the clip's video codec and AAC: .mp4 for H.264/HEVC/AV1/VP9, .mkv for anything (WebM cannot
// hold AAC).
//
// Quoting: every argument that is not plain ASCII letters, digits and -_./:=+,@% is single-quoted
// (' inside becomes '\''), so spaces, quotes, $, `, \, newlines and non-ASCII names (kept byte for
// byte) reach FFmpeg unchanged. A relative name FFmpeg would misread — one starting with '-' (an
// option) or with "word:" (a protocol such as http: or concat:) — gets "./" in front; "-" alone too.
#pragma once

#include <string>
#include <string_view>

#include "core/common/status.h"

namespace cf {

struct MuxOptions {
    bool keep_clip_audio = false;   ///< mix the clip's own sound with the music (the clip has audio)
    double clip_audio_db = 0.0;     ///< gain on the clip's sound in the mix, in [-60, 20] dB
    int audio_bitrate_kbps = 192;   ///< AAC bitrate, in [32, 512]
    std::string ffmpeg = "ffmpeg";  ///< the program's name or path
};

/// Validates options once; the message names the bad field and value.
Status validate(const MuxOptions& options);

/// `arg` as one POSIX shell word (unquoted when it is made only of safe characters).
std::string shell_quote(std::string_view arg);

/// `path` made safe as an FFmpeg file argument (see the top of this file): "./" before a relative
/// name starting with '-' or with a protocol-like "word:". Not quoted.
std::string ffmpeg_file_arg(std::string_view path);

/// The command line (no trailing newline). Errors: an empty path, a path with a NUL byte, bad options.
Result<std::string> ffmpeg_mux_command(std::string_view video_path, std::string_view wav_path, std::string_view out_path,
                                       const MuxOptions& options = {});

}  // namespace cf
