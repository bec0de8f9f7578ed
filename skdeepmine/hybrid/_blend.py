"""The blend: the extractor's own network head and the estimator, weighted on held-out rows.

A tree on deep features that its own training rows made lets the tree trust
them too much (``benchmarks/bench_hybrid.py``: on the planted-interaction
table, HistGradientBoosting on [in-sample deep | raw] features scored 70 %
against 87.5 % on the raw ones); out-of-fold features cost one network per
fold.  The blend needs one network: it is trained on one split of the rows
(less a tenth it stops early on), the estimator on the same split, and the
weight of the network's predictions is the one that scores best on the
held-out rows, which neither trains on.
The part with the larger weight then learns from all rows.
"""

import numpy as np
from sklearn.base import clone
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import _check_method_params

from ..core._validation import validate_X
from ..features import NeuralFeatureExtractor
from ..core._moments import weighted_moments

#: The network weights tried: 0 (the estimator alone) to 1 (the network alone).
WEIGHTS = np.round(np.linspace(0.0, 1.0, 11), 1)


def has_network_head(extractor):
    """Whether the blend can use ``extractor``'s network: a NeuralFeatureExtractor's."""
    return isinstance(extractor, NeuralFeatureExtractor) and extractor.model is None


def resolve_strategy(hybrid, estimator):
    """The hybrid's ``strategy`` with "auto" resolved, for ``estimator`` (None: the default).

    "auto" blends when the default network is used (``extractor=None``, whose
    head the blend needs), with ``passthrough``, a ``cv`` to hold rows out
    and, for classifiers, an estimator with ``predict_proba``.
    """
    if hybrid.strategy != "auto":
        return hybrid.strategy
    blends = (
        hybrid.extractor is None and hybrid.passthrough and hybrid.cv is not None
        and (
            hybrid._kind == "regressor" or estimator is None
            or hasattr(estimator, "predict_proba")
        )
    )
    return "blend" if blends else "features"


def holdout_split(cv, X, y, splitter_params, *, classifier, seed):
    """The first split of ``cv``: (rows to train on, rows to choose the weight on).

    An int means that many shuffled (stratified, for classifiers) folds,
    seeded by ``seed``, so that rows stored in some order (by class, by
    time) do not all fall into the held-out part.
    """
    from numbers import Integral

    from sklearn.model_selection import KFold, StratifiedKFold, check_cv

    if isinstance(cv, Integral):
        folds = StratifiedKFold if classifier else KFold
        splitter = folds(int(cv), shuffle=True, random_state=seed)
        try:
            return next(splitter.split(X, y))
        except ValueError:  # a class too small to stratify
            if not classifier:
                raise
            return next(KFold(int(cv), shuffle=True, random_state=seed).split(X, y))
    splitter = check_cv(cv, y, classifier=classifier)
    return next(splitter.split(X, y, **splitter_params))


def _score(y, predictions, weights, classifier):
    """Higher is better: (accuracy, -log-loss) for probabilities, -MSE for values."""
    if classifier:
        correct = predictions.argmax(axis=1) == y
        accuracy = np.average(correct, weights=weights)
        picked = np.clip(predictions[np.arange(len(y)), y], 1e-12, 1.0)
        return accuracy, np.average(np.log(picked), weights=weights)
    return (-np.average((predictions - y) ** 2, weights=weights),)


#: Significance level of McNemar's test that one part alone is right on more
#: held-out rows than the other; below it, that part is kept alone.
DOMINANCE_LEVEL = 1e-3


def dominant_part(network, estimator, y, weights):
    """1.0 (the network) or 0.0 (the estimator) if one part clearly beats the other, else None.

    McNemar's exact test on the held-out rows where one part is right and the
    other wrong: a part is dominant where such rows favour it at the level
    ``DOMINANCE_LEVEL``.  A row of sample weight ``k`` counts as ``k`` rows
    (rounded), as a weight means in scikit-learn.
    """
    from scipy.stats import binomtest

    network_right = network.argmax(axis=1) == y
    estimator_right = estimator.argmax(axis=1) == y
    row_weights = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    wins = int(round(row_weights[network_right & ~estimator_right].sum()))
    losses = int(round(row_weights[estimator_right & ~network_right].sum()))
    if wins + losses == 0 or binomtest(wins, wins + losses).pvalue >= DOMINANCE_LEVEL:
        return None
    return 1.0 if wins > losses else 0.0


def choose_weight(network, estimator, y, weights, *, classifier):
    """The network's weight in ``WEIGHTS`` whose blend scores best on held-out rows.

    Classifiers: where one part is right on significantly more held-out rows
    than the other (``dominant_part``), that part alone.  Otherwise the best
    weighted accuracy; among weights of equal accuracy the one nearest 0.5,
    then the best log-loss.  Averaging two models that agree on the held-out
    rows costs nothing there and halves the variance of each, and on a few
    dozen held-out rows (wine) the log-loss picked the over-confident trees
    where both parts were right.  But where one part is far behind (the
    network on the planted-interaction table, right on 63 % of the held-out
    rows against the trees' 85 %),
    a weight of 0.1 or 0.2 ties with 0 on the held-out rows and still costs
    accuracy on new rows (``benchmarks/bench_hybrid.py``).  Regressors: the
    lowest weighted squared error.
    """
    if classifier:
        dominant = dominant_part(network, estimator, y, weights)
        if dominant is not None:
            return dominant

    def score(w):
        accuracy, *rest = _score(y, w * network + (1 - w) * estimator, weights, classifier)
        return (accuracy, -abs(w - 0.5), *rest)

    scores = [score(w) for w in WEIGHTS]
    return float(WEIGHTS[max(range(len(WEIGHTS)), key=scores.__getitem__)])


def class_columns(proba, classes, n_classes):
    """``proba`` of a model that saw only ``classes`` (encoded), as ``n_classes`` columns."""
    full = np.zeros((len(proba), n_classes))
    full[:, np.asarray(classes, dtype=int)] = proba
    return full


def fit_blend(hybrid, parts, X, y, params, sample_weight, seed):
    """Fit the parts of a blend; return (extractor_, estimator_, weight, held-out rows).

    ``hybrid`` gives the network's and estimator's predictions
    (``_network_output``, ``_estimator_output``); ``params`` the routed fit
    parameters of each part and of the splitter.
    """
    classifier = hybrid._kind == "classifier"
    train, held = holdout_split(
        hybrid.cv, X, y, params["splitter"], classifier=classifier, seed=seed
    )
    X_train, X_held = _safe_indexing(X, train), _safe_indexing(X, held)
    fold = _check_method_params(X, params["extractor"], indices=train)
    if hybrid.extractor is None:
        extractor = _network_stopping_early(
            hybrid, parts["extractor"], X_train, y[train], fold, seed
        )
    else:
        extractor = clone(parts["extractor"]).fit(X_train, y[train], **fold)
        hybrid._set_target_moments(y[train], fold.get("sample_weight"))
    probe = parts["estimator"]
    probe_params = _check_method_params(X, params["estimator"], indices=train)
    # HistGradientBoosting refuses validation labels it has not trained on.
    if hybrid.estimator is None and (not classifier or np.isin(y[held], y[train]).all()):
        probe, probe_params = _stopping_early_on(
            probe, probe_params, X_held, y[held],
            _check_method_params(X, params["estimator"], indices=held),
        )
    part = hybrid._fit_estimator(probe, X_train, y[train], {"estimator": probe_params}, X)
    weights = None if sample_weight is None else np.asarray(sample_weight)[held]
    weight = choose_weight(
        hybrid._network_output(extractor, X_held),
        hybrid._estimator_output(part, X_held),
        y[held], weights, classifier=classifier,
    )
    # The part with the larger weight then learns from every row: the
    # estimator refitted (w < 0.5; the default with its own settings, so that
    # w = 0 is exactly HistGradientBoosting), or else the network trained on
    # for a fifth of its epochs (a refit of both would cost more than the
    # budget of issue 13, 2.5 network fits; benchmarks/bench_hybrid.py).
    estimator = part
    if weight < 0.5:
        estimator = hybrid._fit_estimator(parts["estimator"], X, y, params, X)
    else:
        # The network's own input (the extractor's checked array), as in its
        # first fit: X itself (a DataFrame) drew a feature-names warning.
        _train_on(
            extractor.network_, network_input(extractor, X), hybrid._network_target(y),
            params["extractor"],
        )
    return extractor, estimator, weight, held


#: The default network's validation loss is checked after each
#: ``1 / NETWORK_CHECKS`` of its epochs.
NETWORK_CHECKS = 5


def _network_stopping_early(hybrid, extractor, X, y, fit_params, seed):
    """The default network trained on (X, y), stopping where its validation loss stops falling.

    The network learns from all but its own validation rows (the
    extractor's ``validation_fraction`` of X, stratified for classifiers), a
    fifth of its epochs at a time; after each fifth its loss on them
    (log-loss, or squared error for regressors) is measured, and it stops
    after the first fifth that did not lower it, with the weights of the best
    fifth.  Its validation rows are not the held-out rows that weigh the
    parts, so its predictions there stay honest: stopping on those made it
    look better there than it is, and on the ``noisy`` table of
    ``benchmarks/bench_hybrid.py`` it then weighed 0.5 or more in three folds
    of five (where the trees are not refitted) and the blend scored 76.67 %
    against gradient boosting's 78.50 %.  The stop is for cost: on that
    table the network's validation loss is lowest after 10 or 20 of its 50
    epochs, the trees carry the blend and are fitted twice, and the rest of
    the network's epochs took the blend past 2.5 network fits.
    """
    from sklearn.model_selection import train_test_split

    classifier = hybrid._kind == "classifier"
    weights = fit_params.get("sample_weight")
    weights = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    # Rows of zero weight are absent, as the training loop drops them: they
    # neither train nor validate the network (all of a validation split's
    # rows could weigh nothing).
    rows = np.flatnonzero(weights > 0)
    split = dict(test_size=extractor.validation_fraction, random_state=seed)
    try:
        fit_rows, val_rows = train_test_split(
            rows, stratify=y[rows] if classifier else None, **split
        )
    except ValueError:  # a class too small to stratify
        fit_rows, val_rows = train_test_split(rows, **split)
    hybrid._set_target_moments(y[fit_rows], weights[fit_rows])
    X_fit, X_val = _safe_indexing(X, fit_rows), _safe_indexing(X, val_rows)

    epochs = extractor.epochs
    step = max(1, epochs // NETWORK_CHECKS)
    fit_params = _check_method_params(X, fit_params, indices=fit_rows)
    extractor = clone(extractor).set_params(epochs=step).fit(X_fit, y[fit_rows], **fit_params)
    network = extractor.network_

    def validation_score():
        output = hybrid._network_output(extractor, X_val)
        return _score(y[val_rows], output, weights[val_rows], classifier)[-1]

    x, target = network_input(extractor, X_fit), hybrid._network_target(y[fit_rows])
    best, best_weights, trained = validation_score(), network.model_.get_weights(), step
    try:
        network.set_params(warm_start=True)
        while trained < epochs:
            network.set_params(epochs=min(step, epochs - trained))
            network.fit(x, target, sample_weight=fit_params.get("sample_weight"))
            trained += step
            score = validation_score()
            if not score > best:
                break
            best, best_weights = score, network.model_.get_weights()
    finally:
        network.set_params(warm_start=False, epochs=epochs)
        extractor.set_params(epochs=epochs)
    network.model_.set_weights(best_weights)
    return extractor


def _stopping_early_on(estimator, fit_params, X_held, y_held, held_params):
    """The default HistGradientBoosting stopping early on the held-out rows: (estimator, params).

    This first fit only weighs the parts and, where the network carries the
    blend, serves as its trees: it may stop once its loss on the held-out rows
    (HistGradientBoosting's own early stopping, on rows it does not learn
    from) has not fallen for ``n_iter_no_change`` iterations.  Stopping on its
    own inner split instead scored lower on three tables of
    ``benchmarks/bench_hybrid.py`` (breast_cancer, digits, noisy).
    """
    validation = {"X_val": X_held, "y_val": y_held}
    if held_params.get("sample_weight") is not None:
        validation["sample_weight_val"] = held_params["sample_weight"]
    return clone(estimator).set_params(early_stopping=True), {**fit_params, **validation}


def _train_on(network, X, y, fit_params):
    """Continue training the fitted ``network`` on all rows for a fifth of its epochs."""
    classes = getattr(network, "classes_", None)
    if classes is not None and not np.isin(y, classes).all():
        return  # a class the held-out split took entirely: keep the network as it is
    epochs, warm_start = network.epochs, network.warm_start
    network.set_params(warm_start=True, epochs=max(1, epochs // 5))
    try:
        network.fit(X, y, sample_weight=fit_params.get("sample_weight"))
    finally:
        network.set_params(warm_start=warm_start, epochs=epochs)


def network_input(extractor, X):
    """``X`` checked by the fitted ``extractor`` and shaped for its network."""
    X = validate_X(extractor, X, reset=False)
    return X.reshape((len(X),) + extractor.network_.input_shape_)


def target_moments(y, sample_weight):
    """Weighted mean and standard deviation of ``y``, as the extractor standardises it."""
    weights = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
    mean, variance = weighted_moments(np.asarray(y, dtype=np.float64).reshape(-1, 1), weights)
    return float(mean[0]), float(np.sqrt(variance[0]))
