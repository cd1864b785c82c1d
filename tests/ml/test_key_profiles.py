"""What moodmix-v2.4 and v2.5's candidates added: the key-profile branch, the major/minor head (and valence
fed by it), the extended pool."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ml.audio import AudioContract
from ml.corpus.pool import POOL, POOL_EXTENDED, POOL_VAL
from ml.corpus.soundtracks import SOUNDTRACKS
from ml.inference import ModelBundle
from ml.models import build_model
from ml.models.pitch import KeyProfileBranch
from ml.training.loop import build_scheduler, pool_windows
from ml.training.trainer import _lr_groups
from tests.ml.test_default_bundle_spread import PACKAGES as RELEASE_CHECK_PACKAGES

PITCH = AudioContract(pitch_bins_per_octave=24, pitch_octaves=5)
# Krumhansl & Kessler (1982) probe-tone ratings, tonic first, one per semitone.
KK_MAJOR = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88]
KK_MINOR = [6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17]


def band(profile: list[float], key: int, frames: int = 20) -> torch.Tensor:
    """A (1, 120, frames) pitch band that weighs each semitone (24 bins an octave) by `profile` from `key`."""
    octave = torch.zeros(24)
    octave[0::2] = torch.roll(torch.tensor(profile), key)
    return octave.repeat(5)[None, :, None].expand(1, 120, frames)


def test_key_profile_features_are_the_same_in_every_key():
    torch.manual_seed(0)
    branch = KeyProfileBranch(24, profiles=8).eval()
    music = torch.randn(24, 30)
    features = [branch(torch.roll(music, shift, 0).repeat(5, 1)[None]) for shift in range(24)]
    for transposed in features[1:]:
        assert torch.allclose(transposed, features[0], atol=1e-5)


def test_a_major_template_prefers_major_music_to_its_relative_minor_in_every_key():
    # C major and A minor use the same notes: only how often each sounds tells them apart.
    branch = KeyProfileBranch(24, profiles=1).eval()
    with torch.no_grad():
        branch.templates.weight.zero_()
        branch.templates.weight[0, 0::2] = torch.tensor(KK_MAJOR) - np.mean(KK_MAJOR)
        for key in range(12):
            major, minor = branch(band(KK_MAJOR, key)), branch(band(KK_MINOR, (key + 9) % 12))
            assert float(major) > float(minor), key


def test_probe_tone_templates_start_out_telling_major_from_its_relative_minor():
    branch = KeyProfileBranch(24, profiles=4, init="krumhansl").eval()
    with torch.no_grad():
        for key in range(12):
            major, minor = branch(band(KK_MAJOR, key))[0], branch(band(KK_MINOR, (key + 9) % 12))[0]
            assert major[0] > minor[0] and minor[1] > major[1], key  # template 0 major, 1 minor
    with pytest.raises(ValueError, match="random"):
        KeyProfileBranch(24, init="tonal")


@pytest.mark.parametrize("schedule", ["cosine", "onecycle"])
def test_a_scaled_prefix_trains_at_its_own_learning_rate_under_either_schedule(schedule):
    model = build_model(
        "tf_cnn", n_moods=2, n_genres=2, n_mels=PITCH.n_features, pitch_bins=PITCH.n_pitch, key_profiles=4
    )
    groups = _lr_groups(model, list(model.parameters()), 1e-3, {"backbone.key": 10})
    key = {id(p) for p in model.backbone.key.parameters()}
    scaled = next(g for g in groups if g["lr"] == pytest.approx(1e-2))
    assert {id(p) for p in scaled["params"]} == key
    optimizer = torch.optim.AdamW(groups, lr=1e-3)
    scheduler = build_scheduler(schedule, optimizer, 1e-3, 10)
    for _ in range(3):
        optimizer.step()
        scheduler.step()
    rates = sorted(group["lr"] for group in optimizer.param_groups)
    assert rates[1] == pytest.approx(10 * rates[0])
    with pytest.raises(ValueError, match="backbone.chroma"):
        _lr_groups(model, list(model.parameters()), 1e-3, {"backbone.chroma": 10})


def test_a_model_with_key_profiles_saves_loads_and_predicts_the_same(tmp_path):
    params = {"pitch_bins": PITCH.n_pitch, "key_profiles": 16}
    model = build_model("tf_cnn", n_moods=2, n_genres=2, n_mels=PITCH.n_features, **params).eval()
    assert model.backbone.out_features == model.backbone.mel.out_features + 64 + 16
    bundle = ModelBundle("t", "tf_cnn", params, PITCH, ["calm", "happy"], ["rock", "jazz"], {}, model)
    bundle.save(tmp_path)
    wave = np.sin(2 * np.pi * 440 * np.arange(PITCH.sample_rate * 4) / PITCH.sample_rate).astype(np.float32)
    before = bundle.predict(wave)
    after = ModelBundle.load(tmp_path, device="cpu").predict(wave)
    assert np.allclose(before.embedding, after.embedding, atol=1e-5)


def test_only_a_model_built_with_a_mode_head_outputs_a_mode_and_validation_pools_it():
    plain = build_model("tf_cnn", n_moods=2, n_genres=2, n_mels=PITCH.n_features, pitch_bins=PITCH.n_pitch)
    with_mode = build_model(
        "tf_cnn", n_moods=2, n_genres=2, n_mels=PITCH.n_features, pitch_bins=PITCH.n_pitch, mode_head=True
    )
    features = torch.randn(3, PITCH.n_features, PITCH.window_frames)
    assert "mode" not in plain.eval()(features)  # shipped bundles load and predict as before
    outputs = with_mode.eval()(features)
    assert outputs["mode"].shape == (3,)
    pooled = pool_windows(outputs, torch.tensor([0, 0, 1]), 2)
    expected = torch.logit(outputs["mode"][:2].sigmoid().mean(), eps=1e-6)
    assert torch.allclose(pooled["mode"][0], expected, atol=1e-5)  # the mean probability, as a logit


def test_valence_from_mode_adds_the_mode_logit_times_one_gain_to_valence_only():
    params = {"pitch_bins": PITCH.n_pitch, "key_profiles": 4, "mode_head": True}
    plain = build_model("tf_cnn", n_moods=1, n_genres=1, n_mels=PITCH.n_features, **params).eval()
    linked = build_model(
        "tf_cnn", n_moods=1, n_genres=1, n_mels=PITCH.n_features, valence_from_mode=True, **params
    ).eval()
    linked.load_state_dict(plain.state_dict(), strict=False)  # the gain starts at 0: answers as before
    features = torch.randn(3, PITCH.n_features, PITCH.window_frames)
    assert torch.allclose(linked(features)["va"], plain(features)["va"])
    with torch.no_grad():
        linked.heads.valence_from_mode.fill_(2.0)
    before, after = plain(features), linked(features)
    assert torch.allclose(
        torch.atanh(after["va"][:, 0]), torch.atanh(before["va"][:, 0]) + 2 * before["mode"], atol=1e-4
    )
    assert torch.allclose(after["va"][:, 1], before["va"][:, 1])  # arousal untouched
    with pytest.raises(ValueError, match="needs the mode head"):
        build_model(
            "tf_cnn",
            n_moods=1,
            n_genres=1,
            n_mels=PITCH.n_features,
            pitch_bins=PITCH.n_pitch,
            valence_from_mode=True,
        )


@pytest.mark.parametrize("package", sorted(POOL_EXTENDED))
def test_the_extended_pool_adds_packages_no_other_part_of_the_corpus_uses(package):
    assert package not in POOL and package not in SOUNDTRACKS and package not in POOL_VAL


def test_no_pool_holds_the_music_the_release_check_listens_to():
    # Its clips must be unheard by every training step, or the spread it measures flatters the model.
    for package, _, _ in RELEASE_CHECK_PACKAGES:
        assert package not in POOL and package not in POOL_EXTENDED and package not in SOUNDTRACKS
