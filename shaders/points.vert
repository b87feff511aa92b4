#version 300 es
// cuefinder map points: one vertex per track, drawn as GL_POINTS from one vertex buffer.
// Positions stay in data space; the view (pan/zoom) is two uniforms, so panning never re-uploads.
precision highp float;

layout(location = 0) in vec2 a_position;  // data space (t-SNE / PCA units)
layout(location = 1) in vec4 a_colour;    // RGBA8, normalised
layout(location = 2) in float a_state;    // 0 normal, 1 match, 2 selected, 3 playing, 4 dimmed

uniform vec2 u_centre;        // data-space point at the canvas centre
uniform float u_scale;        // framebuffer pixels per data unit
uniform vec2 u_viewport;      // canvas size in framebuffer pixels
uniform float u_point_px;     // base point diameter in framebuffer pixels

out vec4 v_colour;
flat out int v_state;

void main() {
    vec2 px = (a_position - u_centre) * u_scale;
    gl_Position = vec4(px / (0.5 * u_viewport), 0.0, 1.0);
    int state = int(a_state + 0.5);
    float size = u_point_px;
    if (state == 1 || state == 3) size *= 2.0;
    else if (state == 2) size *= 1.6;
    gl_PointSize = size;
    v_colour = a_colour;
    if (state == 4) v_colour.a *= 0.22;
    v_state = state;
}
