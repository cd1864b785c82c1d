"""Audio front end: decoding, probing, log-mel features and fixed analysis windows.

Everything a model needs to see audio the way it was trained to: `AudioContract` holds the numbers,
`load_audio` / `probe` read files, `LogMel` computes features in torch, `frame_windows` cuts windows.
Bad input raises `AudioError` with a stable `.code` (undecodable, empty, silent, too_short).
"""

from ml.audio.contract import AudioContract
from ml.audio.decode import SILENCE_PEAK, AudioInfo, check_wave, load_audio, probe
from ml.audio.errors import ERROR_CODES, AudioError
from ml.audio.windows import MIN_SECONDS, frame_windows, window_starts, windows_at
from ml.lazy import lazy_attributes

# The torch front end is imported on first use: decoding and probing (the web process) need no torch.
__getattr__ = lazy_attributes(__name__, {"LOG_OFFSET": "ml.audio.frontend", "LogMel": "ml.audio.frontend"})

__all__ = [
    "AudioContract",
    "AudioError",
    "AudioInfo",
    "ERROR_CODES",
    "LOG_OFFSET",
    "LogMel",
    "MIN_SECONDS",
    "SILENCE_PEAK",
    "check_wave",
    "frame_windows",
    "load_audio",
    "probe",
    "window_starts",
    "windows_at",
]
