"""Template filters for how the catalogue shows numbers to people."""

from django import template

__all__ = ["duration"]

register = template.Library()


@register.filter
def duration(seconds: float | None) -> str:
    """Seconds as a clock reading: 185.4 -> "3:05", 3725 -> "1:02:05"; empty when unknown."""
    if seconds is None:
        return ""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
