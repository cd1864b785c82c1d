"""Evaluation as library code: typed functions that return plain dicts of metrics.

- `tagging`: macro ROC-AUC / PR-AUC per multi-label head, mood-family AUC, binary head accuracy.
- `regression`: valence/arousal MAE and Pearson r.
- `retrieval`: triplet accuracy, precision@k and MAP@k by group, approximate-index recall@k.
- `baseline`: mean-MFCC retrieval baseline.
- `bundle`: `evaluate_bundle(bundle, entries)` runs inference and all of the above. Import it from
  `ml.evaluation.bundle`: this package exposes only the metric functions, which need neither the
  audio front end nor the models.
"""

from ml.evaluation.regression import pearson_r, va_metrics
from ml.evaluation.retrieval import (
    annoy_neighbours,
    exact_neighbours,
    map_at_k,
    precision_at_k,
    recall_at_k,
    triplet_accuracy,
)
from ml.evaluation.tagging import binary_metrics, family_auc, family_scores, multilabel_auc

__all__ = [
    "multilabel_auc",
    "family_auc",
    "family_scores",
    "binary_metrics",
    "va_metrics",
    "pearson_r",
    "triplet_accuracy",
    "precision_at_k",
    "map_at_k",
    "exact_neighbours",
    "annoy_neighbours",
    "recall_at_k",
]
