// feedback_swirl: logarithmic spiral arms in cycling hues with a frame-stepped colour wheel, blended with a rotated backbuffer sample
// features: PRECISION (precision mediump float statement, highp/lowp declarations), TEXTURE read texture2D(backbuffer, uv), frame uniform, atan(y,x), log, mod, smoothstep, user helper function
precision mediump float;
uniform vec2 resolution;
uniform vec2 mouse;
uniform float time;
uniform float frame;
uniform sampler2D backbuffer;

lowp vec3 wheel(mediump float h) {
    return clamp(abs(mod(h * 6.0 + vec3(0.0, 4.0, 2.0), 6.0) - 3.0) - 1.0, 0.0, 1.0);
}

void main() {
    highp vec2 p = (gl_FragCoord.xy * 2.0 - resolution) / min(resolution.x, resolution.y);
    highp float r = length(p) + 1e-3;
    highp float a = atan(p.y, p.x + 1e-6);
    mediump float lr = log(r);

    // five arms, wound by log(r), rotating with time
    mediump float arms = sin(5.0 * a + 5.0 * lr - 1.7 * time);
    mediump float band = smoothstep(0.1, 0.9, arms);
    // the colour wheel advances one notch every 20 frames
    mediump float notch = floor(mod(frame, 240.0) / 20.0) / 12.0;
    lowp vec3 col = wheel(fract(notch + 0.15 * lr + 0.05 * time)) * band;
    col += wheel(fract(notch + 0.5)) * (1.0 - band) * 0.18;
    col *= smoothstep(0.0, 0.25, r) * smoothstep(1.9, 0.6, r) + 0.15;

    // feedback: sample the previous frame slightly rotated (unbound here: opaque black)
    highp float c = cos(0.02), s = sin(0.02);
    highp vec2 q = mat2(c, s, -s, c) * (gl_FragCoord.xy / resolution - 0.5) * 0.98 + 0.5;
    lowp vec4 prev = texture2D(backbuffer, q);
    gl_FragColor = vec4(mix(col, prev.rgb, 0.3) * prev.a, 1.0);
}
