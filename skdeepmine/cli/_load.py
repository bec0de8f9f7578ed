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


#: Bytes read to detect the encoding and the separator.
SNIFF_BYTES = 1 << 20

#: Separators tried when --sep is not given, in order of preference.
SEPARATORS = (",", ";", "\t", "|")


def detect_encoding(raw):
    """The text encoding of ``raw`` (the start of a file), or None if unknown.

    A byte-order mark decides; then UTF-8 (and plain ASCII) is tried strictly,
    since it is the common case and detectors can mistake short UTF-8 text
    for something else; then GB18030 (a superset of GBK and GB2312), when
    the text it gives reads as Simplified Chinese: charset-normalizer took a
    short GBK table with a few symbols for Thai (tests/test_cli_edges.py).
    Otherwise charset-normalizer guesses (Big5, Shift-JIS, Latin-1, ...).
    """
    import codecs

    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
                      (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            return name
    for name in ("utf-8", "gb18030"):
        try:
            # final=False: a multi-byte character cut at the end of the sample is fine.
            text = codecs.getincrementaldecoder(name)().decode(raw, final=False)
        except UnicodeDecodeError:
            continue
        if name == "utf-8" or _reads_as_chinese(text):
            return name
    import charset_normalizer

    best = charset_normalizer.from_bytes(raw).best()
    return None if best is None else codecs.lookup(best.encoding).name


def _reads_as_chinese(text):
    """Whether GB18030-decoded ``text`` is common Chinese, not misread bytes.

    Common Chinese characters and punctuation are all in GB2312, whose two
    bytes are both >= 0xA1; Latin-1 text misread as GB18030 pairs an accented
    letter with the next ASCII one and lands outside it.
    """
    wide = [c for c in text if ord(c) > 0x7F]
    if not wide:
        return False
    common = 0
    for character in wide:
        try:
            character.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common >= 0.9 * len(wide)


def detect_separator(text):
    """The separator that splits the first lines into the same number (> 1) of fields.

    Among the candidates of ``SEPARATORS`` that do, the one giving the most
    fields wins (ties go to the earlier one); a comma when none does.
    """
    import csv

    lines = text.splitlines()[:50]
    if len(lines) > 1 and len(text) >= SNIFF_BYTES // 4:
        lines = lines[:-1]  # the sample may end inside a line
    best, best_fields = ",", 1
    for separator in SEPARATORS:
        try:
            counts = {len(row) for row in csv.reader(lines, delimiter=separator) if row}
        except csv.Error:
            continue
        if len(counts) == 1 and (fields := counts.pop()) > best_fields:
            best, best_fields = separator, fields
    return best


def read_table(path, *, na_values=None, encoding=None, sep=None):
    """Read a CSV file with pandas, turning read errors into InputError.

    ``encoding`` and ``sep`` are detected when None (see
    :func:`detect_encoding` and :func:`detect_separator`).

    Returns
    -------
    frame : pandas.DataFrame
    used : dict
        The ``encoding`` and ``sep`` the file was read with.
    """
    import codecs

    import pandas as pd

    if not os.path.exists(path):
        raise InputError(f"no such file: {path}")
    if os.path.isdir(path):
        raise InputError(f"{path} is a directory, not a CSV file")
    try:
        with open(path, "rb") as handle:
            raw = handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if encoding is None:
        encoding = detect_encoding(raw)
        if encoding is None:
            raise InputError(
                f"cannot tell the text encoding of {path}; name it with --encoding "
                "(e.g. --encoding gbk)"
            )
    else:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise InputError(f"unknown --encoding {encoding!r}") from None
    if sep is None:
        sep = detect_separator(raw.decode(encoding, errors="replace"))
    try:
        frame = pd.read_csv(path, na_values=na_values, skipinitialspace=True,
                            encoding=encoding, sep=sep)
    except pd.errors.EmptyDataError:
        raise InputError(f"{path} is empty") from None
    except pd.errors.ParserError as exc:
        detail = str(exc).strip().splitlines()[-1]
        raise InputError(f"cannot parse {path} as CSV: {detail}") from None
    except UnicodeError as exc:
        where = f" at byte {exc.start}" if hasattr(exc, "start") else ""
        raise InputError(
            f"cannot read {path} as {encoding} text ({getattr(exc, 'reason', exc)}{where}); "
            "name its encoding with --encoding"
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if frame.shape[1] == 0:
        raise InputError(f"{path} has no columns")
    if len(frame) == 0:
        raise InputError(f"{path} has a header but no rows")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, {"encoding": encoding, "sep": sep}


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


def drop_columns(frame, columns, target, source):
    """The table without ``columns`` (--drop); unknown names and the target are refused."""
    unknown = [c for c in columns if c not in frame.columns]
    if unknown:
        raise InputError(
            f"--drop: no column {', '.join(map(repr, unknown))} in {source}; its columns are "
            f"{_columns_text(list(frame.columns))}"
        )
    if target in columns:
        raise InputError(f"--drop names the target {target!r}; it cannot be dropped")
    return frame.drop(columns=list(dict.fromkeys(columns)))


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
            f"the target {target!r} has a single {what} ({_shown(y.iloc[0])}): nothing to "
            "predict"
        )
    return task


def check_folds(y, task, cv, target):
    """Enough rows (and rows per class) for ``cv``-fold cross-validation."""
    if len(y) < 2 * cv:
        raise InputError(
            f"only {len(y)} rows with a target: too few for {cv}-fold cross-validation "
            + (f"(it needs at least {2 * cv} rows; lower --cv or add data)" if cv > 2
               else "(it needs at least 4 rows; add data)")
        )
    if task == "classification":
        counts = y.value_counts()
        if counts.iloc[-1] < cv:
            from pandas.api.types import is_bool_dtype, is_numeric_dtype

            numeric = is_numeric_dtype(y) and not is_bool_dtype(y)
            raise InputError(
                f"class {_shown(counts.index[-1])} of {target!r} has only {counts.iloc[-1]} "
                f"row(s); {cv}-fold stratified cross-validation needs {cv} per class "
                "(lower --cv or drop that class"
                + (f"; if {target!r} is a quantity with {len(counts)} values rather than "
                   "classes, use --task regression)" if numeric else ")")
            )


def _shown(value):
    """A label as a user wrote it: 20, not np.int64(20); text quoted."""
    return repr(value.item() if hasattr(value, "item") and hasattr(value, "dtype") else value)


#: Numeric features beyond this magnitude are clipped to it.  The trees and
#: networks compute in float32 (largest value 3.4e38), and scaling squares
#: the values: ±1e308 in a file would become infinities and NaN there.
MAX_FEATURE_MAGNITUDE = 1e30

#: Regression targets beyond this magnitude are refused: squared errors
#: (R^2, the networks' loss) overflow, and no clipping would keep them true.
MAX_TARGET_MAGNITUDE = 1e30


def prepare_features(X):
    """Categorical columns as object dtype with NaN for missing, bools as text.

    One consistent representation keeps the encoders and the miners from
    tripping over pandas' string, category and nullable dtypes.  Infinite
    numbers ("inf" in the file) become missing values, which the encoders
    impute; numbers beyond ``MAX_FEATURE_MAGNITUDE`` are clipped to it.
    The table is built in one go (no column-by-column inserts, which
    fragment wide frames).

    Returns
    -------
    X : pandas.DataFrame
    counts : dict
        ``infinite`` and ``clipped``: how many values were changed, per column.
    """
    import numpy as np
    import pandas as pd

    columns, infinite, clipped = {}, {}, {}
    for column in X.columns:
        values = X[column]
        if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
            text = values.astype(str).to_numpy(dtype=object)
            text[values.isna().to_numpy()] = np.nan
            columns[column] = text
        else:
            numbers = values.to_numpy(dtype=float, na_value=np.nan)
            is_infinite = np.isinf(numbers)
            too_large = ~is_infinite & (np.abs(numbers) > MAX_FEATURE_MAGNITUDE)
            if is_infinite.any():
                infinite[column] = int(is_infinite.sum())
            if too_large.any():
                clipped[column] = int(too_large.sum())
            numbers = np.where(is_infinite, np.nan, numbers)
            columns[column] = np.clip(numbers, -MAX_FEATURE_MAGNITUDE, MAX_FEATURE_MAGNITUDE)
    frame = pd.DataFrame(columns, index=X.index)
    for column in frame.columns:  # text columns: object dtype, not pandas' str
        if frame[column].dtype.kind != "f":
            frame[column] = frame[column].astype(object)
    return frame, {"infinite": infinite, "clipped": clipped}


def check_target(y, task, target):
    """Targets the models can learn: class labels as text where numbers would mislead.

    Float class labels that are not exact integers of a safe size (such as
    ±1e308) read as "continuous" to scikit-learn's splitters; they become
    text labels.  Regression targets beyond ``MAX_TARGET_MAGNITUDE`` are
    refused.
    """
    import numpy as np
    import pandas as pd

    if task == "regression":
        values = y.astype(float).to_numpy()
        if not np.isfinite(values).all():
            bad = int((~np.isfinite(values)).argmax())
            raise InputError(
                f"the target {target!r} holds {values[bad]} (data row {bad + 1}); "
                "a regression target must be finite: drop those rows or fix them"
            )
        largest = float(np.abs(values).max())
        if largest > MAX_TARGET_MAGNITUDE:
            raise InputError(
                f"the target {target!r} reaches {largest:.3g}; regression targets beyond "
                f"±{MAX_TARGET_MAGNITUDE:.0e} overflow squared errors: rescale it "
                f"(e.g. divide by {10.0 ** np.floor(np.log10(largest)):.0e}) or model its logarithm"
            )
        return pd.Series(values, name=y.name)
    if pd.api.types.is_float_dtype(y):
        values = y.to_numpy(dtype=float)
        safe = np.isfinite(values).all() and np.abs(values).max() < 2.0**53
        if safe and (values == np.round(values)).all():
            return pd.Series(values.astype(np.int64), name=y.name)
        return pd.Series([str(v) for v in values], name=y.name, dtype=object)
    return y


def load_demo():
    """scikit-learn's breast cancer data, with readable class names."""
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer(as_frame=True)
    frame = bunch.frame.rename(columns={"target": "diagnosis"})
    frame["diagnosis"] = frame["diagnosis"].map(dict(enumerate(bunch.target_names)))
    return frame, "diagnosis", "scikit-learn's breast cancer data (569 tumours, 30 measurements)"
