"""Every public name is documented, so a missing docstring fails CI.

Public names are those in ``__all__`` of ``skdeepmine`` and of its public
sub-packages and modules (for a public module without ``__all__``: the
classes and functions it defines whose names do not start with ``_``).  Each needs a numpydoc docstring (a one-line summary, known
section headers, parameters that match its signature) with an ``Examples``
section of doctests (which ``--doctest-modules`` runs), and a line in the API
reference, ``docs/api.rst``.  Only the docstrings are read: nothing is
fitted, so this runs in seconds.
"""

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import skdeepmine

API_PAGE = Path(__file__).resolve().parents[1] / "docs" / "api.rst"

# The Keras core is the base the estimators are built on, not something users
# import; the user guide documents its behaviour through the estimators.
INTERNAL_SUBPACKAGES = {"core"}

NUMPYDOC_SECTIONS = {
    "Parameters", "Returns", "Yields", "Receives", "Other Parameters", "Raises",
    "Warns", "Warnings", "See Also", "Notes", "References", "Examples",
    "Attributes", "Methods",
}


def _public_modules():
    modules = [skdeepmine]
    for info in sorted(pkgutil.iter_modules(skdeepmine.__path__), key=lambda i: i.name):
        if info.name.startswith("_") or info.name in INTERNAL_SUBPACKAGES:
            continue
        modules.append(importlib.import_module(f"skdeepmine.{info.name}"))
    return modules


def _public_names(module):
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return [
        name for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(obj) or inspect.isfunction(obj))
        and obj.__module__ == module.__name__
    ]


def _public_objects():
    """``{documented path: object}``, each object once, by its sub-package."""
    found = {}
    for module in _public_modules():
        for name in _public_names(module):
            obj = getattr(module, name)
            if not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue  # __version__ and other plain values
            path = f"{module.__name__}.{name}"
            previous = next((p for p, o in found.items() if o is obj), None)
            if previous is None:
                found[path] = obj
            elif previous.count(".") < path.count("."):
                # Prefer the sub-package path over the top-level re-export.
                del found[previous]
                found[path] = obj
    return found


PUBLIC = _public_objects()


def _sections(doc):
    """Section name -> its lines, plus the summary under ``""``."""
    lines = inspect.cleandoc(doc).splitlines()
    sections, current = {"": []}, ""
    index = 0
    while index < len(lines):
        line = lines[index]
        underline = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if line.strip() and re.fullmatch(r"-{3,}", underline) and not line.startswith(" "):
            current = line.strip()
            sections[current] = []
            index += 2
            continue
        sections[current].append(line)
        index += 1
    return sections


def _documented_parameters(lines):
    names = []
    for line in lines:
        if not line or line.startswith(" "):
            continue
        head = line.split(" : ")[0].strip().rstrip(":")
        names.extend(part.strip().lstrip("*") for part in head.split(","))
    return names


def _signature_parameters(obj):
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):  # pragma: no cover - builtins
        return None
    return [
        name for name, p in signature.parameters.items()
        if name not in ("self", "cls") and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]


def _api_page_entries():
    entries, module, in_autosummary = set(), None, False
    for line in API_PAGE.read_text(encoding="utf-8").splitlines():
        if match := re.match(r"\.\. currentmodule:: (\S+)", line):
            module = match.group(1)
        elif line.startswith(".. autosummary::"):
            in_autosummary = True
        elif in_autosummary and (match := re.fullmatch(r"   (\w+)", line)):
            entries.add(f"{module}.{match.group(1)}")
        elif line and not line.startswith(" "):
            in_autosummary = False
    return entries


def test_public_names_are_found():
    # Guards the test itself: an empty list would pass everything below.
    assert "skdeepmine.cnn.CNNClassifier" in PUBLIC
    assert "skdeepmine.datasets.load_image_folder" in PUBLIC


@pytest.mark.parametrize("path", sorted(PUBLIC))
def test_public_name_has_numpydoc_docstring_with_examples(path):
    obj = PUBLIC[path]
    doc = obj.__doc__
    assert doc and doc.strip(), f"{path} has no docstring"
    sections = _sections(doc)

    summary = [line for line in sections[""]]
    assert summary and summary[0].strip(), f"{path}: the docstring must start with a summary line"
    assert len(summary) == 1 or not summary[1].strip(), (
        f"{path}: the summary must fit on one line, followed by a blank line"
    )

    unknown = set(sections) - NUMPYDOC_SECTIONS - {""}
    assert not unknown, f"{path}: unknown numpydoc section(s) {sorted(unknown)}"

    examples = sections.get("Examples", [])
    assert any(line.lstrip().startswith(">>> ") for line in examples), (
        f"{path}: needs an Examples section with doctests (>>> lines)"
    )


@pytest.mark.parametrize("path", sorted(PUBLIC))
def test_public_name_documents_exactly_its_parameters(path):
    obj = PUBLIC[path]
    expected = _signature_parameters(obj)
    documented = _documented_parameters(_sections(obj.__doc__ or "").get("Parameters", []))
    if expected:
        missing = [name for name in expected if name not in documented]
        assert not missing, f"{path}: parameters without documentation: {missing}"
    unknown = [name for name in documented if expected is not None and name not in expected]
    assert not unknown, f"{path}: documents parameters it does not take: {unknown}"


@pytest.mark.parametrize("path", sorted(PUBLIC))
def test_public_name_is_in_the_api_reference(path):
    assert path in _api_page_entries(), (
        f"{path} is public but not listed in docs/api.rst; add it to the "
        "autosummary of its sub-package"
    )
