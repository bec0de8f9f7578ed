"""Every public name is documented, so a missing docstring fails CI.

Public names are those in ``__all__`` of ``skdeepmine`` and of its public
sub-packages and modules (for a public module without ``__all__``: the
classes and functions it defines whose names do not start with ``_``),
found by the same walk as ``skdeepmine.utils.all_estimators``.  Each needs a
numpydoc docstring (a one-line summary, known section headers, parameters
that match its signature) with an ``Examples`` section of doctests (which
``--doctest-modules`` runs), and a line in the API reference,
``docs/api.rst``; each estimator's HTML repr links to its page there.  Every
page and docstring must parse as the reST its author meant (the Sphinx build
fails on the same mistakes, through docs/_ext/strict_rst.py).  Only the
docstrings are read: nothing is fitted, so this runs in seconds.
"""

import inspect
import re
import sys
from pathlib import Path

import pytest

from skdeepmine.utils import all_estimators
from skdeepmine.utils._discovery import public_modules, public_names
from skdeepmine.utils._doc_link import DOCS_URL

ROOT = Path(__file__).resolve().parents[1]
API_PAGE = ROOT / "docs" / "api.rst"

NUMPYDOC_SECTIONS = {
    "Parameters", "Returns", "Yields", "Receives", "Other Parameters", "Raises",
    "Warns", "Warnings", "See Also", "Notes", "References", "Examples",
    "Attributes", "Methods",
}


def _public_objects():
    """``{documented path: object}``, each object once, by its sub-package."""
    found = {}
    for module in public_modules():
        for name in public_names(module):
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


@pytest.mark.parametrize("name, cls", all_estimators())
def test_estimator_is_documented_and_its_html_repr_links_to_its_page(name, cls):
    paths = [path for path, obj in PUBLIC.items() if obj is cls]
    assert paths, f"{name} is an estimator but no public name"
    path = paths[0]
    assert path in _api_page_entries()
    # docs/api.rst puts every entry's page under gen_modules/ (":toctree:").
    page = f"{DOCS_URL}gen_modules/{path}.html"
    estimator = cls()
    assert estimator._get_doc_link() == page
    html = estimator._repr_html_()
    assert f'href="{page}"' in html
    # Parameter names link to their entry, with their description as tooltip.
    first = next(iter(estimator.get_params()))
    assert f'href="{page}#:~:text={first}' in html
    assert 'class="param-doc-description"' in html


# ------------------------------------------------------------ reST markup
_ext = str(ROOT / "docs" / "_ext")
if _ext not in sys.path:
    sys.path.insert(0, _ext)
docutils_core = pytest.importorskip("docutils.core")
from strict_rst import misread_markup  # noqa: E402

RST_FILES = sorted(
    path for path in (ROOT / "docs").rglob("*.rst")
    if not {"_build", "auto_examples", "gen_modules", "_templates"} & set(path.parts)
)


def _misread(text, source):
    doctree = docutils_core.publish_doctree(
        text, source_path=str(source),
        settings_overrides={"report_level": 5, "halt_level": 5, "file_insertion_enabled": False},
    )
    return [f"{source}:{m.get('line')}: {m.children[0].astext()}" for m in misread_markup(doctree)]


def test_markup_check_catches_a_broken_table():
    broken = "Intro.\n\n==.. list-table::\n   :header-rows: 1\n\n   * - a\n     - b\n"
    assert _misread(broken, "broken.rst")
    assert not _misread(broken.replace("==.. ", ".. "), "fixed.rst")


@pytest.mark.parametrize("path", RST_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_rst_page_has_no_misread_markup(path):
    assert not _misread(path.read_text(encoding="utf-8"), path)


def test_docstrings_have_no_misread_markup():
    problems = []
    for path, obj in PUBLIC.items():
        for where, item in [(path, obj), *(
            (f"{path}.{name}", member) for name, member in vars(obj).items()
            if inspect.isclass(obj) and not name.startswith("_") and callable(member)
        )]:
            if getattr(item, "__doc__", None):
                problems += _misread(inspect.cleandoc(item.__doc__), where)
    assert not problems


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = next(
        line for line in readme.splitlines()
        if line.startswith("python3 -m venv") and line.endswith("-m pytest")
    )
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci.count(command) == 1 and ci[-1] == command
    # System packages CI needs (the browser tests, the CLI's CJK labels) are
    # installed there, never by a test.
    assert any("apt-get install" in line and "chromium fonts-noto-cjk" in line for line in ci)


def test_sources_cite_only_files_of_this_repository():
    # Notes outside the repository (the team's shared/*.md) are no citation a
    # reader can follow; cite a benchmark or a test instead.
    outside = re.compile(r"shared/[\w-]+\.md|STACK" + "-FACTS")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("skdeepmine", "benchmarks", "tests", "docs", "examples")
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in {".py", ".rst", ".md", ".txt"} and "_build" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if outside.search(line)
    ]
    assert not offenders
