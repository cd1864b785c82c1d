"""A human-readable summary of `evaluate_bundle`'s metrics, one line per head."""

from __future__ import annotations

__all__ = ["format_report"]


def _f(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _tagging(name: str, metrics: dict) -> str:
    skipped = metrics["skipped"]
    note = f", skipped (one class): {', '.join(skipped)}" if skipped else ""
    return (
        f"{name:<12} ROC-AUC {_f(metrics['roc_auc_macro'])}  PR-AUC {_f(metrics['pr_auc_macro'])}"
        f"  ({len(metrics['per_label'])} labels, {metrics['n_clips']} clips{note})"
    )


def format_report(metrics: dict) -> str:
    """Lines: mood, mood family, genre (macro AUCs), speech, valence/arousal, retrieval."""
    speech, va, retrieval = metrics["speech"], metrics["va"], metrics["retrieval"]
    lines = [
        f"model {metrics.get('model_version', '?')} on {metrics['n_clips']} clips",
        _tagging("mood", metrics["mood"]),
        _tagging("mood family", metrics["mood_family"]),
        _tagging("genre", metrics["genre"]),
        f"{'speech':<12} accuracy {_f(speech['accuracy'])}  ROC-AUC {_f(speech['roc_auc'])}"
        f"  ({speech['n_clips']} clips)",
        f"{'valence':<12} MAE {_f(va['valence_mae'])}  r {_f(va['valence_r'])}  ({va['n_clips']} clips)",
        f"{'arousal':<12} MAE {_f(va['arousal_mae'])}  r {_f(va['arousal_r'])}",
        f"{'retrieval':<12} P@{retrieval['precision']['k']} {_f(retrieval['precision']['precision'])}"
        f"  MAP@{retrieval['map']['k']} {_f(retrieval['map']['map'])}"
        f"  triplet acc {_f(retrieval['triplet_accuracy']['accuracy'])}"
        f"  annoy recall@{retrieval['index_recall']['k']} {_f(retrieval['index_recall']['recall'])}",
    ]
    if "mfcc_baseline" in retrieval:
        baseline = retrieval["mfcc_baseline"]
        lines.append(f"{'baseline':<12} mean-MFCC P@{baseline['k']} {_f(baseline['precision'])}")
    for source, scores in metrics.get("retrieval_by_source", {}).items():
        precision, baseline = scores["precision"], scores.get("mfcc_baseline")
        versus = f"  vs mean-MFCC {_f(baseline['precision'])}" if baseline else ""
        lines.append(
            f"{source:<12} P@{precision['k']} {_f(precision['precision'])}{versus}"
            f"  triplet acc {_f(scores['triplet_accuracy']['accuracy'])}"
            f"  spread {_f(scores.get('spread'))}"
            f"  ({precision['queries']} clips, {scores['groups']} groups)"
        )
    return "\n".join(lines)
