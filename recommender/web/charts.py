"""Geometry of the profile's SVG bar chart, computed in Python so the template only draws."""

from __future__ import annotations

from dataclasses import dataclass

from recommender.services.profiles.summary import FamilyShare

__all__ = ["Bar", "family_bars"]

ROW = 26
LABEL_WIDTH = 90
BAR_WIDTH = 280


@dataclass(frozen=True)
class Bar:
    name: str
    colour: str
    y: int
    width: float
    prior_x: float
    label_x: float
    share_pct: int
    prior_pct: int


def family_bars(families: list[FamilyShare]) -> tuple[list[Bar], int]:
    """One bar per family (the listener's share) with a tick at the catalogue's share; scaled so the
    largest of either fills the width. Returns the bars and the chart height."""
    top = max([f.share for f in families] + [f.prior for f in families] + [1e-9])
    bars = [
        Bar(
            name=f.name,
            colour=f.colour,
            y=i * ROW,
            width=round(BAR_WIDTH * f.share / top, 1),
            prior_x=round(LABEL_WIDTH + BAR_WIDTH * f.prior / top, 1),
            label_x=round(LABEL_WIDTH + BAR_WIDTH * max(f.share, f.prior) / top + 6, 1),
            share_pct=round(100 * f.share),
            prior_pct=round(100 * f.prior),
        )
        for i, f in enumerate(families)
    ]
    return bars, ROW * len(families)
