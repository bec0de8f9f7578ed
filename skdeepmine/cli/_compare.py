"""Cross-validate the stock miners against the neural network and the hybrid."""

import time

import numpy as np

from ._load import InputError

#: Display names of the compared models, in the order they run (and their
#: command-line keys for --models).
MODEL_NAMES = {
    "tree": "Decision tree",
    "forest": "Random forest",
    "boosting": "Histogram gradient boosting",
    "network": "Neural network",
    "hybrid": "Hybrid (network + gradient boosting)",
}

#: Below this many rows the stock miners run on one OpenMP thread: their
#: fits take milliseconds, and spinning thread pools on a busy machine made
#: histogram gradient boosting 6-17x slower (measured on 2 shared cores).
SINGLE_THREAD_ROWS = 20_000

#: Scores per task: (scorer name, column title); the first ranks the models.
SCORES = {
    "classification": [("balanced_accuracy", "Balanced accuracy"), ("accuracy", "Accuracy")],
    "regression": [("r2", "R^2"), ("neg_mean_absolute_error", "MAE")],
}


def encoder(X):
    """Impute and scale numeric columns; impute and one-hot encode the others.

    Fitted inside each cross-validation fold, so no statistic of a held-out
    row leaks into training.  ``max_categories`` keeps identifier-like
    columns from exploding into thousands of columns.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    # One pass over the dtypes, one set: wide tables (benchmarks/bench_wide.py).
    numeric = [c for c, dtype in X.dtypes.items() if dtype.kind == "f"]
    kept = set(numeric)
    categorical = [c for c in X.columns if c not in kept]
    return ColumnTransformer(
        [
            ("numeric", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
             numeric),
            ("categorical", make_pipeline(
                SimpleImputer(strategy="most_frequent"),
                OneHotEncoder(handle_unknown="infrequent_if_exist", max_categories=20,
                              sparse_output=False),
            ), categorical),
        ],
        verbose_feature_names_out=False,
    )


#: The comparison's networks stop when the loss on a held-out tenth of the
#: training rows has not improved for this many epochs (``--epochs`` is the
#: cap).  With the estimators' own defaults (no early stopping, the hybrid's
#: old out-of-fold stacking with cv=5) the five-model comparison took
#: 151-267 s on a 1,500 x 20 table (``benchmarks/bench_report.py --cli``).
#: The hybrid is the default blend (one network, its weight chosen on the
#: held-out fifth of ``HYBRID_CV`` folds), with that early-stopping network:
#: the stacking of in-sample deep features it used before lets the trees
#: trust features made from their own rows (see skdeepmine/hybrid/_blend.py).
PATIENCE = 5
HYBRID_CV = 5


def candidates(task, *, epochs, random_state, keys):
    """The models to compare, as {display name: unfitted estimator}."""
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.ensemble import (
        HistGradientBoostingClassifier,
        HistGradientBoostingRegressor,
        RandomForestClassifier,
        RandomForestRegressor,
    )
    from sklearn.preprocessing import StandardScaler
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    from ..features import DenseNetworkClassifier, DenseNetworkRegressor, NeuralFeatureExtractor
    from ..hybrid import HybridClassifier, HybridRegressor

    classification = task == "classification"
    network = dict(epochs=epochs, random_state=random_state, early_stopping=True,
                   n_iter_no_change=PATIENCE)

    def neural_network():
        if classification:
            return DenseNetworkClassifier(**network)
        # Targets in the thousands or millions train badly (and beyond ~1e19
        # overflow float32 squared errors); the network learns them standardised.
        return TransformedTargetRegressor(DenseNetworkRegressor(**network),
                                          transformer=StandardScaler())

    factories = {
        "tree": lambda: (DecisionTreeClassifier if classification else DecisionTreeRegressor)(
            random_state=random_state),
        "forest": lambda: (RandomForestClassifier if classification else RandomForestRegressor)(
            n_estimators=100, random_state=random_state),
        "boosting": lambda: (
            HistGradientBoostingClassifier if classification else HistGradientBoostingRegressor
        )(random_state=random_state),
        "network": neural_network,
        "hybrid": lambda: (HybridClassifier if classification else HybridRegressor)(
            extractor=NeuralFeatureExtractor(**network),
            estimator=(
                HistGradientBoostingClassifier if classification else HistGradientBoostingRegressor
            )(random_state=random_state),
            strategy="blend", cv=HYBRID_CV, random_state=random_state,
        ),
    }
    return {MODEL_NAMES[key]: factories[key]() for key in keys}


#: Tables with more feature columns than this are screened inside each
#: fold: the models see the ``MAX_MODEL_FEATURES`` columns most related to
#: the target by a univariate F-test (fitted on the fold's training rows, so
#: the held-out scores stay honest).  On 100 rows x 10,000 columns the
#: models' fits and their per-column input checks otherwise dominate the
#: report command (benchmarks/bench_wide.py).
MAX_MODEL_FEATURES = 1000


def screened(X):
    """Whether the models of ``X`` see only ``MAX_MODEL_FEATURES`` columns."""
    return X.shape[1] > MAX_MODEL_FEATURES


def pipeline(X, model):
    """Encoder (see :func:`encoder`), in-fold screening when ``X`` is wide, model."""
    from sklearn.base import is_classifier
    from sklearn.feature_selection import SelectKBest, f_classif, f_regression
    from sklearn.pipeline import Pipeline

    steps = [("encode", encoder(X))]
    if screened(X):
        test = f_classif if is_classifier(model) else f_regression
        steps.append(("screen", SelectKBest(test, k=MAX_MODEL_FEATURES)))
    return Pipeline([*steps, ("model", model)])


def cross_validate(X, y, task, models, *, cv, random_state, progress):
    """Score every model with the same folds; return the comparison table.

    Returns
    -------
    table : pandas.DataFrame
        One row per model, best first: mean ± std of each score, fit time.
        ``table.attrs["duplicate_rows"]`` counts the rows that repeat an
        earlier one: identical rows are kept in one fold, or a model that
        memorises rows would score on their copies.
    results : dict
        Raw fold scores per model.
    """
    import pandas as pd
    from sklearn.base import clone
    from sklearn.metrics import get_scorer
    from threadpoolctl import threadpool_limits

    from ..insight._duplicates import cv_splits

    try:
        folds, duplicate_rows = cv_splits(X, y, classification=task == "classification", cv=cv,
                                          random_state=random_state)
    except ValueError as exc:
        raise InputError(f"{exc} (--cv)") from exc
    scores = SCORES[task]
    results = {}
    for name, model in models.items():
        started = time.perf_counter()
        fold_scores = {key: [] for key, _ in scores}
        fit_times = []
        for number, (train, test) in enumerate(folds, start=1):
            progress.update(f"{name}: fold {number}/{cv}")
            estimator = clone(pipeline(X, model))
            with threadpool_limits(limits=1 if len(X) < SINGLE_THREAD_ROWS else None):
                tic = time.perf_counter()
                estimator.fit(X.iloc[train], y.iloc[train])
                fit_times.append(time.perf_counter() - tic)
                for key, _ in scores:
                    value = get_scorer(key)(estimator, X.iloc[test], y.iloc[test])
                    fold_scores[key].append(-value if key.startswith("neg_") else value)
        results[name] = {"scores": fold_scores, "fit_time": fit_times}
        key, title = scores[0]
        label = title if key == "r2" else title.lower()
        progress.item(
            f"{name}: {label} {np.mean(fold_scores[key]):.3f} "
            f"± {np.std(fold_scores[key]):.3f}",
            seconds=time.perf_counter() - started,
        )
    rows = []
    for name, result in results.items():
        row = {"Model": name}
        for key, title in scores:
            values = result["scores"][key]
            row[title] = f"{np.mean(values):.3f} ± {np.std(values):.3f}"
        row["Fit time per fold (s)"] = f"{np.mean(result['fit_time']):.2f}"
        rows.append(row)
    key = scores[0][0]
    order = sorted(range(len(rows)), key=lambda i: -np.mean(results[rows[i]["Model"]]["scores"][key]))
    table = pd.DataFrame([rows[i] for i in order])
    table.insert(0, "Rank", range(1, len(table) + 1))
    table.attrs["duplicate_rows"] = duplicate_rows
    return table, results
