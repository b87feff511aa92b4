#include "app/map_renderer.h"

#include <GLES3/gl3.h>

#include <imgui.h>

#include "app_shaders.h"  // generated from shaders/ by src/app/CMakeLists.txt

namespace cf::app {

namespace {

unsigned compile(GLenum type, const char* source, std::string& error) {
    GLuint s = glCreateShader(type);
    glShaderSource(s, 1, &source, nullptr);
    glCompileShader(s);
    GLint ok = 0;
    glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char log[1024] = {0};
        glGetShaderInfoLog(s, sizeof log, nullptr, log);
        error = std::string(type == GL_VERTEX_SHADER ? "points.vert: " : "points.frag: ") + log;
        glDeleteShader(s);
        return 0;
    }
    return s;
}

void setup_vao(GLuint vao, GLuint vbo) {
    glBindVertexArray(vao);
    glBindBuffer(GL_ARRAY_BUFFER, vbo);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(MapVertex), reinterpret_cast<void*>(offsetof(MapVertex, x)));
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(MapVertex), reinterpret_cast<void*>(offsetof(MapVertex, rgba)));
    glEnableVertexAttribArray(2);
    glVertexAttribPointer(2, 1, GL_FLOAT, GL_FALSE, sizeof(MapVertex), reinterpret_cast<void*>(offsetof(MapVertex, state)));
    glBindVertexArray(0);
}

}  // namespace

MapRenderer::MapRenderer() = default;

MapRenderer::~MapRenderer() {
    if (program_) glDeleteProgram(program_);
    if (vbo_) glDeleteBuffers(1, &vbo_);
    if (overlay_vbo_) glDeleteBuffers(1, &overlay_vbo_);
    if (vao_) glDeleteVertexArrays(1, &vao_);
    if (overlay_vao_) glDeleteVertexArrays(1, &overlay_vao_);
}

bool MapRenderer::init() {
    GLuint vs = compile(GL_VERTEX_SHADER, kPointsVert, error_);
    if (!vs) return false;
    GLuint fs = compile(GL_FRAGMENT_SHADER, kPointsFrag, error_);
    if (!fs) {
        glDeleteShader(vs);
        return false;
    }
    program_ = glCreateProgram();
    glAttachShader(program_, vs);
    glAttachShader(program_, fs);
    glLinkProgram(program_);
    glDeleteShader(vs);
    glDeleteShader(fs);
    GLint ok = 0;
    glGetProgramiv(program_, GL_LINK_STATUS, &ok);
    if (!ok) {
        char log[1024] = {0};
        glGetProgramInfoLog(program_, sizeof log, nullptr, log);
        error_ = std::string("map shaders: link: ") + log;
        return false;
    }
    loc_centre_ = glGetUniformLocation(program_, "u_centre");
    loc_scale_ = glGetUniformLocation(program_, "u_scale");
    loc_viewport_ = glGetUniformLocation(program_, "u_viewport");
    loc_point_ = glGetUniformLocation(program_, "u_point_px");
    glGenBuffers(1, &vbo_);
    glGenBuffers(1, &overlay_vbo_);
    glGenVertexArrays(1, &vao_);
    glGenVertexArrays(1, &overlay_vao_);
    setup_vao(vao_, vbo_);
    setup_vao(overlay_vao_, overlay_vbo_);
    return true;
}

void MapRenderer::set_points(const std::vector<MapVertex>& base, const std::vector<MapVertex>& overlay) {
    if (!program_) return;
    glBindBuffer(GL_ARRAY_BUFFER, vbo_);
    glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(base.size() * sizeof(MapVertex)), base.data(), GL_STATIC_DRAW);
    glBindBuffer(GL_ARRAY_BUFFER, overlay_vbo_);
    glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(overlay.size() * sizeof(MapVertex)), overlay.data(), GL_DYNAMIC_DRAW);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
    n_base_ = base.size();
    n_overlay_ = overlay.size();
}

void MapRenderer::draw(ImDrawList* list, float x0, float y0, float x1, float y1, float cx, float cy, float scale, float point_px) {
    if (!program_) return;
    canvas_[0] = x0, canvas_[1] = y0, canvas_[2] = x1, canvas_[3] = y1;
    centre_[0] = cx, centre_[1] = cy;
    scale_ = scale;
    point_px_ = point_px;
    list->AddCallback(&MapRenderer::callback, this);
    list->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
}

void MapRenderer::callback(const ImDrawList*, const ImDrawCmd* cmd) { static_cast<MapRenderer*>(cmd->UserCallbackData)->render(); }

void MapRenderer::render() {
    // Called inside ImGui's OpenGL3 renderer: its blend state (alpha) is what we want; we set the
    // program, the viewport and the scissor to the canvas, and ImGui resets its state after us.
    const ImDrawData* dd = ImGui::GetDrawData();
    if (!dd) return;
    const float sx = dd->FramebufferScale.x, sy = dd->FramebufferScale.y;
    const float fb_h = dd->DisplaySize.y * sy;
    const int vx = int((canvas_[0] - dd->DisplayPos.x) * sx), vw = int((canvas_[2] - canvas_[0]) * sx);
    const int vh = int((canvas_[3] - canvas_[1]) * sy);
    const int vy = int(fb_h - (canvas_[3] - dd->DisplayPos.y) * sy);
    if (vw <= 0 || vh <= 0) return;
    glViewport(vx, vy, vw, vh);
    glEnable(GL_SCISSOR_TEST);
    glScissor(vx, vy, vw, vh);
    glEnable(GL_BLEND);
    glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
    glUseProgram(program_);
    glUniform2f(loc_centre_, centre_[0], centre_[1]);
    glUniform1f(loc_scale_, scale_ * sx);
    glUniform2f(loc_viewport_, float(vw), float(vh));
    glUniform1f(loc_point_, point_px_ * sx);
    if (n_base_) {
        glBindVertexArray(vao_);
        glDrawArrays(GL_POINTS, 0, GLsizei(n_base_));
    }
    if (n_overlay_) {
        glBindVertexArray(overlay_vao_);
        glDrawArrays(GL_POINTS, 0, GLsizei(n_overlay_));
    }
    glBindVertexArray(0);
}

}  // namespace cf::app
