"""Out-of-fold deep features: what the estimator learns on when ``cv`` is set."""

import numpy as np
from sklearn.base import clone
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import _check_method_params

from ._inputs import as_2d


def out_of_fold_features(cv, extractor, X, y, params, in_sample, *, classifier):
    """Deep features of each sample from an extractor that did not see it.

    Each fold's network learns its own coordinates (unit 3 of one network
    means nothing to another), so its features are mapped, by weighted
    least squares fitted on the fold's training rows, onto the coordinates
    of the final extractor, the one used to predict.  ``params`` holds the
    extractor's fit parameters and the splitter's (``groups``), as routed.
    """
    from sklearn.model_selection import check_cv

    splitter = check_cv(cv, y, classifier=classifier)
    weights = params["extractor"].get("sample_weight")
    weights = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    deep = np.zeros(in_sample.shape, dtype=np.result_type(in_sample, np.float32))
    tested = np.zeros(len(y), dtype=int)
    for train, test in splitter.split(X, y, **params["splitter"]):
        fold_params = _check_method_params(X, params["extractor"], indices=train)
        fold = clone(extractor).fit(_safe_indexing(X, train), y[train], **fold_params)
        embedded = _dense(fold.transform(X))
        mapping = _alignment(embedded[train], in_sample[train], weights[train])
        deep[test] = _with_bias(embedded[test]) @ mapping
        tested[test] += 1
    if not np.all(tested == 1):
        raise ValueError(
            "cv must split the samples into folds in which each sample is "
            "held out exactly once (a partition, as cross_val_predict needs); "
            f"got {cv!r}."
        )
    return deep


def _dense(features):
    return as_2d(features).astype(np.float64)


def _with_bias(features):
    return np.hstack([features, np.ones((len(features), 1), dtype=features.dtype)])


def _alignment(source, target, weights):
    """Affine map of ``source`` onto ``target`` by weighted least squares."""
    root = np.sqrt(np.asarray(weights, dtype=np.float64))[:, None]
    mapping, *_ = np.linalg.lstsq(_with_bias(source) * root, target * root, rcond=None)
    return mapping
