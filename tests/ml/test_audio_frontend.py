"""The torch log-mel front end matches librosa, batches, and carries no filterbank in its state."""

from __future__ import annotations

import librosa
import numpy as np
import pytest
import torch

from ml.audio import LOG_OFFSET, AudioContract, LogMel

torch.set_num_threads(1)
SR = 22050


def signals() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    t = np.arange(4 * SR) / SR
    return {
        "noise": 0.1 * rng.standard_normal(t.size),
        "chirp": 0.5 * np.sin(2 * np.pi * (100 * t + 500 * t**2)),
        "chord": sum(0.2 * np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6)) * np.exp(-t % 1.0),
        "quiet": 1e-3 * rng.standard_normal(t.size),
    }


def librosa_logmel(wave: np.ndarray, contract: AudioContract) -> np.ndarray:
    mel = librosa.feature.melspectrogram(
        y=wave,
        sr=contract.sample_rate,
        n_fft=contract.n_fft,
        hop_length=contract.hop_length,
        n_mels=contract.n_mels,
        fmin=contract.f_min,
        fmax=contract.f_max,
        power=2.0,
    )
    return np.log(mel + LOG_OFFSET)


@pytest.mark.parametrize("name", ["noise", "chirp", "chord", "quiet"])
@pytest.mark.parametrize("contract", [AudioContract(), AudioContract(n_mels=64, f_min=30.0, f_max=8000.0)])
def test_matches_librosa_within_a_thousandth_of_a_log_unit(name, contract):
    wave = signals()[name].astype(np.float32)
    expected = librosa_logmel(wave, contract)
    actual = LogMel(contract)(torch.from_numpy(wave)).numpy()
    assert actual.shape == expected.shape
    assert np.abs(actual - expected).max() < 1e-3
    assert np.abs(actual - expected).mean() < 1e-4


def test_a_window_has_the_contract_frame_count_and_batches_are_independent():
    contract = AudioContract()
    waves = np.stack([s[: contract.window_samples] for s in signals().values()]).astype(np.float32)
    frontend = LogMel(contract)
    batched = frontend(torch.from_numpy(waves))
    assert batched.shape == (4, contract.n_mels, contract.window_frames)
    torch.testing.assert_close(batched[2], frontend(torch.from_numpy(waves[2])))


def test_float64_input_is_accepted():
    wave = torch.from_numpy(signals()["noise"])
    assert wave.dtype == torch.float64
    assert LogMel(AudioContract())(wave).dtype == torch.float32


def test_filterbank_is_not_persisted_but_follows_the_module():
    frontend = LogMel(AudioContract())
    assert frontend.state_dict() == {}
    assert dict(frontend.named_buffers()).keys() == {"mel_basis", "window"}
    assert frontend.to(torch.float64).mel_basis.dtype == torch.float64
