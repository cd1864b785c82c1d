"""The offline training corpus: audio this project can make or fetch without any data-set download.

`python -m ml.corpus build --out var/corpus [--quick] [--seed 0]` writes FLAC clips (mono, 22050 Hz) and
`manifest.jsonl` (format: ml/ interface contract, `manifest.py`) from three sources:

1. `rendered`: MIDI composed in code with controlled emotional cues (`cues`, `compose`) and genre styles
   (`styles`), rendered by FluidSynth (`render`, `rendered`); mood, genre and valence/arousal labels;
2. `speech` / `mix`: Asterisk telephony prompts and espeak-ng speech, alone or over music (`speech`);
3. `soundtrack`: real game soundtracks from Debian packages, split by package (`soundtracks`).

`python -m ml.corpus demo-tracks --out DIR` copies tagged soundtrack music for the demo catalogue
(`demo`). See docs/corpus.md for label derivation, licences, split policy and sizes.
"""
