"""Docstring adjustments for rendering, applied at build time only.

* Methods inherited from scikit-learn (``get_params``, ``score``,
  ``set_fit_request``, ...) come with scikit-learn's docstrings, which point
  into scikit-learn's own documentation (``:ref:`User Guide
  <metadata_routing>```, ``:term:`meta-estimator```).  This build has no
  scikit-learn inventory (it needs no network), so those references are shown
  as plain text rather than as broken links.
* In skdeepmine's docstrings, a fitted attribute named inside a shape, as in
  ``ndarray of shape (n_features_in_,)``, would read to reST as a link to a
  target ``n_features_in``; it is shown as a literal name instead (what
  scikit-learn writes as ``(`n_features_in_`,)``).

Nothing else in skdeepmine's docstrings is changed.
"""

import re

_ROLE = re.compile(r":(?:ref|term|doc):`(?P<text>[^`<]*?)\s*(?:<[^`>]*>)?`")
_SHAPE = re.compile(r"of shape \((?P<dims>[^()]*)\)")
_TRAILING_UNDERSCORE = re.compile(r"(?<![`\w])(?P<name>[A-Za-z]\w*_)(?![`\w])")


def _module_of(obj):
    if isinstance(obj, property) and obj.fget is not None:
        obj = obj.fget
    return getattr(obj, "__module__", None) or ""


def _literal_dims(match):
    dims = _TRAILING_UNDERSCORE.sub(lambda m: f"`{m.group('name')}`", match.group("dims"))
    return f"of shape ({dims})"


def adjust(app, what, name, obj, options, lines):
    own = _module_of(obj).startswith("skdeepmine")
    for index, line in enumerate(lines):
        if own:
            lines[index] = _SHAPE.sub(_literal_dims, line)
        else:
            lines[index] = _ROLE.sub(lambda match: match.group("text"), line)


def setup(app):
    app.connect("autodoc-process-docstring", adjust)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
