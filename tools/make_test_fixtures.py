#!/usr/bin/python3
"""Generates the tiny model fixtures of the engine tests (src/test/resources/fixtures/).

Four model directories, each a few hundred KB, with random (seeded) weights:

  tiny-embed-pt/    text-embedding, TorchScript (PyTorch engine)
  tiny-embed-onnx/  text-embedding, ONNX (ONNX Runtime), the same weights
  tiny-cls-pt/      text-classification (3 labels), TorchScript, inputs: ids, mask, types
  tiny-cls-onnx/    text-classification, ONNX, the same weights, inputs: ids and mask only

Each holds its weights, a WordPiece tokenizer.json (a 100-odd word vocabulary written here),
model.properties, and reference.json: the texts, the token ids this script expects the
tokenizer to produce, and the outputs computed by torch (mean-pooled normalized embeddings,
or logits), which the Java tests compare against both engines.

Needs Debian's python3-torch and python3-onnx (apt-get install -y python3-torch python3-onnx);
run with the system Python from the repository root:  /usr/bin/python3 tools/make_test_fixtures.py
"""
import json
import os
import re
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bert_torch import Bert, BertClassifier, NoTypeIds, mean_pool  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "fixtures")
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = """the a an of to in on and is was it for with as at by from this that be are
cat dog mat rug sits sat sitting bird fish house car road city country world news
stock stocks market markets fell rose sharply today yesterday price prices bank banks rate rates
team won lost game match player players season goal goals coach final league
new phone software computer internet space research science study data model
good bad great terrible love hate happy sad service product delivery late refund
i you we they he she my your our their not no yes very more most
, . ! ? ' - ( )""".split()
PIECES = ["play", "##s", "##ed", "##ing", "##er", "un", "##happy"]
LABELS = ["negative", "neutral", "positive"]
TEXTS = [
    "The cat sits on the mat.",
    "Stock markets fell sharply today!",
    "The team won the final, and the players are very happy.",
    "I love the new phone",
    "Unhappy players played",                       # word pieces: un ##happy, play ##ed
    "Zebras xylophone the qwerty",                  # unknown words -> [UNK]
    "A very long text about the world news, stock markets, banks and rates, the team, "
    "the players and the season, the new software and the internet, research and data.",
]
MAX_TOKENS = 64


def vocab():
    tokens = SPECIAL + WORDS + PIECES
    assert len(tokens) == len(set(tokens)), "duplicate vocabulary entry"
    return {t: i for i, t in enumerate(tokens)}


def tokenizer_json(v):
    """A BERT-style tokenizer.json (same pipeline as all-MiniLM-L6-v2's), with our vocabulary."""
    added = [{"id": v[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for t in SPECIAL]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {
                "[CLS]": {"id": "[CLS]", "ids": [v["[CLS]"]], "tokens": ["[CLS]"]},
                "[SEP]": {"id": "[SEP]", "ids": [v["[SEP]"]], "tokens": ["[SEP]"]},
            },
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": v},
    }


def encode(text, v):
    """What the tokenizer above does on these texts: lowercase, split words and punctuation, WordPiece."""
    ids = [v["[CLS]"]]
    for word in re.findall(r"\w+|[^\w\s]", text.lower()):
        start, pieces = 0, []
        while start < len(word):
            end, piece = len(word), None
            while end > start:
                cand = word[start:end] if start == 0 else "##" + word[start:end]
                if cand in v:
                    piece = cand
                    break
                end -= 1
            if piece is None:
                pieces = ["[UNK]"]
                break
            pieces.append(piece)
            start = end
        ids.extend(v[p] for p in pieces)
    ids.append(v["[SEP]"])
    return ids[:MAX_TOKENS]


def batch(ids_list):
    t = max(len(x) for x in ids_list)
    ids = torch.zeros(len(ids_list), t, dtype=torch.long)
    mask = torch.zeros(len(ids_list), t, dtype=torch.long)
    for i, x in enumerate(ids_list):
        ids[i, :len(x)] = torch.tensor(x)
        mask[i, :len(x)] = 1
    return ids, mask, torch.zeros_like(ids)


def write_dir(name, model, example, fmt, props, reference, v, input_names, output_name):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        os.remove(os.path.join(d, f))
    if fmt == "pt":
        torch.jit.script(model).save(os.path.join(d, "model.pt"))
    else:
        axes = {n: {0: "batch", 1: "sequence"} for n in input_names}
        axes[output_name] = {0: "batch", 1: "sequence"} if output_name == "last_hidden_state" else {0: "batch"}
        torch.onnx.export(model, example, os.path.join(d, "model.onnx"), input_names=input_names,
                          output_names=[output_name], dynamic_axes=axes, opset_version=14)
    with open(os.path.join(d, "tokenizer.json"), "w") as f:
        json.dump(tokenizer_json(v), f, indent=1)
    with open(os.path.join(d, "model.properties"), "w") as f:
        f.write("# generated by tools/make_test_fixtures.py\n" + "".join(f"{k}={val}\n" for k, val in props.items()))
    with open(os.path.join(d, "reference.json"), "w") as f:
        json.dump(reference, f, indent=1)
    size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
    print(f"{name}: {size / 1024:.0f} KB")


def main():
    torch.manual_seed(20261129)
    v = vocab()
    ids_list = [encode(t, v) for t in TEXTS]
    ids, mask, types = batch(ids_list)
    common = dict(vocab=len(v), hidden=32, layers=2, heads=4, ffn=64, max_positions=MAX_TOKENS)

    bert = Bert(**common).eval()
    with torch.no_grad():
        emb = mean_pool(bert(ids, mask, types), mask)
    ref = {"texts": TEXTS, "ids": ids_list, "embeddings": emb.tolist()}
    props = {"kind": "text-embedding", "max_tokens": MAX_TOKENS}
    names = ["input_ids", "attention_mask", "token_type_ids"]
    write_dir("tiny-embed-pt", bert, None, "pt", props, ref, v, names, "last_hidden_state")
    write_dir("tiny-embed-onnx", bert, (ids, mask, types), "onnx", props, ref, v, names, "last_hidden_state")

    cls = BertClassifier(Bert(**common), len(LABELS)).eval()
    with torch.no_grad():
        logits = cls(ids, mask, types)
    ref = {"texts": TEXTS, "ids": ids_list, "labels": LABELS, "logits": logits.tolist(),
           "softmax": torch.softmax(logits, -1).tolist(), "sigmoid": torch.sigmoid(logits).tolist()}
    props = {"kind": "text-classification", "max_tokens": MAX_TOKENS, "labels": ",".join(LABELS)}
    write_dir("tiny-cls-pt", cls, None, "pt", props, ref, v, names, "logits")
    props = dict(props, inputs="input_ids,attention_mask")
    write_dir("tiny-cls-onnx", NoTypeIds(cls).eval(), (ids, mask), "onnx", props, ref, v, names[:2], "logits")


if __name__ == "__main__":
    main()
