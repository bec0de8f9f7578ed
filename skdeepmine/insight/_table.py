"""The data the miners read: one table, its targets and a shared row sample.

Every miner gets the same :class:`MiningData`, so the input is interpreted
once (which columns are numeric, what the target is, which rows the costlier
miners look at) and the numeric views of the sample are built once.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

#: Integer-valued targets with at most this many values count as classes.
MAX_AUTO_CLASSES = 20

#: Categorical columns with at most this many levels are one-hot encoded for
#: the structure miners; wider ones (identifiers, free text) are left out.
MAX_ONE_HOT_LEVELS = 10


@dataclass(frozen=True)
class Settings:
    """The mining settings of an :class:`InsightReporter`, validated."""

    max_rows: int
    n_bins: int
    min_support: float
    min_confidence: float
    max_clusters: int
    seed: int


@dataclass
class Target:
    """One target column: its values (aligned with the table's rows) and task."""

    name: str
    values: pd.Series
    task: str

    @cached_property
    def known(self):
        """Boolean mask of rows whose target is present."""
        return self.values.notna().to_numpy()

    @cached_property
    def classes(self):
        if self.task != "classification":
            return None
        return _sorted_levels(self.values[self.known])


def _sorted_levels(values):
    levels = pd.unique(values)
    try:
        return sorted(levels)
    except TypeError:  # mixed types: order them by their text
        return sorted(levels, key=str)


def as_frame(X, feature_names=None):
    """Return X as a DataFrame with string column names (never a view of X)."""
    if isinstance(X, pd.DataFrame):
        frame = X.copy()
        frame.columns = [str(c) for c in frame.columns]
        return frame.reset_index(drop=True)
    array = np.asarray(X)
    if array.ndim != 2:
        raise ValueError(f"X must be two-dimensional, got shape {array.shape}.")
    if feature_names is None:
        feature_names = [f"x{j}" for j in range(array.shape[1])]
    return pd.DataFrame(array, columns=[str(c) for c in feature_names])


def is_numeric(series):
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


#: Days in one unit of the numbers that stand for dates and durations.
_DAY = pd.Timedelta(days=1)

#: The day that datetime columns count their days from.
_EPOCH = pd.Timestamp("1970-01-01")


def temporal_kind(series):
    """``"datetime"`` (naive or timezone-aware), ``"timedelta"`` or None."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return "datetime"
    if pd.api.types.is_timedelta64_dtype(series):
        return "timedelta"
    return None


def _as_days(series, kind):
    """A datetime or timedelta column as float days (NaT as NaN).

    Dates count days since 1970-01-01 in their own timezone's wall-clock time,
    so that a date prints back as the user wrote it (:func:`date_text`).
    """
    if kind == "datetime":
        values = series.dt.tz_localize(None) if series.dt.tz is not None else series
        return ((values - _EPOCH) / _DAY).to_numpy(dtype=float, na_value=np.nan)
    return (series / _DAY).to_numpy(dtype=float, na_value=np.nan)


def date_text(value, kind):
    """A number of days (from :func:`_as_days`) as a date or a duration for messages."""
    if kind == "datetime":
        stamp = (_EPOCH + pd.Timedelta(days=float(value))).round("s")
        return str(stamp.date()) if stamp == stamp.normalize() else str(stamp)
    return str(pd.Timedelta(days=float(value)).round("s"))


def infer_task(values, task):
    """The task for a target: classification unless clearly continuous."""
    known = values.dropna()
    numeric = is_numeric(known)
    if task == "regression":
        if not numeric:
            example = next((v for v in known if not _is_number(v)), None)
            raise ValueError(
                "task='regression' needs a numeric target, but the target "
                f"holds non-numeric values such as {example!r}."
            )
        return task
    if task == "classification" or not numeric:
        return "classification"
    as_float = known.to_numpy(dtype=float)
    if np.all(as_float == np.round(as_float)) and known.nunique() <= MAX_AUTO_CLASSES:
        return "classification"
    return "regression"


def _is_number(value):
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def targets_from(y, frame_length, *, name, task):
    """Split ``y`` (None, 1-D or 2-D) into :class:`Target` records."""
    if y is None:
        return []
    if isinstance(y, pd.DataFrame):
        columns = {str(c): y[c] for c in y.columns}
    elif isinstance(y, pd.Series):
        columns = {str(y.name) if y.name is not None else name: y}
    else:
        array = np.asarray(y)
        if array.ndim == 2 and array.shape[1] == 1:
            array = array[:, 0]
        if array.ndim == 1:
            columns = {name: pd.Series(array)}
        elif array.ndim == 2:
            columns = {f"{name}[{j}]": pd.Series(array[:, j]) for j in range(array.shape[1])}
        else:
            raise ValueError(f"y must be one- or two-dimensional, got shape {array.shape}.")
    targets = []
    for column, values in columns.items():
        values = values.reset_index(drop=True)
        if len(values) != frame_length:
            raise ValueError(
                f"X has {frame_length} rows but y has {len(values)}."
            )
        if values.notna().any():
            targets.append(Target(column, values, infer_task(values, task)))
    return targets


class MiningData:
    """A table prepared for mining.

    Parameters
    ----------
    frame : pandas.DataFrame
        The features, all rows, string column names.
    targets : list of Target
        The target columns (empty when mining without a target).
    settings : Settings
        Mining settings; ``settings.max_rows`` bounds the shared row sample.
    deep : ndarray of shape (n_rows, n_deep) or None
        Deep features of the rows, when an extractor was given.
    """

    def __init__(self, frame, targets, settings, deep=None):
        self.settings = settings
        self.targets = targets
        # Dates and durations are quantities (days), not text categories: a
        # date deciding the target read as 237 single-date levels, "weak".
        self.temporal = {c: k for c in frame.columns
                         if (k := temporal_kind(frame[c])) is not None}
        self.numeric = [c for c in frame.columns if is_numeric(frame[c]) or c in self.temporal]
        numeric = set(self.numeric)  # one set, not one per column: wide tables
        self.categorical = [c for c in frame.columns if c not in numeric]
        # Infinities are counted, then treated as missing by every miner.
        self.n_infinite = {}
        numbers = {}
        for column in self.numeric:
            kind = self.temporal.get(column)
            values = (frame[column].to_numpy(dtype=float, na_value=np.nan) if kind is None
                      else _as_days(frame[column], kind))
            infinite = np.isinf(values)
            if infinite.any():
                self.n_infinite[column] = int(infinite.sum())
                values = np.where(infinite, np.nan, values)
            numbers[column] = values
        if numbers:
            # One new frame rather than a column-by-column update, which
            # fragments wide tables (pandas' PerformanceWarning).
            rebuilt = pd.DataFrame(
                {j: numbers[c] if c in numbers else frame.iloc[:, j]
                 for j, c in enumerate(frame.columns)},
                index=frame.index,
            )
            rebuilt.columns = frame.columns
            frame = rebuilt
        self.frame = frame
        self.deep = deep
        self.cache = {}  # values miners share, e.g. feature relevance per target
        n_rows = len(frame)
        rng = np.random.RandomState(settings.seed)
        if n_rows > settings.max_rows:
            self.sample = np.sort(rng.choice(n_rows, settings.max_rows, replace=False))
        else:
            self.sample = np.arange(n_rows)

    def value_text(self, column, value):
        """A value of a numeric column for messages: dates and durations as such."""
        kind = self.temporal.get(column)
        return float(value) if kind is None else date_text(value, kind)

    @property
    def n_rows(self):
        return len(self.frame)

    @property
    def sampled(self):
        """Whether the costlier miners see a sample rather than every row."""
        return len(self.sample) < self.n_rows

    def seed(self, offset):
        """A seed of its own for each miner, so that adding one changes no other."""
        return (self.settings.seed + 7919 * offset) % (2**31 - 1)

    @cached_property
    def sample_frame(self):
        return self.frame.iloc[self.sample].reset_index(drop=True)

    @cached_property
    def codes(self):
        """Sample rows as numbers: imputed numeric values, category codes.

        Returns ``(matrix, discrete, columns)``; ``discrete`` marks the
        categorical columns (their codes are labels, not quantities).
        """
        sample = self.sample_frame
        blocks, discrete = [], []
        for column in sample.columns:
            if column in self.numeric:
                values = sample[column].to_numpy(dtype=float)
                blocks.append(_impute_median(values))
                discrete.append(False)
            else:
                codes, _ = pd.factorize(sample[column], use_na_sentinel=True)
                # Missing becomes a level of its own: missingness can matter.
                codes = np.where(codes < 0, codes.max() + 1, codes)
                blocks.append(codes.astype(float))
                discrete.append(True)
        matrix = np.column_stack(blocks) if blocks else np.empty((len(sample), 0))
        return matrix, np.array(discrete, dtype=bool), list(sample.columns)

    @cached_property
    def design(self):
        """Sample rows standardised for distances: numeric + narrow one-hot.

        Returns ``(matrix, columns)``; constant columns are dropped.
        """
        sample = self.sample_frame
        blocks, columns = [], []
        for column in self.numeric:
            blocks.append(_impute_median(sample[column].to_numpy(dtype=float)))
            columns.append(column)
        for column in self.categorical:
            values = sample[column]
            if values.nunique(dropna=False) > MAX_ONE_HOT_LEVELS:
                continue
            for level in _sorted_levels(values.dropna()):
                blocks.append((values == level).to_numpy(dtype=float))
                columns.append(f"{column}={level}")
        if not blocks:
            return np.empty((len(sample), 0)), []
        matrix = np.column_stack(blocks)
        # Standardising is scale-free: dividing each column by its largest
        # magnitude first keeps the sums of squares of values near ±1e308
        # finite (tests/test_cli_edges.py).
        peak = np.abs(matrix).max(axis=0)
        matrix = matrix / np.where(peak > 0, peak, 1.0)
        std = matrix.std(axis=0)
        keep = std > 1e-12
        matrix = (matrix[:, keep] - matrix[:, keep].mean(axis=0)) / std[keep]
        return matrix, [c for c, k in zip(columns, keep) if k]


def _impute_median(values):
    missing = np.isnan(values)
    if missing.all():
        return np.zeros_like(values)
    if missing.any():
        values = np.where(missing, np.nanmedian(values), values)
    return values
