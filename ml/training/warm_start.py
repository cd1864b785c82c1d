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

__all__ = ["warm_start"]

LabelLists = dict[str, Sequence[str]]


def warm_start(
    model: torch.nn.Module,
    source_state: dict[str, torch.Tensor],
    *,
    source_labels: LabelLists | None = None,
    target_labels: LabelLists | None = None,
) -> dict:
    """Copy what fits from `source_state` into `model` (in place); return counts for the model card.

    `source_labels` / `target_labels` map a labelled head ("mood", "genre") to its label order; without
    them the heads are taken to share their labels."""
    target = model.state_dict()
    rename = isinstance(getattr(model, "backbone", None), PitchAwareBackbone) and not any(
        name.startswith("backbone.mel.") for name in source_state
    )
    rows = _row_maps(source_labels or {}, target_labels or {})
    copied, widened, skipped, remapped = [], [], [], {}
    for name, tensor in source_state.items():
        moved = rename and name.startswith("backbone.")
        new_name = name.replace("backbone.", "backbone.mel.", 1) if moved else name
        if new_name not in target:
            skipped.append(name)
            continue
        destination = target[new_name]
        head = new_name.split(".")[1] if new_name.startswith("heads.") else None
        if head in rows:
            source_rows, target_rows = rows[head]
            tensor, destination = tensor[source_rows], destination[target_rows]
            remapped[head] = len(target_rows)
        if destination.shape == tensor.shape:
            destination.copy_(tensor)
            copied.append(new_name)
        elif destination.dim() == tensor.dim() and all(
            d >= s for d, s in zip(destination.shape, tensor.shape, strict=True)
        ):
            # A grown tensor (head input columns, input-norm rows): old values in the leading block.
            if new_name.startswith("heads.") and new_name.endswith("weight"):
                destination.zero_()
            index = tuple(slice(0, s) for s in tensor.shape)
            destination[index].copy_(tensor)
            widened.append(new_name)
        else:
            skipped.append(name)
        if head in rows:  # `destination` was a gathered copy: write the rows back
            target[new_name][rows[head][1]] = destination
    model.load_state_dict(target)
    return {"copied": len(copied), "widened": widened, "skipped": skipped, "rows_kept": remapped}


def _row_maps(source: LabelLists, target: LabelLists) -> dict[str, tuple[list[int], list[int]]]:
    """For each head whose label lists differ: (source rows, target rows) of the labels both share."""
    maps = {}
    for head, names in target.items():
        old = list(source.get(head, names))
        if old == list(names):
            continue
        shared = [n for n in names if n in old]
        maps[head] = ([old.index(n) for n in shared], [list(names).index(n) for n in shared])
    return maps
