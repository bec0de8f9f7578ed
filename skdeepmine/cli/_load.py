"""Read and check the command line's input table.

Every problem with the input becomes an :class:`InputError` whose message is
one sentence a user can act on; the command prints it and exits with 2.
"""

import os

#: Columns in which at least this share of the values read as numbers are
#: numeric columns with a few bad values, not categorical ones.
NUMERIC_SHARE = 0.9

#: Integer targets with at most this many values are classes under "auto".
MAX_AUTO_CLASSES = 20


class InputError(ValueError):
    """Bad input for the command line: a message for the user, no traceback."""


def _columns_text(columns, limit=40):
    shown = ", ".join(repr(str(c)) for c in columns[:limit])
    if len(columns) > limit:
        shown += f" and {len(columns) - limit} more"
    return shown


def read_table(path, *, na_values=None):
    """Read a CSV file with pandas, turning read errors into InputError."""
    import pandas as pd

    if not os.path.exists(path):
        raise InputError(f"no such file: {path}")
    if os.path.isdir(path):
        raise InputError(f"{path} is a directory, not a CSV file")
    try:
        frame = pd.read_csv(path, na_values=na_values, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise InputError(f"{path} is empty") from None
    except pd.errors.ParserError as exc:
        detail = str(exc).strip().splitlines()[-1]
        raise InputError(f"cannot parse {path} as CSV: {detail}") from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"cannot read {path}: it is not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if frame.shape[1] == 0:
        raise InputError(f"{path} has no columns")
    if len(frame) == 0:
        raise InputError(f"{path} has a header but no rows")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def check_numbers(frame, source):
    """Reject columns that are numbers except for a few unreadable values.

    Such a column is almost always a typo or a missing-value marker ("?",
    "n/a") rather than a categorical column; guessing either way would
    silently change the analysis.
    """
    import pandas as pd

    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        present = values.notna()
        if not present.any():
            continue
        parsed = pd.to_numeric(values.where(present).astype(object), errors="coerce")
        bad = present & parsed.isna()
        share = 1.0 - bad.sum() / present.sum()
        if bad.any() and share >= NUMERIC_SHARE:
            row = int(bad.to_numpy().argmax())
            raise InputError(
                f"column {column!r} holds numbers but {int(bad.sum())} value(s) cannot be "
                f"read as one, e.g. {values.iloc[row]!r} on line {row + 2} of {source}; "
                "fix them, or name them as missing with --na-values"
            )


def split_target(frame, target, source):
    """Separate the target column; drop rows where it is missing."""
    if target not in frame.columns:
        raise InputError(
            f"no column {target!r} in {source}; its columns are "
            f"{_columns_text(list(frame.columns))}"
        )
    if frame.shape[1] < 2:
        raise InputError(f"{source} has only the target column {target!r}: no features")
    y = frame[target]
    known = y.notna()
    if not known.any():
        raise InputError(f"the target column {target!r} is empty in {source}")
    X = frame.drop(columns=[target])[known.to_numpy()].reset_index(drop=True)
    return X, y[known].reset_index(drop=True), int((~known).sum())


def infer_task(y, task, target):
    """The task for ``y``; checks that the target can be learnt at all."""
    import pandas as pd

    numeric = pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(y)
    if task == "regression" and not numeric:
        parsed = pd.to_numeric(y.astype(object), errors="coerce")
        bad = int(parsed.isna().to_numpy().argmax())
        raise InputError(
            f"--task regression needs a numeric target, but {target!r} holds "
            f"{y.iloc[bad]!r} (data row {bad + 1})"
        )
    if task == "auto":
        task = "classification"
        if numeric:
            values = y.to_numpy(dtype=float)
            integral = (values == values.round()).all()
            if not integral or y.nunique() > MAX_AUTO_CLASSES:
                task = "regression"
    if y.nunique() < 2:
        what = "class" if task == "classification" else "value"
        raise InputError(
            f"the target {target!r} has a single {what} ({y.iloc[0]!r}): nothing to predict"
        )
    return task


def check_folds(y, task, cv, target):
    """Enough rows (and rows per class) for ``cv``-fold cross-validation."""
    if len(y) < 2 * cv:
        raise InputError(
            f"only {len(y)} rows with a target: too few for {cv}-fold cross-validation "
            f"(use --cv 2 or more data)"
        )
    if task == "classification":
        counts = y.value_counts()
        if counts.iloc[-1] < cv:
            raise InputError(
                f"class {counts.index[-1]!r} of {target!r} has only {counts.iloc[-1]} "
                f"row(s); {cv}-fold stratified cross-validation needs {cv} per class "
                "(lower --cv or drop that class)"
            )


def prepare_features(X):
    """Categorical columns as object dtype with NaN for missing, bools as text.

    One consistent representation keeps the encoders and the miners from
    tripping over pandas' string, category and nullable dtypes.  Infinite
    numbers ("inf" in the file) become missing values, which the encoders
    impute; returns the table and how many there were.
    """
    import numpy as np
    import pandas as pd

    X = X.copy()
    n_infinite = 0
    for column in X.columns:
        values = X[column]
        if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
            text = values.astype(str).to_numpy(dtype=object)
            text[values.isna().to_numpy()] = np.nan
            X[column] = pd.Series(text, index=X.index, dtype=object)
        else:
            numbers = values.to_numpy(dtype=float)
            infinite = np.isinf(numbers)
            n_infinite += int(infinite.sum())
            X[column] = np.where(infinite, np.nan, numbers)
    return X, n_infinite


def load_demo():
    """scikit-learn's breast cancer data, with readable class names."""
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer(as_frame=True)
    frame = bunch.frame.rename(columns={"target": "diagnosis"})
    frame["diagnosis"] = frame["diagnosis"].map(dict(enumerate(bunch.target_names)))
    return frame, "diagnosis", "scikit-learn's breast cancer data (569 tumours, 30 measurements)"
