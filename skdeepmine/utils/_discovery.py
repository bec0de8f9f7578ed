"""Finding skdeepmine's public estimators, as scikit-learn's ``all_estimators`` does.

The list is never written by hand: it is every class among the public names
of skdeepmine's public modules that is a scikit-learn estimator, so a new
estimator is found as soon as its sub-package exports it.  The common checks,
:func:`skdeepmine.persistence.trusted_types` and the documentation tests all
read it.
"""

import importlib
import inspect
import pkgutil
from operator import itemgetter

# The Keras core is the base the estimators are built on, not something users
# import; its abstract base and target helpers are no public estimators.
INTERNAL_SUBPACKAGES = frozenset({"core"})

_TYPE_FILTERS = ("classifier", "regressor", "transformer", "cluster")


def public_modules():
    """``skdeepmine`` and its public sub-packages and modules, imported."""
    import skdeepmine

    modules = [skdeepmine]
    for info in sorted(pkgutil.iter_modules(skdeepmine.__path__), key=lambda i: i.name):
        if info.name.startswith("_") or info.name in INTERNAL_SUBPACKAGES:
            continue
        modules.append(importlib.import_module(f"skdeepmine.{info.name}"))
    return modules


def public_names(module):
    """``__all__`` of ``module``, or the classes and functions it defines without a ``_``."""
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return [
        name for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(obj) or inspect.isfunction(obj))
        and obj.__module__ == module.__name__
    ]


def _is_abstract(cls):
    return bool(getattr(cls, "__abstractmethods__", None))


def all_estimators(type_filter=None):
    """Return every public skdeepmine estimator, as (name, class) pairs.

    skdeepmine's counterpart of :func:`sklearn.utils.discovery.all_estimators`:
    it walks the public names of ``skdeepmine`` and of its public sub-packages
    (the Keras core excluded) and keeps the classes that derive from
    scikit-learn's ``BaseEstimator``, are not abstract and are defined in
    skdeepmine.  Nothing is fitted and Keras is not imported.

    Parameters
    ----------
    type_filter : {"classifier", "regressor", "transformer", "cluster"} or \
            list of such str, default=None
        Keep only the estimators of these kinds (an estimator of any of the
        listed kinds is kept).  ``None`` keeps all.

    Returns
    -------
    estimators : list of (str, type)
        The class name and the class, sorted by name, each class once.

    Raises
    ------
    ValueError
        If ``type_filter`` names an unknown kind.

    See Also
    --------
    expected_failed_checks : The checks a configuration is expected to fail.
    skdeepmine.persistence.trusted_types : Type names trusted on loading.

    Examples
    --------
    >>> from skdeepmine.utils import all_estimators
    >>> [name for name, _ in all_estimators(type_filter="classifier")]
    ['CNNClassifier', 'DenseNetworkClassifier', 'HybridClassifier']
    >>> [name for name, _ in all_estimators(type_filter="regressor")]
    ['CNNRegressor', 'DenseNetworkRegressor', 'HybridRegressor']
    """
    from sklearn.base import (
        BaseEstimator,
        ClassifierMixin,
        ClusterMixin,
        RegressorMixin,
        TransformerMixin,
    )

    found = set()
    for module in public_modules():
        for name in public_names(module):
            obj = getattr(module, name, None)
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseEstimator)
                and obj.__module__.split(".")[0] == "skdeepmine"
                and not _is_abstract(obj)
            ):
                found.add((obj.__name__, obj))

    if type_filter is not None:
        kinds = [type_filter] if isinstance(type_filter, str) else list(type_filter)
        unknown = [kind for kind in kinds if kind not in _TYPE_FILTERS]
        if unknown:
            raise ValueError(
                f"type_filter must be one of {list(_TYPE_FILTERS)}, a list of them "
                f"or None; got {type_filter!r}."
            )
        mixins = {
            "classifier": ClassifierMixin, "regressor": RegressorMixin,
            "transformer": TransformerMixin, "cluster": ClusterMixin,
        }
        wanted = tuple(mixins[kind] for kind in kinds)
        found = {(name, cls) for name, cls in found if issubclass(cls, wanted)}
    return sorted(found, key=itemgetter(0))
