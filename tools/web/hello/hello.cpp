// UI toolchain smoke test: SDL2 window + OpenGL ES 3.0 / WebGL2 context, an ImGui window with a
// button (counts clicks, prints "hello: clicks=N"), and 5000 points drawn by our own GLSL ES 3.0
// shader from one VBO. Same code natively (GLES3 via SDL) and in the browser; check.mjs drives it.
#include <SDL.h>
#include <GLES3/gl3.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>
#include <imgui_impl_sdl.h>
#include <cmath>
#include <cstdio>
#include <vector>
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
// For the browser check: the button rect (CSS pixels), clicks, window and drawable sizes.
EM_JS(void, publish_state, (float x, float y, float w, float h, int clicks, int ww, int wh, int pw, int ph), {
  window.hello = {button: {x: x, y: y, w: w, h: h}, clicks: clicks, window: [ww, wh], drawable: [pw, ph]};
});
#endif

static const char* kVert = "#version 300 es\nlayout(location=0) in vec2 a_pos; layout(location=1) in vec3 a_col;\n"
  "uniform vec2 u_scale; uniform float u_size; out vec3 v_col;\n"
  "void main() { gl_Position = vec4(a_pos * u_scale, 0.0, 1.0); gl_PointSize = u_size; v_col = a_col; }\n";
static const char* kFrag = "#version 300 es\nprecision mediump float; in vec3 v_col; out vec4 o_col;\n"
  "void main() { vec2 d = gl_PointCoord - 0.5; if (dot(d, d) > 0.25) discard; o_col = vec4(v_col, 1.0); }\n";

struct App { SDL_Window* window; GLuint program, vao; GLint u_scale, u_size; int count, clicks; bool quit; };

static GLuint compile(GLenum type, const char* src) {
  GLuint s = glCreateShader(type); glShaderSource(s, 1, &src, nullptr); glCompileShader(s);
  GLint ok = 0; glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
  if (!ok) { char log[512]; glGetShaderInfoLog(s, sizeof log, nullptr, log); std::printf("hello: shader: %s\n", log); }
  return s;
}

static void frame(void* arg) {
  App& a = *static_cast<App*>(arg);
  for (SDL_Event e; SDL_PollEvent(&e);) { ImGui_ImplSDL2_ProcessEvent(&e); if (e.type == SDL_QUIT) a.quit = true; }
  ImGui_ImplOpenGL3_NewFrame(); ImGui_ImplSDL2_NewFrame(); ImGui::NewFrame();
  int w, h, pw, ph; SDL_GetWindowSize(a.window, &w, &h); SDL_GL_GetDrawableSize(a.window, &pw, &ph);
  ImGui::SetNextWindowPos(ImVec2(20, 20), ImGuiCond_Always);
  ImGui::Begin("cuefinder hello", nullptr, ImGuiWindowFlags_AlwaysAutoResize);
  ImGui::Text("%d points, one VBO, own shader", a.count);
  ImGui::Text("window %dx%d, drawable %dx%d", w, h, pw, ph);
  if (ImGui::Button("Click me")) std::printf("hello: clicks=%d\n", ++a.clicks);
  ImVec2 b0 = ImGui::GetItemRectMin(), b1 = ImGui::GetItemRectMax();
  ImGui::Text("clicks: %d", a.clicks);
  ImGui::End();
#ifdef __EMSCRIPTEN__
  publish_state(b0.x, b0.y, b1.x - b0.x, b1.y - b0.y, a.clicks, w, h, pw, ph);
#endif
  ImGui::Render();
  glViewport(0, 0, pw, ph); glClearColor(0.08f, 0.09f, 0.12f, 1); glClear(GL_COLOR_BUFFER_BIT);
  float m = float(w < h ? w : h);
  glUseProgram(a.program); glUniform2f(a.u_scale, m / w, m / h);
  glUniform1f(a.u_size, 5.0f * pw / (w > 0 ? w : 1));  // 5 CSS pixels at any devicePixelRatio
  glBindVertexArray(a.vao); glDrawArrays(GL_POINTS, 0, a.count); glBindVertexArray(0);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  SDL_GL_SwapWindow(a.window);
}

int main(int, char**) {
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) { std::printf("hello: SDL_Init: %s\n", SDL_GetError()); return 1; }
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3); SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
  App a{};
  a.window = SDL_CreateWindow("cuefinder hello", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, 960, 640,
                              SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  SDL_GLContext gl = a.window ? SDL_GL_CreateContext(a.window) : nullptr;
  if (!gl) { std::printf("hello: window/context: %s\n", SDL_GetError()); return 1; }
  SDL_GL_MakeCurrent(a.window, gl); SDL_GL_SetSwapInterval(1);
  std::printf("hello: GL_VERSION=%s\n", reinterpret_cast<const char*>(glGetString(GL_VERSION)));
  ImGui::CreateContext(); ImGui::GetIO().IniFilename = nullptr; ImGui::StyleColorsDark();
  ImGui_ImplSDL2_InitForOpenGL(a.window, gl); ImGui_ImplOpenGL3_Init("#version 300 es");

  a.program = glCreateProgram();
  glAttachShader(a.program, compile(GL_VERTEX_SHADER, kVert)); glAttachShader(a.program, compile(GL_FRAGMENT_SHADER, kFrag));
  glLinkProgram(a.program);
  a.u_scale = glGetUniformLocation(a.program, "u_scale"); a.u_size = glGetUniformLocation(a.program, "u_size");
  a.count = 5000;  // a golden-angle spiral, coloured by angle: x, y, r, g, b per point
  std::vector<float> v; v.reserve(a.count * 5);
  for (int i = 0; i < a.count; ++i) {
    float r = 0.95f * std::sqrt((i + 0.5f) / a.count), t = 2.39996323f * i;
    v.insert(v.end(), {r * std::cos(t), r * std::sin(t), 0.5f + 0.5f * std::cos(t), 0.5f + 0.5f * std::sin(t), 1.0f - r});
  }
  GLuint vbo; glGenVertexArrays(1, &a.vao); glGenBuffers(1, &vbo);
  glBindVertexArray(a.vao); glBindBuffer(GL_ARRAY_BUFFER, vbo);
  glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(v.size() * sizeof(float)), v.data(), GL_STATIC_DRAW);
  glEnableVertexAttribArray(0); glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 5 * sizeof(float), nullptr);
  glEnableVertexAttribArray(1); glVertexAttribPointer(1, 3, GL_FLOAT, GL_FALSE, 5 * sizeof(float), reinterpret_cast<void*>(2 * sizeof(float)));
  glBindVertexArray(0);
#ifdef __EMSCRIPTEN__
  emscripten_set_main_loop_arg(frame, &a, 0, true);  // does not return
#else
  for (Uint32 end = SDL_getenv("HELLO_SECONDS") ? SDL_GetTicks() + 1000u * SDL_atoi(SDL_getenv("HELLO_SECONDS")) : 0;
       !a.quit && (end == 0 || SDL_GetTicks() < end);) frame(&a);
  ImGui_ImplOpenGL3_Shutdown(); ImGui_ImplSDL2_Shutdown(); ImGui::DestroyContext();
  SDL_GL_DeleteContext(gl); SDL_DestroyWindow(a.window); SDL_Quit();
#endif
  return 0;
}
