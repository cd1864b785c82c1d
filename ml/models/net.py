"""`MoodmixNet`: input normalisation, one shared backbone, and the multi-task heads on top."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["Backbone", "MoodmixNet", "MultiTaskHeads"]


class Backbone(nn.Module):
    """Base class of registered backbones: (B, n_mels, frames) normalised log-mel -> (B, out_features).

    Subclasses set `out_features`. One backbone feeds every head, so mood, genre, speech, valence/arousal
    and the embedding share what it learns (multi-task learning with hard parameter sharing).
    """

    out_features: int


class MultiTaskHeads(nn.Module):
    """Linear heads over the backbone's features.

    The embedding is a linear projection followed by L2 normalisation, so distances live on the unit
    sphere where a triplet margin is meaningful (Schroff, Kalenichenko & Philbin 2015, "FaceNet: A
    unified embedding for face recognition and clustering", CVPR). Dropout regularises the classifier
    heads only; the embedding sees the features unperturbed.
    """

    def __init__(
        self,
        in_features: int,
        *,
        n_moods: int,
        n_genres: int,
        embedding_dim: int,
        dropout: float,
        mode_head: bool = False,
        valence_from_mode: bool = False,
    ) -> None:
        super().__init__()
        # An auxiliary major/minor logit, trained on rendered clips only (their composed scale): a direct
        # signal for the pitch features valence needs (moodmix-v2.4's candidates; not a product output).
        self.mode = nn.Linear(in_features, 1) if mode_head else None
        if valence_from_mode and not mode_head:
            raise ValueError("valence_from_mode needs the mode head")
        # valence_from_mode adds the mode logit, times one learned gain (0 at the start, so a warm start
        # answers as before), to valence's pre-activation: major sounds brighter than minor. Tried in
        # moodmix-v2.5's candidates and kept in its recipe, though the gain stayed near 0 (0.021): the
        # valence row, reading the same key features, learnt what the gain would have carried.
        self.valence_from_mode = nn.Parameter(torch.zeros(1)) if valence_from_mode else None
        self.dropout = nn.Dropout(dropout)
        self.mood = nn.Linear(in_features, n_moods)
        self.genre = nn.Linear(in_features, n_genres)
        self.speech = nn.Linear(in_features, 1)
        self.va = nn.Linear(in_features, 2)
        self.embedding = nn.Linear(in_features, embedding_dim)

    def forward(self, features: torch.Tensor) -> dict[str, torch.Tensor]:
        dropped = self.dropout(features)
        va = self.va(dropped)
        outputs = {
            "mood": self.mood(dropped),
            "genre": self.genre(dropped),
            "speech": self.speech(dropped).squeeze(-1),
            "embedding": F.normalize(self.embedding(features), dim=-1),
        }
        if self.mode is not None:
            outputs["mode"] = self.mode(dropped).squeeze(-1)
        if self.valence_from_mode is not None:
            va = va + F.pad(self.valence_from_mode * outputs["mode"][:, None], (0, 1))  # arousal: + 0
        outputs["va"] = torch.tanh(va)
        return outputs


class MoodmixNet(nn.Module):
    """The tagger and embedding network: log-mel (B, n_mels, frames) -> dict of head outputs.

    Outputs: "mood" (B, n_moods) logits, "genre" (B, n_genres) logits, "speech" (B,) logit of speech
    (vs music), "va" (B, 2) valence/arousal in [-1, 1], "embedding" (B, D) unit-norm vectors.
    Input normalisation is a BatchNorm over mel bins (per-bin mean and variance estimated on the training
    data), so callers feed raw `ml.audio.LogMel` output. It has no affine parameters: the first
    convolutions absorb any scale and shift, and with nothing trainable below them autograd skips
    their input gradients, which made CPU training of "tf_cnn" 3x faster (23 -> 68 windows/s on one
    thread; one-channel 2-D convolutions have slow input-gradient kernels). Build it with
    `ml.models.build_model`.
    """

    def __init__(
        self,
        backbone: Backbone,
        *,
        n_mels: int,
        n_moods: int,
        n_genres: int,
        embedding_dim: int = 128,
        head_dropout: float = 0.3,
        track_whitening: bool = False,
        mode_head: bool = False,
        valence_from_mode: bool = False,
    ) -> None:
        super().__init__()
        self.n_mels = n_mels
        self.track_whitening = track_whitening
        if track_whitening:
            # Track-level post-processing fitted after training (`ml.training.whitening`) and saved with the
            # weights: pooled embedding -> minus `track_centre` -> times `track_whiten` -> L2 norm.
            # Identity until fitted. Without it every real track shares one dominant direction and sits
            # at cosine > 0.99 to every other (moodmix-v1 on real music).
            self.register_buffer("track_centre", torch.zeros(embedding_dim))
            self.register_buffer("track_whiten", torch.eye(embedding_dim))
        self.input_norm = nn.BatchNorm1d(n_mels, affine=False)
        self.backbone = backbone
        self.heads = MultiTaskHeads(
            backbone.out_features,
            n_moods=n_moods,
            n_genres=n_genres,
            embedding_dim=embedding_dim,
            dropout=head_dropout,
            mode_head=mode_head,
            valence_from_mode=valence_from_mode,
        )

    def finish_track_embedding(self, pooled: torch.Tensor) -> torch.Tensor:
        """(N, D) or (D,) pooled track embeddings -> centred, whitened, L2-normalised (identity for a
        model without `track_whitening`, apart from the final normalisation)."""
        if self.track_whitening:
            pooled = (pooled - self.track_centre.to(pooled.dtype)) @ self.track_whiten.to(pooled.dtype)
        return F.normalize(pooled, dim=-1)

    def forward(self, logmel: torch.Tensor) -> dict[str, torch.Tensor]:
        if logmel.dim() != 3 or logmel.shape[1] != self.n_mels:
            raise ValueError(
                f"expected log-mel of shape (B, {self.n_mels}, frames), got {tuple(logmel.shape)}"
            )
        return self.heads(self.backbone(self.input_norm(logmel)))
