// The FFmpeg mux command: shell quoting checked by running it through /bin/sh with nasty strings,
// names FFmpeg would misread made safe, the command's shape, and — when ffmpeg and ffprobe are on
// PATH — the command run for real on a fixture clip with nasty file names: the output has the clip's
// picture (copied), AAC audio and the clip's duration.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <string>
#include <vector>

#include "core/audio/wav_writer.h"
#include "core/fit/mux_command.h"

namespace cf {
namespace {

namespace fs = std::filesystem;

/// What `command` prints on stdout, run by popen (/bin/sh -c).
std::string run(const std::string& command) {
    std::string out;
    FILE* p = popen(command.c_str(), "r");
    if (!p) return out;
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    pclose(p);
    return out;
}

/// A POSIX shell runs commands here (not under WASM, where popen fails).
bool have_shell() { return run("echo ok") == "ok\n"; }

const std::vector<std::string> kNasty = {"it's", "$(echo pwned)", "`echo pwned`", "two\nlines", "*", "~", "ü é 日本.mp4",
                                         "back\\slash", "\"quoted\"", " lead and trail ", "-n", "a'b'c", "$HOME", "x;y|z&",
                                         "'", "''", "!", "#hash", "%d.mp4", "tab\there"};

TEST(FitMux, ShellQuoteSurvivesTheShell) {
    EXPECT_EQ(shell_quote("plain-name_1.mp4"), "plain-name_1.mp4");
    EXPECT_EQ(shell_quote(""), "''");
    EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
    if (!have_shell()) GTEST_SKIP() << "no shell to run commands (popen fails here)";
    for (const std::string& s : kNasty) EXPECT_EQ(run("printf %s " + shell_quote(s)), s) << s;
}

TEST(FitMux, NamesFfmpegWouldMisreadGetDotSlash) {
    EXPECT_EQ(ffmpeg_file_arg("-clip.mp4"), "./-clip.mp4");
    EXPECT_EQ(ffmpeg_file_arg("-"), "./-");
    EXPECT_EQ(ffmpeg_file_arg("http:x.mp4"), "./http:x.mp4");
    EXPECT_EQ(ffmpeg_file_arg("concat:a|b"), "./concat:a|b");
    EXPECT_EQ(ffmpeg_file_arg("clips/a:b.mp4"), "clips/a:b.mp4") << "a folder comes first: no protocol";
    EXPECT_EQ(ffmpeg_file_arg("/abs/-x.mp4"), "/abs/-x.mp4");
    EXPECT_EQ(ffmpeg_file_arg("plain.mp4"), "plain.mp4");
}

TEST(FitMux, CommandCopiesThePictureAndEncodesAac) {
    auto cmd = ffmpeg_mux_command("clip.mp4", "fit.wav", "out.mp4");
    ASSERT_TRUE(cmd) << cmd.status().message();
    EXPECT_EQ(*cmd, "ffmpeg -i clip.mp4 -i fit.wav -map 0:v:0 -map 1:a:0 -c:v copy -c:a aac -b:a 192k out.mp4");
    MuxOptions o;
    o.keep_clip_audio = true;
    o.clip_audio_db = -3;
    cmd = ffmpeg_mux_command("-my clip's.mp4", "fit.wav", "out.mp4", o);
    ASSERT_TRUE(cmd);
    EXPECT_EQ(*cmd, "ffmpeg -i './-my clip'\\''s.mp4' -i fit.wav -filter_complex "
                    "'[0:a:0]volume=-3.00dB[clip];[clip][1:a:0]amix=inputs=2:duration=longest:normalize=0[mix]' "
                    "-map 0:v:0 -map '[mix]' -c:v copy -c:a aac -b:a 192k out.mp4");
    if (have_shell())
        EXPECT_EQ(run("printf '%s|' " + cmd->substr(7)).substr(0, 22), "-i|./-my clip's.mp4|-i") << "one word per argument";
}

TEST(FitMux, BadInputIsNamed) {
    auto cmd = ffmpeg_mux_command("", "fit.wav", "out.mp4");
    ASSERT_FALSE(cmd);
    EXPECT_NE(cmd.status().message().find("video path is empty"), std::string::npos);
    cmd = ffmpeg_mux_command("a.mp4", std::string_view("f\0x.wav", 7), "out.mp4");
    ASSERT_FALSE(cmd);
    EXPECT_NE(cmd.status().message().find("WAV path holds a NUL"), std::string::npos);
    MuxOptions o;
    o.audio_bitrate_kbps = 5;
    cmd = ffmpeg_mux_command("a.mp4", "b.wav", "c.mp4", o);
    ASSERT_FALSE(cmd);
    EXPECT_NE(cmd.status().message().find("audio_bitrate_kbps = 5"), std::string::npos);
}

bool on_path(const char* program) { return run(std::string("command -v ") + program + " >/dev/null && echo yes") == "yes\n"; }

double probe_duration_s(const fs::path& file, const char* stream) {
    const std::string out = run(std::string("ffprobe -v error -select_streams ") + stream +
                                " -show_entries stream=duration -of default=nw=1:nk=1 " + shell_quote(file.string()));
    return out.empty() ? -1.0 : std::atof(out.c_str());
}

std::string probe_codecs(const fs::path& file) {
    return run("ffprobe -v error -show_entries stream=codec_name -of csv=p=0 " + shell_quote(file.string()));
}

/// A WAV of `length_s` (a quiet 440 Hz sine, 44.1 kHz stereo) at `path`.
void write_music(const fs::path& path, double length_s) {
    const int rate = 44100;
    std::vector<float> x(size_t(std::llround(length_s * rate)) * 2);
    for (size_t i = 0; i < x.size(); ++i) x[i] = float(0.2 * std::sin(2 * std::numbers::pi * 440.0 * double(i / 2) / rate));
    auto wav = encode_wav(x, 2, rate);
    ASSERT_TRUE(wav);
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(wav->data()), std::streamsize(wav->size()));
}

TEST(FitMux, CommandRunsWithFfmpegOnNastyNames) {
    if (!have_shell()) GTEST_SKIP() << "no shell to run commands (popen fails here)";
    if (!on_path("ffmpeg") || !on_path("ffprobe")) GTEST_SKIP() << "ffmpeg/ffprobe not on PATH: the mux command is not run";
    const fs::path clip_src = fs::path(CF_TEST_DATA_DIR) / "video/h264_aac_cuts_fades.mp4";
    const double clip_s = probe_duration_s(clip_src, "v:0");
    ASSERT_GT(clip_s, 9.0);
    const fs::path dir = fs::path(testing::TempDir()) / "cf mux 'it's' $x ü";
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy_file(clip_src, dir / "-clip \"ü\".mp4");
    write_music(dir / "-music's.wav", clip_s);
    for (bool keep : {false, true}) {
        MuxOptions o;
        o.keep_clip_audio = keep;
        const std::string out = keep ? "http:mixed $(x).mp4" : "-out `x`.mp4";
        auto cmd = ffmpeg_mux_command("-clip \"ü\".mp4", "-music's.wav", out, o);
        ASSERT_TRUE(cmd);
        const std::string log = run("cd " + shell_quote(dir.string()) + " && " + *cmd + " </dev/null 2>&1");
        const fs::path made = dir / out;
        ASSERT_TRUE(fs::exists(made)) << *cmd << "\n" << log;
        EXPECT_EQ(probe_codecs(made), "h264\naac\n") << *cmd;
        EXPECT_NEAR(probe_duration_s(made, "v:0"), clip_s, 0.01) << "the picture copied";
        EXPECT_NEAR(probe_duration_s(made, "a:0"), clip_s, 0.05) << "the music the clip's length (AAC frames: 23 ms)";
    }
    fs::remove_all(dir);
}

}  // namespace
}  // namespace cf
