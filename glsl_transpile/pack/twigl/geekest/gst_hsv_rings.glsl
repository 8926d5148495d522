// gst_hsv_rings: rotating rainbow rings wobbling with a six-fold angular ripple (geekest one-liner using FC, rotate2D, hsv, atan, smoothstep)
vec2 p=(FC.xy*2.-r)/r.y*rotate2D(t*.3);float d=length(p),a=atan(p.y,p.x);gl_FragColor=vec4(hsv(d*.7-t*.15+sin(a*6.+t)*.05,.75,smoothstep(0.,.35,abs(sin(d*11.-t*2.5+sin(a*5.-t)*.6)))*(1.-d*.25)),1.);
