#!/usr/bin/env bash
# Build step (pom.xml, process-test-resources): makes the TorchScript MiniLM that TorchScriptParityTest
# compares with ONNX Runtime, when this machine has Debian's python3-torch and python3-onnx; otherwise
# it says why and the test skips. Usage: tools/prepare_torchscript.sh MODEL_JAR OUT_DIR
set -euo pipefail
jar="$1"
out="$2"
weights="$out/all-minilm-l6-v2.pt"
if [[ -f "$weights" && "$weights" -nt "$jar" ]]; then
  echo "TorchScript MiniLM up to date: $out"
  exit 0
fi
if ! /usr/bin/python3 -c 'import torch, onnx' 2>/dev/null; then
  echo "TorchScript MiniLM not made: /usr/bin/python3 cannot import torch and onnx" \
       "(apt-get install python3-torch python3-onnx); TorchScriptParityTest will skip"
  exit 0
fi
exec /usr/bin/python3 "$(dirname "$0")/minilm_to_torchscript.py" --jar "$jar" --out "$out"
