"""``{% track_analysis track %}``: the model analysis panel of a track page (catalog/_analysis.html).

Effective moods with their family colours (editors' verdicts marked), derived family scores, genres, a
mood timeline drawn as SVG on the server from the per-window scores, the audio features, and the
"speech detected" flag. Five queries whatever the number of tags.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from catalog.models import AudioFeatures, Mood, Track, TrackAnalysis
from catalog.services.effective_tags import (
    EffectiveTag,
    effective_families,
    effective_genres,
    effective_moods,
)

__all__ = ["TimelineColumn", "TimelineStack", "timeline_columns", "track_analysis"]

register = template.Library()

SHOWN_MOODS = 8
SHOWN_GENRES = 3
SHOWN_SCORE_MIN = 0.25
"""Moods and genres scoring less are not shown as the track's (the family bars still show everything)."""
TIMELINE_HEIGHT = 100
KEY_CONFIDENCE_MIN = 0.6
"""Below this correlation the key is "no clear tonal centre" (docs/audio-features.md)."""


@dataclass(frozen=True)
class TimelineStack:
    """One family's share of a timeline column, as an SVG rect (y grows downwards)."""

    family: str
    colour: str
    share: float
    y: float
    height: float


@dataclass(frozen=True)
class TimelineColumn:
    x: float
    width: float
    start_s: float
    end_s: float
    stacks: list[TimelineStack]


@register.inclusion_tag("catalog/_analysis.html")
def track_analysis(track: Track) -> dict:
    analysis = TrackAnalysis.objects.filter(track=track).first()
    moods = effective_moods(track)
    families = effective_families(moods)
    genres = effective_genres(track)
    features = AudioFeatures.objects.filter(track=track).first()
    return {
        "track": track,
        "analysis": analysis,
        "features": features,
        "key_is_clear": features is not None
        and bool(features.key)
        and features.key_confidence >= KEY_CONFIDENCE_MIN,
        "moods": _shown(moods, SHOWN_MOODS),
        "removed_moods": [tag for tag in moods if tag.is_editor and tag.score == 0],
        "families": families,
        "genres": _shown(genres, SHOWN_GENRES),
        "removed_genres": [tag for tag in genres if tag.is_editor and tag.score == 0],
        "timeline": timeline_columns(analysis, families) if analysis else [],
        "window_s": _window_seconds(analysis),
        "timeline_height": TIMELINE_HEIGHT,
        "shown_min": SHOWN_SCORE_MIN,
    }


def timeline_columns(analysis: TrackAnalysis, families: list[EffectiveTag]) -> list[TimelineColumn]:
    """One column per analysis window, spanning halfway to its neighbours' centres, stacked by family share.

    A family's strength in a window is the max of its moods' scores there (as for the whole track); the
    stack shows each family's share of the column's total, families in taxonomy order so colours keep
    their place from column to column. x and width are in seconds.
    """
    labels = analysis.timeline.get("moods", [])
    windows = analysis.timeline.get("windows", [])
    if not windows:
        return []
    family_of = _families_of(labels)
    order = sorted({family.pk: family for family in family_of.values()}.values(), key=lambda f: f.pk)
    centres = [(start + end) / 2 for start, end, _ in windows]
    bounds = [0.0] + [(a + b) / 2 for a, b in zip(centres, centres[1:], strict=False)] + [windows[-1][1]]
    columns = []
    for index, (_, _, scores) in enumerate(windows):
        strength: dict[int, float] = {}
        for label, score in zip(labels, scores, strict=True):
            family = family_of.get(label)
            if family is not None:
                strength[family.pk] = max(strength.get(family.pk, 0.0), score)
        total = sum(strength.values()) or 1.0
        stacks, y = [], 0.0
        for family in order:
            share = strength.get(family.pk, 0.0) / total
            height = share * TIMELINE_HEIGHT
            stacks.append(TimelineStack(family.name, family.colour, share, round(y, 3), round(height, 3)))
            y += height
        start, end = bounds[index], bounds[index + 1]
        columns.append(TimelineColumn(round(start, 3), round(end - start, 3), start, end, stacks))
    return columns


def _shown(tags: list[EffectiveTag], limit: int) -> list[EffectiveTag]:
    """The strongest ``limit`` tags above ``SHOWN_SCORE_MIN``, plus every tag an editor confirmed or added."""
    strong = [tag for tag in tags if tag.score >= SHOWN_SCORE_MIN and not tag.is_editor][:limit]
    confirmed = [tag for tag in tags if tag.is_editor and tag.score > 0]
    return sorted(confirmed + strong, key=lambda tag: -tag.score)


def _window_seconds(analysis: TrackAnalysis | None) -> float | None:
    windows = analysis.timeline.get("windows") if analysis else None
    return windows[0][1] - windows[0][0] if windows else None


def _families_of(labels: list[str]) -> dict[str, Mood]:
    """Level-2 label -> its family row (labels no longer in the tables are left out of the drawing)."""
    rows = Mood.objects.moods().filter(name__in=labels).select_related("parent")
    return {row.name: row.parent for row in rows}
