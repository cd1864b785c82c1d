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
import psycopg

from catalog.choices import TrackStatus, Visibility
from recommender.models import ScoreGeneration, TrackScores
from recommender.services.layout import layout

__all__ = ["Snapshot", "column_mix", "default_model_version", "get_snapshot", "snapshot_from_arrays"]

NO_OWNER = -1  # the loader's owner for tracks without one


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


# The whole snapshot comes back as ONE bytea: a fixed-size binary record per track (numbers big-endian,
# as PostgreSQL's *send functions write them; the packed scores as stored), concatenated in track order.
# 100k tracks are then one value to transfer, one sort, and one np.frombuffer with a structured dtype,
# instead of 100k Python tuples.
_LOAD_SQL = """
SELECT count(*), string_agg(
    int8send(s.track_id) || s.moods || s.genres
    || float4send(s.valence::float4) || float4send(s.arousal::float4)
    || float4send(coalesce(s.tempo_bpm, 'NaN')::float4) || int2send(coalesce(s.key_index, -1)::int2)
    || int2send(s.is_speech::int::int2) || float4send(coalesce(t.duration_s, 0)::float4)
    || int8send(t.artist_id) || int8send(coalesce(t.owner_id, -1))
    || int2send((t.visibility = %s)::int::int2),
    '' ORDER BY s.track_id)
FROM {scores} s JOIN {tracks} t ON t.id = s.track_id
WHERE s.model_version = %s AND t.status = %s
"""


def _record_dtype(n_moods: int, n_genres: int) -> np.dtype:
    return np.dtype(
        [
            ("track_id", ">i8"),
            ("moods", "<f4", (n_moods,)),
            ("genres", "<f4", (n_genres,)),
            ("valence", ">f4"),
            ("arousal", ">f4"),
            ("tempo", ">f4"),
            ("key", ">i2"),
            ("is_speech", ">i2"),
            ("duration", ">f4"),
            ("artist", ">i8"),
            ("owner", ">i8"),
            ("public", ">i2"),
        ]
    )


def _load(model_version: str, generation: int) -> Snapshot:
    from django.db import connection

    from catalog.models import Track

    lay = layout()
    sql = _LOAD_SQL.format(scores=TrackScores._meta.db_table, tracks=Track._meta.db_table)
    connection.ensure_connection()
    # A server-binding binary cursor (Django's default client-side cursor cannot return binary): the bytea
    # arrives as raw bytes, not as hex text twice its size to decode.
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, [Visibility.PUBLIC, model_version, TrackStatus.ANALYZED], binary=True)
        n, packed = cursor.fetchone()
    records = np.frombuffer(bytes(packed or b""), dtype=_record_dtype(len(lay.moods), len(lay.genres)))
    assert len(records) == n, "a score row of unexpected size"
    return snapshot_from_arrays(
        model_version,
        generation,
        track_ids=records["track_id"].astype(np.int64),
        moods=records["moods"],
        genres=records["genres"].astype(np.float32),
        va=np.column_stack([records["valence"], records["arousal"]]).astype(np.float32).reshape(n, 2),
        tempo=records["tempo"].astype(np.float32),
        key=records["key"].astype(np.int16),
        is_speech=records["is_speech"].astype(bool),
        duration=records["duration"].astype(np.float32),
        artist=records["artist"].astype(np.int64),
        owner=records["owner"].astype(np.int64),
        public=records["public"].astype(bool),
    )


def column_mix(matrix: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``matrix @ weights`` over the non-zero weights only, column by column: a few vector operations
    instead of a BLAS matrix-vector product, whose thread pool costs more than the sum on a busy
    machine (measured: 18 ms against under 1 ms for 100k x 10)."""
    out = np.zeros(matrix.shape[0], dtype=np.float32)
    for column in np.flatnonzero(weights):
        out += np.float32(weights[column]) * matrix[:, column]
    return out


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
