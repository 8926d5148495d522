#!/usr/bin/env bash
# Run ON A LENT GPU MACHINE through the device tool, after `bash .ci/gpu-prepare.sh` here:
#   run(command="bash .ci/gpu-session.sh [STEP...]", carry=[".gl", ".whl"])
# Steps (default: all, in this order; each writes $OUT/<step>.log):
#   info       nvidia-smi, Vulkan devices and UUIDs against torch's CUDA UUIDs
#   gputests   pytest -m gpu: CUDA hand-off (timeline and fence), zero-copy, no D2H copy, leaks
#   packtests  the pack against the OpenGL reference, both on the GPU (NVIDIA GL vs Vulkan)
#   bench      render_vk.bench at 256 and 384, output cuda, with/without timestamps
#   live       train.bench_live: ResNet-50 MoCo v2, 384 px, MixUp-6, live vs from GPU memory
# About 1 + 3 + 2 + 4 + 4 minutes; split the steps over calls (10 minutes each at most).
# GPU_SESSION_LOCAL=1 runs the steps here with .venv (no install), e.g. to check "info".
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/gpu-session}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1 GLSL_TRANSPILE_CACHE=/tmp/spirv-cache
py=python3
if [ -n "${GPU_SESSION_LOCAL:-}" ]; then  # a dry run on the development machine
  py=.venv/bin/python
else
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/site .whl/*.whl || exit 1
  export PYTHONPATH=/tmp/site:$PWD
fi
nv=/usr/local/nvidia/share
if [ -f $nv/vulkan/icd.d/nvidia_icd.json ] && ! ls /usr/share/vulkan/icd.d/nvidia* /etc/vulkan/icd.d/nvidia* >/dev/null 2>&1; then
  export VK_DRIVER_FILES=$nv/vulkan/icd.d/nvidia_icd.json
  export __EGL_VENDOR_LIBRARY_FILENAMES=$nv/glvnd/egl_vendor.d/10_nvidia.json
fi
step_info() {
  nvidia-smi -L
  $py -m render_vk.render --list-devices
  $py - <<'PY'
import torch
from render_vk.device import list_devices
for i in range(torch.cuda.device_count()):
    u = torch.cuda.get_device_properties(i).uuid
    print("cuda", i, torch.cuda.get_device_name(i), bytes(getattr(u, "bytes", u)).hex())
for d in list_devices():
    print("vulkan", d.index, d.name, d.kind, d.uuid.hex(), "subgroup", d.subgroup_size)
PY
}
step_gputests() { $py -m pytest -q -p no:cacheprovider -m gpu -rA tests/render_vk/test_interop_cuda.py; }
step_packtests() {
  $py -m pytest -q -p no:cacheprovider tests/glsl_transpile/test_pack.py tests/render_vk/test_renderer.py tests/render_vk/test_handoff.py
}
step_bench() {
  for res in 256 384; do
    $py -m render_vk.bench --resolution $res --output cuda --per-program 8 --batch-size 64 \
      --batches 8 --json "$OUT/bench$res.json"
    $py -m render_vk.bench --resolution $res --output cuda --per-program 0 --batch-size 256 \
      --batches 8 --no-baseline --no-watchdog --json "$OUT/bench$res-nowatchdog.json"
  done
}
step_live() {
  common=(--config configs/moco_r50_large.yaml --set 'data.live.programs=[builtin]'
          --set data.live.fixed_dataset=false --set data.images_per_epoch=65536)
  # MixUp-6 into CUDA memory (the goal: live / memory <= 1.15); the same through host memory
  # (the paper's way: render, read back, copy to the GPU); no MixUp
  $py -m train.bench_live --method moco "${common[@]}" --steps 20 --warmup 5
  $py -m train.bench_live --method moco "${common[@]}" --set data.live.output=cpu --steps 10 --warmup 3
  $py -m train.bench_live --method moco "${common[@]}" --set data.live.mixup_k=1 --steps 20 --warmup 5
}
steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(info gputests packtests bench live)
status=0
for s in "${steps[@]}"; do
  echo "=== $s ($(date +%T))"
  "step_$s" 2>&1 | tee "$OUT/$s.log"
  rc=${PIPESTATUS[0]}
  echo "=== $s: exit $rc"
  [ "$rc" -eq 0 ] || status=1
done
exit $status
