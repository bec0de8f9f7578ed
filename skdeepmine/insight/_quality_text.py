"""Templates for data-quality findings that were written without one.

The data-quality miners (``_quality``) write their English text directly.
For another language, :func:`derived_template` rebuilds a finding's
template from the numbers in its ``evidence``, so a Chinese report says the
same thing in Chinese, its title and message filled from the same numbers.
"""

from ._text import to_lists


def _missing_values(evidence, message):
    shares = evidence["missing_share"]
    worst = sorted(shares.items(), key=lambda item: -item[1])[:3]
    linked = list(evidence.get("missing_goes_with_target") or {})
    params = {"n": len(shares), "worst": [[c, s] for c, s in worst],
              "rows": evidence["rows_with_missing"]}
    parts = [("q.missing_values.linked", {**params, "linked": linked}) if linked
             else ("q.missing_values", params)]
    if evidence.get("infinite_count"):
        parts.append(("q.infinite", {"columns": list(evidence["infinite_count"])}))
    return ("q.missing_values.title", {"n": len(shares)}), parts, {
        "xlabel": ("q.chart.missing", {})}


def _constant_columns(evidence, message):
    columns = evidence["columns"]
    return (("q.constant.title", {"n": len(columns)}),
            [("q.constant", {"n": len(columns), "columns": columns})], {})


def _near_constant_columns(evidence, message):
    shares = evidence["top_value_share"]
    return (("q.near_constant.title", {"n": len(shares)}),
            [("q.near_constant", {"n": len(shares), "columns": list(shares),
                                  "top": max(shares.values())})],
            {"xlabel": ("q.chart.top_share", {})})


def _duplicate_rows(evidence, message):
    n = evidence["n_duplicates"]
    examples = [[later, first] for first, later in evidence["examples"][:3]]
    parts = [("q.duplicates", {"n": n, "share": evidence["share"], "examples": examples})]
    for target, count in evidence.get("conflicting_targets", {}).items():
        parts.append(("q.duplicates.conflict", {"n": count, "target": target}))
    return ("q.duplicates.title", {"n": n}), parts, {}


def _identifier_columns(evidence, message):
    columns = evidence["columns"]
    return (("q.identifiers.title", {"columns": columns}),
            [("q.identifiers", {"columns": columns})], {})


def _high_cardinality(evidence, message):
    params = {"column": evidence["column"], "n_levels": evidence["n_levels"],
              "share": evidence["distinct_share"]}
    advice = "q.high_cardinality.dates" if "to_datetime" in message else "q.high_cardinality"
    return ("q.high_cardinality.title", params), [(advice, params)], {}


def _row_number_column(evidence, message):
    params = {"column": evidence["column"], "first": evidence["first"],
              "last": evidence["last"]}
    return ("q.row_numbers.title", params), [("q.row_numbers", params)], {}


def _missing_target(evidence, message):
    params = {"target": evidence["target"], "n": evidence["n_missing"],
              "share": evidence["share"]}
    return ("q.missing_target.title", params), [("q.missing_target", params)], {}


_BUILDERS = {
    "missing_values": _missing_values,
    "constant_columns": _constant_columns,
    "near_constant_columns": _near_constant_columns,
    "duplicate_rows": _duplicate_rows,
    "identifier_columns": _identifier_columns,
    "high_cardinality": _high_cardinality,
    "row_number_column": _row_number_column,
    "missing_target": _missing_target,
}


def derived_template(insight):
    """The template of a data-quality finding made without one, or None.

    Returns a template (see :func:`~._text.text`) with a ``"chart"`` entry
    for the figure's own labels, built from ``insight.evidence``; None for
    other findings, or when the evidence lacks a number the text needs.
    """
    build = _BUILDERS.get(insight.name)
    if insight.kind != "data_quality" or build is None:
        return None
    try:
        title, parts, chart = build(insight.evidence, insight.message)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return to_lists({"title": title, "parts": parts, "chart": chart})
