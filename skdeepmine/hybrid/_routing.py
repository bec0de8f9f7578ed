"""Which fit parameters each part of a hybrid gets: metadata and class weights.

With ``sklearn.set_config(enable_metadata_routing=True)`` the metadata given
to ``fit`` go where the parts request them, as in scikit-learn's
meta-estimators: to the extractor's and the estimator's ``fit`` and to the
``cv`` splitter's ``split`` (``groups`` for a GroupKFold).  Without routing,
``sample_weight`` goes to both parts, which must both accept it.
"""

import numpy as np
from sklearn.base import clone
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.validation import has_fit_parameter

PARTS = ("extractor", "estimator")


def metadata_router(hybrid, extractor, estimator):
    """The hybrid's MetadataRouter: fit -> each part's fit, fit -> the splitter's split."""
    from sklearn.model_selection import check_cv

    fit = MethodMapping().add(caller="fit", callee="fit")
    router = MetadataRouter(owner=hybrid)
    router.add(extractor=extractor, method_mapping=fit)
    router.add(estimator=estimator, method_mapping=fit)
    if hybrid.cv is not None:
        router.add(
            splitter=check_cv(hybrid.cv),
            method_mapping=MethodMapping().add(caller="fit", callee="split"),
        )
    return router


def route_fit_params(hybrid, parts, sample_weight, params):
    """``{"extractor": ..., "estimator": ..., "splitter": ...}``: each one's parameters.

    ``parts`` maps "extractor" and "estimator" to the unfitted parts.
    """
    if _routing_enabled():
        if sample_weight is not None:
            params = {**params, "sample_weight": sample_weight}
        routed = process_routing(hybrid, "fit", **params)
        return {
            "extractor": dict(routed["extractor"]["fit"]),
            "estimator": dict(routed["estimator"]["fit"]),
            "splitter": dict(routed["splitter"]["split"]) if hybrid.cv is not None else {},
        }
    routed = {name: {} for name in (*PARTS, "splitter")}
    if sample_weight is not None:
        for name in PARTS:
            if not has_fit_parameter(parts[name], "sample_weight"):
                raise TypeError(
                    f"{type(hybrid).__name__} got sample_weight, but its {name} "
                    f"{type(parts[name]).__name__} does not accept sample_weight in "
                    "fit (with sklearn.set_config(enable_metadata_routing=True), "
                    "the parts that request it get it)."
                )
            routed[name]["sample_weight"] = sample_weight
    return routed


def class_factors(class_weight, classes, y, sample_weight):
    """Weight of each encoded class ``0 .. len(classes) - 1`` under ``class_weight``.

    ``"balanced"`` weighs classes inversely to their total sample weight (the
    number of rows when ``sample_weight`` is None), as scikit-learn does.  A
    dict maps labels to weights; classes it does not name weigh 1.
    """
    n_classes = len(classes)
    if isinstance(class_weight, str):  # "balanced"
        weights = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
        totals = np.bincount(y, weights=weights, minlength=n_classes)
        present = totals > 0
        factors = np.ones(n_classes)
        factors[present] = totals.sum() / (present.sum() * totals[present])
        return factors
    index = {label: i for i, label in enumerate(classes.tolist())}
    unknown = [label for label in class_weight if label not in index]
    if unknown:
        raise ValueError(
            f"class_weight names classes {unknown} that are not in the data; "
            f"the classes are {classes.tolist()}."
        )
    factors = np.ones(n_classes)
    for label, weight in class_weight.items():
        factors[index[label]] = float(weight)
    return factors


def with_class_weight(hybrid, name, part, params, y, factors):
    """``(part, params)`` with the hybrid's ``class_weight`` given to ``part``.

    A part with a ``class_weight`` parameter gets it (as a dict over the
    encoded classes the parts learn); otherwise its sample weights are
    multiplied by the class weights.
    """
    if "class_weight" in part.get_params(deep=False):
        encoded = {i: float(f) for i, f in enumerate(factors)}
        return clone(part).set_params(class_weight=encoded), params
    if has_fit_parameter(part, "sample_weight"):
        base = params.get("sample_weight")
        base = np.ones(len(y)) if base is None else np.asarray(base, dtype=np.float64)
        return part, {**params, "sample_weight": base * factors[y]}
    raise TypeError(
        f"{type(hybrid).__name__}(class_weight=...) needs its {name} "
        f"{type(part).__name__} to take class_weight or sample_weight in fit; "
        "it takes neither."
    )
