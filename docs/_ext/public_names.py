"""Resolve references to skdeepmine's public names by any of their import paths.

The API reference documents each public name where it is defined
(``skdeepmine.cnn.CNNClassifier``), while docstrings and pages also write
the top-level path (``skdeepmine.CNNClassifier``) or, inside a sub-package,
the bare name (``NeuralFeatureExtractor``).  This turns those into links to
the documented object instead of leaving them unlinked.
"""

from sphinx.util import logging

logger = logging.getLogger(__name__)

_PREFIX = "skdeepmine."


def _documented_by_tail(domain):
    """``{"CNNClassifier": "skdeepmine.cnn.CNNClassifier", ...}``, methods included."""
    tails = {}
    for fullname in domain.objects:
        if not fullname.startswith(_PREFIX):
            continue
        parts = fullname[len(_PREFIX):].split(".")
        # Drop the sub-package (lower-case segments) to get the public tail.
        for start in range(len(parts)):
            if not parts[start][:1].islower() or start == len(parts) - 1:
                tails.setdefault(".".join(parts[start:]), fullname)
                break
    return tails


def _tail(target):
    if target.startswith("~"):
        target = target[1:]
    if target.startswith(_PREFIX):
        target = target[len(_PREFIX):]
    parts = target.split(".")
    while len(parts) > 1 and parts[0][:1].islower():
        parts = parts[1:]
    return ".".join(parts)


def resolve(app, env, node, contnode):
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    domain = env.get_domain("py")
    fullname = _documented_by_tail(domain).get(_tail(target))
    if fullname is None or fullname == target:
        return None
    return domain.resolve_xref(
        env, node.get("refdoc", ""), app.builder, node.get("reftype", "obj"),
        fullname, node, contnode,
    )


def setup(app):
    app.connect("missing-reference", resolve)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
