"""A BERT encoder small enough to read: loads the raw weights of a BERT checkpoint (safetensors and
config.json, as Hugging Face writes them) without the ``transformers`` package.

Only what a MiniLM/BERT-base encoder uses: absolute positions, one token type, GELU, post-layer norm.
Training only: the worker runs the ONNX export of it.
"""

import json
import math
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file
from torch import nn


class BertConfig:
    def __init__(self, data: dict[str, Any]) -> None:
        self.vocab_size = int(data["vocab_size"])
        self.hidden_size = int(data["hidden_size"])
        self.num_layers = int(data["num_hidden_layers"])
        self.num_heads = int(data["num_attention_heads"])
        self.intermediate_size = int(data["intermediate_size"])
        self.max_positions = int(data["max_position_embeddings"])
        self.type_vocab_size = int(data["type_vocab_size"])
        self.eps = float(data["layer_norm_eps"])
        self.dropout = float(data["hidden_dropout_prob"])
        if data.get("hidden_act", "gelu") != "gelu":
            raise ValueError(f"unsupported activation {data.get('hidden_act')!r}")
        if data.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError("only absolute position embeddings are supported")


class Embeddings(nn.Module):
    def __init__(self, c: BertConfig) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size)
        self.position_embeddings = nn.Embedding(c.max_positions, c.hidden_size)
        self.token_type_embeddings = nn.Embedding(c.type_vocab_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.eps)
        self.dropout = nn.Dropout(c.dropout)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0)
        # One segment only: token type 0 everywhere, so the export has two inputs, not three.
        x = (
            self.word_embeddings(input_ids)
            + self.position_embeddings(positions)
            + self.token_type_embeddings.weight[0]
        )
        return self.dropout(self.LayerNorm(x))


class SelfAttention(nn.Module):
    def __init__(self, c: BertConfig) -> None:
        super().__init__()
        self.num_heads = c.num_heads
        self.head_size = c.hidden_size // c.num_heads
        self.query = nn.Linear(c.hidden_size, c.hidden_size)
        self.key = nn.Linear(c.hidden_size, c.hidden_size)
        self.value = nn.Linear(c.hidden_size, c.hidden_size)
        self.dropout = nn.Dropout(c.dropout)

    def _heads(self, x: torch.Tensor) -> torch.Tensor:
        b, t, _ = x.shape
        return x.view(b, t, self.num_heads, self.head_size).transpose(1, 2)

    def forward(self, x: torch.Tensor, additive_mask: torch.Tensor) -> torch.Tensor:
        q, k, v = self._heads(self.query(x)), self._heads(self.key(x)), self._heads(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_size) + additive_mask
        probs = self.dropout(torch.softmax(scores, dim=-1))
        out = torch.matmul(probs, v).transpose(1, 2)
        return out.reshape(x.shape)


class AttentionOutput(nn.Module):
    def __init__(self, c: BertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.eps)


class Attention(nn.Module):
    def __init__(self, c: BertConfig) -> None:
        super().__init__()
        self.self = SelfAttention(c)
        self.output = AttentionOutput(c)


class Dense(nn.Module):
    def __init__(self, size_in: int, size_out: int) -> None:
        super().__init__()
        self.dense = nn.Linear(size_in, size_out)


class Output(nn.Module):
    def __init__(self, c: BertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(c.intermediate_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.eps)


class Layer(nn.Module):
    """One transformer layer; submodule names follow the checkpoint's parameter names."""

    def __init__(self, c: BertConfig) -> None:
        super().__init__()
        self.attention = Attention(c)
        self.intermediate = Dense(c.hidden_size, c.intermediate_size)
        self.output = Output(c)
        self.dropout = nn.Dropout(c.dropout)

    def forward(self, x: torch.Tensor, additive_mask: torch.Tensor) -> torch.Tensor:
        a = self.attention.self(x, additive_mask)
        x = self.attention.output.LayerNorm(x + self.dropout(self.attention.output.dense(a)))
        h = nn.functional.gelu(self.intermediate.dense(x))
        return self.output.LayerNorm(x + self.dropout(self.output.dense(h)))


class Encoder(nn.Module):
    def __init__(self, c: BertConfig) -> None:
        super().__init__()
        self.layer = nn.ModuleList(Layer(c) for _ in range(c.num_layers))


class BertEncoder(nn.Module):
    """Token states for (input_ids, attention_mask); parameter names match the checkpoint's."""

    def __init__(self, c: BertConfig) -> None:
        super().__init__()
        self.config = c
        self.embeddings = Embeddings(c)
        self.encoder = Encoder(c)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        # -1e4 rather than -inf: finite in fp32 and after int8 quantisation of the export.
        additive = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * -10000.0
        x = self.embeddings(input_ids)
        for layer in self.encoder.layer:
            x = layer(x, additive)
        return x

    @classmethod
    def from_pretrained(cls, directory: Path) -> "BertEncoder":
        config = BertConfig(json.loads((directory / "config.json").read_text()))
        model = cls(config)
        state = load_file(str(directory / "model.safetensors"))
        state = {k.removeprefix("bert."): v for k, v in state.items()}
        state = {
            k: v
            for k, v in state.items()
            if not k.startswith(("pooler.", "embeddings.position_ids"))
        }
        missing, unexpected = model.load_state_dict(state, strict=False)
        if missing or unexpected:
            raise ValueError(f"checkpoint mismatch: missing={missing} unexpected={unexpected}")
        return model


class Classifier(nn.Module):
    """Encoder, mean of the token states (how all-MiniLM-L6-v2 was trained), one linear logit."""

    def __init__(self, encoder: BertEncoder) -> None:
        super().__init__()
        self.bert = encoder
        self.dropout = nn.Dropout(encoder.config.dropout)
        self.head = nn.Linear(encoder.config.hidden_size, 1)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        pooled = mean_pool(self.bert(input_ids, attention_mask), attention_mask)
        return self.head(self.dropout(pooled)).squeeze(-1)


def mean_pool(states: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """The mean of the unmasked token states (how all-MiniLM-L6-v2 was trained)."""
    mask = attention_mask.unsqueeze(-1).to(states.dtype)
    return (states * mask).sum(1) / mask.sum(1).clamp(min=1.0)


class SentenceEmbedder(nn.Module):
    """Encoder, mean pooling, L2 norm: the sentence embedding that matching compares by cosine."""

    def __init__(self, encoder: BertEncoder) -> None:
        super().__init__()
        self.bert = encoder

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        pooled = mean_pool(self.bert(input_ids, attention_mask), attention_mask)
        return pooled / pooled.norm(dim=-1, keepdim=True).clamp(min=1e-12)
