"""Data-quality miners: missing values, constant columns, duplicates, identifiers.

They read every row (counting is cheap), not the shared sample.
"""

import re

import numpy as np
import pandas as pd

from ._findings import Insight, names, number, percent

#: A column whose most frequent value covers at least this share is near-constant.
NEAR_CONSTANT_SHARE = 0.95

#: Categorical columns with more levels than this are high-cardinality...
HIGH_CARDINALITY_LEVELS = 50
#: ...and so are those where more than this share of the values are distinct.
HIGH_CARDINALITY_SHARE = 0.5

#: Column names that say "identifier": id, *_id, customerId, CustomerID, uuid,
#: guid, 编号 (number), 序号 (serial number), 标识 (identifier), 账号 (account).
IDENTIFIER_NAME = re.compile(
    r"(?:^|[^A-Za-z0-9])(?:[Ii][Dd]|[Uu][Uu][Ii][Dd]|[Gg][Uu][Ii][Dd])(?:$|[^A-Za-z0-9])"
    r"|[a-z0-9](?:Id|ID|Uuid|UUID|Guid|GUID)$"  # customerId, CustomerID
    r"|编号|序号|标识|账号|ＩＤ"
)

#: Names pandas gives a saved index: ``to_csv`` writes it under an empty
#: header, read back as "Unnamed: 0" ("Unnamed: 0.1" when saved twice);
#: ``reset_index`` names it "index" or "level_0".  Such a column is an
#: identifier as if named so, even shuffled (rows sorted by the target,
#: then shuffled and saved with their index, still carry the target's order).
SAVED_INDEX_NAME = re.compile(r"^(?:Unnamed: 0(?:\.\d+)?|index|level_0)$")

#: A column is an identifier when its distinct values cover at least this
#: share of the distinct rows (exact repeats of a whole row count once) ...
IDENTIFIER_SHARE = 0.95
#: ... or, when its name says "identifier", this share.
NAMED_IDENTIFIER_SHARE = 0.5

#: Duplicate rows covering this share of the table (or more) get strength 1.
DUPLICATE_FULL_STRENGTH = 0.1


def find_missing_values(data):
    """Columns with missing (or infinite) values; strength = worst column's share."""
    counts = data.frame.isna().sum()
    counts = counts[counts > 0].sort_values(ascending=False, kind="stable")
    if counts.empty:
        return []
    shares = counts / data.n_rows
    rows_affected = int(data.frame.isna().any(axis=1).sum())
    worst = ", ".join(f"{c} ({percent(s)})" for c, s in list(shares.items())[:3])
    infinite = {c: n for c, n in data.n_infinite.items() if n}
    note = (
        f" Infinite values (in {names(infinite)}) are counted as missing." if infinite else ""
    )
    linked = _missingness_linked(data)
    if linked:
        advice = (
            f"Whether a value is missing goes with the target for {names(linked)} (see "
            "the related features): plain imputation would erase that signal. Impute "
            "with SimpleImputer(add_indicator=True), which keeps a missing-value flag, "
            "or use a model that accepts missing values, such as HistGradientBoosting."
        )
    else:
        advice = (
            "Impute them (sklearn.impute.SimpleImputer) or use a "
            "model that accepts missing values, such as HistGradientBoosting."
        )
    message = (
        f"{len(counts)} of {data.frame.shape[1]} columns "
        f"{'has' if len(counts) == 1 else 'have'} missing values, "
        f"worst {worst}; {percent(rows_affected / data.n_rows)} of rows miss at "
        f"least one value. {advice}"
        + note
    )
    shown = shares.iloc[:20]
    return [Insight(
        kind="data_quality",
        name="missing_values",
        title=f"Missing values in {len(counts)} column{'s' * (len(counts) > 1)}",
        message=message,
        strength=float(shares.iloc[0]),
        evidence={
            "missing_count": counts.to_dict(),
            "missing_share": shares.round(6).to_dict(),
            "infinite_count": infinite,
            "rows_with_missing": rows_affected,
            "missing_goes_with_target": linked,
        },
        chart={
            "type": "bar", "labels": list(shown.index), "values": list(shown.values),
            "xlabel": "share of rows missing",
        },
    )]


def _missingness_linked(data):
    """``{column: [targets]}``: numeric columns whose missingness relates to a target.

    Read from the relation tests of the features the target miners see (the
    same false-discovery control, see ``_relations.relation_tests``).
    """
    if not data.targets:
        return {}
    from ._relations import relation_tests

    table = relation_tests(data.cache.get("feature_view", data))
    linked = {}
    for column, target in zip(*(table.loc[table["missing_related"], c]
                                for c in ("column", "target"))):
        linked.setdefault(column, []).append(target)
    return linked


def _float_columns(frame):
    """The float columns of ``frame`` and their values as one array."""
    columns = [c for c, dtype in frame.dtypes.items() if dtype.kind == "f"]
    if not columns or frame.columns.has_duplicates:
        return [], np.empty((len(frame), 0))
    return columns, frame[columns].to_numpy(dtype=float)


def _all_distinct(frame):
    """Float columns whose present values are all different, at least 2 of them
    and too many for one to cover ``NEAR_CONSTANT_SHARE`` of them (vectorised:
    wide tables, benchmarks/bench_wide.py)."""
    columns, values = _float_columns(frame)
    if not columns:
        return set()
    ordered = np.sort(values, axis=0)  # missing values last
    present = ~np.isnan(ordered)
    n_present = present.sum(axis=0)
    repeats = ((ordered[1:] == ordered[:-1]) & present[1:]).sum(axis=0)
    spread = (repeats == 0) & (n_present >= 2) & (1 / np.maximum(n_present, 1)
                                                  < NEAR_CONSTANT_SHARE)
    return {c for c, keep in zip(columns, spread) if keep}


def find_constant_columns(data):
    """Constant (strength 1) and near-constant columns.

    A near-constant column's strength grows from 0 at a top-value share of
    ``NEAR_CONSTANT_SHARE`` to 1 for a constant column.
    """
    constant, near = [], {}
    spread = _all_distinct(data.frame)
    for column in data.frame.columns:
        if column in spread:
            continue  # every value its own: neither constant nor near-constant
        counts = data.frame[column].value_counts(sort=False)  # missing values left out
        if len(counts) <= 1:
            constant.append(column)
            continue
        top_share = counts.max() / counts.sum()
        if top_share >= NEAR_CONSTANT_SHARE:
            near[column] = float(top_share)
    findings = []
    if constant:
        findings.append(Insight(
            kind="data_quality",
            name="constant_columns",
            title=f"{len(constant)} constant column{'s' * (len(constant) > 1)}",
            message=(
                f"{names(constant)} hold{'s' * (len(constant) == 1)} a single value "
                "(ignoring missing ones) and carry no information: drop "
                f"{'them' if len(constant) > 1 else 'it'} "
                "(sklearn.feature_selection.VarianceThreshold does it in a Pipeline)."
            ),
            strength=1.0,
            evidence={"columns": constant},
        ))
    if near:
        ranked = sorted(near.items(), key=lambda item: -item[1])
        top = max(near.values())
        findings.append(Insight(
            kind="data_quality",
            name="near_constant_columns",
            title=f"{len(near)} near-constant column{'s' * (len(near) > 1)}",
            message=(
                f"In {names(c for c, _ in ranked)}, one value covers at least "
                f"{percent(NEAR_CONSTANT_SHARE)} of the rows "
                f"(up to {percent(top)}): little to learn from, and rare values "
                "may be errors worth checking."
            ),
            strength=(top - NEAR_CONSTANT_SHARE) / (1 - NEAR_CONSTANT_SHARE),
            evidence={"top_value_share": dict(ranked)},
            chart={
                "type": "bar", "labels": [c for c, _ in ranked[:20]],
                "values": [s for _, s in ranked[:20]],
                "xlabel": "share of the most frequent value",
            },
        ))
    return findings


def find_duplicate_rows(data):
    """Rows repeating an earlier row; strength reaches 1 at 10% duplicates.

    When there is a target, duplicated feature rows with different targets
    are counted too: they cap any model's accuracy.
    """
    # One 64-bit hash per row (missing values hash alike, unlike NaN == NaN);
    # np.unique's first indices then pair each repeat with its original.
    keys = pd.util.hash_pandas_object(data.frame, index=False).to_numpy()
    _, first_index, group = np.unique(keys, return_index=True, return_inverse=True)
    first_of_row = first_index[group]
    duplicated = first_of_row != np.arange(data.n_rows)
    n_duplicates = int(duplicated.sum())
    if n_duplicates == 0:
        return []
    examples = [[int(first_of_row[p]), int(p)] for p in np.flatnonzero(duplicated)[:10]]
    share = n_duplicates / data.n_rows
    conflicts = {}
    for target in data.targets:
        known = target.known
        labels = pd.DataFrame({"row": group[known], "y": target.values[known].astype(str)})
        n_conflicting = int((labels.groupby("row")["y"].nunique() > 1).sum())
        if n_conflicting:
            conflicts[target.name] = n_conflicting
    conflict_note = "".join(
        f" {n} repeated row{'s' * (n > 1)} carr{'y' if n > 1 else 'ies'} different "
        f"values of {name}: no model can get all of them right."
        for name, n in conflicts.items()
    )
    example_text = ", ".join(f"row {d} repeats row {f}" for f, d in examples[:3])
    return [Insight(
        kind="data_quality",
        name="duplicate_rows",
        title=f"{n_duplicates} duplicate row{'s' * (n_duplicates > 1)}",
        message=(
            f"{n_duplicates} row{'s' * (n_duplicates > 1)} ({percent(share)}) repeat"
            f"{'s' * (n_duplicates == 1)} an earlier row exactly ({example_text}). "
            "Drop them unless repeats are real events, and keep copies of a row "
            "in the same cross-validation fold (GroupKFold) so scores are not "
            "inflated." + conflict_note
        ),
        strength=min(1.0, share / DUPLICATE_FULL_STRENGTH),
        evidence={
            "n_duplicates": n_duplicates,
            "share": share,
            "examples": examples,
            "conflicting_targets": conflicts,
        },
    )]


def identifier_columns(frame):
    """Columns of ``frame`` that identify rows rather than describe them.

    A column is an identifier when its name says so (``IDENTIFIER_NAME``)
    and at least ``NAMED_IDENTIFIER_SHARE`` of the distinct rows have a value
    of their own (numbers must be whole), or when it holds text and
    ``IDENTIFIER_SHARE`` of them do (unnamed numbers may be counts or
    amounts, which are distinct too).  Rows repeated exactly (a batch sent
    twice) count once, so duplicates do not hide an identifier.  Date and
    free-text columns (values with spaces) are not identifiers.  A column
    that counts the rows (:func:`row_number_columns`, such as the index
    pandas' ``to_csv`` saves as ``Unnamed: 0``) is one whatever its name,
    and one named as pandas names a saved index (``SAVED_INDEX_NAME``) is one
    as if named as an identifier.

    This is the one rule for "left out of the models": the data miners
    test, cluster and shuffle none of these columns, and the ``skdeepmine``
    command trains no model on them.

    Returns
    -------
    identifiers : dict
        ``{column: {"distinct_share", "n_levels", "named", "saved_index",
        "counts_rows"}}`` in column order; row counters also have ``"first"``
        and ``"last"``.
    """
    if frame.shape[1] == 0 or len(frame) == 0:
        return {}
    counters = row_number_columns(frame)
    row_keys = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    found = {}
    for column, dtype in frame.dtypes.items():
        named = bool(IDENTIFIER_NAME.search(str(column)))
        saved_index = bool(SAVED_INDEX_NAME.match(str(column)))
        if column in counters:
            found[column] = {"distinct_share": 1.0, "n_levels": counters[column]["n"],
                             "named": named, "saved_index": saved_index,
                             "counts_rows": True, "first": counters[column]["first"],
                             "last": counters[column]["last"]}
            continue
        if (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
                and not named and not saved_index):
            continue  # other unnamed numbers are never identifiers (checked first: wide tables)
        values = frame[column]
        present = values.notna().to_numpy()
        if present.sum() < 2:
            continue
        kept = values[present]
        numeric = pd.api.types.is_numeric_dtype(kept) and not pd.api.types.is_bool_dtype(kept)
        if numeric:
            as_float = kept.to_numpy(dtype=float)
            if not (named or saved_index) or not np.all(as_float == np.round(as_float)):
                continue
        n_levels = int(kept.nunique())
        share = n_levels / len(np.unique(row_keys[present]))
        if (share < (NAMED_IDENTIFIER_SHARE if named or saved_index else IDENTIFIER_SHARE)
                or n_levels < 3):
            continue
        if not numeric:
            text = kept.astype(str)
            if text.str.contains(r"\s", regex=True).mean() > 0.1 or _looks_like_dates(text):
                continue
        found[column] = {"distinct_share": min(1.0, share), "n_levels": n_levels,
                         "named": named, "saved_index": saved_index, "counts_rows": False}
    return found


#: A column counts the rows when it has at least this many values ...
ROW_NUMBER_MIN_VALUES = 20
# The share of a numbering's numbers that may be missing (filtered rows).
ROW_NUMBER_MAX_GAPS = 1 / 3


def row_number_columns(frame):
    """Numeric columns that number the rows: whole numbers rising from 0 or 1.

    An index saved along with the data (pandas' ``to_csv`` does by default)
    looks like a feature to a model, and trees happily split on it: on rows
    sorted by the target it predicts the target.  A numbering starts at 0 or
    1 and rises in steps of 1, with up to ``ROW_NUMBER_MAX_GAPS`` of its
    numbers missing (rows filtered out after numbering).  A column rising
    by 1 from elsewhere (years from 1960) is data, not a numbering.  Missing
    values are passed over; at least ``ROW_NUMBER_MIN_VALUES`` values must
    be present.

    Returns
    -------
    counters : dict
        ``{column: {"first", "last", "n"}}`` in column order.
    """
    found = {}
    columns = [c for c, dtype in frame.dtypes.items() if dtype.kind in "iuf"]
    if frame.columns.has_duplicates or len(frame) < ROW_NUMBER_MIN_VALUES or not columns:
        return found
    # The first two rows rule out most columns at once (wide tables:
    # benchmarks/bench_wide.py); a missing value there defers to the full check.
    head = frame.iloc[:2][columns].to_numpy(dtype=float, na_value=np.nan)
    maybe = np.isnan(head).any(axis=0) | (np.isin(head[0], (0.0, 1.0)) & (head[1] > head[0]))
    for column in (c for c, keep in zip(columns, maybe) if keep):
        values = frame[column].to_numpy(dtype=float, na_value=np.nan)
        values = values[~np.isnan(values)]
        # Cheap tests first (wide tables).
        if len(values) < ROW_NUMBER_MIN_VALUES or values[0] not in (0.0, 1.0):
            continue
        steps = np.diff(values)
        if (np.all(steps >= 1) and np.all(values == np.round(values))
                and np.median(steps) == 1
                and values[-1] - values[0] + 1 <= len(values) / (1 - ROW_NUMBER_MAX_GAPS)):
            found[column] = {"first": int(values[0]),
                             "last": int(values[-1]), "n": len(values)}
    return found


def _identifiers(data):
    if "identifiers" not in data.cache:
        data.cache["identifiers"] = identifier_columns(data.frame)
    return data.cache["identifiers"]


def find_identifiers(data):
    """Columns that identify rows (see :func:`identifier_columns`); strength 1.

    A model can memorise an identifier but never generalise from it: the
    advice is to drop it (keeping it aside to join results back).
    """
    found = _identifiers(data)
    if not found:
        return []
    columns = list(found)
    reasons = [
        f"{c} (counts the rows)" if found[c]["counts_rows"] and not found[c]["named"] else
        f"{c} ({'named as an identifier, ' if found[c]['named'] else ''}"
        f"{'named as pandas names a saved index, ' if found[c]['saved_index'] else ''}"
        f"{found[c]['n_levels']} distinct values, {percent(found[c]['distinct_share'])} "
        "of the distinct rows)"
        for c in columns
    ]
    many = len(columns) > 1
    return [Insight(
        kind="data_quality",
        name="identifier_columns",
        title=f"Identifier column{'s' * many}: {names(columns)}",
        message=(
            f"{'; '.join(reasons[:5])} {'identify' if many else 'identifies'} rows rather "
            f"than describing them: drop {'them' if many else 'it'} before modelling "
            "(keep it aside to join predictions back). A model can memorise an "
            "identifier but cannot generalise from it."
        ),
        strength=1.0,
        evidence={"columns": columns, "identifiers": found},
    )]


def find_high_cardinality(data):
    """Categorical columns with many levels (identifiers are left to find_identifiers).

    Strength is the larger of the distinct-value share and
    ``n_levels / 500``, capped at 1.
    """
    findings = []
    identifiers = _identifiers(data)
    for column in data.categorical:
        values = data.frame[column].dropna()
        if values.empty or column in identifiers:
            continue
        n_levels = int(values.nunique())
        share = n_levels / len(values)
        if n_levels <= HIGH_CARDINALITY_LEVELS and not (
            share > HIGH_CARDINALITY_SHARE and n_levels > 10
        ):
            continue
        if _looks_like_dates(values):
            advice = (
                "its values read as dates: parse them (pandas.to_datetime) and "
                "derive features such as year, month or weekday instead of "
                "encoding each date as a category"
            )
        else:
            advice = (
                "one-hot encoding it would add a column per level; group rare "
                "levels (OneHotEncoder(max_categories=20)) or use "
                "sklearn.preprocessing.TargetEncoder"
            )
        top = values.value_counts().iloc[:20]
        findings.append(Insight(
            kind="data_quality",
            name="high_cardinality",
            title=f"High cardinality: {column} ({n_levels} levels)",
            message=(
                f"{column} has {n_levels} distinct values in {len(values)} rows "
                f"({percent(share)}); {advice}."
            ),
            strength=min(1.0, max(share, n_levels / 500)),
            evidence={
                "column": column, "n_levels": n_levels, "distinct_share": share,
                "identifier_like": False,
                "top_levels": {str(k): int(v) for k, v in top.items()},
            },
        ))
    return findings


def _looks_like_dates(values):
    import warnings

    head = values.head(50).astype(str)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas warns when it guesses formats
        parsed = pd.to_datetime(head, errors="coerce", format="mixed")
    # Plain numbers parse as timestamps too; dates have separators.
    return bool(parsed.notna().all() and head.str.contains(r"[-/:]").all())


def find_row_numbers(data):
    """Columns counting rows (:func:`row_number_columns`); strength 1.

    They are identifiers too (:func:`identifier_columns`), left out of
    everything but this check and :func:`find_identifiers`; those named as
    identifiers (``序号``, ``customer_id``) are left to the latter alone.
    """
    findings = []
    for column, found in _identifiers(data).items():
        if not found["counts_rows"] or found["named"]:
            continue
        first, last = found["first"], found["last"]
        findings.append(Insight(
            kind="data_quality",
            name="row_number_column",
            title=f"{column} counts the rows",
            message=(
                f"{column} runs {number(first)}, {number(first + 1)}, ... "
                f"{number(last)}, rising by 1 (a few numbers may be missing): a "
                "row number or saved index, "
                "not a measurement. Drop it (read_csv(index_col=0) if it is the "
                "index) so that models cannot learn the row order."
            ),
            strength=1.0,
            evidence={"column": column, "first": first, "last": last},
        ))
    return findings


def find_target_quality(data):
    """Rows whose target is missing (they are left out of target miners)."""
    findings = []
    for target in data.targets:
        n_missing = int((~target.known).sum())
        if n_missing == 0:
            continue
        share = n_missing / data.n_rows
        findings.append(Insight(
            kind="data_quality",
            name="missing_target",
            title=f"{target.name} is missing in {n_missing} rows",
            message=(
                f"{n_missing} rows ({percent(share)}) have no value for "
                f"{target.name}; supervised models cannot use them, and the "
                f"target findings below leave them out ({number(data.n_rows - n_missing)} "
                "rows remain)."
            ),
            strength=share,
            evidence={"target": target.name, "n_missing": n_missing, "share": share},
        ))
    return findings


MINERS = (
    find_missing_values,
    find_target_quality,
    find_constant_columns,
    find_duplicate_rows,
    find_identifiers,
    find_high_cardinality,
    find_row_numbers,
)
