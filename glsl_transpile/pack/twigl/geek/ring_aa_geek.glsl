// ring_aa_geek: three wandering families of concentric bands in red, green and blue overlapping into Venn-like colour mixtures, edges anti-aliased with fwidth
// features: DERIVATIVES (GL_OES_standard_derivatives, fwidth band anti-aliasing), float loop, smoothstep, fract
#extension GL_OES_standard_derivatives : enable
precision highp float;
uniform vec2 r;
uniform vec2 m;
uniform float t;
uniform sampler2D b;

void main() {
    vec2 p = (gl_FragCoord.xy * 2.0 - r) / r.y;
    vec3 col = vec3(0.03, 0.03, 0.06);
    for (float i = 0.0; i < 3.0; i++) {
        vec2 c = 0.55 * vec2(cos(0.4 * t + 2.094 * i), sin(0.5 * t + 2.094 * i));
        float d = length(p - c) * 5.0 - 0.8 * t - 0.33 * i;
        float l = abs(fract(d) - 0.5);            // distance to the band centre line
        float w = fwidth(d);
        float band = 1.0 - smoothstep(0.22 - w, 0.22 + w, l);
        vec3 ch = vec3(i == 0.0 ? 1.0 : 0.15, i == 1.0 ? 1.0 : 0.15, i == 2.0 ? 1.0 : 0.15);
        col += ch * band * 0.6;
    }
    col = col / (1.0 + 0.3 * col);
    gl_FragColor = vec4(col, 1.0);
}
