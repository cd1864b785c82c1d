"""The audio contract and fixed analysis windows."""

from __future__ import annotations

import numpy as np
import pytest

from ml.audio import AudioContract, AudioError, frame_windows, window_starts, windows_at

CONTRACT = AudioContract()
SR = CONTRACT.sample_rate


def test_default_contract_numbers():
    assert (CONTRACT.window_samples, CONTRACT.hop_samples, CONTRACT.window_frames) == (66150, 33075, 130)
    assert CONTRACT.mel_f_max == SR / 2


def test_contract_round_trips_through_a_dict_and_refuses_unknown_keys():
    custom = AudioContract(n_mels=64, f_max=8000.0, window_seconds=4.0, window_hop_seconds=2.0)
    assert AudioContract.from_dict(custom.to_dict()) == custom
    with pytest.raises(ValueError, match="unknown audio contract keys"):
        AudioContract.from_dict({**custom.to_dict(), "n_mfcc": 20})


def test_contract_rejects_inconsistent_values():
    with pytest.raises(ValueError):
        AudioContract(window_hop_seconds=4.0)
    with pytest.raises(ValueError):
        AudioContract(f_max=20000.0)


def test_windows_hop_regularly_and_cover_the_whole_signal():
    n = round(10.2 * SR)
    starts = window_starts(n, CONTRACT)
    assert list(starts[:-1]) == [i * CONTRACT.hop_samples for i in range(len(starts) - 1)]
    assert starts[-1] + CONTRACT.window_samples == n  # the tail window is aligned to the end
    assert frame_windows(np.ones(n, np.float32), CONTRACT).shape == (len(starts), CONTRACT.window_samples)


def test_no_extra_window_when_the_regular_ones_end_exactly_at_the_end():
    n = CONTRACT.window_samples + 2 * CONTRACT.hop_samples
    assert list(window_starts(n, CONTRACT)) == [0, CONTRACT.hop_samples, 2 * CONTRACT.hop_samples]


def test_windows_hold_the_signal_samples():
    wave = np.arange(5 * SR, dtype=np.float32)
    windows = frame_windows(wave, CONTRACT)
    for start, window in zip(window_starts(wave.size, CONTRACT), windows, strict=True):
        np.testing.assert_array_equal(window, wave[start : start + CONTRACT.window_samples])


def test_a_track_shorter_than_a_window_is_zero_padded():
    wave = np.full(round(1.5 * SR), 0.5, np.float32)
    windows = frame_windows(wave, CONTRACT)
    assert windows.shape == (1, CONTRACT.window_samples)
    assert windows[0, : wave.size].min() == 0.5 and not windows[0, wave.size :].any()


def test_under_one_second_is_too_short():
    with pytest.raises(AudioError) as info:
        frame_windows(np.ones(SR - 1, np.float32), CONTRACT)
    assert info.value.code == "too_short"
    assert frame_windows(np.ones(SR, np.float32), CONTRACT).shape[0] == 1


def test_windows_at_gathers_only_the_requested_windows():
    wave = np.arange(8 * SR, dtype=np.float32)
    starts = window_starts(wave.size, CONTRACT)
    np.testing.assert_array_equal(windows_at(wave, starts[2:4], CONTRACT), frame_windows(wave, CONTRACT)[2:4])
    with pytest.raises(IndexError):
        windows_at(wave, [wave.size], CONTRACT)


def test_only_mono_input_is_accepted():
    with pytest.raises(ValueError, match="1-D"):
        frame_windows(np.ones((2, 3 * SR), np.float32), CONTRACT)
