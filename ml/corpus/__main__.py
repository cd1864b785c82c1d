"""Command line: `python -m ml.corpus build|validate|demo-tracks ...` (see docs/corpus.md)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ml.corpus.build import build_corpus
from ml.corpus.demo import demo_tracks
from ml.corpus.manifest import validate_manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml.corpus", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build (or resume) the training corpus")
    build.add_argument("--out", type=Path, default=Path("var/corpus"))
    build.add_argument("--quick", action="store_true", help="a tiny corpus without downloads, for tests")
    build.add_argument("--seed", type=int, default=0)
    build.add_argument("--jobs", type=int, default=2, help="parallel FluidSynth renders")
    build.add_argument(
        "--rendered",
        type=int,
        help="rendered pieces (default 1452); plans are prefix-stable, so N keeps the first N pieces",
    )
    check = sub.add_parser("validate", help="check a manifest against the contract")
    check.add_argument("manifest", type=Path)
    demo = sub.add_parser("demo-tracks", help="copy tagged real soundtrack music for the demo catalogue")
    demo.add_argument("--out", type=Path, required=True)
    demo.add_argument("--count", type=int, default=36)
    args = parser.parse_args(argv)

    if args.command == "build":
        stats = build_corpus(
            args.out, quick=args.quick, seed=args.seed, jobs=args.jobs, rendered=args.rendered
        )
        print(json.dumps(stats, indent=1))
        return 0
    if args.command == "validate":
        problems = validate_manifest(args.manifest)
        print("\n".join(problems) if problems else f"{args.manifest}: OK")
        return 1 if problems else 0
    written = demo_tracks(args.out, args.count)
    print(f"{len(written)} demo tracks in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
