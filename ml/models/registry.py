"""Architecture registry: backbones register under a name; `build_model` puts the shared heads on top.

A bundle records the architecture name and its parameters, so `build_model(name, **params)` is the
one way a model is made, both for training and for loading.
"""

from __future__ import annotations

from collections.abc import Callable

from ml.models.net import Backbone, MoodmixNet
from ml.models.pitch import KeyProfileBranch, PitchAwareBackbone, PitchBranch

__all__ = ["available_architectures", "build_model", "register_architecture"]

BackboneFactory = Callable[..., Backbone]

_ARCHITECTURES: dict[str, BackboneFactory] = {}

# Parameters of the shared heads; everything else in **params goes to the backbone factory.
HEAD_PARAMS = ("head_dropout", "track_whitening", "mode_head", "valence_from_mode")
# Parameters of the pitch branch (`ml.models.pitch`); `pitch_bins` > 0 adds it beside the backbone, and
# `key_profiles` > 0 a `KeyProfileBranch` with that many templates beside both (`key_init` "krumhansl"
# starts two of them at the probe-tone profiles).
PITCH_PARAMS = ("pitch_bins", "pitch_bins_per_octave", "pitch_channels", "key_profiles", "key_init")


def register_architecture(name: str) -> Callable[[BackboneFactory], BackboneFactory]:
    """Decorator: register `factory(n_mels: int, **params) -> Backbone` under `name`."""

    def decorate(factory: BackboneFactory) -> BackboneFactory:
        if name in _ARCHITECTURES:
            raise ValueError(f"architecture {name!r} is already registered")
        _ARCHITECTURES[name] = factory
        return factory

    return decorate


def available_architectures() -> tuple[str, ...]:
    """Registered architecture names, sorted."""
    return tuple(sorted(_ARCHITECTURES))


def build_model(
    name: str, *, n_moods: int, n_genres: int, embedding_dim: int = 128, n_mels: int = 96, **params
) -> MoodmixNet:
    """A freshly initialised `MoodmixNet` with the `name` backbone.

    `params` are the backbone factory's keyword arguments, plus `head_dropout`, `track_whitening`,
    `mode_head` and `valence_from_mode` for the heads and `pitch_bins`, `pitch_bins_per_octave`,
    `pitch_channels`, `key_profiles`, `key_init` for the pitch branch (`PITCH_PARAMS`): with `pitch_bins`
    > 0 the input's last `pitch_bins` rows (of `n_mels` in all) are the contract's pitch band, read by
    `ml.models.pitch.PitchBranch` beside the backbone on the mel rows. Raises KeyError listing the
    registered names when `name` is unknown, TypeError for an unknown parameter.
    """
    try:
        factory = _ARCHITECTURES[name]
    except KeyError:
        raise KeyError(
            f"unknown architecture {name!r}; available: {', '.join(available_architectures())}"
        ) from None
    head_params = {key: params.pop(key) for key in HEAD_PARAMS if key in params}
    pitch = {key: params.pop(key) for key in PITCH_PARAMS if key in params}
    pitch_bins = int(pitch.get("pitch_bins", 0))
    if pitch_bins:
        per_octave, profiles = int(pitch.get("pitch_bins_per_octave", 24)), int(pitch.get("key_profiles", 0))
        backbone: Backbone = PitchAwareBackbone(
            factory(n_mels=n_mels - pitch_bins, **params),
            n_mels - pitch_bins,
            PitchBranch(per_octave, channels=int(pitch.get("pitch_channels", 32))),
            KeyProfileBranch(per_octave, profiles=profiles, init=str(pitch.get("key_init", "random")))
            if profiles
            else None,
        )
    else:
        backbone = factory(n_mels=n_mels, **params)
    return MoodmixNet(
        backbone,
        n_mels=n_mels,
        n_moods=n_moods,
        n_genres=n_genres,
        embedding_dim=embedding_dim,
        **head_params,
    )
