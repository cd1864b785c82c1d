"""Small HTML pieces the admin pages share: the audio player, tag chips, confidence and review state.

Everything is built with ``format_html``/``format_html_join`` (escaped); the styles are in
``static/admin-moodmix/admin.css``. Mood chips take their family's colour, as everywhere in Moodmix;
editor tags carry a mark so editors see at a glance what a human has decided.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from catalog.models import Mood, Track, TrackAnalysis, TrackReview
from catalog.services.effective_tags import EffectiveTag

__all__ = ["confidence_meter", "player", "review_badge", "tag_chips", "term_colour"]

EMPTY = "-"


def player(track: Track) -> SafeString:
    """A compact audio player for the track's stored file (ranged, so seeking works). ``preload="none"``:
    a page of a hundred players must not fetch a hundred files."""
    return format_html(
        '<audio class="mm-player" controls preload="none" src="{}" aria-label="Play {}"></audio>',
        reverse("catalog:track-audio", args=[track.pk]),
        track.title,
    )


def term_colour(term) -> str:
    """The family colour of a mood, word or family (select ``parent__parent`` first); grey for genres."""
    return term.display_colour if isinstance(term, Mood) else "#8a8a8a"


def tag_chips(tags: Sequence[EffectiveTag], limit: int, *, threshold: float) -> SafeString:
    """The ``limit`` strongest tags scoring at least ``threshold`` as coloured chips with their score;
    editor tags are marked with a check and a title saying so."""
    shown = [tag for tag in tags if tag.score >= threshold][:limit]
    if not shown:
        return format_html('<span class="mm-muted">{}</span>', EMPTY)
    return format_html_join(
        " ",
        '<span class="mm-chip{}" style="--mm-colour: {}" title="{}">{}{} <small>{}</small></span>',
        (
            (
                " mm-chip--editor" if tag.is_editor else "",
                term_colour(tag.term),
                "set by an editor" if tag.is_editor else "predicted by the model",
                "\u2713 " if tag.is_editor else "",
                tag.term.name,
                f"{tag.score:.2f}",
            )
            for tag in shown
        ),
    )


def confidence_meter(analysis: TrackAnalysis | None) -> SafeString:
    """1 - the analysis' uncertainty, as a bar and a percentage (higher: the model is surer)."""
    if analysis is None:
        return format_html('<span class="mm-muted">{}</span>', EMPTY)
    confidence = 1.0 - analysis.uncertainty
    return format_html(
        '<meter class="mm-meter" min="0" max="1" low="0.4" high="0.7" optimum="1" value="{}"></meter> {}%',
        f"{confidence:.3f}",
        round(100 * confidence),
    )


def review_badge(review: TrackReview | None) -> SafeString:
    """ "reviewed by NAME on DATE" or "unreviewed"."""
    if review is None:
        return format_html('<span class="mm-badge mm-badge--todo">{}</span>', "unreviewed")
    who = review.reviewer.get_username() if review.reviewer else "a former editor"
    return format_html(
        '<span class="mm-badge mm-badge--done" title="{}">reviewed</span> <small>{}</small>',
        review.reviewed_at.isoformat(timespec="minutes"),
        who,
    )
