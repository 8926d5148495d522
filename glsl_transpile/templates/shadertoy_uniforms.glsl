// Shadertoy's inputs as plain globals, set per sample by _kSetUniforms.
#define HW_PERFORMANCE 1
vec3 iResolution;
float iTime;
float iTimeDelta;
float iFrameRate;
int iFrame;
float iChannelTime[4];
vec3 iChannelResolution[4];
vec4 iMouse;
vec4 iDate;
float iSampleRate;
_KChannel iChannel0;
_KChannel iChannel1;
_KChannel iChannel2;
_KChannel iChannel3;

void _kSetUniforms(_KFrame u, vec2 resolution) {
    iResolution = vec3(resolution, 1.0);
    iTime = u.time;
    iTimeDelta = u.time_delta;
    iFrameRate = u.frame_rate;
    iFrame = u.frame;
    iChannelTime = float[4](u.channel_time.x, u.channel_time.y, u.channel_time.z, u.channel_time.w);
    iChannelResolution = vec3[4](vec3(0.0), vec3(0.0), vec3(0.0), vec3(0.0));
    iMouse = u.mouse;
    iDate = u.date;
    iSampleRate = u.sample_rate;
}
