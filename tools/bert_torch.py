"""A small, TorchScript-friendly BERT encoder (Hugging Face BertModel layout and maths).

Shared by tools/minilm_to_torchscript.py (the real all-MiniLM-L6-v2 weights) and
tools/make_test_fixtures.py (tiny random models for the tests). Written for Debian's
python3-torch (1.13); the saved TorchScript loads in libtorch 2.7 (DJL 0.36).
"""
import math

import torch
from torch import nn
import torch.nn.functional as F




class Layer(nn.Module):
    def __init__(self, hidden: int, heads: int, ffn: int, eps: float):
        super().__init__()
        self.heads = heads
        self.head_dim = hidden // heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.attn_out = nn.Linear(hidden, hidden)
        self.attn_norm = nn.LayerNorm(hidden, eps=eps)
        self.intermediate = nn.Linear(hidden, ffn)
        self.output = nn.Linear(ffn, hidden)
        self.out_norm = nn.LayerNorm(hidden, eps=eps)

    def split(self, x: torch.Tensor) -> torch.Tensor:
        b, t = x.size(0), x.size(1)
        return x.view(b, t, self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        q = self.split(self.query(x))
        k = self.split(self.key(x))
        v = self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim) + mask
        ctx = torch.matmul(torch.softmax(scores, dim=-1), v)
        b, t = x.size(0), x.size(1)
        ctx = ctx.transpose(1, 2).contiguous().view(b, t, self.heads * self.head_dim)
        x = self.attn_norm(x + self.attn_out(ctx))
        h = self.output(F.gelu(self.intermediate(x)))  # exact (erf) GELU, as BERT
        return self.out_norm(x + h)


class Bert(nn.Module):
    """forward(input_ids, attention_mask, token_type_ids) -> last_hidden_state [B, T, H]."""

    def __init__(self, vocab: int, hidden: int, layers: int, heads: int, ffn: int,
                 max_positions: int, type_vocab: int = 2, eps: float = 1e-12):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, hidden)
        self.position_embeddings = nn.Embedding(max_positions, hidden)
        self.token_type_embeddings = nn.Embedding(type_vocab, hidden)
        self.emb_norm = nn.LayerNorm(hidden, eps=eps)
        self.layers = nn.ModuleList([Layer(hidden, heads, ffn, eps) for _ in range(layers)])

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                token_type_ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(input_ids.size(1), device=input_ids.device).unsqueeze(0)
        x = (self.word_embeddings(input_ids) + self.position_embeddings(positions)
             + self.token_type_embeddings(token_type_ids))
        x = self.emb_norm(x)
        mask = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -3.4028234663852886e38  # float32 min, as HF
        for layer in self.layers:
            x = layer(x, mask)
        return x


class BertClassifier(nn.Module):
    """BertForSequenceClassification's head: pooler (dense + tanh on [CLS]) then a linear layer -> logits."""

    def __init__(self, bert: Bert, labels: int):
        super().__init__()
        hidden = bert.word_embeddings.embedding_dim
        self.bert = bert
        self.pooler = nn.Linear(hidden, hidden)
        self.classifier = nn.Linear(hidden, labels)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                token_type_ids: torch.Tensor) -> torch.Tensor:
        h = self.bert(input_ids, attention_mask, token_type_ids)
        return self.classifier(torch.tanh(self.pooler(h[:, 0])))


class NoTypeIds(nn.Module):
    """Wraps a model so that it takes (input_ids, attention_mask) only, like DistilBERT-style exports."""

    def __init__(self, inner: nn.Module):
        super().__init__()
        self.inner = inner

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.inner(input_ids, attention_mask, torch.zeros_like(input_ids))


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask.unsqueeze(-1).to(hidden.dtype)
    v = (hidden * m).sum(1) / m.sum(1).clamp(min=1)
    return F.normalize(v, dim=-1)
