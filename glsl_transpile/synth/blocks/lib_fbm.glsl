// @lib fbm
// @needs noise
// @about fractal sums of five octaves, each rotated to hide the lattice
const mat2 OCTAVE_TURN = mat2(0.8, 0.6, -0.6, 0.8);

float fbm_gradient(vec2 p, float gain, float lacunarity) {
    float sum = 0.0;
    float amplitude = 0.5;
    float norm = 0.0;
    for (int octave = 0; octave < 5; octave++) {
        sum += amplitude * noise_gradient(p);
        norm += amplitude;
        amplitude *= gain;
        p = OCTAVE_TURN * p * lacunarity;
    }
    return sum / norm;
}

float fbm_value(vec2 p, float gain, float lacunarity) {
    float sum = 0.0;
    float amplitude = 0.5;
    float norm = 0.0;
    for (int octave = 0; octave < 5; octave++) {
        sum += amplitude * noise_value(p);
        norm += amplitude;
        amplitude *= gain;
        p = OCTAVE_TURN * p * lacunarity;
    }
    return sum / norm;
}

// ridges where the noise crosses its middle; each octave weighted by the one before
float fbm_ridged(vec2 p, float gain, float lacunarity) {
    float sum = 0.0;
    float amplitude = 0.5;
    float weight = 1.0;
    float norm = 0.0;
    for (int octave = 0; octave < 5; octave++) {
        float ridge = 1.0 - abs(2.0 * noise_gradient(p) - 1.0);
        ridge *= ridge * weight;
        weight = clamp(ridge * 1.5, 0.0, 1.0);
        sum += amplitude * ridge;
        norm += amplitude;
        amplitude *= gain;
        p = OCTAVE_TURN * p * lacunarity;
    }
    return sum / norm;
}
