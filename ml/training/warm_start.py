"""Warm start: initialise a new (possibly larger) model from a trained bundle's weights.

moodmix-v2 adds a pitch branch beside v1's mel backbone, so v1's weights do not load as they are:
- backbone tensors move under `backbone.mel.` when the new backbone is `PitchAwareBackbone` and the source's
  is not (a pitch-aware source, v2 onwards, loads name for name);
- the input BatchNorm's running statistics are copied for the mel rows (the pitch rows start fresh);
- a head whose input grew (mel features + pitch features) gets the old weights in the first columns
  and zeros in the new ones, so at step 0 the new model answers exactly as the old one did and the
  pitch branch only contributes what training teaches it;
- the mood and genre heads are copied row by label name: a label both models have keeps its trained
  row, a label new to the target (moodmix-v2.2's seven added moods) starts fresh, one the target dropped
  is left behind. With identical label lists that is a plain copy.
Anything else that matches by name and shape is copied; the rest keeps its fresh initialisation.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from ml.models.pitch import PitchAwareBackbone
from ml.training.config import under_prefix

__all__ = ["warm_start"]

LabelLists = dict[str, Sequence[str]]


def warm_start(
    model: torch.nn.Module,
    source_state: dict[str, torch.Tensor],
    *,
    source_labels: LabelLists | None = None,
    target_labels: LabelLists | None = None,
    fresh: Sequence[str] = (),
) -> dict:
    """Copy what fits from `source_state` into `model` (in place); return counts for the model card.

    `source_labels` / `target_labels` map a labelled head ("mood", "genre") to its label order; without
    them the heads are taken to share their labels. Parameters under a `fresh` name prefix keep their
    fresh initialisation (listed under "fresh")."""
    target = model.state_dict()
    rename = isinstance(getattr(model, "backbone", None), PitchAwareBackbone) and not any(
        name.startswith("backbone.mel.") for name in source_state
    )
    rows = _row_maps(source_labels or {}, target_labels or {})
    outcomes: dict[str, list[str]] = {"copied": [], "widened": [], "skipped": [], "fresh": []}
    for name, tensor in source_state.items():
        moved = rename and name.startswith("backbone.")
        new_name = name.replace("backbone.", "backbone.mel.", 1) if moved else name
        if new_name not in target:
            outcomes["skipped"].append(name)
            continue
        if under_prefix(new_name, fresh) is not None:
            outcomes["fresh"].append(new_name)
            continue
        head = new_name.split(".")[1] if new_name.startswith("heads.") else None
        if head in rows:  # copy the shared labels' rows only, into the target's rows for them
            source_rows, target_rows = rows[head]
            block = target[new_name][target_rows]
            outcome = _copy(tensor[source_rows], block, zero_first=new_name.endswith("weight"))
            target[new_name][target_rows] = block
        else:
            zero = new_name.startswith("heads.") and new_name.endswith("weight")
            outcome = _copy(tensor, target[new_name], zero_first=zero)
        outcomes[outcome].append(new_name if outcome != "skipped" else name)
    model.load_state_dict(target)
    return {
        "copied": len(outcomes["copied"]),
        "widened": outcomes["widened"],
        "skipped": outcomes["skipped"],
        "fresh": outcomes["fresh"],
        "rows_kept": {head: len(target_rows) for head, (_, target_rows) in rows.items()},
    }


def _copy(source: torch.Tensor, destination: torch.Tensor, *, zero_first: bool) -> str:
    """Copy `source` into `destination` in place: "copied" (same shape), "widened" (a grown tensor, such
    as head input columns or input-norm rows: old values in the leading block, the rest zeroed first when
    `zero_first`, else kept) or "skipped" (shapes that do not nest)."""
    if destination.shape == source.shape:
        destination.copy_(source)
        return "copied"
    if destination.dim() == source.dim() and all(
        d >= s for d, s in zip(destination.shape, source.shape, strict=True)
    ):
        if zero_first:
            destination.zero_()
        destination[tuple(slice(0, s) for s in source.shape)].copy_(source)
        return "widened"
    return "skipped"


def _row_maps(source: LabelLists, target: LabelLists) -> dict[str, tuple[list[int], list[int]]]:
    """For each head whose label lists differ: (source rows, target rows) of the labels both share."""
    maps = {}
    for head, names in target.items():
        old = list(source.get(head, names))
        if old != list(names):
            kept = [i for i, name in enumerate(names) if name in old]
            maps[head] = ([old.index(names[i]) for i in kept], kept)
    return maps
