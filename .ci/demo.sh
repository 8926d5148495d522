#!/usr/bin/env bash
# The demo on the built-in programs, end to end on a CPU in a few minutes:
#   1. render every built-in program: 48 training images each (32x32, continuous time sampling)
#      and 16 held-out images each at other, random times,
#   2. train a ResNet-18 with SupCon on them (program = class; configs/supcon_tiny_cpu.yaml),
#   3. evaluate it and a random-init ResNet-18: on the held-out program images (which program
#      is it?), and on Fashion-MNIST and MNIST (k-NN and linear probe on frozen features);
#      print the table and write the pictures.
# Output under ${DEMO_DIR:-runs/demo}. Run .ci/setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
OUT="${DEMO_DIR:-runs/demo}"
TRAIN_LIMIT="${DEMO_TRAIN_LIMIT:-10000}"
VAL_LIMIT="${DEMO_VAL_LIMIT:-2000}"

echo "== 1/3 render the built-in programs -> $OUT/programs/{train,val}"
$PY -m render_vk.render --builtin --out "$OUT/programs/train" --resolution 32 --samples 48 \
    --contact-sheet --quiet
$PY -m render_vk.render --builtin --out "$OUT/programs/val" --resolution 32 --samples 16 \
    --time-sampling random --seed 1 --quiet

echo "== 2/3 train SupCon (ResNet-18) on them -> $OUT/supcon"
RESUME=()
[ -f "$OUT/supcon/checkpoint.pt" ] && RESUME=(--resume)
$PY -m train.supcon --config configs/supcon_tiny_cpu.yaml \
    --set data.path="$OUT/programs/train" --set run.dir="$OUT/supcon" "${RESUME[@]}"

echo "== 3/3 evaluate on held-out program images, Fashion-MNIST and MNIST -> $OUT/eval"
RESULTS=()
for dataset in imagefolder fashion_mnist mnist; do
    ROOT=()
    [ "$dataset" = imagefolder ] && ROOT=(--data-root "$OUT/programs")
    for init in trained random; do
        if [ "$init" = trained ]; then
            WEIGHTS=(--checkpoint "$OUT/supcon/backbone_torchvision.pt")
        else
            WEIGHTS=(--random-init)
        fi
        for probe in knn linear; do
            dir="$OUT/eval/$dataset-$init-$probe"
            $PY -m eval.$probe --backbone resnet18 "${WEIGHTS[@]}" --dataset "$dataset" "${ROOT[@]}" \
                --resolution 32 --limit-train "$TRAIN_LIMIT" --limit-val "$VAL_LIMIT" \
                --out "$dir" >/dev/null
            RESULTS+=("$dir/$probe.json")
        done
    done
done
$PY -m eval.report "${RESULTS[@]}" --out "$OUT/report" --label "random-init resnet18 (seed 0)=random init"
echo "pictures: $OUT/programs/train/contact_sheet.png, $OUT/report/, $OUT/eval/*/retrieval.png"
