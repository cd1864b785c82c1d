"""Held-out real recordings for honest selection and testing (moodmix-v2).

- Validation soundtracks: the clips of `ml.corpus.pool.POOL_VAL` packages (never in the self-supervised
  pool), so validation holds three real soundtrack packages (with freedroidrpg-data) and selection can
  measure same-soundtrack retrieval and spread on music no training step heard.
- Validation speaker: Dutch dialogue of Fish Fillets NG (fillets-ng-data-nl), in no other split.
- Test speaker: Czech dialogue of Fish Fillets NG (fillets-ng-data-cs), in no other split, so "music vs
  speech including an unseen real speaker" is measured on the test split.
- More real voices for the train split (moodmix-v2 heard the unseen voices as music too often with only
  one real speaker in training): Colombian Spanish prompts (asterisk-prompt-es-co), the two Mandarin
  syllable voices of gcin-voice, and KLettres' letters and syllables in 16 languages. Not KLettres' French,
  Italian and Russian (kept for evaluation), nor its Czech and Dutch: the val and test languages stay
  unheard in training.

Speech clips join dialogue lines with short pauses into clips of 10-20 s, as the Asterisk clips do.
`extend_manifest` appends these records to a corpus manifest as `manifest-v2.jsonl` beside it.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from ml.corpus.clipio import SAMPLE_RATE, read_segment, write_clip
from ml.corpus.cues import ADDED_MOODS
from ml.corpus.debian import cache_dir, copyright_text
from ml.corpus.manifest import ClipRecord, write_manifest
from ml.corpus.pool import POOL, POOL_VAL, _tracks_of, fetch_pinned
from ml.corpus.rendered import in_rendered_prefix

__all__ = ["SPEAKERS", "Speaker", "heldout_records", "extend_manifest"]

CLIP_S = 15.0
CLIPS_PER_TRACK = 3
SPEECH_CLIPS = 24


@dataclass(frozen=True)
class Speaker:
    """Real voices of one Debian package (or one voice of it): recorded lines joined into speech clips.

    `patterns` are globs under the unpacked package; a line whose path has a folder named in `exclude`
    is left out (languages kept for evaluation or held by another split)."""

    package: str
    version: str
    split: str
    patterns: tuple[str, ...]
    language: str
    licence: str
    clips: int = SPEECH_CLIPS
    exclude: tuple[str, ...] = ()


_FILLETS = "usr/share/games/fillets-ng/sound/*/{}/*.ogg"
_GCIN = "Mandarin syllables, Debian package gcin-voice"
# name -> speaker; the name keys the clips' folder and seed (so adding speakers changes no other clip).
SPEAKERS: dict[str, Speaker] = {
    "fillets-ng-data-nl": Speaker(
        "fillets-ng-data-nl", "1.0.1-1.1", "val", (_FILLETS.format("nl"),), "nl",
        "GPL-2 (Fish Fillets NG nl voices, Debian package fillets-ng-data-nl)",
    ),
    "fillets-ng-data-cs": Speaker(
        "fillets-ng-data-cs", "1.0.1-1.1", "test", (_FILLETS.format("cs"),), "cs",
        "GPL-2 (Fish Fillets NG cs voices, Debian package fillets-ng-data-cs)",
    ),
    "asterisk-prompt-es-co": Speaker(
        "asterisk-prompt-es-co", "0.20070403-2.1", "train",
        ("usr/share/asterisk/sounds/es/*.gsm", "usr/share/asterisk/sounds/es/digits/*.gsm"), "es-CO",
        "GPL (Colombian Spanish Asterisk prompts, Debian package asterisk-prompt-es-co)", clips=36,
    ),
    "gcin-voice-3": Speaker(
        "gcin-voice", "0~20170223-3", "train", ("usr/share/gcin-voice/ogg/*/3.ogg",), "zh",
        f"GPL-3 or LGPL-3 (Edward Der-Hua Liu; {_GCIN})", clips=24,
    ),
    "gcin-voice-5": Speaker(
        "gcin-voice", "0~20170223-3", "train", ("usr/share/gcin-voice/ogg/*/5.ogg",), "zh",
        f"CC-BY-3.0 (ChionMeilin voice bank, vocal source Chu Lo; {_GCIN})", clips=24,
    ),
    "klettres-data": Speaker(
        "klettres-data", "4:22.12.3-1", "train",
        ("usr/share/klettres/*/alpha/*.ogg", "usr/share/klettres/*/syllab/*.ogg"), "16 languages",
        "GPL-2+ (KLettres letters and syllables, Debian package klettres-data)", clips=60,
        exclude=("fr", "it", "ru", "cs", "nl"),
    ),
}  # fmt: skip


def _lines(speaker: Speaker, root: Path) -> list[Path]:
    found = {path for pattern in speaker.patterns for path in root.glob(pattern)}
    return sorted(p for p in found if not set(p.relative_to(root).parts[:-1]) & set(speaker.exclude))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _soundtrack_clips(out: Path, cache: Path) -> list[ClipRecord]:
    records = []
    for package in POOL_VAL:
        for track in _tracks_of(POOL[package], cache):
            name = _slug(Path(track.path).stem)
            lo, hi = 0.1 * track.duration, 0.9 * track.duration - CLIP_S
            starts = (
                np.linspace(lo, hi, CLIPS_PER_TRACK) if hi > lo else [max(0.0, (track.duration - CLIP_S) / 2)]
            )
            for index, start in enumerate(starts):
                rel = Path("heldout") / package / f"{name}-{index}.flac"
                if not (out / rel).exists():
                    write_clip(out / rel, read_segment(Path(track.path), float(start), CLIP_S))
                records.append(
                    ClipRecord(
                        path=str(rel), source="soundtrack", piece=f"{package}/{name}", group=package,
                        split="val", moods=None, genres=None, valence=None, arousal=None, speech=0,
                        licence=f"{track.licence} (Debian package {package}; see LICENCES-heldout.md)",
                        duration=round(sf.info(str(out / rel)).duration, 2),
                        meta={"track": Path(track.path).name, "start_s": round(float(start), 2)},
                    )
                )  # fmt: skip
    return records


def _speech_clips(out: Path, cache: Path, seed: int, train_voices: bool = True) -> list[ClipRecord]:
    records = []
    for name, speaker in SPEAKERS.items():
        if speaker.split == "train" and not train_voices:
            continue
        root = fetch_pinned(speaker.package, speaker.version, cache)
        lines = _lines(speaker, root)
        rng = np.random.default_rng([seed, 12, sum(map(ord, name))])
        order = rng.permutation(len(lines))
        cursor = 0
        for index in range(speaker.clips):
            rel = Path("heldout") / name / f"speech-{index:03d}.flac"
            target_s = float(rng.uniform(10.0, 20.0))
            parts: list[np.ndarray] = []
            used: list[str] = []
            while sum(p.size for p in parts) < target_s * SAMPLE_RATE and cursor < len(order):
                line = lines[order[cursor]]
                cursor += 1
                parts += [read_segment(line), np.zeros(int(rng.uniform(0.2, 0.8) * SAMPLE_RATE), np.float32)]
                used.append(line.name)
            if not parts:
                break
            if not (out / rel).exists():
                write_clip(out / rel, np.concatenate(parts)[: int(20.0 * SAMPLE_RATE)])
            records.append(
                ClipRecord(
                    path=str(rel), source="speech", piece=f"{name}/{index}", group="speech",
                    split=speaker.split, moods=None, genres=None, valence=None, arousal=None, speech=1,
                    licence=speaker.licence, duration=round(sf.info(str(out / rel)).duration, 2),
                    meta={"lines": used, "speaker": name, "language": speaker.language},
                )
            )  # fmt: skip
    return records


def heldout_records(
    out: Path, cache: Path | None = None, seed: int = 0, train_voices: bool = True
) -> list[ClipRecord]:
    """Write (or reuse) the held-out clips under `out/heldout/` and return their records (without the
    extra training voices when `train_voices` is false: the manifest the shipped moodmix-v2 used)."""
    cache = cache or cache_dir()
    return _soundtrack_clips(out, cache) + _speech_clips(out, cache, seed, train_voices)


def extend_manifest(
    corpus: Path,
    cache: Path | None = None,
    seed: int = 0,
    rendered: int | None = None,
    train_voices: bool = True,
    added_moods: bool = True,
    target: Path | None = None,
) -> Path:
    """`corpus/manifest.jsonl` plus the held-out records -> `target` (default `corpus/manifest-v2.jsonl`,
    in the corpus folder: its paths are relative to it); also writes `LICENCES-heldout.md` with the
    packages' copyright files. Returns the new manifest's path.

    `rendered` keeps only rendered pieces 0..N-1 (`rendered-NNNN`), so a corpus built in full (`make
    corpus`) gives the same labelled clips as one built with `--rendered N` (moodmix-v2 used 800).
    `added_moods=False` gives the 33-mood corpus moodmix-v1 to v2.1 were trained on: no added-mood
    pieces, and no added mood among any clip's labels."""
    cache = cache or cache_dir()
    records = heldout_records(corpus, cache, seed, train_voices)
    lines = (corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    if rendered is not None or not added_moods:
        lines = [_kept(line, rendered, added_moods) for line in lines]
    base = "".join(line for line in lines if line)
    target = target or corpus / "manifest-v2.jsonl"
    partial = target.with_suffix(".part")
    write_manifest(records, partial)
    target.write_text(base + partial.read_text(encoding="utf-8"), encoding="utf-8")
    partial.unlink()
    texts = [
        f"## {p}\n\n```\n{copyright_text(cache / 'unpacked' / p, p)}\n```\n"
        for p in dict.fromkeys(
            (*POOL_VAL, *(s.package for s in SPEAKERS.values() if train_voices or s.split != "train"))
        )
    ]
    (corpus / "LICENCES-heldout.md").write_text("# Held-out recordings\n\n" + "\n".join(texts))
    return target


def _kept(line: str, rendered: int | None, added_moods: bool) -> str:
    """The manifest line as kept under `rendered` and `added_moods` ("" when its clip is dropped)."""
    record = json.loads(line)
    if record["source"] == "rendered" and (
        (rendered is not None and not in_rendered_prefix(record["piece"], rendered))
        or (not added_moods and record["meta"].get("target_mood") in ADDED_MOODS)
    ):
        return ""
    if added_moods or not record.get("moods"):
        return line
    record["moods"] = [m for m in record["moods"] if m not in ADDED_MOODS]
    return json.dumps(record, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ml.corpus.heldout", description=extend_manifest.__doc__)
    parser.add_argument("corpus", type=Path, nargs="?", default=Path("var/corpus"))
    parser.add_argument("--rendered", type=int, help="keep rendered pieces 0..N-1 only (moodmix-v2: 800)")
    parser.add_argument("--no-train-voices", action="store_true", help="no extra real voices in train")
    parser.add_argument("--no-added-moods", action="store_true", help="the 33-mood manifest (v1 to v2.1)")
    parser.add_argument("--name", default="manifest-v2.jsonl", help="file name, in the corpus folder")
    args = parser.parse_args(argv)
    path = extend_manifest(
        args.corpus,
        rendered=args.rendered,
        train_voices=not args.no_train_voices,
        added_moods=not args.no_added_moods,
        target=args.corpus / args.name,
    )
    print(json.dumps({"manifest": str(path)}))


if __name__ == "__main__":
    main()
