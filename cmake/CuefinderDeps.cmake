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
