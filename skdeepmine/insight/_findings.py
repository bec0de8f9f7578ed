"""The finding record every miner returns, and how findings are ranked."""

import math
from dataclasses import dataclass, field

import numpy as np

from ._constants import KINDS
from ._text import localise_chart, names, number, percent, render_template

__all__ = ["KINDS", "Insight", "names", "number", "percent", "rank", "to_jsonable"]


@dataclass(frozen=True)
class Insight:
    """One finding about the data or a fitted model.

    Findings are plain records: miners create them, reports rank and render
    them.  ``evidence`` and ``chart`` hold only JSON-friendly values (numbers,
    strings, lists and dicts of them), so a finding can be saved as JSON.

    Parameters
    ----------
    kind : str
        The family of the finding: ``"data_quality"``, ``"target"``,
        ``"relationships"``, ``"association_rules"``, ``"structure"`` or
        ``"model"``.
    name : str
        What exactly was found, e.g. ``"missing_values"``,
        ``"class_imbalance"`` or ``"association_rule"``.
    title : str
        A one-line headline.
    message : str
        The finding in plain language, with what to do about it when there
        is a clear remedy.
    strength : float
        How strongly the data shows the finding, in [0, 1]; each miner
        documents its scale (see :class:`InsightReporter`).
    evidence : dict, default={}
        The numbers behind the finding.
    chart : dict or None, default=None
        The data of the finding's figure: a ``"type"`` (``"bar"``,
        ``"histogram"``, ``"scatter"``, ``"heatmap"`` or ``"line"``) and
        what that type draws.
    template : dict or None, default=None
        The template keys and parameters the title and message were
        written from (see :func:`~skdeepmine.insight._text.text`); with it,
        :meth:`localised` renders the finding in another language.  A
        finding of strength 0 says that its miner looked and found nothing.

    See Also
    --------
    InsightReport : Ranked findings with tables, Markdown, JSON and HTML.

    Examples
    --------
    >>> from skdeepmine.insight import Insight
    >>> finding = Insight(
    ...     kind="data_quality", name="duplicate_rows", title="1 duplicate row",
    ...     message="Row 7 repeats row 2.", strength=0.1,
    ...     evidence={"n_duplicates": 1},
    ... )
    >>> finding.strength
    0.1
    >>> finding.to_dict()["evidence"]
    {'n_duplicates': 1}
    """

    kind: str
    name: str
    title: str
    message: str
    strength: float
    evidence: dict = field(default_factory=dict)
    chart: dict | None = None
    template: dict | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}.")
        strength = float(self.strength)
        if not 0.0 <= strength <= 1.0:
            raise ValueError(f"strength must lie in [0, 1], got {self.strength!r}.")
        # Frozen: the cleaned values go in through object.__setattr__.
        object.__setattr__(self, "strength", strength)
        object.__setattr__(self, "evidence", to_jsonable(dict(self.evidence)))
        if self.chart is not None:
            object.__setattr__(self, "chart", to_jsonable(dict(self.chart)))
        if self.template is not None:
            object.__setattr__(self, "template", to_jsonable(dict(self.template)))

    __hash__ = None  # evidence is a dict: a finding is a value, not a key

    def to_dict(self):
        """Return the finding as a JSON-serialisable dict.

        Returns
        -------
        record : dict
            ``kind``, ``name``, ``title``, ``message``, ``strength``,
            ``evidence``, ``chart`` and ``template``.
        """
        return {
            "kind": self.kind,
            "name": self.name,
            "title": self.title,
            "message": self.message,
            "strength": self.strength,
            "evidence": self.evidence,
            "chart": self.chart,
            "template": self.template,
        }

    def localised(self, lang):
        """Return the finding with its own text in ``lang`` (``"en"`` or ``"zh"``).

        Title, message and the figure's labels are rendered again from the
        stored template, so they say the same thing in every language; the
        data (column names, values) stay as they are.  Data-quality findings
        made without a template get one from their evidence; any other
        finding made without one keeps its text.

        Parameters
        ----------
        lang : {"en", "zh"}
            The language.

        Returns
        -------
        insight : Insight
            The finding in ``lang``.
        """
        from dataclasses import replace

        template, chart = self.template, self.chart
        if template is None:
            if lang == "en":
                return self
            from ._quality_text import derived_template

            template = derived_template(self)
            if template is None:
                return self
            if chart is not None and template["chart"]:
                chart = {**chart, "text": template["chart"]}
        title, message = render_template(template, lang)
        return replace(self, title=title, message=message,
                       chart=localise_chart(chart, lang))

    def plot(self, ax=None):
        """Draw the finding's figure.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; ``None`` draws on a new
            :class:`matplotlib.figure.Figure` (pyplot is not touched).

        Returns
        -------
        ax : matplotlib Axes
            The axes drawn on.
        """
        from ._plots import draw_chart

        if self.chart is None:
            raise ValueError(f"The finding {self.title!r} has no figure.")
        return draw_chart(self.chart, ax=ax)


def rank(insights):
    """Sort findings by strength (strongest first), ties by kind.

    The sort is stable: equally strong findings of one kind keep the order
    their miner gave them.
    """
    order = {kind: position for position, kind in enumerate(KINDS)}
    return sorted(insights, key=lambda i: (-i.strength, order[i.kind]))


def to_jsonable(value):
    """Convert numpy scalars/arrays, tuples and sets to plain JSON values.

    Non-finite floats become ``None``: JSON has no NaN.
    """
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [to_jsonable(v) for v in items]
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, str):
        return value
    return str(value)
