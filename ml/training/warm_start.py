"""Warm start: initialise a new (possibly larger) model from a trained bundle's weights.

moodmix-v2 adds a pitch branch beside v1's mel backbone, so v1's weights do not load as they are:
- backbone tensors move under `backbone.mel.` when the new backbone is `PitchAwareBackbone`;
- the input BatchNorm's running statistics are copied for the mel rows (the pitch rows start fresh);
- a head whose input grew (mel features + pitch features) gets the old weights in the first columns
  and zeros in the new ones, so at step 0 the new model answers exactly as the old one did and the
  pitch branch only contributes what training teaches it;
- heads are copied only when the label lists are identical (same moods, same genres, same order).
Anything else that matches by name and shape is copied; the rest keeps its fresh initialisation.
"""

from __future__ import annotations

import torch

from ml.models.pitch import PitchAwareBackbone

__all__ = ["warm_start"]


def warm_start(model: torch.nn.Module, source_state: dict[str, torch.Tensor], *, same_labels: bool) -> dict:
    """Copy what fits from `source_state` into `model` (in place); return counts for the model card."""
    target = model.state_dict()
    pitch_aware = isinstance(getattr(model, "backbone", None), PitchAwareBackbone)
    copied, widened, skipped = [], [], []
    for name, tensor in source_state.items():
        new_name = (
            name.replace("backbone.", "backbone.mel.", 1)
            if pitch_aware and name.startswith("backbone.")
            else name
        )
        if new_name not in target:
            skipped.append(name)
            continue
        if new_name.startswith("heads.") and not same_labels and not new_name.startswith("heads.embedding"):
            skipped.append(name)
            continue
        destination = target[new_name]
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
    model.load_state_dict(target)
    return {"copied": len(copied), "widened": widened, "skipped": skipped}
