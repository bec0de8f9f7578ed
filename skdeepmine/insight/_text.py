"""The report's own words: message templates per language, filled with numbers.

A finding keeps the template keys and parameters its title and message were
made from (``Insight.template``), so a report renders in any language of
:data:`~._constants.LANGUAGES` from the same numbers: the title and the
message can never disagree, in English or in Chinese.  Data (column names,
levels, values) are parameters and stay as they are.

Templates are :meth:`str.format` strings with a few extra format specs:

``{x:pct}`` a share as a percentage; ``{x:num}`` a number, 3 significant
digits; ``{x:p}`` a p- or q-value; ``{xs:list}`` (``list3``) names joined,
abbreviated after 5 (3); ``{xs:and}`` conditions joined with "and";
``{n:n|row|rows}`` a count with its noun; ``{n:pick|is|are}`` the word that
agrees with a count (or a list's length); ``{w:word}`` a fixed word of the
language (see ``WORDS``); ``{x:counts}`` pairs ``[name, count]``;
``{x:groups}`` lists of names; ``{xs:pcts}`` / ``{xs:nums}`` every share /
number of a list, in order; ``{x:profiles}`` cluster profiles;
``{x:t}`` a nested ``[key, params]`` template.
"""

import math
import string

from ._constants import LANGUAGES
from ._image_templates import IMAGE_TEMPLATES
from ._templates import TEMPLATES

# The words of the image and signal findings (_images.py) live in a module of their own.
for _lang, _words in IMAGE_TEMPLATES.items():
    TEMPLATES[_lang].update(_words)


def percent(share):
    """Format a share in [0, 1] as a short percentage ("12%", "0.4%", "99.9%").

    Only 0 and 1 read "0%" and "100%": a model 99.96 % sure is ">99.9%".
    """
    value = 100.0 * share
    if 99.5 <= value < 100:
        return f"{value:.1f}%" if value < 99.95 else ">99.9%"
    if value == 0 or value >= 10 or value == round(value):
        return f"{value:.0f}%"
    return f"{value:.1f}%" if value >= 0.1 else "<0.1%"


def number(value):
    """Format a number with 3 significant digits for messages."""
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e6:
        return str(int(value))
    return f"{value:.3g}"


def p_value(value):
    """Format a p- or q-value: two digits, scientific below 0.001."""
    value = float(value)
    if value < 1e-300:
        return "<1e-300"
    if value < 0.001:
        return f"{value:.0e}".replace("e-0", "e-")
    return f"{value:.2g}" if value < 0.1 else f"{value:.2f}"


def names(items, limit=5, lang="en"):
    """Join names for a message, abbreviating long lists."""
    items = [str(i) for i in items]
    if lang == "zh":
        shown = "、".join(items[:limit])
        return shown + (f" 等 {len(items)} 项" if len(items) > limit else "")
    shown = ", ".join(items[:limit])
    if len(items) > limit:
        shown += f" and {len(items) - limit} more"
    return shown


#: Fixed words that parameters choose among (``{w:word}``).
WORDS = {
    "en": {
        "negligible": "negligible", "weak": "weak", "moderate": "moderate",
        "strong": "strong", "clear": "clear", "certain": "near-certain",
        "very likely": "very likely", "likely": "likely",
        "scaled": "the scaled features", "deep": "the network's deep features",
        "follow": "follow", "do not follow": "do not follow",
        "high": "high", "low": "low", "accuracy": "accuracy", "R^2": "R^2",
        "right": "right", "left": "left", "middle": "middle",
        "not monotone": "not monotone",
        "not a shift": "not a plain shift between the classes",
    },
    "zh": {
        "negligible": "可忽略", "weak": "弱", "moderate": "中等", "strong": "强",
        "clear": "清晰", "certain": "几乎确定", "very likely": "很可能",
        "likely": "可能", "scaled": "标准化后的特征", "deep": "网络的深度特征",
        "follow": "吻合", "do not follow": "不吻合", "high": "高", "low": "低",
        "accuracy": "准确率", "R^2": "R^2", "right": "右", "left": "左",
        "middle": "中间",
        "not monotone": "并非单调", "not a shift": "并非各类别之间的简单平移",
    },
}


class _Formatter(string.Formatter):
    def __init__(self, lang):
        super().__init__()
        self.lang = lang

    def format_field(self, value, spec):
        lang = self.lang
        if spec == "pct":
            return percent(value)
        if spec == "num":
            # Dates and durations come as text already (MiningData.value_text).
            return value if isinstance(value, str) else number(value)
        if spec == "p":
            return p_value(value)
        if spec in ("=p", "<=p"):  # "q {q:=p}": "q = 0.03", or "q < 1e-300" when tiny
            shown = p_value(value)
            return shown.replace("<", "< ") if shown.startswith("<") else f"{spec[:-1]} {shown}"
        if spec in ("list", "list3"):
            items = [render(*v, lang) if _is_template(v) else v for v in value]
            return names(items, 5 if spec == "list" else 3, lang)
        if spec == "and":
            return (" 且 " if lang == "zh" else " and ").join(str(v) for v in value)
        if spec == "word":
            return WORDS[lang].get(value, str(value))
        if spec == "counts":
            return names([f"{c} ({number(n)})" for c, n in value], 3, lang)
        if spec == "groups":
            join = "；" if lang == "zh" else "; "
            return join.join(" ~ ".join(str(c) for c in group) for group in value[:4])
        if spec == "t":
            key, params = value
            return render(key, params, lang)
        if spec in ("pcts", "nums"):  # every item, in order: a profile across bins
            show = percent if spec == "pcts" else (
                lambda v: v if isinstance(v, str) else number(v))
            return ("、" if lang == "zh" else ", ").join(show(v) for v in value)
        if spec == "shares":
            return names([f"{c} ({percent(v)})" for c, v in value], 3, lang)
        if spec == "repeats":
            sep = "、" if lang == "zh" else ", "
            word = "第 {} 行重复第 {} 行" if lang == "zh" else "row {} repeats row {}"
            return sep.join(word.format(later, first) for later, first in value)
        if spec == "profiles":
            return _profiles(value, lang)
        if spec.startswith(("n|", "pick|")):
            how, one, many = spec.split("|")
            count = len(value) if isinstance(value, (list, tuple)) else value
            word = one if count == 1 else many
            return f"{number(count)} {word}" if how == "n" else word
        return super().format_field(value, spec)


def _is_template(value):
    return (isinstance(value, (list, tuple)) and len(value) == 2
            and isinstance(value[0], str) and isinstance(value[1], dict))


def _profiles(profiles, lang):
    parts = []
    for p in profiles[:6]:
        traits = [
            (f"{WORDS[lang][t[0]]} {t[1]}") for t in p.get("traits", [])
        ]
        if lang == "zh":
            text = f"簇 {p['cluster']}（{percent(p['share'])}）"
            if traits:
                text += "：" + "、".join(traits)
            if "majority" in p:
                text += f"，多为 {p['majority']}（{percent(p['purity'])}）"
        else:
            text = f"cluster {p['cluster']} ({percent(p['share'])})"
            if traits:
                text += ": " + ", ".join(traits)
            if "majority" in p:
                text += f", mostly {p['majority']} ({percent(p['purity'])})"
        parts.append(text)
    return ("；" if lang == "zh" else "; ").join(parts)


def check_lang(lang):
    """Raise ValueError unless ``lang`` is one of ``LANGUAGES``."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {list(LANGUAGES)}, got {lang!r}.")


def report_title(title, lang):
    """A report's title in ``lang`` when it is the default one."""
    return render("report.title", {}, lang) if title == "Insight report" else title


def render(key, params, lang="en"):
    """One template of ``lang`` filled with ``params``."""
    check_lang(lang)
    return _Formatter(lang).format(TEMPLATES[lang][key], **params)


def text(title, parts, lang="en"):
    """Title and message of a finding from template keys and parameters.

    Parameters
    ----------
    title : (key, params)
        The title's template.
    parts : list of (key, params)
        The message, one sentence (or more) per template, in order.
    lang : str, default="en"

    Returns
    -------
    dict
        ``title``, ``message`` and ``template`` (the keys and parameters,
        ready to be stored on an :class:`Insight` and rendered again).
    """
    template = {"title": list(title), "parts": [list(p) for p in parts]}
    title_text, message = render_template(template, lang)
    return {"title": title_text, "message": message, "template": template}


def render_template(template, lang="en"):
    """``(title, message)`` of a stored template in ``lang``."""
    key, params = template["title"]
    joiner = "" if lang == "zh" else " "
    message = joiner.join(render(k, p, lang) for k, p in template["parts"])
    return render(key, params, lang), message


def label(key, lang="en", **params):
    """A fixed piece of the report's own text (headings, axis labels)."""
    return render(key, params, lang)




def chart_text(**fields):
    """Chart fields written from templates: ``field=(key, params)``.

    Returns the English texts plus a ``"text"`` entry keeping the keys and
    parameters, which :func:`localise_chart` renders in another language.
    """
    chart = {field: _render_field(spec, "en") for field, spec in fields.items()}
    chart["text"] = to_lists(fields)
    return chart


def _render_field(spec, lang):
    """A chart field: one ``(key, params)`` or a list of them."""
    if spec and isinstance(spec[0], (list, tuple)):
        return [render(key, params, lang) for key, params in spec]
    key, params = spec
    return render(key, params, lang)


def to_lists(value):
    """Tuples as lists (JSON's form), recursively."""
    if isinstance(value, dict):
        return {k: to_lists(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_lists(v) for v in value]
    return value


def localise_chart(chart, lang):
    """A copy of ``chart`` with its own texts in ``lang`` (data labels unchanged)."""
    if chart is None or lang == "en" or not chart.get("text"):
        return chart
    chart = dict(chart)
    for field, spec in chart["text"].items():
        chart[field] = _render_field(spec, lang)
    return chart
