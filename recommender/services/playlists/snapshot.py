"""The catalogue as numpy arrays: what candidate selection works on.

One ``Snapshot`` per model version holds, for every analysed track with a score row, its mood, family and
genre scores, valence/arousal, tempo, key, speech flag, duration, artist, owner and visibility. It is
loaded with one query (packed float32 bytes, so 100k tracks load in a fraction of a second) and cached in
the process until the version's ``ScoreGeneration`` moves. A stale snapshot can never leak a private
track: the tracks a playlist will hold are checked against the database before they are used.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from catalog.choices import TrackStatus, Visibility
from recommender.models import ScoreGeneration, TrackScores
from recommender.services.layout import layout

__all__ = ["Snapshot", "default_model_version", "get_snapshot", "snapshot_from_arrays"]

NO_OWNER = -1


@dataclass
class Snapshot:
    model_version: str
    generation: int
    track_ids: np.ndarray  # int64 (n,)
    moods: np.ndarray  # float32 (n, n_moods)
    families: np.ndarray  # float32 (n, n_families)
    genres: np.ndarray  # float32 (n, n_genres)
    va: np.ndarray  # float32 (n, 2): valence, arousal
    tempo: np.ndarray  # float32 (n,), NaN when unknown
    key: np.ndarray  # int16 (n,), position on the circle of fifths, -1 when unknown
    is_speech: np.ndarray  # bool (n,)
    duration: np.ndarray  # float32 (n,) seconds
    artist: np.ndarray  # int64 (n,)
    owner: np.ndarray  # int64 (n,), NO_OWNER when none
    public: np.ndarray  # bool (n,)

    def __post_init__(self) -> None:
        self.row_of = {int(t): i for i, t in enumerate(self.track_ids)}
        # Unit-length mood+genre profiles: cosine similarity for diversity and "like your seed".
        profile = np.hstack([self.moods, self.genres * 0.5])
        norms = np.linalg.norm(profile, axis=1, keepdims=True)
        self.profile = (profile / np.maximum(norms, 1e-6)).astype(np.float32)

    def __len__(self) -> int:
        return len(self.track_ids)

    def playable_mask(self, user_id: int | None, *, allow_speech: bool) -> np.ndarray:
        """Public tracks and the user's own (never another listener's private ones), speech left out
        unless asked for."""
        mask = self.public.copy()
        if user_id is not None:
            mask |= self.owner == user_id
        if not allow_speech:
            mask &= ~self.is_speech
        return mask

    def rows(self, track_ids) -> np.ndarray:
        return np.array([self.row_of[t] for t in track_ids if t in self.row_of], dtype=np.int64)


_cache: dict[str, Snapshot] = {}
_lock = threading.Lock()


def _generations() -> tuple[str | None, dict[str, int]]:
    """One small query: (the version with the most scored tracks, version -> generation)."""
    rows = list(ScoreGeneration.objects.values_list("model_version", "generation", "tracks"))
    default = max(rows, key=lambda r: (r[2], r[0]))[0] if rows else None
    return default, {version: generation for version, generation, _ in rows}


def default_model_version() -> str | None:
    """The model version with the most scored tracks: playlists never mix versions."""
    return _generations()[0]


def get_snapshot(model_version: str | None = None) -> Snapshot | None:
    """The cached snapshot of ``model_version`` (default: the version with the most scored tracks),
    reloaded when its generation moved; None when there is no scored track at all."""
    default, generations = _generations()
    model_version = model_version or default
    if model_version is None:
        return None
    generation = generations.get(model_version, 0)
    cached = _cache.get(model_version)
    if cached is not None and cached.generation == generation:
        return cached
    with _lock:
        snapshot = _load(model_version, generation)
        _cache[model_version] = snapshot
    return snapshot


def _load(model_version: str, generation: int) -> Snapshot:
    lay = layout()
    rows = list(
        TrackScores.objects.filter(model_version=model_version, track__status=TrackStatus.ANALYZED)
        .order_by("track_id")
        .values_list(
            "track_id",
            "moods",
            "genres",
            "valence",
            "arousal",
            "tempo_bpm",
            "key_index",
            "is_speech",
            "track__duration_s",
            "track__artist_id",
            "track__owner_id",
            "track__visibility",
        )
    )
    n = len(rows)
    if n == 0:
        columns = [[] for _ in range(12)]
    else:
        columns = list(zip(*rows, strict=True))
    moods = np.frombuffer(b"".join(bytes(b) for b in columns[1]), dtype="<f4").reshape(n, len(lay.moods))
    genres = np.frombuffer(b"".join(bytes(b) for b in columns[2]), dtype="<f4").reshape(n, len(lay.genres))
    return snapshot_from_arrays(
        model_version,
        generation,
        track_ids=np.array(columns[0], dtype=np.int64),
        moods=moods,
        genres=genres,
        va=np.column_stack([np.array(columns[3], dtype=np.float32), np.array(columns[4], dtype=np.float32)])
        if n
        else np.zeros((0, 2), np.float32),
        tempo=np.array([np.nan if t is None else t for t in columns[5]], dtype=np.float32),
        key=np.array([-1 if k is None else k for k in columns[6]], dtype=np.int16),
        is_speech=np.array(columns[7], dtype=bool),
        duration=np.array([0.0 if d is None else d for d in columns[8]], dtype=np.float32),
        artist=np.array(columns[9], dtype=np.int64),
        owner=np.array([NO_OWNER if o is None else o for o in columns[10]], dtype=np.int64),
        public=np.array([v == Visibility.PUBLIC for v in columns[11]], dtype=bool),
    )


def snapshot_from_arrays(model_version: str, generation: int, **arrays: np.ndarray) -> Snapshot:
    """Build a snapshot from arrays (the loader, and benchmarks with synthetic catalogues)."""
    lay = layout()
    moods = np.ascontiguousarray(arrays.pop("moods"), dtype=np.float32)
    return Snapshot(
        model_version=model_version,
        generation=generation,
        moods=moods,
        families=lay.family_scores(moods) if len(moods) else np.zeros((0, len(lay.families)), np.float32),
        **arrays,
    )
