"""Model registry and the multi-task network: shapes, ranges, sizes, and that every part learns."""

from __future__ import annotations

import pytest
import torch

from ml.models import MoodmixNet, available_architectures, build_model, register_architecture
from ml.models.tf_cnn import TimeFrequencyCNN

torch.set_num_threads(1)
N_MOODS, N_GENRES, FRAMES = 40, 10, 130


def logmel(batch: int = 3, n_mels: int = 96, frames: int = FRAMES) -> torch.Tensor:
    return torch.randn(batch, n_mels, frames, generator=torch.Generator().manual_seed(0)) - 5.0


def test_builtin_architectures_are_registered():
    assert {"tf_cnn", "crnn"} <= set(available_architectures())


def test_unknown_architecture_is_a_key_error_listing_the_names():
    with pytest.raises(KeyError, match="unknown architecture 'resnet'.*crnn, tf_cnn"):
        build_model("resnet", n_moods=N_MOODS, n_genres=N_GENRES)


def test_a_name_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="already registered"):
        register_architecture("tf_cnn")(TimeFrequencyCNN)


def test_unknown_parameters_are_refused():
    with pytest.raises(TypeError):
        build_model("tf_cnn", n_moods=N_MOODS, n_genres=N_GENRES, n_layers=9)


@pytest.mark.parametrize("name", ["tf_cnn", "crnn"])
def test_heads_have_the_contract_shapes_and_ranges(name):
    model = build_model(name, n_moods=N_MOODS, n_genres=N_GENRES, embedding_dim=64).eval()
    assert isinstance(model, MoodmixNet)
    with torch.no_grad():
        out = model(logmel())
    assert {k: tuple(v.shape) for k, v in out.items()} == {
        "mood": (3, N_MOODS),
        "genre": (3, N_GENRES),
        "speech": (3,),
        "va": (3, 2),
        "embedding": (3, 64),
    }
    assert out["va"].abs().max() <= 1.0
    torch.testing.assert_close(out["embedding"].norm(dim=1), torch.ones(3))


@pytest.mark.parametrize("name", ["tf_cnn", "crnn"])
def test_default_sizes_fit_cpu_training(name):
    params = sum(p.numel() for p in build_model(name, n_moods=N_MOODS, n_genres=N_GENRES).parameters())
    assert 200_000 <= params <= 1_500_000


@pytest.mark.parametrize("name", ["tf_cnn", "crnn"])
def test_other_window_lengths_and_mel_counts_work(name):
    model = build_model(name, n_moods=5, n_genres=3, n_mels=64).eval()
    with torch.no_grad():
        assert model(logmel(2, n_mels=64, frames=87))["mood"].shape == (2, 5)


def test_wrong_mel_count_is_a_clear_error():
    model = build_model("tf_cnn", n_moods=N_MOODS, n_genres=N_GENRES)
    with pytest.raises(ValueError, match=r"\(B, 96, frames\)"):
        model(logmel(2, n_mels=64))


@pytest.mark.parametrize("name", ["tf_cnn", "crnn"])
def test_every_parameter_receives_a_gradient_from_the_heads(name):
    model = build_model(name, n_moods=N_MOODS, n_genres=N_GENRES).train()
    out = model(logmel(4))
    loss = sum(v.float().pow(2).mean() for v in out.values())
    loss.backward()
    silent = [n for n, p in model.named_parameters() if p.grad is None or not p.grad.abs().sum() > 0]
    assert silent == []


def test_parameters_arrive_from_json_cards_as_lists():
    model = build_model("crnn", n_moods=4, n_genres=2, channels=[8, 16, 16, 16], gru_hidden=24)
    assert model.backbone.out_features == 24
    narrow = build_model("tf_cnn", n_moods=4, n_genres=2, timbre_spans=[0.5], rhythm_lengths=[17])
    assert len(narrow.backbone.timbre) == 1 and len(narrow.backbone.rhythm) == 1
