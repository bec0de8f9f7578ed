"""Exact duplicate rows: kept on one side of every split.

A row sent twice lets a model that memorises rows score on its copy: on a
table of pure noise with every row duplicated, a random forest's 3-fold
balanced accuracy was 0.83 with plain folds (a user's review, 300 rows).
Folds and held-out splits therefore keep each set of identical rows
together (``tests/test_insight_review.py``).
"""

import numpy as np
import pandas as pd


def duplicate_groups(X):
    """One group id per row, identical rows sharing it; ``None`` without duplicates."""
    frame = X if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X))
    hashes = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    groups = pd.factorize(hashes)[0]
    if groups.max(initial=-1) + 1 == len(groups):
        return None
    return groups


def n_duplicate_rows(groups):
    """Rows that repeat an earlier row."""
    return 0 if groups is None else int(len(groups) - (groups.max() + 1))


def cv_splits(X, y, *, classification, cv, random_state):
    """Shuffled (stratified) folds; identical rows stay in one fold.

    Returns the list of ``(train, test)`` index pairs and the number of rows
    that repeat an earlier row.
    """
    from sklearn.model_selection import GroupKFold, KFold, StratifiedGroupKFold, StratifiedKFold

    groups = duplicate_groups(X)
    if groups is None:
        splitter = (StratifiedKFold if classification else KFold)(
            n_splits=cv, shuffle=True, random_state=random_state)
        return list(splitter.split(X, y)), 0
    distinct = len(np.unique(groups))
    if distinct < cv:
        raise ValueError(
            f"The features hold only {distinct} distinct row(s) among {len(groups)}, and "
            f"identical rows stay in one fold, so they cannot fill {cv} folds: use at "
            f"most {distinct} folds{'' if distinct >= 2 else ' (at least 2 are needed)'}, "
            "or add features that tell the rows apart."
        )
    splitter = (StratifiedGroupKFold if classification else GroupKFold)(
        n_splits=cv, shuffle=True, random_state=random_state)
    return list(splitter.split(X, y, groups)), n_duplicate_rows(groups)


def held_out_split(X, y, *, test_size, random_state, stratify):
    """``train_test_split`` that keeps identical rows on one side.

    Returns ``X_train, X_test, y_train, y_test`` and the number of rows that
    repeat an earlier row (0: a plain, stratified when possible, split).
    """
    from sklearn.model_selection import GroupShuffleSplit, train_test_split
    from sklearn.utils import _safe_indexing

    groups = duplicate_groups(X)
    if groups is None:
        try:
            return (*train_test_split(X, y, test_size=test_size, random_state=random_state,
                                      stratify=y if stratify else None), 0)
        except ValueError:  # a class too small to stratify
            return (*train_test_split(X, y, test_size=test_size,
                                      random_state=random_state), 0)
    splitter = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=random_state)
    train, test = next(splitter.split(X, y, groups))
    return (_safe_indexing(X, train), _safe_indexing(X, test), _safe_indexing(y, train),
            _safe_indexing(y, test), n_duplicate_rows(groups))
