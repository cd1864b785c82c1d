"""What a listener asks a playlist for: a strategy, its targets, style weights, constraints, diversity."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

__all__ = ["MAX_LENGTH", "PlaylistRequest"]

MAX_LENGTH = 200


@dataclass(frozen=True)
class PlaylistRequest:
    """Parameters of one generation. Names in ``moods``/``journey_*`` may be level-2 moods, level-3
    words or families; ``genres`` are the style sliders (genre -> weight in [0, 1])."""

    strategy: str = "mood"
    moods: dict[str, float] = field(default_factory=dict)
    point: tuple[float, float] | None = None  # a valence/arousal target
    genres: dict[str, float] = field(default_factory=dict)
    seeds: tuple[int, ...] = ()
    journey_from: str = ""
    journey_to: str = ""
    length: int = 30
    max_duration_s: float | None = None
    artist_spacing: int = 4  # the same artist never twice within this many consecutive tracks
    allow_speech: bool = False
    diversity: float = 0.3  # 0 = most relevant first, 1 = most varied (MMR lambda = 1 - 0.8 x diversity)
    personalise: bool = True
    model_version: str = ""
    exclude: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if not 1 <= self.length <= MAX_LENGTH:
            raise ValueError(f"length must be within 1..{MAX_LENGTH}")
        if self.artist_spacing < 1:
            raise ValueError("artist_spacing must be at least 1")
        if not 0.0 <= self.diversity <= 1.0:
            raise ValueError("diversity must be within 0..1")
        if self.max_duration_s is not None and self.max_duration_s <= 0:
            raise ValueError("max_duration_s must be positive")

    @property
    def mmr_lambda(self) -> float:
        # Never below 0.2: a fully "diverse" list that ignored relevance would not be the asked-for mood.
        return 1.0 - 0.8 * self.diversity

    def as_json(self) -> dict:
        data = asdict(self)
        data["seeds"] = list(self.seeds)
        data["exclude"] = list(self.exclude)
        data["point"] = list(self.point) if self.point else None
        return data
