#!/usr/bin/env bash
# The demo on the built-in programs, end to end on a CPU in a few minutes, as one cell of the
# study (python -m eval.study, configs/study_demo.yaml):
#   1. render held-out images of every built-in program (16 at random times for the probe's
#      training split, 16 at other random times for its test split) and a contact sheet,
#   2. the study: render 48 training images a program, train a ResNet-18 with SupCon on them
#      (program = class), evaluate it and the same network with random weights on the held-out
#      program images (which program is it?), Fashion-MNIST and MNIST (k-NN and linear probe
#      on frozen features); print the table and write study.json and the figures.
# Output under ${DEMO_DIR:-runs/demo}; started again, it skips what is done. Run .ci/setup.sh
# first.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
OUT="${DEMO_DIR:-runs/demo}"

echo "== 1/2 held-out images of the built-in programs -> $OUT/programs/{train,val}"
$PY -m render_vk.render --builtin --out "$OUT/programs/train" --resolution 32 --samples 16 \
    --time-sampling random --seed 2 --keep-constant --keep-static --contact-sheet --quiet
$PY -m render_vk.render --builtin --out "$OUT/programs/val" --resolution 32 --samples 16 \
    --time-sampling random --seed 1 --keep-constant --keep-static --quiet

echo "== 2/2 the study: SupCon on the programs against random init -> $OUT"
$PY -m eval.study --config configs/study_demo.yaml --out "$OUT" \
    --set "eval.datasets=[imagefolder:$OUT/programs, fashion_mnist, mnist]" "$@"
echo "pictures: $OUT/programs/train/contact_sheet.png, $OUT/*.png"
