"""Fit the key-profile branch to the mode before training: templates learnt from the whole train split.

Why: the branch's templates see about a thousand rendered windows with a known mode in a whole training
run (a few per P x K batch), and reached a major/minor ROC-AUC of 0.78-0.84 on validation clips, while
the same templates fitted on every train window at once (a few hundred full-batch steps, seconds on a
CPU) tell the mode of validation clips at 0.918 through the network's own mode head (docs/model-card.md,
moodmix-v2.5). The fit is tiny (the templates, then one logit) and needs only each window's time-averaged
pitch band, computed once, so it hands the network a branch that already hears the mode.

What it sets, in place: the input normalisation's pitch rows (the train windows' per-row mean and
variance, which the fresh rows of a warm-started model would otherwise only find during training), the
templates, the branch's BatchNorm statistics, and the mode head's weights on the branch's features (zero
on every other feature), so the network's mode logit starts as the fit's.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from sklearn.metrics import roc_auc_score
from torch.utils.data import DataLoader

from ml.audio import AudioContract, LogMel
from ml.models.net import MoodmixNet
from ml.models.pitch import KeyProfileBranch, PitchAwareBackbone
from ml.training.cache import WaveformCache
from ml.training.dataset import ClipWindows, collate_windows
from ml.training.labels import LabelSpace
from ml.training.manifest import ManifestEntry

__all__ = ["fit_key_profiles"]


def fit_key_profiles(
    model: MoodmixNet,
    entries: Sequence[ManifestEntry],
    labels: LabelSpace,
    contract: AudioContract,
    cache: WaveformCache,
    *,
    steps: int = 400,
    lr: float = 1e-2,
    seed: int = 0,
) -> dict:
    """Fit `model`'s key-profile branch (and mode head, when it has one) on `entries` (the train split),
    in place. Returns what the card records: windows with a known mode, steps, and the fit's window
    ROC-AUC on them. Raises ValueError for a model without the branch or entries without both modes."""
    backbone = model.backbone
    if not isinstance(backbone, PitchAwareBackbone) or backbone.key is None:
        raise ValueError("fitting key profiles needs a model with a key-profile branch (key_profiles > 0)")
    rows, modes, (mean, var) = _band_means(entries, labels, contract, cache, model.n_mels - contract.n_pitch)
    known = modes >= 0
    if len(set(modes[known].tolist())) < 2:
        raise ValueError("fitting key profiles needs train windows of both modes")
    norm, mask = model.input_norm, torch.from_numpy(known)
    with torch.no_grad():
        norm.running_mean[-contract.n_pitch :] = mean
        norm.running_var[-contract.n_pitch :] = var
        profiles = backbone.key.profile((rows - mean) / torch.sqrt(var + norm.eps))
    readout = _fit(
        backbone.key, profiles[mask], torch.from_numpy(modes[known]), steps=steps, lr=lr, seed=seed
    )
    with torch.no_grad():
        matches = backbone.key.match(profiles)
        logits = readout(_standardise(matches[mask])).squeeze(-1).numpy()
    _hand_over(model, backbone.key, readout, matches, mask)
    return {
        "windows": int(known.sum()),
        "steps": steps,
        "lr": lr,
        "train_window_roc_auc": float(roc_auc_score(modes[known], logits)),
    }


def _band_means(
    entries: Sequence[ManifestEntry],
    labels: LabelSpace,
    contract: AudioContract,
    cache: WaveformCache,
    n_mels: int,
) -> tuple[torch.Tensor, np.ndarray, tuple[torch.Tensor, torch.Tensor]]:
    """Every window of every entry through the front end: its time-averaged pitch rows, its clip's mode
    (-1: unknown), and the rows' mean and variance over all frames (what the input BatchNorm estimates)."""
    frontend = LogMel(contract)
    loader = DataLoader(
        ClipWindows(entries, labels, contract, cache), batch_size=16, collate_fn=collate_windows
    )
    total, squares, frames, kept, modes = 0.0, 0.0, 0, [], []
    with torch.no_grad():
        for batch in loader:
            pitch = frontend(batch["windows"])[:, n_mels:].double()
            total, squares = total + pitch.sum(dim=(0, 2)), squares + pitch.square().sum(dim=(0, 2))
            frames += pitch.shape[0] * pitch.shape[2]
            kept.append(pitch.mean(dim=2).float())
            clip = batch["clip"]
            modes.append(torch.where(batch["mode_known"][clip] > 0, batch["mode"][clip], -1.0).numpy())
    mean = total / frames
    return torch.cat(kept), np.concatenate(modes), (mean.float(), (squares / frames - mean.square()).float())


def _standardise(scores: torch.Tensor) -> torch.Tensor:
    return (scores - scores.mean(0)) / torch.sqrt(scores.var(0, unbiased=False) + 1e-5)


def _fit(
    key: KeyProfileBranch, profiles: torch.Tensor, modes: torch.Tensor, *, steps: int, lr: float, seed: int
) -> torch.nn.Linear:
    """Full-batch Adam on the templates and a major/minor logit over their standardised matches (what
    the branch's BatchNorm does); returns the logit layer."""
    torch.manual_seed(seed)
    readout = torch.nn.Linear(key.out_features, 1)
    optimizer = torch.optim.Adam([*key.templates.parameters(), *readout.parameters()], lr=lr)
    target = modes.float()
    for _ in range(steps):
        optimizer.zero_grad()
        logits = readout(_standardise(key.match(profiles))).squeeze(-1)
        torch.nn.functional.binary_cross_entropy_with_logits(logits, target).backward()
        optimizer.step()
    key.templates.zero_grad(set_to_none=True)  # the run's optimizer must not step on the fit's gradients
    return readout.requires_grad_(False)


@torch.no_grad()
def _hand_over(
    model: MoodmixNet,
    key: KeyProfileBranch,
    readout: torch.nn.Linear,
    matches: torch.Tensor,
    mask: torch.Tensor,
) -> None:
    """The branch's BatchNorm takes the statistics of every train window's matches (what training
    estimates), and the mode head reads the branch's features (the backbone's last ones) with the fit's
    logit re-expressed in them: the fit standardised the mode windows' matches (mean m, std s), the
    network standardises every window's (mean M, std S), and w.(x - m)/s + b is
    (w S / s).(x - M)/S + w.(M - m)/s + b."""
    fitted = matches[mask]
    m, s = fitted.mean(0), torch.sqrt(fitted.var(0, unbiased=False) + 1e-5)
    mean, var = matches.mean(0), matches.var(0, unbiased=False)
    key.norm.running_mean.copy_(mean)
    key.norm.running_var.copy_(var)
    key.norm.weight.fill_(1.0)
    key.norm.bias.zero_()
    head = model.heads.mode
    if head is not None:
        w = readout.weight[0]
        head.weight.zero_()
        head.weight[0, -key.out_features :] = w * torch.sqrt(var + key.norm.eps) / s
        head.bias.copy_(readout.bias + (w * (mean - m) / s).sum())
