#version 300 es
// Round, anti-aliased points; matches and the playing track get a white ring, selected ones orange.
precision mediump float;

in vec4 v_colour;
flat in int v_state;
out vec4 o_colour;

void main() {
    vec2 d = gl_PointCoord * 2.0 - 1.0;
    float r = length(d);
    float aa = max(fwidth(r), 1e-3);
    float alpha = 1.0 - smoothstep(1.0 - aa, 1.0, r);
    if (alpha <= 0.0) discard;
    vec3 c = v_colour.rgb;
    if (v_state >= 1 && v_state <= 3) {
        float ring = smoothstep(0.55 - aa, 0.55, r);
        vec3 ring_colour = v_state == 2 ? vec3(1.0, 0.55, 0.1) : vec3(1.0);
        c = mix(c, ring_colour, ring);
    }
    o_colour = vec4(c, v_colour.a * alpha);
}
