"""The one mining entry point: every report is made by :func:`mine`.

``InsightReporter.fit``, ``InsightReport.from_data`` and
``InsightReport.from_estimator`` all validate their settings here and call
:func:`mine`, which runs the data miners of the chosen kinds over one table
(and the model miners when a fitted model is given).  A miner that looked
and found nothing says so with a finding of strength 0.
"""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import Interval, StrOptions, validate_parameter_constraints

from . import _quality, _relations, _rules, _structure, _target
from ._findings import Insight
from ._table import MiningData, Settings, as_frame, targets_from
from ._text import text

#: The miners of each kind that reads the data alone (no fitted model).
DATA_MINERS = {
    "data_quality": _quality.MINERS,
    "target": _target.MINERS,
    "relationships": _relations.MINERS,
    "association_rules": _rules.MINERS,
    "structure": _structure.MINERS,
}

DATA_KINDS = tuple(DATA_MINERS)

#: Constraints of the mining settings, shared by InsightReporter and InsightReport.
MINING_CONSTRAINTS = {
    "task": [StrOptions({"auto", "classification", "regression"})],
    "kinds": [list, tuple, None],
    "max_rows": [Interval(Integral, 100, None, closed="left")],
    "n_bins": [Interval(Integral, 2, 10, closed="both")],
    "min_support": [Interval(Real, 0, 1, closed="right")],
    "min_confidence": [Interval(Real, 0, 1, closed="right")],
    "max_clusters": [Interval(Integral, 2, None, closed="left")],
    "random_state": ["random_state"],
}

#: What each data miner looks for, named in its "checked, nothing found" line
#: when it returns no finding of its own.
_LOOKED_FOR = {
    "find_missing_values": ("missing_values", "missing_values"),
    "find_target_quality": ("missing_target", "target_quality"),
    "find_constant_columns": ("constant_columns", "constant_columns"),
    "find_duplicate_rows": ("duplicate_rows", "duplicate_rows"),
    "find_high_cardinality": ("high_cardinality", "high_cardinality"),
    "find_identifiers": ("identifier_columns", "identifiers"),
    "find_row_numbers": ("row_number_column", "row_numbers"),
    "find_class_imbalance": ("class_imbalance", "class_imbalance"),
    "find_skewed_target": ("skewed_target", "skewed_target"),
    "find_deep_clusters": ("deep_clusters", "deep_clusters"),
}

#: Miners that only look when the data has something for them to look at.
_LOOKS_AT = {
    "find_target_quality": lambda data: bool(data.targets),
    "find_class_imbalance": lambda data: any(
        t.task == "classification" for t in data.targets),
    "find_skewed_target": lambda data: any(t.task == "regression" for t in data.targets),
    "find_deep_clusters": lambda data: data.deep is not None,
}


def check_kinds(kinds):
    """Validate a ``kinds`` parameter; return the tuple of kinds to mine."""
    if kinds is None:
        return DATA_KINDS
    if isinstance(kinds, str):
        raise TypeError(
            f"kinds must be a list of kind names, not a string; did you mean [{kinds!r}]?"
        )
    # "model" names the model findings, which from_estimator always adds:
    # accepted, so kinds=["model"] asks for the model findings alone.
    unknown = [k for k in kinds if k not in DATA_MINERS and k != "model"]
    if unknown:
        raise ValueError(
            f"Unknown kinds {unknown}; choose among {list(DATA_KINDS) + ['model']}.")
    return tuple(k for k in DATA_KINDS if k in kinds)


def settings_from(params, caller):
    """Validate mining parameters; return ``(Settings, kinds)``."""
    from sklearn.utils import check_random_state

    params = {k: params[k] for k in MINING_CONSTRAINTS}
    validate_parameter_constraints(MINING_CONSTRAINTS, params, caller_name=caller)
    kinds = check_kinds(params["kinds"])
    seed = int(check_random_state(params["random_state"]).randint(np.iinfo(np.int32).max))
    settings = Settings(
        max_rows=params["max_rows"], n_bins=params["n_bins"],
        min_support=params["min_support"], min_confidence=params["min_confidence"],
        max_clusters=params["max_clusters"], seed=seed,
    )
    return settings, kinds


def check_table(X):
    """Validate ``X`` for mining: a non-empty DataFrame, or a numeric array."""
    from sklearn.utils import check_array

    if isinstance(X, pd.DataFrame):
        if X.shape[0] == 0 or X.shape[1] == 0:
            raise ValueError(f"X must have at least one row and one column, got {X.shape}.")
        return X
    return check_array(X, dtype="numeric", ensure_all_finite=False)


def fitted_extractor(extractor, X, y):
    """``extractor`` if fitted, else a fitted clone of it (the caller's stays unfitted)."""
    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(extractor)
    except NotFittedError:
        return clone(extractor).fit(X, y)
    return extractor


def _nothing_found(miner, kind, data):
    looks = _LOOKS_AT.get(miner.__name__, lambda data: True)
    if miner.__name__ not in _LOOKED_FOR or not looks(data):
        return None
    name, what = _LOOKED_FOR[miner.__name__]
    key = f"what.{what}"
    return Insight(
        kind=kind, name=name, strength=0.0,
        **text(("checked.title", {"what": [key, {}]}), [("checked", {"what": [key, {}]})]),
    )


def mine(X, y, settings, *, kinds, task="auto", feature_names=None, deep=None,
         model=None, n_repeats=5):
    """Mine one table (and a fitted model of it).

    Parameters
    ----------
    X : DataFrame or ndarray
        The table, validated by :func:`check_table`.
    y : array-like or None
        The target(s).
    settings : Settings
        From :func:`settings_from`.
    kinds : tuple of str
        Kinds of data finding to mine.
    task : str
        How to read ``y``.
    feature_names : list of str, default=None
        Names of an array's columns.
    deep : ndarray or None
        Deep features of the rows, clustered by the structure miner.
    model : tuple (estimator, X_test, y_test) or None
        A fitted model and held-out rows: adds the model findings.
    n_repeats : int
        Shuffles per feature (or group) for permutation importance.

    Returns
    -------
    findings : list of Insight
    summary : dict
    """
    from threadpoolctl import threadpool_limits

    frame = as_frame(X, feature_names)
    name = getattr(y, "name", None)
    targets = targets_from(y, len(frame), name="target" if name is None else str(name),
                           task=task)
    data = MiningData(frame, targets, settings, deep=deep)
    # Identifiers (string or numeric) are reported by the data-quality
    # miners and mined as nothing else: not tested, clustered, or shuffled.
    identifiers = [c for c in _quality.identifier_columns(frame) if c in frame.columns]
    features = data
    if identifiers and len(identifiers) < frame.shape[1]:
        features = MiningData(frame.drop(columns=identifiers), targets, settings, deep=deep)
        # The data-quality miners read the relation tests of these features
        # (whether missingness relates to the target): one family, computed once.
        data.cache["feature_view"] = features
    findings = []
    # The miners make many small OpenMP/BLAS calls (k-means, nearest
    # neighbours): on a shared or busy machine, thread start-up and
    # oversubscription make them ~30x slower than running on one thread.
    with threadpool_limits(limits=1):
        for kind in kinds:
            seen = data if kind == "data_quality" else features
            for miner in DATA_MINERS[kind]:
                found = miner(seen)
                if not found:
                    found = [f for f in [_nothing_found(miner, kind, seen)] if f is not None]
                findings.extend(found)
    if model is not None:
        from ._model import mine_model

        estimator, X_test, y_test = model
        findings += mine_model(
            estimator, X_test, y_test, n_repeats=n_repeats, seed=data.seed(41),
            groups=_relations.redundancy_groups(features),
            screening=_screening(features), skip=identifiers,
        )
    summary = {
        "n_rows": data.n_rows,
        "n_columns": frame.shape[1],
        "numeric_columns": len(data.numeric),
        "categorical_columns": len(data.categorical),
        "targets": {t.name: t.task for t in targets},
        "rows_sampled": int(len(data.sample)),
        "deep_features": None if deep is None else int(deep.shape[1]),
        "kinds": list(kinds),
    }
    return findings, summary


def _screening(data):
    """Feature relevance for screening permutation importance: max effect, related first."""
    table = _relations.relation_tests(data)
    if table.empty:
        return {}
    order = table.assign(key=table["related"].astype(float) + table["strength"])
    return order.groupby("column")["key"].max().to_dict()
