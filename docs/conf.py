"""Sphinx configuration of the skdeepmine documentation.

Build it, executing the example gallery, with warnings as errors::

    .venv/bin/python -m sphinx -W --keep-going -b html docs docs/_build/html

The build needs nothing from the network: no intersphinx inventories, no
remote images.
"""

import os
import sys
import warnings
from pathlib import Path

# TensorFlow reads these once, at its first import (the first fit of a gallery
# example); keep its C++ start-up lines out of the build log.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
# Examples draw with matplotlib's non-interactive backend.
os.environ.setdefault("MPLBACKEND", "Agg")

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))

import skdeepmine  # noqa: E402

project = "skdeepmine"
author = "the skdeepmine developers"
copyright = "the skdeepmine developers, BSD-3-Clause"
release = skdeepmine.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "cli_help",
    "public_names",
    "sklearn_docstrings",
    "strict_rst",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "auto_examples/*.ipynb"]
default_role = "literal"
pygments_style = "sphinx"

# -- API reference -------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"
# numpydoc lists the methods of each class in a table; the methods themselves
# are documented below it by autodoc, so no separate stub pages are needed.
numpydoc_show_class_members = True
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = False

# -- Example gallery -----------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # SKDEEPMINE_DOCS_EXAMPLES=plot_cnn runs only the examples whose path
    # matches; the others are rendered without running.
    "filename_pattern": os.environ.get("SKDEEPMINE_DOCS_EXAMPLES", r"/plot_"),
    "within_subsection_order": "gallery_order.ExampleOrder",
    "doc_module": ("skdeepmine",),
    "reference_url": {"skdeepmine": None},
    "backreferences_dir": "gen_modules/backreferences",
    "prefer_full_module": set(),
    # Not every public name is used by an example; an empty "Examples using"
    # list is not a problem worth failing the build for.
    "log_level": {"backreference_missing": "debug"},
    # Executed on every build: a failing example fails the build.
    "plot_gallery": "True",
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
    "capture_repr": ("_repr_html_", "__repr__"),
    "min_reported_time": 1,
    # Each example page shows its own running time; no timing page is
    # written into the source tree.
    "write_computation_times": False,
    "download_all_examples": False,
    "show_signature": False,
    "remove_config_comments": True,
}

# -- HTML output ---------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skdeepmine {release}"
html_static_path = ["_static"]
html_css_files = ["skdeepmine.css"]
html_show_sourcelink = False
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"getting_started": [], "coming_from_scikeras": [], "benchmarks": []}

# Keras and TensorFlow warn about their own internals during the gallery run;
# those are no documentation problems.
warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(keras|tensorflow)\..*")
