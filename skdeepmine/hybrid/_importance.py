"""How much of a fitted estimator's skill rests on the deep and on the raw features."""

import numpy as np

N_REPEATS = 5


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
            shuffled = features.copy()
            shuffled[:, columns] = features[rng.permutation(len(features)), columns]
            scores.append(score(shuffled, y, sample_weight))
        drops.append(max(baseline - float(np.mean(scores)), 0.0))
    total = sum(drops)
    if total <= 0:
        return float("nan"), float("nan")
    return drops[0] / total, drops[1] / total
