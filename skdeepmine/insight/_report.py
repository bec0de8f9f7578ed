"""InsightReport: ranked findings as a table, Markdown, JSON, HTML and a figure."""

import json
import textwrap

import numpy as np
import pandas as pd
from sklearn.base import clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from ._findings import Insight, rank, to_jsonable
from ._text import check_lang, report_title

_MINING_PARAMS = """
    task : {"auto", "classification", "regression"}, default="auto"
        How to read ``y``; see :class:`InsightReporter`.
    kinds : list of str, default=None
        Kinds of data finding to mine (all when None); see
        :class:`InsightReporter`.
    max_rows : int, default=10_000
        Row sample size of the costlier miners.
    n_bins : int, default=3
        Quantile bins per numeric column for association rules.
    min_support : float, default=0.05
        Smallest share of rows an association rule covers.
    min_confidence : float, default=0.6
        Smallest confidence of an association rule.
    max_clusters : int, default=8
        Largest number of clusters tried.
    random_state : int, RandomState instance or None, default=None
        Seeds sampling, estimators and splits; an int makes the report
        reproducible."""


def _document(method):
    """Insert the mining parameters shared with InsightReporter into a docstring."""
    block = textwrap.indent(textwrap.dedent(_MINING_PARAMS).strip("\n"), " " * 8)
    method.__doc__ = method.__doc__.replace(" " * 8 + "{mining_params}", block)
    return method


class InsightReport:
    """Ranked findings about a dataset (and a fitted model), ready to read.

    Build one with :meth:`from_data` or :meth:`from_estimator`, or take the
    ``report_`` of a fitted :class:`InsightReporter`.  Findings are sorted by
    strength, strongest first.

    Parameters
    ----------
    insights : iterable of Insight
        The findings, in any order.
    title : str, default="Insight report"
        Headline of the rendered report.
    summary : dict, default=None
        Facts about what was mined (rows, columns, targets, ...).
    tables : dict of str to pandas.DataFrame, default=None
        Tables shown before the findings, such as a model comparison.

    Attributes
    ----------
    insights : list of Insight
        Every miner's outcome, strongest first: the findings, then those of
        strength 0, where a miner looked and found nothing (see
        :attr:`found` and :attr:`checked`).  ``len(report)`` and iterating
        over the report cover the findings only.

    See Also
    --------
    InsightReporter : Mines the data inside a Pipeline.
    Insight : One finding.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepmine.insight import InsightReport
    >>> X = np.array([[0.0, 1.0], [1.0, 1.0], [0.0, 1.0], [2.0, 1.0]] * 5)
    >>> report = InsightReport.from_data(X, kinds=["data_quality"], random_state=0)
    >>> [finding.name for finding in report.found]
    ['constant_columns', 'duplicate_rows']
    >>> report.checked[0].message
    'Looked for missing values: none found.'
    >>> print(report)  # doctest: +ELLIPSIS
    Insight report: 2 findings
    1. [data quality] 1 constant column (1.00)
    2. [data quality] 17 duplicate rows (1.00)
    Checked, nothing found:
      - Looked for missing values: none found.
    ...
    >>> report.to_frame()[["kind", "strength"]].head(2)
               kind  strength
    0  data_quality       1.0
    1  data_quality       1.0
    """

    def __init__(self, insights, *, title="Insight report", summary=None, tables=None):
        insights = list(insights)
        for insight in insights:
            if not isinstance(insight, Insight):
                raise TypeError(
                    f"insights must be Insight records, got {type(insight).__name__}."
                )
        self.insights = rank(insights)
        self.title = str(title)
        self.summary = to_jsonable(dict(summary or {}))
        self.tables = {str(name): pd.DataFrame(table) for name, table in (tables or {}).items()}

    # ------------------------------------------------------------ building
    @classmethod
    @_document
    def from_data(
        cls, X, y=None, *, task="auto", kinds=None, extractor=None, max_rows=10_000,
        n_bins=3, min_support=0.05, min_confidence=0.6, max_clusters=8, random_state=None,
    ):
        """Mine a dataset.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The data; DataFrames may hold categorical columns.
        y : array-like of shape (n_samples,), default=None
            The target, enabling the target, relationship and rule miners.
        extractor : transformer, default=None
            A fitted network whose ``transform`` gives deep features (such
            as :class:`~skdeepmine.NeuralFeatureExtractor`): clusters are
            also sought in them.
        {mining_params}

        Returns
        -------
        report : InsightReport
            The ranked findings.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> from skdeepmine.insight import InsightReport
        >>> X, y = load_iris(return_X_y=True, as_frame=True)
        >>> report = InsightReport.from_data(
        ...     X, y, kinds=["association_rules"], random_state=0)
        >>> report.insights[0].title
        'When petal length (cm) < 2.633, then target = 0'
        """
        from sklearn.utils._param_validation import (
            HasMethods,
            validate_parameter_constraints,
        )

        from ._mine import check_table, fitted_extractor, mine, settings_from

        validate_parameter_constraints(
            {"extractor": [HasMethods(["transform"]), None]}, {"extractor": extractor},
            caller_name="InsightReport.from_data",
        )
        settings, kinds = settings_from(dict(
            task=task, kinds=kinds, max_rows=max_rows, n_bins=n_bins,
            min_support=min_support, min_confidence=min_confidence,
            max_clusters=max_clusters, random_state=random_state,
        ), "InsightReport.from_data")
        X_checked = check_table(X)
        deep = None
        if extractor is not None:
            extractor = fitted_extractor(extractor, X_checked, y)
            deep = np.asarray(extractor.transform(X_checked), dtype=float)
        findings, summary = mine(X_checked, y, settings, kinds=kinds, task=task, deep=deep)
        return cls(findings, summary=summary)

    @classmethod
    @_document
    def from_estimator(
        cls, estimator, X, y, *, test_size=0.25, n_repeats=5, task="auto", kinds=None,
        max_rows=10_000, n_bins=3, min_support=0.05, min_confidence=0.6,
        max_clusters=8, random_state=None,
    ):
        """Mine a dataset and a model of it.

        A fitted ``estimator`` is judged on ``X`` and ``y``, which should be
        rows it was not trained on.  An unfitted one is cloned, fitted on a
        random ``1 - test_size`` of the rows and judged on the rest.  The data
        findings read all of ``X``; the model findings (permutation
        importance, per-class errors and confusion matrix, and for a hybrid
        the deep vs raw importance and clusters in its deep features) read
        the held-out rows.

        Images ``(n, H, W[, C])``, signals given to a CNN and 1-D arrays of
        image file paths get image findings instead, on the held-out samples
        of a classifier: per-class accuracy, confused class pairs and
        suspected label errors with thumbnails, class-average attribution
        maps, clusters in the network's ``embedding`` layer and the class
        balance; of a regressor: the held-out R^2 and largest errors, the
        average attribution map and the clusters (see the user guide's
        "Images and signals").

        Parameters
        ----------
        estimator : estimator or Pipeline
            A classifier or regressor, fitted or not.
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The data.
        y : array-like of shape (n_samples,)
            The target.
        test_size : float, default=0.25
            Held-out share when ``estimator`` is not fitted yet.
        n_repeats : int, default=5
            Shuffles per feature (and per group of redundant features) for
            permutation importance.
        {mining_params}

        Returns
        -------
        report : InsightReport
            The ranked findings.

        Notes
        -----
        Permutation importance shuffles each feature alone and each group of
        redundant features (association at least 0.9) together, ``n_repeats``
        times; a feature or group is relied on when the paired test of its
        cost over the held-out rows is significant (Benjamini-Hochberg across
        features, q < 0.05).  Tables wider than 30 columns shuffle the 30
        features most related to the target one by one and the others as one
        block.

        Strengths of the model findings: the largest score (accuracy or
        R^2) lost when a feature or group is shuffled (0 when nothing is
        relied on); the error rate of the worst-predicted class; ``1 - R^2``
        for a regressor's errors; the deep features' share of a hybrid's
        importance.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> from sklearn.tree import DecisionTreeClassifier
        >>> from skdeepmine.insight import InsightReport
        >>> X, y = load_iris(return_X_y=True)
        >>> report = InsightReport.from_estimator(
        ...     DecisionTreeClassifier(random_state=0), X, y,
        ...     kinds=["target"], n_repeats=2, random_state=0)
        >>> sorted(i.name for i in report.found)
        ['class_errors', 'permutation_importance']
        """
        from ._mine import check_table, mine, settings_from
        from ._model import deep_features

        settings, kinds = settings_from(dict(
            task=task, kinds=kinds, max_rows=max_rows, n_bins=n_bins,
            min_support=min_support, min_confidence=min_confidence,
            max_clusters=max_clusters, random_state=random_state,
        ), "InsightReport.from_estimator")  # before any fitting: fail fast
        if not 0 < test_size < 1:
            raise ValueError(f"test_size must lie in (0, 1), got {test_size!r}.")
        if y is None:
            raise ValueError("from_estimator needs the target y to judge the model.")
        from ._images import is_sample_input, mine_samples

        if is_sample_input(estimator, X):  # images, signals or image paths: _images.py
            findings, summary = mine_samples(
                estimator, X, y, test_size=test_size, settings=settings, kinds=kinds
            )
            return cls(findings, summary=summary)
        X_checked = check_table(X)
        try:
            check_is_fitted(estimator)
            fitted = True
        except NotFittedError:
            fitted = False
        if fitted:
            model, X_test, y_test = estimator, X, y
            trained_on = "as given (already fitted)"
        else:
            from ._duplicates import held_out_split

            # Identical rows stay on one side: a copy of a training row in
            # the held-out rows would flatter a model that memorises.
            X_train, X_test, y_train, y_test, repeated = held_out_split(
                X, y, test_size=test_size, random_state=settings.seed,
                stratify=is_classifier(estimator),
            )
            model = clone(estimator).fit(X_train, y_train)
            trained_on = f"{len(y_train)} rows, judged on {len(y_test)} held-out rows" + (
                f" (the {repeated} repeated rows kept on the same side as their copies)"
                if repeated else "")
        findings, summary = mine(
            X_checked, y, settings, kinds=kinds, task=task, deep=deep_features(model, X),
            model=(model, X_test, y_test), n_repeats=n_repeats,
        )
        summary.update(
            estimator=_describe(model), trained_on=trained_on,
            held_out=None if fitted else [len(y_train), len(y_test)],
        )
        return cls(findings, summary=summary)

    # ------------------------------------------------------------- reading
    def __len__(self):
        """The number of findings (strength above 0), as ``str(report)`` counts them."""
        return len(self.found)

    def __iter__(self):
        """The findings (strength above 0), strongest first."""
        return iter(self.found)

    @property
    def found(self):
        """The findings of strength above 0, strongest first.

        Returns
        -------
        insights : list of Insight
        """
        return [i for i in self.insights if i.strength > 0]

    @property
    def checked(self):
        """The outcomes of miners that looked and found nothing (strength 0).

        Returns
        -------
        insights : list of Insight
        """
        return [i for i in self.insights if i.strength == 0]

    def localised(self, lang):
        """Return the findings with their own text in ``lang``.

        Parameters
        ----------
        lang : {"en", "zh"}
            The language of the report's own text; the data stay as they are.

        Returns
        -------
        insights : list of Insight
            :meth:`Insight.localised` of each finding, in rank order.
        """
        check_lang(lang)
        return [i.localised(lang) for i in self.insights]

    def __repr__(self):
        return self.to_text()

    def to_text(self, lang="en"):
        """Return the ranked findings as plain text: rank, kind and title.

        ``str(report)`` and ``print(report)`` show this text in English.

        Parameters
        ----------
        lang : {"en", "zh"}, default="en"
            The language of the report's own text.

        Returns
        -------
        text : str
            One line per finding, then the "checked, nothing found" lines.
        """
        from ._text import label

        insights = self.localised(lang)
        found = [i for i in insights if i.strength > 0]
        checked = [i for i in insights if i.strength == 0]
        title = self.title if lang == "en" else report_title(self.title, lang)
        lines = [f"{title}: {label('page.n_findings', lang, n=len(found))}"]
        width = len(str(len(found)))
        for number, insight in enumerate(found, start=1):
            kind = label(f"kind.{insight.kind}", lang)
            lines.append(
                f"{number:>{width}}. [{kind}] {insight.title} ({insight.strength:.2f})"
            )
        if not found:
            lines.append(label("page.nothing", lang))
        if checked:
            lines.append(label("page.checked", lang) + ":")
            lines += [f"  - {i.message}" for i in checked]
        return "\n".join(lines)

    def to_frame(self):
        """Return the findings as a DataFrame, one row per finding.

        Returns
        -------
        frame : pandas.DataFrame
            Columns ``kind``, ``name``, ``title``, ``message``, ``strength``
            and ``evidence``.
        """
        columns = ["kind", "name", "title", "message", "strength", "evidence"]
        return pd.DataFrame(
            [{c: getattr(i, c) for c in columns} for i in self.insights], columns=columns
        )

    def to_dict(self):
        """Return the report as JSON-serialisable dict.

        Returns
        -------
        report : dict
            ``title``, ``summary``, ``tables`` (lists of records) and
            ``insights`` (see :meth:`Insight.to_dict`).
        """
        return {
            "title": self.title,
            "summary": self.summary,
            "tables": {
                name: to_jsonable(table.to_dict(orient="records"))
                for name, table in self.tables.items()
            },
            "insights": [i.to_dict() for i in self.insights],
        }

    def to_json(self, path=None, *, indent=2):
        """Write (or return) the report as JSON.

        Parameters
        ----------
        path : str or path-like, default=None
            Where to write; ``None`` returns the JSON text.
        indent : int, default=2
            Indentation of the JSON text.

        Returns
        -------
        text_or_path : str
            The JSON text, or ``path`` when given.
        """
        text = json.dumps(self.to_dict(), indent=indent, allow_nan=False)
        if path is None:
            return text
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path

    def to_markdown(self, lang="en"):
        """Return the report as Markdown: summary, tables, ranked findings.

        Parameters
        ----------
        lang : {"en", "zh"}, default="en"
            The language of the report's own text; the data stay as they are.

        Returns
        -------
        text : str
            Markdown text.
        """
        from ._html import summary_items
        from ._text import label

        insights = self.localised(lang)
        lines = [f"# {report_title(self.title, lang)}", ""]
        lines += [f"- {name}: {value}" for name, value in summary_items(self.summary, lang)]
        for name, table in self.tables.items():
            lines += ["", f"## {name}", "", _markdown_table(table)]
        lines += ["", f"## {label('page.findings', lang)}", ""]
        found = [i for i in insights if i.strength > 0]
        for number, insight in enumerate(found, start=1):
            lines.append(
                f"{number}. **{insight.title}** ({label(f'kind.{insight.kind}', lang)}, "
                f"{label('page.strength', lang, strength=insight.strength)}): "
                f"{insight.message}"
            )
        if not found:
            lines.append(label("page.nothing", lang))
        checked = [i for i in insights if i.strength == 0]
        if checked:
            lines += ["", f"## {label('page.checked', lang)}", ""]
            lines += [f"- {i.message}" for i in checked]
        return "\n".join(lines) + "\n"

    def to_html(self, path=None, *, lang="en"):
        """Write (or return) the report as one self-contained HTML page.

        Figures are embedded as base64 PNG and styles are inline: the file
        loads no script, font, style sheet or image from anywhere else.

        Parameters
        ----------
        path : str or path-like, default=None
            Where to write; ``None`` returns the HTML text.
        lang : {"en", "zh"}, default="en"
            The language of the report's own text (headings, titles,
            messages, axis labels); the data (column names, values) stay as
            they are.  ``"zh"`` is Simplified Chinese.

        Returns
        -------
        text_or_path : str
            The HTML text, or ``path`` when given.

        Examples
        --------
        >>> import numpy as np
        >>> from skdeepmine.insight import InsightReport
        >>> X = np.array([[0.0, 1.0], [1.0, 1.0]] * 10)
        >>> report = InsightReport.from_data(X, kinds=["data_quality"], random_state=0)
        >>> page = report.to_html(lang="zh")
        >>> '<html lang="zh-Hans">' in page, "<h2>发现</h2>" in page
        (True, True)
        """
        from ._html import render_page

        check_lang(lang)
        text = render_page(self, lang)
        if path is None:
            return text
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path

    def _repr_html_(self):
        from ._html import render_fragment

        return render_fragment(self)

    def plot(self, ax=None, *, limit=20):
        """Draw the strengths of the strongest findings, coloured by kind.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; ``None`` draws on a new
            :class:`matplotlib.figure.Figure` (pyplot is not touched).
        limit : int, default=20
            Findings shown.

        Returns
        -------
        ax : matplotlib Axes
            The axes drawn on.
        """
        from ._plots import draw_overview

        return draw_overview(self.found, ax=ax, limit=limit)


def _describe(estimator):
    from ._model import final_step

    final = final_step(estimator)
    name = type(final).__name__
    return name if final is estimator else f"Pipeline ending in {name}"


def _markdown_table(table):
    def cell(value):
        if isinstance(value, (float, np.floating)):
            return f"{value:.4g}"
        return str(value).replace("|", "\\|").replace("\n", " ")

    header = "| " + " | ".join(cell(c) for c in table.columns) + " |"
    rule = "| " + " | ".join("---" for _ in table.columns) + " |"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([header, rule, *rows])
