// gst3_petals: a six-petal flower whose outline breathes and twists; everything outside the petals is DISCARDed (geekest 300es; atan, hsv, PI2, smoothstep)
vec2 p=(FC.xy*2.-r)/r.y;float a=atan(p.y,p.x),l=length(p),k=.55+.3*cos(a*6.+t+sin(l*4.-t)*.8)*(.7+.3*cos(t*.7));if(l>k)discard;o=vec4(hsv(a/PI2+l*.6-t*.1,.55+.4*l/k,1.-.55*smoothstep(.2,1.,l/k)),1.);
