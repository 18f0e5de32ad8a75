"""A sentence encoder (all-MiniLM-L6-v2) run with numpy: BERT's forward pass, mean pooling,
unit length. The weights are read from a safetensors file and the words split by the model's
own tokenizer (``tokenizers``); nothing here needs torch, so the bot stays a small install.

The model is the one sentence-transformers trained on a billion question-and-answer and
paraphrase pairs: near vectors mean near meanings even when no word is shared ("who did
the music" and "the score was composed by ..."), which word matching cannot see.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

MAX_TOKENS = 256  # the length the model was trained to; longer text is cut
_HEADS = 12


class Encoder:
    def __init__(self, folder: Path) -> None:
        self._w = load_file(str(folder / "model.safetensors"))
        self._layers = sum(1 for k in self._w if k.endswith(".attention.self.query.weight"))
        self._tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tok.enable_truncation(MAX_TOKENS)
        self._tok.enable_padding(pad_id=0, pad_token="[PAD]")
        self.size = int(self._w["embeddings.word_embeddings.weight"].shape[1])

    def encode(self, texts: list[str]) -> np.ndarray:
        """One unit vector a text, as float32 rows."""
        encoded = self._tok.encode_batch(texts)
        ids = np.array([e.ids for e in encoded])
        mask = np.array([e.attention_mask for e in encoded], dtype=np.float32)
        w = self._w
        batch, length = ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:length]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = self._norm(x, "embeddings.LayerNorm")
        hidden = (1.0 - mask)[:, None, None, :] * -1e9  # padding is never attended to
        for n in range(self._layers):
            x = self._layer(x, f"encoder.layer.{n}.", hidden, batch, length)
        pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
        out: np.ndarray = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
        return out.astype(np.float32)

    def _layer(self, x: np.ndarray, p: str, hidden: np.ndarray, batch: int,
               length: int) -> np.ndarray:
        width = self.size // _HEADS

        def heads(name: str) -> np.ndarray:
            return self._dense(x, p + name).reshape(batch, length, _HEADS, width)

        q = heads("attention.self.query").transpose(0, 2, 1, 3)
        k = heads("attention.self.key").transpose(0, 2, 3, 1)
        v = heads("attention.self.value").transpose(0, 2, 1, 3)
        s = q @ k / math.sqrt(width) + hidden
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        a = (s @ v).transpose(0, 2, 1, 3).reshape(batch, length, self.size)
        x = self._norm(self._dense(a, p + "attention.output.dense") + x,
                       p + "attention.output.LayerNorm")
        h = self._dense(x, p + "intermediate.dense")
        h = 0.5 * h * (1.0 + _erf(h / math.sqrt(2.0)))  # GELU, as BERT has it
        return self._norm(self._dense(h, p + "output.dense") + x, p + "output.LayerNorm")

    def _norm(self, x: np.ndarray, p: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-12) * self._w[p + ".weight"] + self._w[p + ".bias"]

    def _dense(self, x: np.ndarray, p: str) -> np.ndarray:
        out: np.ndarray = x @ self._w[p + ".weight"].T + self._w[p + ".bias"]
        return out


def _erf(x: np.ndarray) -> np.ndarray:
    # numpy has no erf; Abramowitz and Stegun 7.1.26 is good to 1.5e-7, below float32's noise.
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t
            + 0.254829592) * t
    out: np.ndarray = sign * (1.0 - poly * np.exp(-x * x))
    return out
