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
/*@CHANNELS@*/

void _kSetUniforms(_KFrame _kU, vec2 _kRes) {
    iResolution = vec3(_kRes, 1.0);
    iTime = _kU._kTime;
    iTimeDelta = _kU._kTimeDelta;
    iFrameRate = _kU._kFrameRate;
    iFrame = _kU._kFrame;
    iChannelTime = float[4](_kU._kChannelTime.x, _kU._kChannelTime.y, _kU._kChannelTime.z,
                            _kU._kChannelTime.w);
    iChannelResolution = /*@CHANNEL_RESOLUTION@*/;
    iMouse = _kU._kMouse;
    iDate = _kU._kDate;
    iSampleRate = _kU._kSampleRate;
}
