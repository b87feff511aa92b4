import numpy as np, subprocess, sys
R=44100
def gain(f, tool):
    t=(0.5*np.sin(2*np.pi*f*np.arange(2*R)/R)).astype('<f4').tobytes()
    if tool=='sox': cmd=['sox','-t','f32','-r',str(R),'-c','1','-','-t','f32','-','rate','-v','16000']
    else: cmd=['ffmpeg','-v','error','-f','f32le','-ar',str(R),'-ac','1','-i','-','-af','aresample=16000:resampler=soxr:precision=28','-f','f32le','-']
    o=np.frombuffer(subprocess.run(cmd,input=t,capture_output=True).stdout,dtype='<f4')
    m=o[8000:24000].astype(float)
    return 10*np.log10(max((m*m).mean(),1e-30)/0.125)
for tool in ['sox','ffmpeg']:
    g7=[gain(f,tool) for f in np.arange(50,7001,50)]; g6=[g for f,g in zip(np.arange(50,7001,50),g7) if f<=6000]
    e=[(f,gain(f,tool)) for f in np.arange(5000,8001,20)]
    e01=max(f for f,g in e if g>=-0.1); e3=max(f for f,g in e if g>=-3)
    al=[(gain(f,tool),f) for f in np.arange(8500,R/2,100)]
    print(dict(tool=tool, ripple6=round(max(g6)-min(g6),4), ripple7=round(max(g7)-min(g7),4), edge01=e01, edge3=e3, g7760=round(gain(7760,tool),2), g8000=round(gain(8000,tool),1), g8200=round(gain(8200,tool),1), worst_alias=round(max(al)[0],1), at=max(al)[1]), flush=True)
