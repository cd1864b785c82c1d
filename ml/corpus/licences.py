"""LICENCES.md for the corpus and the demo tracks: every source, its licence, and the verbatim Debian
copyright file of each package the audio came from."""

from __future__ import annotations

from pathlib import Path

from ml.corpus.rendered import RENDERED_LICENCE
from ml.corpus.speech import ESPEAK_LICENCE

__all__ = ["write_licences"]

SOUNDFONT_COPYRIGHT = Path("/usr/share/doc/fluid-soundfont-gm/copyright")


def _verbatim(title: str, text: str) -> list[str]:
    return [f"<details><summary>{title}</summary>", "", "```", text.strip(), "```", "", "</details>", ""]


def write_licences(
    path: Path,
    soundtracks: dict[str, tuple[str, str, str]],
    asterisk: dict[str, str],
    *,
    generated: bool = True,
) -> None:
    """`soundtracks`: package -> (title, licence summary, copyright text); `asterisk`: package -> text."""
    lines = ["# Licences of the Moodmix corpus audio", ""]
    if generated:
        lines += [
            "## Rendered music (source `rendered`)",
            "",
            f"{RENDERED_LICENCE}.",
            "",
            *_verbatim(
                "fluid-soundfont-gm copyright",
                SOUNDFONT_COPYRIGHT.read_text() if SOUNDFONT_COPYRIGHT.exists() else "not installed",
            ),
            "## Synthetic speech (source `speech`/`mix`, espeak-ng)",
            "",
            f"{ESPEAK_LICENCE}.",
            "",
        ]
    for package, text in asterisk.items():
        lines += [f"## Recorded speech: Debian package `{package}`", "", *_verbatim("copyright", text)]
    for package, (title, licence, text) in soundtracks.items():
        lines += [
            f"## {title}: Debian package `{package}`",
            "",
            f"Music licence (summary from the copyright file): **{licence}**",
            "",
            *_verbatim("copyright", text),
        ]
    path.write_text("\n".join(lines))
