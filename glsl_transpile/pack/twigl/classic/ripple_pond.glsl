// ripple_pond: rain drops on a pond, interfering circular ripples with derivative-lit water, sky reflection and anti-aliased crest lines
// features: DERIVATIVES (GL_OES_standard_derivatives: dFdx/dFdy relief normal, fwidth anti-aliased crests), vec2 array filled in a loop, user helper function, mod, smoothstep, pow, exp
#extension GL_OES_standard_derivatives : enable
precision highp float;
uniform vec2 resolution;
uniform vec2 mouse;
uniform float time;
uniform sampler2D backbuffer;

const float PERIOD = 3.0;

// one drop: a damped ring travelling outwards; it fades in at birth and out before its cycle restarts
float ripple(vec2 p, vec2 c, float age) {
    float d = length(p - c);
    float front = 0.5 * age;
    float env = exp(-4.0 * abs(d - front)) * exp(-0.9 * age) * smoothstep(0.0, 0.4, age) * smoothstep(PERIOD, PERIOD - 0.6, age);
    return env * sin(14.0 * (d - front));
}

void main() {
    float scale = 1.3;
    vec2 p = (gl_FragCoord.xy * 2.0 - resolution) / resolution.y * scale;

    vec2 centres[5];
    float ages[5];
    for (int i = 0; i < 5; i++) {
        float fi = float(i);
        float local = time + fi * 0.61;            // staggered drops
        float cycle = floor(local / PERIOD);
        ages[i] = local - cycle * PERIOD;
        centres[i] = vec2(sin(cycle * 1.37 + fi * 2.1), cos(cycle * 0.91 + fi * 1.3)) * vec2(1.1, 0.75);
    }
    float h = 0.0;
    for (int i = 0; i < 5; i++) {
        h += ripple(p, centres[i], ages[i]);
    }
    h += 0.03 * sin(3.0 * p.x + 0.7 * time) * sin(2.0 * p.y - 0.5 * time);   // slow swell

    // normal from screen-space derivatives of the height
    float px = 2.0 * scale / resolution.y;
    vec3 n = normalize(vec3(-dFdx(h) / px, -dFdy(h) / px, 2.5));
    vec3 l = normalize(vec3(-0.4, 0.6, 0.7));
    float spec = pow(max(dot(reflect(-l, n), vec3(0.0, 0.0, 1.0)), 0.0), 30.0);
    float fres = pow(1.0 - n.z, 2.0);

    vec3 deep = vec3(0.02, 0.16, 0.22);
    vec3 sky = vec3(0.55, 0.75, 0.95);
    vec3 col = mix(deep, sky, clamp(0.15 + 4.0 * fres + 0.3 * n.y, 0.0, 1.0));
    col += vec3(1.0, 0.95, 0.85) * spec;

    // anti-aliased crest lines where the height crosses 0.12
    float w = fwidth(h);
    float crest = 1.0 - smoothstep(0.0, 1.5 * w + 1e-4, abs(h - 0.12));
    col = mix(col, vec3(0.85, 0.95, 1.0), 0.5 * crest);
    gl_FragColor = vec4(col, 1.0);
}
