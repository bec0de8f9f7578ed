"""Run the data miners of the chosen kinds over one table."""

from . import _quality, _relations, _rules, _structure, _target
from ._table import MiningData

#: The miners of each kind that reads the data alone (no fitted model).
DATA_MINERS = {
    "data_quality": _quality.MINERS,
    "target": _target.MINERS,
    "relationships": _relations.MINERS,
    "association_rules": _rules.MINERS,
    "structure": _structure.MINERS,
}

DATA_KINDS = tuple(DATA_MINERS)


def check_kinds(kinds):
    """Validate a ``kinds`` parameter; return the tuple of kinds to mine."""
    if kinds is None:
        return DATA_KINDS
    if isinstance(kinds, str):
        raise TypeError(
            f"kinds must be a list of kind names, not a string; did you mean [{kinds!r}]?"
        )
    unknown = [k for k in kinds if k not in DATA_MINERS]
    if unknown:
        raise ValueError(f"Unknown kinds {unknown}; choose among {list(DATA_KINDS)}.")
    return tuple(k for k in DATA_KINDS if k in kinds)


def mine_data(frame, targets, settings, *, kinds, deep=None):
    """Findings of the given kinds, and a summary of the table mined.

    Returns
    -------
    findings : list of Insight
    summary : dict
    """
    from threadpoolctl import threadpool_limits

    data = MiningData(frame, targets, settings, deep=deep)
    findings = []
    # The miners make many small OpenMP/BLAS calls (k-means, nearest
    # neighbours): on a shared or busy machine, thread start-up and
    # oversubscription make them ~30x slower than running on one thread.
    with threadpool_limits(limits=1):
        for kind in kinds:
            for miner in DATA_MINERS[kind]:
                findings.extend(miner(data))
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
