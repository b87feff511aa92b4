# Third-party C libraries, all from Debian:
#  - native: the -dev packages, found with pkg-config;
#  - WebAssembly: the same Debian *source* packages built by tools/wasm_deps.sh into CF_WASM_DEPS_PREFIX.
# Result: the interface target cf_audio_deps.
add_library(cf_audio_deps INTERFACE)

# name in pkg-config / library file names (static, in link order: dependents first)
# ebur128: EBU R128 loudness (src/core/loudness), MIT, Debian libebur128-dev.
set(_cf_audio_libs opusfile opus vorbisfile vorbis FLAC ogg mpg123 samplerate ebur128)

if(CF_WASM)
  if(NOT CF_WASM_DEPS_PREFIX OR NOT EXISTS "${CF_WASM_DEPS_PREFIX}/lib")
    message(FATAL_ERROR "CF_WASM_DEPS_PREFIX='${CF_WASM_DEPS_PREFIX}' has no lib/: run tools/wasm_deps.sh first "
                        "(./cuefinder test does this for you)")
  endif()
  foreach(lib IN LISTS _cf_audio_libs)
    find_library(CF_WASM_LIB_${lib} NAMES ${lib} lib${lib}.a PATHS "${CF_WASM_DEPS_PREFIX}/lib"
                 NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH REQUIRED)
    target_link_libraries(cf_audio_deps INTERFACE "${CF_WASM_LIB_${lib}}")
  endforeach()
  target_include_directories(cf_audio_deps SYSTEM INTERFACE "${CF_WASM_DEPS_PREFIX}/include"
                             "${CF_WASM_DEPS_PREFIX}/include/opus")
else()
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(CF_NATIVE_AUDIO REQUIRED IMPORTED_TARGET
                    libmpg123 flac vorbisfile vorbis ogg opusfile opus samplerate libebur128)
  target_link_libraries(cf_audio_deps INTERFACE PkgConfig::CF_NATIVE_AUDIO)
endif()

# Image decoding (src/core/image): stb_image is header-only (Debian libstb-dev, /usr/include/stb;
# its implementation is compiled in src/core/image/stb_image_impl.cpp, natively and for WASM alike).
# WebP needs libwebp's decoder:
#  - native: Debian libwebp-dev, found with pkg-config (libwebp);
#  - WebAssembly: libwebpdecoder.a built from the Debian source package libwebp by
#    tools/wasm_ui_deps.sh into CF_WASM_WEBP_PREFIX (its own prefix, apart from the audio libs).
# Without libwebp the core still builds (CF_HAVE_WEBP unset): decode_image() then says WebP support
# is not built in, and the WebP tests skip. Result: the interface target cf_image_deps, linked through
# cf_audio_deps (cf_core's dependency target, so every consumer of cf_core gets it).
add_library(cf_image_deps INTERFACE)
find_path(CF_STB_INCLUDE_DIR stb_image.h PATHS /usr/include/stb NO_CMAKE_FIND_ROOT_PATH NO_DEFAULT_PATH)
if(NOT CF_STB_INCLUDE_DIR)
  message(FATAL_ERROR "stb_image.h not found in /usr/include/stb: apt-get install libstb-dev (tools/setup.sh)")
endif()
# Only the stb include dir, not /usr/include itself (that would mix the host's headers into WASM).
target_include_directories(cf_image_deps SYSTEM INTERFACE "${CF_STB_INCLUDE_DIR}")
if(CF_WASM)
  if(CF_THREADS)
    set(_cf_webp_variant mt)
  else()
    set(_cf_webp_variant st)
  endif()
  set(CF_WASM_WEBP_PREFIX "$ENV{HOME}/.cache/cuefinder/wasm-ui/webp-${_cf_webp_variant}" CACHE PATH
      "WebAssembly: libwebp decoder prefix built by tools/wasm_ui_deps.sh")
  if(EXISTS "${CF_WASM_WEBP_PREFIX}/lib/libwebpdecoder.a" AND EXISTS "${CF_WASM_WEBP_PREFIX}/include/webp/decode.h")
    target_include_directories(cf_image_deps SYSTEM INTERFACE "${CF_WASM_WEBP_PREFIX}/include")
    target_link_libraries(cf_image_deps INTERFACE "${CF_WASM_WEBP_PREFIX}/lib/libwebpdecoder.a")
    target_compile_definitions(cf_image_deps INTERFACE CF_HAVE_WEBP=1)
    message(STATUS "cuefinder images: WebP from ${CF_WASM_WEBP_PREFIX}")
  else()
    message(WARNING "cuefinder images: no libwebp in CF_WASM_WEBP_PREFIX='${CF_WASM_WEBP_PREFIX}': WebP decoding "
                    "is off. Build it with: tools/wasm_ui_deps.sh ${_cf_webp_variant} --webp-only")
  endif()
else()
  pkg_check_modules(CF_NATIVE_WEBP QUIET IMPORTED_TARGET libwebp)
  if(CF_NATIVE_WEBP_FOUND)
    target_link_libraries(cf_image_deps INTERFACE PkgConfig::CF_NATIVE_WEBP)
    target_compile_definitions(cf_image_deps INTERFACE CF_HAVE_WEBP=1)
    message(STATUS "cuefinder images: WebP from libwebp ${CF_NATIVE_WEBP_VERSION}")
  else()
    message(WARNING "cuefinder images: libwebp not found with pkg-config: WebP decoding is off "
                    "(apt-get install libwebp-dev; tools/setup.sh)")
  endif()
endif()
target_link_libraries(cf_audio_deps INTERFACE cf_image_deps)

# Video decoding for the native CLI and tests (src/platform/native/ffmpeg_video.cpp): FFmpeg's
# libraries, Debian libavformat-dev libavcodec-dev libswscale-dev libavutil-dev, found with
# pkg-config. Optional: without them (and always in WebAssembly, where the page decodes with
# WebCodecs) src/platform/no_video_decoder.cpp stands in, `cuefinder-core video` says the build
# decodes no video, and the tests that decode the fixtures skip. Result: CF_HAVE_FFMPEG and, when
# found, the imported target PkgConfig::CF_FFMPEG.
set(CF_HAVE_FFMPEG OFF)
if(NOT CF_WASM)
  pkg_check_modules(CF_FFMPEG QUIET IMPORTED_TARGET libavformat libavcodec libswscale libavutil)
  if(CF_FFMPEG_FOUND)
    set(CF_HAVE_FFMPEG ON)
    message(STATUS "cuefinder video: FFmpeg libavformat ${CF_FFMPEG_libavformat_VERSION}, libavcodec ${CF_FFMPEG_libavcodec_VERSION}")
  else()
    message(WARNING "cuefinder video: FFmpeg's libraries not found with pkg-config: no video decoding in the "
                    "native CLI and tests (apt-get install libavformat-dev libavcodec-dev libswscale-dev "
                    "libavutil-dev; tools/setup.sh)")
  endif()
endif()
