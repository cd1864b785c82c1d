"""Recommendations and playlists: the query parameters and bodies (validated into the playlist service's
``PlaylistRequest``) and the answers (each track with its score and the service's reason)."""

from __future__ import annotations

import re

from rest_framework import serializers

from recommender.api.models.listeners import EXTERNAL_ID_PATTERN
from recommender.api.serializers.params import _ids
from recommender.api.serializers.tracks import TrackSummarySerializer
from recommender.api.services.recommendations import FEATURE_FIELDS, FeatureBounds, PlaylistAsk
from recommender.services.layout import layout
from recommender.services.playlists import PlaylistRequest
from recommender.services.playlists.request import MAX_LENGTH
from recommender.services.playlists.targets import resolve_target

__all__ = [
    "PlaylistCreateSerializer",
    "PlaylistSerializer",
    "RecommendationParams",
    "RecommendationsSerializer",
]

MAX_SEEDS = 10
FEATURE_RANGES = {
    "danceability": (0.0, 1.0),
    "energy": (0.0, 1.0),
    "speechiness": (0.0, 1.0),
    "valence": (0.0, 1.0),
    "tempo": (0.0, 400.0),
    "loudness": (-70.0, 10.0),
}
assert set(FEATURE_RANGES) == set(FEATURE_FIELDS)
_WEIGHTED = re.compile(r"\A(?P<name>[^:]+?)(?::(?P<weight>[0-9]*\.?[0-9]+))?\Z")


def _mood_name(name: str, *, family_only: bool = False) -> str:
    try:
        target = resolve_target(name)
    except KeyError:
        raise serializers.ValidationError(f"Unknown mood '{name}'; see GET /api/v1/moods.") from None
    if family_only and not target.is_family:
        raise serializers.ValidationError(
            f"'{name}' is not a mood family; see GET /api/v1/moods?level=family."
        )
    return target.name


def _genre_name(name: str) -> str:
    key = " ".join(name.replace("-", " ").split()).lower()
    for genre in layout().genres:
        if key in (genre, genre.replace("-", " ")):
            return genre
    raise serializers.ValidationError(f"Unknown genre '{name}'; see GET /api/v1/genres (top-level genres).")


def _weighted_list(value: str, *, family_only: bool = False) -> dict[str, float]:
    """``calm,dreamy:0.5`` -> ``{"calm": 1.0, "dreamy": 0.5}``."""
    out: dict[str, float] = {}
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        match = _WEIGHTED.match(part)
        weight = float(match["weight"]) if match and match["weight"] else 1.0
        if match is None or not 0.0 < weight <= 1.0:
            raise serializers.ValidationError(f"'{part}': use name or name:weight with a weight in (0, 1].")
        out[_mood_name(match["name"], family_only=family_only)] = weight
    if not out:
        raise serializers.ValidationError("Give at least one name.")
    return out


def _strategy(data: dict) -> str:
    """Which service strategy the parameters ask for; a combination the service cannot honour is a 400."""
    has_moods = bool(data.get("moods")) or data.get("point") is not None
    if data.get("journey"):
        if data.get("seeds") or has_moods:
            raise serializers.ValidationError(
                {"journey": ["A journey cannot be combined with seeds or moods."]}
            )
        return "journey"
    if data.get("seeds"):
        if has_moods:
            raise serializers.ValidationError(
                {"seed_tracks": ["Seed tracks cannot be combined with moods or a valence/arousal target."]}
            )
        return "seed"
    if not has_moods:
        raise serializers.ValidationError(
            {
                "non_field_errors": [
                    "Ask for at least one mood, family, target_valence/target_arousal, seed track or journey "
                    "(genres only steer a mood, they are not a mood)."
                ]
            }
        )
    return "mood"


def _ask(data: dict, bounds: dict) -> PlaylistAsk:
    journey = data.get("journey") or ("", "")
    try:
        return _build(data, bounds, journey)
    except ValueError as error:  # the request's own range checks; the fields above should catch them first
        raise serializers.ValidationError({"non_field_errors": [str(error)]}) from None


def _build(data: dict, bounds: dict, journey: tuple[str, str]) -> PlaylistAsk:
    return PlaylistAsk(
        request=PlaylistRequest(
            strategy=_strategy(data),
            moods=data.get("moods") or {},
            point=data.get("point"),
            genres=data.get("genres") or {},
            seeds=tuple(data.get("seeds") or ()),
            journey_from=journey[0],
            journey_to=journey[1],
            length=data["length"],
            max_duration_s=data.get("max_duration_s"),
            artist_spacing=data["artist_spacing"],
            allow_speech=data["allow_speech"],
            diversity=data["diversity"],
            personalise=data.get("personalise", True),
        ),
        bounds=FeatureBounds(bounds),
    )


class StrictSerializer(serializers.Serializer):
    """Refuses names it does not know: a misspelt ``min_tempo`` must not be silently ignored."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown parameter (see GET /api/v1/schema/)."] for name in unknown}
                )
        return super().to_internal_value(data)


def _bound_fields() -> dict[str, serializers.Field]:
    fields = {}
    for name, (low, high) in FEATURE_RANGES.items():
        for side in ("min", "max"):
            fields[f"{side}_{name}"] = serializers.FloatField(
                required=False, min_value=low, max_value=high, help_text=f"{side.title()}imum {name}."
            )
    return fields


def _bounds(data: dict) -> dict[str, tuple[float | None, float | None]]:
    bounds = {}
    for name in FEATURE_RANGES:
        low, high = data.get(f"min_{name}"), data.get(f"max_{name}")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({f"min_{name}": [f"Greater than max_{name}."]})
        if low is not None or high is not None:
            bounds[name] = (low, high)
    return bounds


class RecommendationParams(StrictSerializer):
    """``GET /recommendations``: Spotify's parameter names where the meaning is the same (docs/api.md)."""

    seed_tracks = serializers.CharField(
        required=False, help_text=f"Comma-separated track ids (at most {MAX_SEEDS})."
    )
    seed_genres = serializers.CharField(
        required=False, help_text="Comma-separated top-level genres; they steer the mood, see docs."
    )
    moods = serializers.CharField(
        required=False, help_text="Comma-separated moods, words or families, each optionally name:weight."
    )
    families = serializers.CharField(required=False, help_text="Comma-separated mood families (name:weight).")
    journey = serializers.CharField(required=False, help_text="from:to, two moods or families.")
    target_valence = serializers.FloatField(
        required=False, min_value=0.0, max_value=1.0, help_text="As Spotify's: 0 negative .. 1 positive."
    )
    target_arousal = serializers.FloatField(
        required=False, min_value=0.0, max_value=1.0, help_text="Moodmix: 0 calm .. 1 excited."
    )
    diversity = serializers.FloatField(required=False, default=0.3, min_value=0.0, max_value=1.0)
    limit = serializers.IntegerField(required=False, default=20, min_value=1, max_value=100)
    artist_spacing = serializers.IntegerField(required=False, default=4, min_value=1, max_value=20)
    allow_speech = serializers.BooleanField(required=False, default=False)
    market = serializers.CharField(required=False, max_length=8, help_text="Accepted and ignored.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_bound_fields())

    def validate_seed_tracks(self, value: str) -> list[int]:
        ids = _ids(value, allow_empty=False)
        if len(ids) > MAX_SEEDS:
            raise serializers.ValidationError(f"At most {MAX_SEEDS} seed tracks.")
        return ids

    def validate_seed_genres(self, value: str) -> dict[str, float]:
        names = [_genre_name(part) for part in value.split(",") if part.strip()]
        if not names:
            raise serializers.ValidationError("Give at least one genre.")
        return dict.fromkeys(names, 1.0)

    def validate_moods(self, value: str) -> dict[str, float]:
        return _weighted_list(value)

    def validate_families(self, value: str) -> dict[str, float]:
        return _weighted_list(value, family_only=True)

    def validate_journey(self, value: str) -> tuple[str, str]:
        parts = value.split(":")
        if len(parts) != 2 or not all(p.strip() for p in parts):
            raise serializers.ValidationError("Use from:to, e.g. tense:calm.")
        return _mood_name(parts[0].strip()), _mood_name(parts[1].strip())

    def validate(self, attrs: dict) -> dict:
        valence, arousal = attrs.get("target_valence"), attrs.get("target_arousal")
        point = None
        if valence is not None or arousal is not None:
            # The API's [0, 1] to the model's [-1, 1]; an axis not given stays at its middle.
            point = (
                2.0 * (0.5 if valence is None else valence) - 1.0,
                2.0 * (0.5 if arousal is None else arousal) - 1.0,
            )
        request = {
            "moods": {**attrs.get("moods", {}), **attrs.get("families", {})},
            "point": point,
            "genres": attrs.get("seed_genres", {}),
            "seeds": attrs.get("seed_tracks", []),
            "journey": attrs.get("journey"),
            "length": attrs["limit"],
            "artist_spacing": attrs["artist_spacing"],
            "allow_speech": attrs["allow_speech"],
            "diversity": attrs["diversity"],
        }
        attrs["ask"] = _ask(request, _bounds(attrs))
        return attrs


class JourneySerializer(StrictSerializer):
    start = serializers.CharField(help_text="The first mood or family.")
    end = serializers.CharField(help_text="The last mood or family.")

    def validate_start(self, value: str) -> str:
        return _mood_name(value)

    def validate_end(self, value: str) -> str:
        return _mood_name(value)


class MoodPointSerializer(StrictSerializer):
    valence = serializers.FloatField(min_value=-1.0, max_value=1.0)
    arousal = serializers.FloatField(min_value=-1.0, max_value=1.0)


class PlaylistConstraintsSerializer(StrictSerializer):
    length = serializers.IntegerField(required=False, default=30, min_value=1, max_value=MAX_LENGTH)
    max_duration_s = serializers.FloatField(required=False, min_value=1.0, allow_null=True)
    artist_spacing = serializers.IntegerField(required=False, default=4, min_value=1, max_value=20)
    allow_speech = serializers.BooleanField(required=False, default=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_bound_fields())


class PlaylistCreateSerializer(StrictSerializer):
    """``POST /playlists``: one of moods/families/point, seeds, or journey; constraints; optional listener."""

    name = serializers.CharField(required=False, max_length=120)
    moods = serializers.DictField(
        child=serializers.FloatField(min_value=0.0, max_value=1.0),
        required=False,
        help_text="Mood, word or family -> weight in [0, 1].",
    )
    families = serializers.ListField(child=serializers.CharField(), required=False, max_length=10)
    point = MoodPointSerializer(
        required=False, help_text="A target in the valence/arousal plane, each in [-1, 1]."
    )
    genres = serializers.DictField(
        child=serializers.FloatField(min_value=0.0, max_value=1.0),
        required=False,
        help_text="Top-level genre -> style weight in [0, 1].",
    )
    seeds = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=MAX_SEEDS
    )
    journey = JourneySerializer(required=False)
    diversity = serializers.FloatField(required=False, default=0.3, min_value=0.0, max_value=1.0)
    personalise = serializers.BooleanField(
        required=False, default=True, help_text="Use the listener's profile (a listener's playlists)."
    )
    constraints = PlaylistConstraintsSerializer(required=False)
    listener = serializers.RegexField(
        EXTERNAL_ID_PATTERN, required=False, help_text="Your id of the listener it is for (scope playlists)."
    )

    def validate_moods(self, value: dict) -> dict[str, float]:
        return {_mood_name(name): weight for name, weight in value.items() if weight > 0}

    def validate_families(self, value: list) -> dict[str, float]:
        return {_mood_name(name, family_only=True): 1.0 for name in value}

    def validate_genres(self, value: dict) -> dict[str, float]:
        return {_genre_name(name): weight for name, weight in value.items() if weight > 0}

    def validate(self, attrs: dict) -> dict:
        constraints = attrs.get("constraints") or PlaylistConstraintsSerializer().run_validation({})
        point = attrs.get("point")
        journey = attrs.get("journey")
        request = {
            "moods": {**attrs.get("moods", {}), **attrs.get("families", {})},
            "point": (point["valence"], point["arousal"]) if point else None,
            "genres": attrs.get("genres", {}),
            "seeds": list(dict.fromkeys(attrs.get("seeds", []))),
            "journey": (journey["start"], journey["end"]) if journey else None,
            "length": constraints["length"],
            "max_duration_s": constraints.get("max_duration_s"),
            "artist_spacing": constraints["artist_spacing"],
            "allow_speech": constraints["allow_speech"],
            "diversity": attrs["diversity"],
            "personalise": attrs["personalise"],
        }
        attrs["ask"] = _ask(request, _bounds(constraints))
        return attrs


class PlaylistItemSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    score = serializers.FloatField(help_text="The relevance the strategy gave the track.")
    reason = serializers.CharField(help_text="Why it was chosen, from the same numbers.")
    track = TrackSummarySerializer()


class RecommendationsSerializer(serializers.Serializer):
    strategy = serializers.CharField()
    model_version = serializers.CharField()
    items = PlaylistItemSerializer(many=True)


class PlaylistSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    strategy = serializers.CharField()
    model_version = serializers.CharField()
    listener = serializers.CharField(allow_null=True, help_text="Your id of the listener it is for.")
    request = serializers.DictField(help_text="The generator's parameters.")
    created = serializers.DateTimeField()
    items = PlaylistItemSerializer(many=True)
