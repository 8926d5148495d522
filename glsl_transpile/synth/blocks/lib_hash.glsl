// @lib hash
// @about integer hashes of lattice cells: exact on every GPU, unlike fract(sin(x) * big) hashes
uint hash_mix(uint x) {
    // MurmurHash3's 32-bit finaliser (public domain): every input bit reaches every output bit
    x ^= x >> 16u;
    x *= 0x85ebca6bu;
    x ^= x >> 13u;
    x *= 0xc2b2ae35u;
    x ^= x >> 16u;
    return x;
}

uint hash_cell(vec2 cell) {
    uvec2 c = uvec2(ivec2(cell));  // int to uint keeps the bits: negative cells are fine
    return hash_mix(c.x ^ hash_mix(c.y + 0x9e3779b9u));
}

// 24 bits of the hash as a float in [0, 1): the conversion is exact
float hash_to_unit(uint h) {
    return float(h >> 8u) * (1.0 / 16777216.0);
}

float hash21(vec2 cell) {
    return hash_to_unit(hash_cell(cell));
}

vec2 hash22(vec2 cell) {
    uint h = hash_cell(cell);
    return vec2(hash_to_unit(h), hash_to_unit(hash_mix(h ^ 0x68e31da4u)));
}
