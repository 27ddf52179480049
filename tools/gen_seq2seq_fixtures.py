#!/usr/bin/env python3
"""Generates the tiny seq2seq test fixture in src/test/resources/seq2seq/tiny/.

A Marian-style encoder-decoder (post-LN transformer, learned positions) with
random weights and a small SentencePiece-style (Unigram + Metaspace) tokenizer.json, exported as
 - ONNX in the Hugging Face Optimum layout: encoder_model.onnx, decoder_model.onnx,
   decoder_with_past_model.onnx (same input/output names as Optimum's seq2seq exports);
 - TorchScript: encoder.pt, decoder.pt, decoder_with_past.pt with the same inputs and outputs in
   the same order (positional).
reference.json holds input ids and the token ids of this script's own greedy and beam decodes.
The reference decode recomputes the whole decoder prefix at every step (no KV cache), so the Java
loop, which uses the cache, is checked against an independent computation. Scores are computed in
float64 from float32 logits. Seeds are searched until every decision of the reference decodes has
a margin > 2e-4 (100x the float noise seen between engines), so engine-level float noise (~1e-6) cannot flip a token.

Run: /usr/bin/python3 tools/gen_seq2seq_fixtures.py   (Debian: python3-torch, python3-onnx)
"""
import json
import math
import os
import sys

import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "seq2seq", "tiny")

SPECIAL = ["<pad>", "</s>", "<unk>", ">>es<<", ">>de<<"]
WORDS = ["the", "a", "cat", "dog", "sat", "on", "mat", "ran", "quick", "brown", "fox", "jumps", "over", "lazy",
         "today", "and", "is", "in", "house", "red", "big", "small", "tree", "river", "city", "news", "market",
         "rose", "fell", "team", "won", "lost", "game", "summarize:", "hello", "world", "of", "to", "with", "for"]
CHARS = list("abcdefghijklmnopqrstuvwxyz")
PAD, EOS, UNK = 0, 1, 2
D, HEADS, ENC_LAYERS, DEC_LAYERS, FFN, MAX_POS = 16, 2, 2, 2, 32, 64

VOCAB = SPECIAL + ["\u2581" + w for w in WORDS] + ["\u2581"] + CHARS
V = len(VOCAB)
ID = {p: i for i, p in enumerate(VOCAB)}


def tokenize(text):
    """What the Unigram tokenizer does for texts made of known words (optionally a leading >>xx<< token)."""
    ids = []
    for w in text.split():
        ids.append(ID[w] if w in SPECIAL else ID["\u2581" + w])
    return ids + [EOS]


def detokenize(ids):
    pieces = [VOCAB[i] for i in ids if i >= len(SPECIAL) or False]
    s = "".join(pieces).replace("\u2581", " ")
    return s[1:] if s.startswith(" ") else s


def tokenizer_json():
    vocab = [[p, 0.0] for p in SPECIAL] + [["\u2581" + w, -2.0] for w in WORDS] + [["\u2581", -5.0]] \
        + [[c, -10.0] for c in CHARS]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": i, "content": p, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for i, p in enumerate(SPECIAL)],
        "normalizer": None,
        "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 0}},
                     {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "special_tokens": {"</s>": {"id": "</s>", "ids": [EOS], "tokens": ["</s>"]}},
        },
        "decoder": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True},
        "model": {"type": "Unigram", "unk_id": UNK, "vocab": vocab, "byte_fallback": False},
    }


NEG = -1e9


def attention(q, k, v, mask_add):
    # q [B,H,T,Dh], k/v [B,H,S,Dh], mask_add broadcastable to [B,H,T,S]
    scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(D // HEADS) + mask_add
    return torch.matmul(torch.softmax(scores, dim=-1), v)


def heads(x):  # [B,T,D] -> [B,H,T,Dh]
    b, t, _ = x.shape
    return x.view(b, t, HEADS, D // HEADS).transpose(1, 2)


def merge(x):  # [B,H,T,Dh] -> [B,T,D]
    b, h, t, dh = x.shape
    return x.transpose(1, 2).reshape(b, t, h * dh)


def positions(ids, offset):
    return torch.cumsum(torch.ones_like(ids), 1) - 1 + offset


class Layer(nn.Module):
    def __init__(self, cross):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(D, D) for _ in range(4))
        self.ln1 = nn.LayerNorm(D)
        if cross:
            self.cq, self.ck, self.cv, self.co = (nn.Linear(D, D) for _ in range(4))
            self.ln2 = nn.LayerNorm(D)
        self.f1, self.f2 = nn.Linear(D, FFN), nn.Linear(FFN, D)
        self.ln3 = nn.LayerNorm(D)

    def ffn(self, x):
        return self.ln3(x + self.f2(torch.relu(self.f1(x))))


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(V, D)
        self.enc_pos = nn.Embedding(MAX_POS, D)
        self.dec_pos = nn.Embedding(MAX_POS, D)
        self.enc = nn.ModuleList([Layer(False) for _ in range(ENC_LAYERS)])
        self.dec = nn.ModuleList([Layer(True) for _ in range(DEC_LAYERS)])
        self.lm_head = nn.Linear(D, V, bias=False)
        self.bias = nn.Parameter(torch.zeros(V))

    def encode(self, input_ids, attention_mask):
        x = self.embed(input_ids) * math.sqrt(D) + self.enc_pos(positions(input_ids, 0))
        mask_add = ((1.0 - attention_mask.to(torch.float32)) * NEG)[:, None, None, :]
        for l in self.enc:
            a = merge(attention(heads(l.q(x)), heads(l.k(x)), heads(l.v(x)), mask_add))
            x = l.ffn(l.ln1(x + l.o(a)))
        return x

    def decode(self, input_ids, encoder_attention_mask, past, encoder_hidden_states=None):
        """past: per layer (dec_k, dec_v, enc_k, enc_v) or None. Returns logits [B,T,V] and presents."""
        past_len = 0 if past is None else past[0][0].shape[2]
        x = self.embed(input_ids) * math.sqrt(D) + self.dec_pos(positions(input_ids, past_len))
        cross_add = ((1.0 - encoder_attention_mask.to(torch.float32)) * NEG)[:, None, None, :]
        pos = positions(input_ids, 0)
        causal = (pos.unsqueeze(2) < pos.unsqueeze(1)).to(torch.float32) * NEG  # [B,T,T]
        if past is not None:  # new tokens see every cached position
            zeros = torch.zeros_like(past[0][0][:, 0, :, 0]).unsqueeze(1).expand(-1, input_ids.shape[1], -1)
            causal = torch.cat([zeros, causal], dim=2)
        causal = causal[:, None, :, :]
        presents = []
        for i, l in enumerate(self.dec):
            k, v = heads(l.k(x)), heads(l.v(x))
            if past is not None:
                k = torch.cat([past[i][0], k], dim=2)
                v = torch.cat([past[i][1], v], dim=2)
                ek, ev = past[i][2], past[i][3]
            else:
                ek, ev = heads(l.ck(encoder_hidden_states)), heads(l.cv(encoder_hidden_states))
            a = merge(attention(heads(l.q(x)), k, v, causal))
            x = l.ln1(x + l.o(a))
            c = merge(attention(heads(l.cq(x)), ek, ev, cross_add))
            x = l.ln2(x + l.co(c))
            x = l.ffn(x)
            presents.append((k, v, ek, ev))
        logits = self.lm_head(x) + self.bias
        return logits, presents


class EncoderExport(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask):
        return self.m.encode(input_ids, attention_mask)


class DecoderExport(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, encoder_attention_mask, encoder_hidden_states):
        logits, presents = self.m.decode(input_ids, encoder_attention_mask, None, encoder_hidden_states)
        return (logits,) + tuple(t for p in presents for t in p)


class DecoderWithPastExport(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, encoder_attention_mask, *flat):
        past = [tuple(flat[4 * i: 4 * i + 4]) for i in range(DEC_LAYERS)]
        logits, presents = self.m.decode(input_ids, encoder_attention_mask, past)
        return (logits,) + tuple(t for p in presents for t in p[:2])


# ---- reference decoding (no KV cache) ----

class Margins:
    def __init__(self):
        self.min = float("inf")
        self.where = None

    def gap(self, a, b, where=""):
        if math.isfinite(a) and math.isfinite(b) and abs(a) < 1e8 and abs(b) < 1e8 and abs(a - b) < self.min:
            self.min = abs(a - b)
            self.where = where


def processed_logprobs(logits_row, seq, no_repeat):
    lp = torch.log_softmax(logits_row.double(), dim=-1)
    lp[PAD] = -math.inf  # bad_words_ids [[pad]] as Marian models declare
    if no_repeat > 0 and len(seq) + 1 >= no_repeat:
        prefix = tuple(seq[len(seq) - no_repeat + 1:]) if no_repeat > 1 else ()
        for i in range(len(seq) - no_repeat + 1):
            if tuple(seq[i:i + no_repeat - 1]) == prefix:
                lp[seq[i + no_repeat - 1]] = -math.inf
    return lp


def full_step(model, enc, mask, seqs):
    ids = torch.tensor(seqs, dtype=torch.long)
    logits, _ = model.decode(ids, mask, None, enc)
    return logits[:, -1, :]


def greedy(model, input_ids_list, max_new, no_repeat, margins):
    enc, mask = encode_batch(model, input_ids_list)
    b = len(input_ids_list)
    seqs = [[PAD] for _ in range(b)]  # decoder_start_token_id = pad
    done = [False] * b
    for _ in range(max_new):
        logits = full_step(model, enc, mask, seqs)
        for r in range(b):
            if done[r]:
                seqs[r].append(PAD)
                continue
            lp = processed_logprobs(logits[r], seqs[r], no_repeat)
            top = torch.topk(lp, 2)
            margins.gap(top.values[0].item(), top.values[1].item(), "greedy")
            tok = int(top.indices[0])
            seqs[r].append(tok)
            done[r] = tok == EOS
        if all(done):
            break
    out = []
    for s in seqs:
        s = s[1:]
        if EOS in s:
            s = s[:s.index(EOS) + 1]
        out.append(s)
    return out


def beam(model, input_ids_list, k, max_new, length_penalty, no_repeat, margins):
    enc, mask = encode_batch(model, input_ids_list)
    b = len(input_ids_list)
    enc = enc.repeat_interleave(k, dim=0)
    mask = mask.repeat_interleave(k, dim=0)
    seqs = [[PAD] for _ in range(b * k)]
    scores = [[0.0] + [-1e9] * (k - 1) for _ in range(b)]
    hyps = [[] for _ in range(b)]  # (score, tokens)
    done = [False] * b

    def add(bi, tokens, sum_lp, gen_len):
        score = sum_lp / (gen_len ** length_penalty)
        h = hyps[bi]
        if len(h) < k or score > min(x[0] for x in h):
            if len(h) == k:
                margins.gap(min(x[0] for x in h), score, "hyp-worst")
            h.append((score, tokens))
            if len(h) > k:
                h.remove(min(h, key=lambda x: x[0]))

    for step in range(max_new):
        logits = full_step(model, enc, mask, seqs)
        new_seqs, new_scores = [], []
        for bi in range(b):
            if done[bi]:
                new_seqs += [seqs[bi * k] + [PAD] for _ in range(k)]
                new_scores.append([0.0] * k)
                continue
            cand = []
            for j in range(k):
                lp = processed_logprobs(logits[bi * k + j], seqs[bi * k + j], no_repeat)
                cand.append(lp + scores[bi][j])
            flat = torch.cat(cand)
            order = sorted(range(flat.numel()), key=lambda i: (-flat[i].item(), i))[:2 * k + 1]
            vals = [flat[i].item() for i in order]
            margins.gap(vals[k - 1], vals[k], "eos-rank")  # whether an EOS candidate ranks among the first k
            picked = []
            for rank, idx in enumerate(order[:2 * k]):
                j, tok = divmod(idx, V)
                s = vals[rank]
                if tok == EOS:
                    if rank >= k:
                        continue
                    add(bi, seqs[bi * k + j][1:] + [EOS], s, step + 1)
                else:
                    picked.append((s, j, tok))
                if len(picked) == k:
                    nxt = [vals[r] for r in range(rank + 1, 2 * k + 1) if order[r] % V != EOS]
                    if nxt:
                        margins.gap(s, nxt[0], "beam-cut")  # which candidates make the beam
                    break
            new_seqs += [seqs[bi * k + j] + [tok] for (_, j, tok) in picked]
            new_scores.append([s for (s, _, _) in picked])
            if len(hyps[bi]) >= k:
                best_possible = vals[0] / ((step + 1) ** length_penalty)
                if min(x[0] for x in hyps[bi]) != best_possible:  # equal only when both are the same EOS score
                    margins.gap(min(x[0] for x in hyps[bi]), best_possible, "done")
                done[bi] = min(x[0] for x in hyps[bi]) >= best_possible
        seqs, scores = new_seqs, new_scores
        if all(done):
            break
    out = []
    for bi in range(b):
        if not done[bi]:
            for j in range(k):
                add(bi, seqs[bi * k + j][1:], scores[bi][j], len(seqs[bi * k + j]) - 1)
        best = max(hyps[bi], key=lambda x: x[0])
        others = [x[0] for x in hyps[bi] if x is not best]
        if others:
            margins.gap(max(others), best[0], "best")
        out.append(best[1])
    return out


def encode_batch(model, input_ids_list):
    n = max(len(x) for x in input_ids_list)
    ids = torch.tensor([x + [PAD] * (n - len(x)) for x in input_ids_list], dtype=torch.long)
    mask = torch.tensor([[1] * len(x) + [0] * (n - len(x)) for x in input_ids_list], dtype=torch.long)
    return model.encode(ids, mask), mask


TEXTS = ["the cat sat on the mat", ">>es<< a dog ran", "the quick brown fox jumps over the lazy dog today",
         "summarize: the team won the game and the market rose"]
CASES = [
    {"name": "greedy", "numBeams": 1, "maxNewTokens": 12, "lengthPenalty": 1.0, "noRepeatNgramSize": 0},
    {"name": "greedy-no-repeat-2", "numBeams": 1, "maxNewTokens": 12, "lengthPenalty": 1.0, "noRepeatNgramSize": 2},
    {"name": "beam-3", "numBeams": 3, "maxNewTokens": 10, "lengthPenalty": 1.0, "noRepeatNgramSize": 0},
    {"name": "beam-4-lp2-no-repeat-3", "numBeams": 4, "maxNewTokens": 10, "lengthPenalty": 2.0,
     "noRepeatNgramSize": 3},
]


def build(seed, eos_bias):
    torch.manual_seed(seed)
    m = Tiny()
    with torch.no_grad():
        for p in m.parameters():
            p.normal_(0, 0.5)
        m.lm_head.weight.normal_(0, 1.0)
        m.dec_pos.weight.normal_(0, 1.0)
        for name, p in m.named_parameters():
            if name.endswith("ln1.weight") or name.endswith("ln2.weight") or name.endswith("ln3.weight"):
                p.fill_(1.0)
        m.bias[EOS] += eos_bias
    m.eval()
    return m


def decode_all(m, margins):
    inputs = [tokenize(t) for t in TEXTS]
    results = []
    for case in CASES:
        single = []
        for ids in inputs:
            if case["numBeams"] == 1:
                single += greedy(m, [ids], case["maxNewTokens"], case["noRepeatNgramSize"], margins)
            else:
                single += beam(m, [ids], case["numBeams"], case["maxNewTokens"], case["lengthPenalty"],
                               case["noRepeatNgramSize"], margins)
        if case["numBeams"] == 1:
            batched = greedy(m, inputs, case["maxNewTokens"], case["noRepeatNgramSize"], Margins())
        else:
            batched = beam(m, inputs, case["numBeams"], case["maxNewTokens"], case["lengthPenalty"],
                           case["noRepeatNgramSize"], Margins())
        assert batched == single, (case["name"], batched, single)
        results.append(dict(case, outputs=single, texts=[detokenize(o) for o in single]))
    return inputs, results


def main():
    chosen = None
    with torch.no_grad():
        for seed in range(1, 400):
            m = build(seed, 2.0 + (seed % 3) * 0.5)
            margins = Margins()
            inputs, results = decode_all(m, margins)
            eos_ends = sum(1 for r in results for o in r["outputs"] if o and o[-1] == EOS)
            long_ones = sum(1 for r in results for o in r["outputs"] if not o or o[-1] != EOS)
            print(f"seed {seed}: min margin {margins.min:.2e} ({margins.where}), ended by EOS {eos_ends}, cut by length {long_ones}, "
                  f"distinct {len({t for r in results for o in r['outputs'] for t in o})}, "
                  f"shortest {min(len(o) for r in results for o in r['outputs'])}",
                  file=sys.stderr)
            distinct = len({t for r in results for o in r["outputs"] for t in o})
            shortest = min(len(o) for r in results for o in r["outputs"])
            if margins.min > 2e-4 and eos_ends >= 3 and long_ones >= 3 and distinct >= 6 and shortest >= 3:
                chosen = (seed, m, inputs, results, margins.min)
                break
    if chosen is None:
        sys.exit("no seed gave clear margins")
    seed, m, inputs, results, margin = chosen
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(), f, ensure_ascii=False, indent=1)
    with open(os.path.join(OUT, "config.json"), "w") as f:
        json.dump({"model_type": "lexstream-tiny-marian", "vocab_size": V, "d_model": D,
                   "encoder_layers": ENC_LAYERS, "decoder_layers": DEC_LAYERS,
                   "decoder_attention_heads": HEADS, "max_position_embeddings": MAX_POS,
                   "pad_token_id": PAD, "eos_token_id": EOS, "decoder_start_token_id": PAD,
                   "bad_words_ids": [[PAD]], "is_encoder_decoder": True}, f, indent=1)
    with open(os.path.join(OUT, "generation_config.json"), "w") as f:
        json.dump({"max_new_tokens": 12, "num_beams": 1}, f, indent=1)
    with open(os.path.join(OUT, "model.properties"), "w") as f:
        f.write("# tiny random-weight seq2seq test fixture; see tools/gen_seq2seq_fixtures.py\n"
                "kind=seq2seq\nmax_input_tokens=64\n")
    with torch.no_grad():
        export(m)
    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump({"seed": seed, "minMargin": margin, "texts": TEXTS, "inputIds": inputs, "cases": results}, f,
                  indent=1)
    print(f"seed {seed}, min margin {margin:.3e}; wrote {OUT}", file=sys.stderr)


def export(m):
    enc_ids = torch.tensor([[5, 6, 7, EOS], [8, 9, EOS, PAD]], dtype=torch.long)
    enc_mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]], dtype=torch.long)
    hidden = m.encode(enc_ids, enc_mask)
    dec_ids = torch.tensor([[PAD], [PAD]], dtype=torch.long)
    _, presents = m.decode(dec_ids, enc_mask, None, hidden)
    flat_past = tuple(t for p in presents for t in p)
    step_ids = torch.tensor([[7], [9]], dtype=torch.long)

    enc_e, dec_e, past_e = EncoderExport(m), DecoderExport(m), DecoderWithPastExport(m)
    past_names = [f"past_key_values.{i}.{part}.{kv}" for i in range(DEC_LAYERS)
                  for part in ("decoder", "encoder") for kv in ("key", "value")]
    present_all = [f"present.{i}.{part}.{kv}" for i in range(DEC_LAYERS)
                   for part in ("decoder", "encoder") for kv in ("key", "value")]
    present_dec = [f"present.{i}.decoder.{kv}" for i in range(DEC_LAYERS) for kv in ("key", "value")]
    bs = {0: "batch_size"}
    torch.onnx.export(enc_e, (enc_ids, enc_mask), os.path.join(OUT, "encoder_model.onnx"),
                      input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
                      dynamic_axes={"input_ids": {0: "batch_size", 1: "encoder_sequence_length"},
                                    "attention_mask": {0: "batch_size", 1: "encoder_sequence_length"},
                                    "last_hidden_state": {0: "batch_size", 1: "encoder_sequence_length"}},
                      opset_version=14)
    dyn = {"input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
           "encoder_attention_mask": {0: "batch_size", 1: "encoder_sequence_length"},
           "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
           "logits": {0: "batch_size", 1: "decoder_sequence_length"}}
    for n in present_all:
        dyn[n] = {0: "batch_size", 2: "past_decoder_sequence_length" if ".decoder." in n else "encoder_sequence_length"}
    torch.onnx.export(dec_e, (dec_ids, enc_mask, hidden), os.path.join(OUT, "decoder_model.onnx"),
                      input_names=["input_ids", "encoder_attention_mask", "encoder_hidden_states"],
                      output_names=["logits"] + present_all, dynamic_axes=dyn, opset_version=14)
    dyn = {"input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
           "encoder_attention_mask": {0: "batch_size", 1: "encoder_sequence_length"},
           "logits": {0: "batch_size", 1: "decoder_sequence_length"}}
    for n in past_names:
        dyn[n] = {0: "batch_size", 2: "past_decoder_sequence_length" if ".decoder." in n else "encoder_sequence_length"}
    for n in present_dec:
        dyn[n] = {0: "batch_size", 2: "past_decoder_sequence_length + 1"}
    torch.onnx.export(past_e, (step_ids, enc_mask) + flat_past, os.path.join(OUT, "decoder_with_past_model.onnx"),
                      input_names=["input_ids", "encoder_attention_mask"] + past_names,
                      output_names=["logits"] + present_dec, dynamic_axes=dyn, opset_version=14)

    enc_t = torch.jit.trace(enc_e, (enc_ids, enc_mask))
    dec_t = torch.jit.trace(dec_e, (dec_ids, enc_mask, hidden))
    past_t = torch.jit.trace(past_e, (step_ids, enc_mask) + flat_past)
    # traced shapes must stay dynamic: check on other batch and lengths than the trace used
    ids3 = torch.tensor([[5, 6, EOS, PAD, PAD], [8, 9, 10, 11, EOS], [12, EOS, PAD, PAD, PAD]], dtype=torch.long)
    mask3 = (ids3 != PAD).long()
    mask3[1, 4] = 1
    h3 = m.encode(ids3, mask3)
    assert torch.allclose(enc_t(ids3, mask3), h3, atol=1e-5)
    d_ids = torch.tensor([[PAD, 7, 8], [PAD, 9, 9], [PAD, 5, 6]], dtype=torch.long)
    ref_logits, ref_pres = m.decode(d_ids, mask3, None, h3)
    out = dec_t(d_ids[:, :2], mask3, h3)
    past = out[1:]
    out2 = past_t(d_ids[:, 2:], mask3, *past)
    assert torch.allclose(out2[0][:, -1], ref_logits[:, -1], atol=1e-4), "traced decoder_with_past is not dynamic"
    assert torch.allclose(out[0], ref_logits[:, :2], atol=1e-4), "traced decoder is not dynamic"
    enc_t.save(os.path.join(OUT, "encoder.pt"))
    dec_t.save(os.path.join(OUT, "decoder.pt"))
    past_t.save(os.path.join(OUT, "decoder_with_past.pt"))


if __name__ == "__main__":
    main()
