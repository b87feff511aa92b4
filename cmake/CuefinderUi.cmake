# UI libraries of the browser app (and of its native desktop build): Dear ImGui 1.86 on SDL2 with
# OpenGL ES 3.0 / WebGL2. Defines, when the libraries are there:
#   cf_sdl2   SDL2 (include with `#include <SDL.h>`: the include dir is .../include/SDL2, as with
#             Debian's `pkg-config sdl2`; never <SDL/SDL.h>, emscripten's sysroot has SDL 1 there)
#   cf_imgui  ImGui core + backends imgui_impl_sdl (ImGui_ImplSDL2_*) and imgui_impl_opengl3
#             + misc/cpp/imgui_stdlib; links cf_sdl2 and GL. Include <imgui.h>,
#             <imgui_impl_sdl.h>, <imgui_impl_opengl3.h>, <imgui_stdlib.h>.
#             PUBLIC definitions that app code must agree with (it gets them by linking):
#               ImDrawIdx=unsigned int   (32-bit indices; only when compiled from source, see below)
#               IMGUI_IMPL_OPENGL_ES3    (when CF_UI_GLES3)
#               CF_UI_GLES3=1|0          1: ask SDL for an OpenGL ES 3.0 context, include
#                                        <GLES3/gl3.h>, shaders "#version 300 es";
#                                        0 (native fallback only): desktop GL 3, <GL/gl.h>.
#             WASM: PUBLIC link options -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2.
#   CF_UI_AVAILABLE  ON/OFF: skip UI targets when OFF (a message says what is missing).
#   CF_UI_GLES3      ON/OFF: the CMake side of CF_UI_GLES3 above.
#
# Where the libraries come from:
#   WebAssembly: SDL2 from tools/wasm_ui_deps.sh (CF_WASM_UI_PREFIX/{include/SDL2,lib/libSDL2.a});
#                ImGui compiled here from the Debian imgui source it unpacks (CF_IMGUI_SOURCE_DIR).
#   native:      SDL2 + GLESv2 from Debian (libsdl2-dev, libgles-dev; pkg-config sdl2 glesv2);
#                ImGui compiled from CF_IMGUI_SOURCE_DIR when present (`tools/wasm_ui_deps.sh
#                --imgui-only`, no emscripten needed), so native and WASM are the same code with the
#                same ImDrawIdx and GLES3. Fallback: Debian's libimgui.a (libimgui-dev, built with
#                16-bit ImDrawIdx and the desktop-GL backend), with CF_UI_GLES3=0.
# Usage (app CMakeLists):
#   if(CF_UI_AVAILABLE)
#     add_executable(app main.cpp)
#     target_link_libraries(app PRIVATE cf_imgui)
#   endif()
include_guard(GLOBAL)

if(NOT DEFINED CF_WASM)
  if(EMSCRIPTEN)
    set(CF_WASM ON)
  else()
    set(CF_WASM OFF)
  endif()
endif()

if(CF_THREADS)
  set(_cf_ui_variant mt)
else()
  set(_cf_ui_variant st)
endif()
set(CF_WASM_UI_PREFIX "$ENV{HOME}/.cache/cuefinder/wasm-ui/${_cf_ui_variant}" CACHE PATH
    "WebAssembly: SDL2 prefix built by tools/wasm_ui_deps.sh")
set(CF_IMGUI_SOURCE_DIR "$ENV{HOME}/.cache/cuefinder/wasm-ui/imgui" CACHE PATH
    "Dear ImGui 1.86 sources unpacked by tools/wasm_ui_deps.sh (native: --imgui-only)")

set(CF_UI_AVAILABLE OFF)
set(CF_UI_GLES3 ON)
set(_cf_imgui_from_source OFF)
if(EXISTS "${CF_IMGUI_SOURCE_DIR}/imgui.cpp" AND EXISTS "${CF_IMGUI_SOURCE_DIR}/backends/imgui_impl_sdl.cpp"
   AND EXISTS "${CF_IMGUI_SOURCE_DIR}/backends/imgui_impl_opengl3.cpp")
  set(_cf_imgui_from_source ON)
endif()

# ImGui compiled from the Debian source package (WASM always, native when available).
function(_cf_add_imgui_from_source)
  set(s "${CF_IMGUI_SOURCE_DIR}")
  add_library(cf_imgui STATIC
    ${s}/imgui.cpp ${s}/imgui_draw.cpp ${s}/imgui_tables.cpp ${s}/imgui_widgets.cpp
    ${s}/backends/imgui_impl_sdl.cpp ${s}/backends/imgui_impl_opengl3.cpp ${s}/misc/cpp/imgui_stdlib.cpp)
  target_include_directories(cf_imgui SYSTEM PUBLIC ${s} ${s}/backends ${s}/misc/cpp)
  target_compile_definitions(cf_imgui PUBLIC "ImDrawIdx=unsigned int" IMGUI_IMPL_OPENGL_ES3 CF_UI_GLES3=1)
  target_link_libraries(cf_imgui PUBLIC cf_sdl2)
  # C++17: 1.86 sources warn about enum-enum arithmetic under C++20 (apps may use C++20).
  set_target_properties(cf_imgui PROPERTIES CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF)
  if(CF_WASM)
    target_link_options(cf_imgui PUBLIC -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2)
    if(CF_THREADS)
      target_compile_options(cf_imgui PUBLIC -pthread)
      target_link_options(cf_imgui PUBLIC -pthread)
    endif()
  endif()
endfunction()

if(TARGET cf_imgui)
  # Already defined (e.g. included twice through different projects).
  set(CF_UI_AVAILABLE ON)
elseif(CF_WASM)
  if(NOT EXISTS "${CF_WASM_UI_PREFIX}/lib/libSDL2.a" OR NOT EXISTS "${CF_WASM_UI_PREFIX}/include/SDL2/SDL.h")
    message(STATUS "cuefinder UI: off (no SDL2 in CF_WASM_UI_PREFIX='${CF_WASM_UI_PREFIX}': "
                   "run tools/wasm_ui_deps.sh ${_cf_ui_variant})")
  elseif(NOT _cf_imgui_from_source)
    message(STATUS "cuefinder UI: off (no ImGui sources in CF_IMGUI_SOURCE_DIR='${CF_IMGUI_SOURCE_DIR}': "
                   "run tools/wasm_ui_deps.sh ${_cf_ui_variant})")
  else()
    # A plain -I (not -isystem, as an IMPORTED target would give): emcc itself adds
    # `-iwithsysroot/include/SDL` (SDL 1 headers) to every compile, and a system dir given later
    # would lose to it, so <SDL.h> would silently be SDL 1's.
    add_library(cf_sdl2 INTERFACE)
    target_include_directories(cf_sdl2 INTERFACE "${CF_WASM_UI_PREFIX}/include/SDL2")
    target_link_libraries(cf_sdl2 INTERFACE "${CF_WASM_UI_PREFIX}/lib/libSDL2.a")
    _cf_add_imgui_from_source()
    set(CF_UI_AVAILABLE ON)
    message(STATUS "cuefinder UI: WebAssembly, SDL2 from ${CF_WASM_UI_PREFIX}, ImGui from ${CF_IMGUI_SOURCE_DIR}")
  endif()
else()
  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(CF_UI_SDL2 QUIET IMPORTED_TARGET sdl2)
    pkg_check_modules(CF_UI_GLES QUIET IMPORTED_TARGET glesv2)
    pkg_check_modules(CF_UI_GL QUIET IMPORTED_TARGET gl)
    pkg_check_modules(CF_UI_IMGUI QUIET IMPORTED_TARGET imgui)
  endif()
  if(NOT CF_UI_SDL2_FOUND)
    message(STATUS "cuefinder UI: off (pkg-config sdl2 not found: apt-get install libsdl2-dev)")
  elseif(_cf_imgui_from_source AND CF_UI_GLES_FOUND)
    add_library(cf_sdl2 INTERFACE)
    target_link_libraries(cf_sdl2 INTERFACE PkgConfig::CF_UI_SDL2)
    _cf_add_imgui_from_source()
    target_link_libraries(cf_imgui PUBLIC PkgConfig::CF_UI_GLES ${CMAKE_DL_LIBS})
    set(CF_UI_AVAILABLE ON)
    message(STATUS "cuefinder UI: native, ImGui from ${CF_IMGUI_SOURCE_DIR}, OpenGL ES 3")
  elseif(CF_UI_IMGUI_FOUND AND CF_UI_GL_FOUND)
    # Debian's libimgui.a: check that the SDL2 and OpenGL3 backends are compiled in.
    find_library(CF_UI_IMGUI_LIB NAMES libimgui.a imgui HINTS ${CF_UI_IMGUI_LIBRARY_DIRS})
    set(_cf_backends_in_lib OFF)
    if(CF_UI_IMGUI_LIB AND CMAKE_NM)
      execute_process(COMMAND "${CMAKE_NM}" -C "${CF_UI_IMGUI_LIB}" OUTPUT_VARIABLE _cf_nm ERROR_QUIET)
      if(_cf_nm MATCHES "T ImGui_ImplSDL2_InitForOpenGL" AND _cf_nm MATCHES "T ImGui_ImplOpenGL3_Init")
        set(_cf_backends_in_lib ON)
      endif()
    endif()
    add_library(cf_sdl2 INTERFACE)
    target_link_libraries(cf_sdl2 INTERFACE PkgConfig::CF_UI_SDL2)
    if(_cf_backends_in_lib)
      add_library(cf_imgui INTERFACE)
    else()
      set(_cf_deb_backends /usr/share/doc/libimgui-dev/examples/backends)
      add_library(cf_imgui STATIC ${_cf_deb_backends}/imgui_impl_sdl.cpp ${_cf_deb_backends}/imgui_impl_opengl3.cpp)
    endif()
    get_target_property(_cf_imgui_type cf_imgui TYPE)
    if(_cf_imgui_type STREQUAL "INTERFACE_LIBRARY")
      set(_cf_scope INTERFACE)
    else()
      set(_cf_scope PUBLIC)
    endif()
    target_include_directories(cf_imgui SYSTEM ${_cf_scope} /usr/include/imgui/backends)
    target_compile_definitions(cf_imgui ${_cf_scope} CF_UI_GLES3=0)
    set(CF_UI_GLES3 OFF)
    target_link_libraries(cf_imgui ${_cf_scope} PkgConfig::CF_UI_IMGUI cf_sdl2 PkgConfig::CF_UI_GL ${CMAKE_DL_LIBS})
    set(CF_UI_AVAILABLE ON)
    message(STATUS "cuefinder UI: native, Debian libimgui.a (16-bit ImDrawIdx, desktop GL 3; "
                   "run tools/wasm_ui_deps.sh --imgui-only for the same GLES3 build as WebAssembly)")
  else()
    set(CF_UI_GLES3 OFF)
    message(STATUS "cuefinder UI: off (need libgles-dev + tools/wasm_ui_deps.sh --imgui-only, "
                   "or libimgui-dev + libgl-dev)")
  endif()
endif()
