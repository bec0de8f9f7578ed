"""How much of a fitted hybrid's skill rests on which features.

Two views: the shares of the deep and of the raw features as two groups
(``importance_shares``), and each deep feature's dependence on the inputs of
X (``input_attributions``), which carries the estimator's importances of the
deep features back to the columns of X.
"""

import numpy as np

from ._inputs import as_2d, is_pandas_frame

N_REPEATS = 5

#: Training rows on which the extractor's input attributions are measured,
#: fewer for wide X (at least ATTRIBUTION_MIN_ROWS) so that rows x inputs
#: stays within ATTRIBUTION_SAMPLES transformed samples.
ATTRIBUTION_ROWS = 200
ATTRIBUTION_MIN_ROWS = 20
ATTRIBUTION_SAMPLES = 20_000

#: Values per transform call while measuring them (bounds the memory used).
ATTRIBUTION_CHUNK = 2_000_000


def _scorer(estimator, classifier, n_classes):
    # Imported here to keep `import skdeepmine` cheap.
    from sklearn.metrics import accuracy_score, log_loss, r2_score

    if classifier and hasattr(estimator, "predict_proba"):
        labels = np.arange(n_classes)

        def score(features, y, weights):
            proba = estimator.predict_proba(features)
            return -log_loss(y, proba, sample_weight=weights, labels=labels)

    elif classifier:

        def score(features, y, weights):
            return accuracy_score(y, estimator.predict(features), sample_weight=weights)

    else:

        def score(features, y, weights):
            return r2_score(y, estimator.predict(features), sample_weight=weights)

    return score


def _frame_copies(frame, shuffles, order):
    """One copy of ``frame`` per set in ``shuffles``, those columns' rows put in ``order``.

    Column by column, so each column keeps its dtype (categories included).
    """
    import pandas as pd

    m = len(frame)
    data = {}
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        values = column.to_numpy()
        tiled = np.tile(values, len(shuffles))
        for copy, positions in enumerate(shuffles):
            if position in positions:
                tiled[copy * m:(copy + 1) * m] = values[order]
        data[position] = pd.Series(tiled, dtype=column.dtype)
    copies = pd.DataFrame(data)
    copies.columns = frame.columns
    return copies


def _shuffled(features, columns, order):
    """``features`` with the rows of ``columns`` (a slice) put in ``order``."""
    if is_pandas_frame(features):
        return _frame_copies(features, [range(features.shape[1])[columns]], order)
    shuffled = features.copy()
    shuffled[:, columns] = features[order, columns]
    return shuffled


def importance_shares(estimator, features, y, sample_weight, n_deep, *, classifier, n_classes=None):
    """Shares of importance of the first ``n_deep`` columns and of the rest.

    Grouped permutation importance: each group of columns is shuffled across
    rows as one block (so the group's joint information is destroyed, not
    one column at a time) and the drop of the estimator's score on its own
    training data is averaged over a few shuffles.  Log-loss for classifiers
    with probabilities, accuracy for other classifiers, R^2 for regressors.

    Returns ``(deep_share, raw_share)``, summing to 1, or two NaN when
    shuffling neither group changes the score (an estimator that ignores its
    input).
    """
    n_features = features.shape[1]
    if n_deep == n_features:
        return 1.0, 0.0
    if n_deep == 0:
        return 0.0, 1.0
    score = _scorer(estimator, classifier, n_classes)
    baseline = score(features, y, sample_weight)
    # A fixed seed: the shares are a property of the fitted model, not of luck.
    rng = np.random.RandomState(0)
    drops = []
    for columns in (slice(0, n_deep), slice(n_deep, n_features)):
        scores = []
        for _ in range(N_REPEATS):
            shuffled = _shuffled(features, columns, rng.permutation(len(features)))
            scores.append(score(shuffled, y, sample_weight))
        drops.append(max(baseline - float(np.mean(scores)), 0.0))
    total = sum(drops)
    if total <= 0:
        return float("nan"), float("nan")
    return drops[0] / total, drops[1] / total


def input_attributions(extractor, X):
    """How much each input value of X moves each deep feature, shares per feature.

    On up to ``ATTRIBUTION_ROWS`` training rows (a fixed random subset; fewer
    for wide X, see ``ATTRIBUTION_SAMPLES``), each
    input column of X (each value of a sample, for images and signals) is
    shuffled across the rows in turn, X's other columns kept, and the mean
    absolute change of every deep feature is measured.  Row ``k`` of the
    result, of shape (n_deep, n_inputs), divides deep feature ``k`` among the
    inputs in proportion to those changes (evenly if none moves it).
    """
    rng = np.random.RandomState(0)
    n_inputs = int(np.prod(np.shape(X)[1:]))
    n_rows = min(
        ATTRIBUTION_ROWS, max(ATTRIBUTION_MIN_ROWS, ATTRIBUTION_SAMPLES // n_inputs)
    )
    rows = np.sort(rng.permutation(len(X))[:n_rows])
    sample = _take(X, rows)
    m = len(rows)
    base = as_2d(extractor.transform(sample)).astype(np.float64)
    order = rng.permutation(m)
    changes = np.zeros((base.shape[1], n_inputs))
    per_call = max(1, ATTRIBUTION_CHUNK // (m * n_inputs))
    for start in range(0, n_inputs, per_call):
        columns = range(start, min(start + per_call, n_inputs))
        block = _shuffled_copies(sample, columns, order)
        moved = as_2d(extractor.transform(block)).astype(np.float64)
        moved = moved.reshape(len(columns), m, -1)
        changes[:, columns.start:columns.stop] = np.abs(moved - base).mean(axis=1).T
    totals = changes.sum(axis=1, keepdims=True)
    even = np.full_like(changes, 1.0 / n_inputs)
    return np.where(totals > 0, changes / np.where(totals > 0, totals, 1.0), even)


def _take(X, rows):
    if is_pandas_frame(X):
        return X.iloc[rows]
    return np.asarray(X)[rows]


def _shuffled_copies(sample, columns, order):
    """One copy of ``sample`` per column of ``columns``, that column shuffled."""
    m = len(sample)
    if is_pandas_frame(sample):
        import pandas as pd

        # One assignment per copy (not per column), each keeping its dtype.
        block = pd.concat([sample] * len(columns), ignore_index=True)
        for i, j in enumerate(columns):
            block.iloc[i * m:(i + 1) * m, j] = sample.iloc[order, j].to_numpy()
        return block
    flat = sample.reshape(m, -1)
    block = np.tile(flat, (len(columns), 1))
    for i, j in enumerate(columns):
        block[i * m:(i + 1) * m, j] = flat[order, j]
    return block.reshape((len(block),) + sample.shape[1:])
