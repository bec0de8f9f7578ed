"""Links from an estimator's HTML diagram to its page of the API reference."""

# Where the Sphinx site (docs/) is published.
DOCS_URL = "https://skdeepmine.readthedocs.io/en/stable/"

# docs/api.rst lists each estimator in an autosummary of its sub-package with
# ``:toctree: gen_modules``, so its page is gen_modules/<sub-package>.<Class>.html;
# scikit-learn fills in the module up to its first private part
# (skdeepmine.cnn._estimators -> skdeepmine.cnn).
DOC_LINK_TEMPLATE = DOCS_URL + "gen_modules/{estimator_module}.{estimator_name}.html"


class DocLinkMixin:
    """Give scikit-learn's HTML repr a link to skdeepmine's API page.

    With the link set, the diagram's "?" icon opens the estimator's page and
    the parameter table shows each parameter's description as a tooltip,
    linked to its entry on that page.  Put it left of ``BaseEstimator``.
    """

    _doc_link_module = "skdeepmine"
    _doc_link_template = DOC_LINK_TEMPLATE
