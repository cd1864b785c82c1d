"""Fitting the track embedding's stored centring/whitening after training, chosen on validation.

Every real track's pooled embedding shares a common component (moodmix-v1: cosine >= 0.991 between any
two real recordings), which the contrastive loss reduces but does not remove. Subtracting the mean of
real music, optionally whitening (ZCA on a shrunk covariance), then L2-normalising spreads tracks over
the sphere the way cosine search, HNSW and `halfvec` need. The statistics come from training audio only
(middle excerpts of the self-supervised pool's tracks, or the train split's soundtrack clips when there is
no pool); the mode ("none", "centre",
"whiten") is chosen by the validation split's real soundtracks, never the test split.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ml.audio import AudioContract, LogMel, frame_windows
from ml.evaluation.retrieval import precision_at_k, spread, triplet_accuracy
from ml.training.cache import WaveformCache
from ml.training.labels import LabelSpace
from ml.training.manifest import ManifestEntry

__all__ = ["fit_track_whitening", "pooled_embeddings", "EXCERPT_S", "SHRINKAGE"]

# Middle excerpt of each pool track used for the statistics (12 s: 7 windows). Enough to place a track,
# and cheap: on the contended 2-core machine 30 s excerpts of every pool track and the train soundtrack
# clips (5,400 windows) would have cost about 25 minutes of wall clock at nice 5.
EXCERPT_S = 12.0
SHRINKAGE = (0.1, 0.3)
# What "auto" asks of the val spread (median cosine between different real soundtracks), with a margin
# under issue 12's target of 0.5: measured on 3 val packages it is a noisy estimate. On 2026-12-02 two
# retrainings read 0.40 and 0.50 on val with no centring ("none" won under a 0.5 threshold) and 0.81 and
# 0.74 on the spread test's unseen soundtracks (bound 0.6).
VAL_SPREAD_BOUND = 0.25


@torch.no_grad()
def pooled_embeddings(
    model, contract: AudioContract, waves: Sequence[np.ndarray], batch: int = 32
) -> np.ndarray:
    """(N, D) re-normalised mean window embeddings (as `ml.inference` pools them, before finishing)."""
    device = next(model.parameters()).device
    frontend = LogMel(contract).to(device)
    model.eval()
    out = []
    for wave in waves:
        windows = torch.from_numpy(frame_windows(np.asarray(wave, dtype=np.float32), contract))
        parts = [model(frontend(part.to(device)))["embedding"] for part in windows.split(batch)]
        out.append(F.normalize(torch.cat(parts).mean(0), dim=-1).cpu().numpy())
    return np.stack(out)


def _excerpt(wave: np.ndarray, sample_rate: int) -> np.ndarray:
    size = int(EXCERPT_S * sample_rate)
    if wave.size <= size:
        return np.asarray(wave)
    start = (wave.size - size) // 2
    return np.asarray(wave[start : start + size])


def _apply(vectors: np.ndarray, centre: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    out = (vectors - centre) @ matrix
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def _score(vectors: np.ndarray, groups: np.ndarray) -> dict:
    scores = {
        "precision@5": precision_at_k(vectors, groups, 5)["precision"],
        "triplet_accuracy": triplet_accuracy(vectors, groups, n_triplets=2000)["accuracy"],
        "spread": spread(vectors, groups),
    }
    # Retrieval quality, with a val spread above VAL_SPREAD_BOUND counted against the mode.
    scores["score"] = (
        scores["precision@5"] + scores["triplet_accuracy"] - max(0.0, scores["spread"] - VAL_SPREAD_BOUND)
    )
    return scores


def fit_track_whitening(
    model,
    contract: AudioContract,
    cache: WaveformCache,
    pool_paths: Sequence[str | Path],
    entries: Sequence[ManifestEntry],
    *,
    mode: str,
    labels: LabelSpace,
) -> dict:
    """Fit `model`'s track centring/whitening on training real music and return the card section.

    `mode` "auto" tries none, centre and whitening at each shrinkage in `SHRINKAGE`, scoring each on the
    val split's soundtrack clips (`_score`), and keeps the best; "centre"/"whiten" force one."""
    del labels  # the choice looks at real music only
    fit_waves = [_excerpt(cache.get(p), contract.sample_rate) for p in pool_paths]
    if not fit_waves:  # no pool: the train split's soundtrack clips are the training real music there is
        fit_waves = [cache.get(e.path) for e in entries if e.split == "train" and e.source == "soundtrack"]
    val = [e for e in entries if e.split == "val" and e.source == "soundtrack"]
    if not fit_waves:
        raise ValueError("no training real music to fit the track whitening on")
    fit = pooled_embeddings(model, contract, fit_waves)
    dim = fit.shape[1]
    candidates: dict[str, tuple[np.ndarray, np.ndarray]] = {"none": (np.zeros(dim), np.eye(dim))}
    centre = fit.mean(0)
    candidates["centre"] = (centre, np.eye(dim))
    cov = np.cov((fit - centre).T)
    for shrink in SHRINKAGE:
        shrunk = (1 - shrink) * cov + shrink * np.trace(cov) / dim * np.eye(dim)
        values, vectors = np.linalg.eigh(shrunk)
        candidates[f"whiten@{shrink}"] = (
            centre,
            vectors @ np.diag(np.clip(values, 1e-12, None) ** -0.5) @ vectors.T,
        )
    scores: dict[str, dict] = {}
    if val:
        val_vectors = pooled_embeddings(model, contract, [cache.get(e.path) for e in val])
        groups = np.array([e.group for e in val])
        scores = {name: _score(_apply(val_vectors, c, m), groups) for name, (c, m) in candidates.items()}
    if mode == "auto":
        if not scores:
            raise ValueError("whitening 'auto' needs val soundtrack clips to choose on")
        chosen = max(scores, key=lambda name: scores[name]["score"])
    else:
        chosen = {"centre": "centre", "whiten": f"whiten@{SHRINKAGE[0]}"}[mode]
    c, m = candidates[chosen]
    model.track_centre.copy_(torch.as_tensor(c, dtype=model.track_centre.dtype))
    model.track_whiten.copy_(torch.as_tensor(m, dtype=model.track_whiten.dtype))
    return {
        "mode": mode,
        "chosen": chosen,
        "fitted_on": {"pool_tracks": len(pool_paths), "clips": len(fit_waves), "excerpt_s": EXCERPT_S},
        "val_real_soundtracks": {
            name: {k: round(float(v), 4) for k, v in s.items()} for name, s in scores.items()
        },
    }
