// libFuzzer entry for the audio decoders: the input is the file, opened from a memory source.
//
// Built once per target by tools/fuzz/CMakeLists.txt:
//   fuzz_audio_reader          sniffs the format, as AudioReader::open does (reaches every decoder)
//   fuzz_audio_{wav,mp3,flac,vorbis,opus}
//                              forces one decoder (CF_FUZZ_CODEC), so mutations of the magic bytes
//                              still exercise that decoder's header handling
// Each input is read to the end in blocks of a size taken from a hash of the input, then a few seeks
// (also from the hash) each read a block, then decode_windows(). Errors are fine; crashes, sanitizer
// reports, leaks and hangs are bugs. Run with tools/fuzz/run.sh.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/audio/audio_reader.h"
#include "core/audio/detail/pcm_decoder.h"

// Known leaks in Debian's codec libraries, not in our code: on a chained Ogg file whose later link has bad
// headers, ov_open_callbacks() (libvorbisfile 1.3.7, _bisect_forward_serialno's early return; upstream
// xiph/vorbis#125, fix proposed in PR #126) and op_open_callbacks() (libopusfile 0.12,
// op_bisect_forward_serialno returns before counting the link whose tags it parsed) fail without
// freeing what they parsed. Bytes to a few KB per crafted file, no crash. Suppressed here so the
// fuzzers keep looking for real bugs; by module, because the libraries have no frame pointers and the
// leak's stack stops inside them (in libvorbis.so for the leaked vorbis_info of the earlier link).
// The unit tests do not suppress them: test_fuzz_regressions.cpp pauses leak checks only around the
// saved "-libleak-" inputs, and every other test runs with leak checking on.
extern "C" const char* __lsan_default_suppressions() {
    return "leak:libvorbisfile.so\nleak:libvorbis.so\nleak:libopusfile.so\n";
}

namespace {

uint64_t fnv1a(const uint8_t* data, size_t size) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 1099511628211ull;
    return h;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    uint64_t h = fnv1a(data, size);
    cf::DecodeOptions options;
    options.max_duration_s = 600.0;
    options.max_output_bytes = size_t(16) << 20;
    options.resample_quality = h % 3 == 0 ? cf::ResampleQuality::medium : cf::ResampleQuality::fast;
    auto source = cf::make_memory_source(data, size, "fuzz-input");
#ifdef CF_FUZZ_CODEC
    auto reader = cf::detail::open_reader_as(cf::AudioCodec(CF_FUZZ_CODEC), std::move(source), options);
#else
    auto reader = cf::AudioReader::open(std::move(source), options);
#endif
    if (!reader) return 0;
    cf::AudioReader& r = **reader;

    // Read to the end (at most 60 s of output, to keep each input fast).
    std::vector<float> block(1 + (h >> 8) % 5000);
    size_t n_total = 0;
    while (n_total < 16000 * 60) {
        auto n = r.read(block.data(), block.size());
        if (!n || *n == 0) break;
        n_total += *n;
    }
    // Seek around and read a little after each seek.
    double span_s = r.info().duration_s > 0 ? std::min(r.info().duration_s, 600.0) : 10.0;
    for (int i = 0; i < 3; ++i) {
        double t = span_s * double((h >> (16 + 12 * i)) & 0xFFF) / 4000.0;  // up to ~2% past the end
        if (!r.seek(t)) continue;
        (void)r.read(block.data(), block.size());
    }
    (void)cf::decode_windows(r, {{0.0, 0.05}, {span_s * 0.5, 0.05}});
    return 0;
}
