"""Which of scikit-learn's estimator checks a configuration is expected to fail.

scikit-learn declares the checks its own estimators cannot pass in a table
(``PER_ESTIMATOR_XFAIL_CHECKS``) and passes them to ``check_estimator`` and
``parametrize_with_checks`` as ``expected_failed_checks``.  skdeepmine does
the same, but per configuration: only the randomness a configuration asks
for makes it fail, and only one check.
"""

SAMPLE_WEIGHT_CHECK = "check_sample_weight_equivalence_on_dense_data"
ORDER_CHECK = "check_methods_sample_order_invariance"
SUBSET_CHECK = "check_methods_subset_invariance"
_JAX_ORDER = (
    "float32 on Keras's JAX backend: XLA's CPU kernels round a row's outputs "
    "differently by its position in the batch (by about 1e-7, relative), which "
    "the check's default tolerance does not allow"
)

_TORCH_SUBSET = (
    "float32 convolutions on Keras's PyTorch backend: PyTorch's CPU kernels "
    "round a row's outputs differently by the size of its batch (by about "
    "1e-7, relative), which the check's default tolerance does not allow"
)

# Keras layers whose training-time output depends on the random draw or on the
# other rows of the batch, for networks given as a ``keras.Model``.
_STOCHASTIC_LAYERS = frozenset({
    "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
    "AlphaDropout", "GaussianDropout", "GaussianNoise", "BatchNormalization",
    "RandomFlip", "RandomRotation", "RandomTranslation", "RandomZoom",
    "RandomContrast", "RandomBrightness", "RandomCrop",
})

_HGB = (
    "HistGradientBoosting, the default estimator: sample_weight is not equivalent "
    "to removing/repeating samples (scikit-learn declares it too)"
)


def _network_reasons(params):
    """Why a network with these parameters is not weight/repetition equivalent."""
    reasons = []
    if params.get("dropout"):
        reasons.append("dropout draws a new mask for every copy of a repeated row")
    # batch_norm="auto" normalises images only; scikit-learn's checks pass
    # tables, which CNNs read as signals (cnn/_architecture.py).
    if params.get("batch_norm") not in (None, False, "auto"):
        reasons.append("batch normalisation's statistics count repeated rows, not weights")
    if params.get("early_stopping"):
        reasons.append(
            "early stopping holds out a random validation_fraction of the rows, "
            "which repeated rows change"
        )
    if params.get("dtype") == "float32":
        reasons.append(
            "dtype='float32': a weight and repeated rows sum in another order, "
            "which float32 rounds apart by about the check's rtol=1e-7, so it "
            "fails on most data (float64, the default on float64 data, passes)"
        )
    elif params.get("dtype") == "auto" and _auto_is_float32():
        reasons.append(
            f"dtype='auto' computes in float32 on Keras's {_backend()} backend: a "
            "weight and repeated rows sum in another order, which float32 rounds "
            "apart by about the check's rtol=1e-7, so it fails on most data "
            "(float64 passes on TensorFlow)"
        )
    model = params.get("model")
    if hasattr(model, "layers") and any(
        type(layer).__name__ in _STOCHASTIC_LAYERS for layer in _flat_layers(model)
    ):
        reasons.append("the network has dropout, noise, augmentation or batch normalisation")
    return reasons


def _backend():
    from ..core._backend import backend_name

    return backend_name()


def _auto_is_float32():
    """Whether ``dtype="auto"`` computes float64 data in float32 here (core/_base.py)."""
    return _backend() != "tensorflow"


def _flat_layers(model):
    for layer in getattr(model, "layers", ()):
        yield layer
        yield from _flat_layers(layer)


def _sklearn_reasons(estimator):
    """scikit-learn's own expected failure of this check, if it declares one."""
    try:  # scikit-learn's private table; absent from some versions
        from sklearn.utils._test_common.instance_generator import (
            PER_ESTIMATOR_XFAIL_CHECKS,
        )
    except ImportError:  # pragma: no cover - depends on the installed version
        return []
    reason = PER_ESTIMATOR_XFAIL_CHECKS.get(type(estimator), {}).get(SAMPLE_WEIGHT_CHECK)
    return [f"{type(estimator).__name__}: {reason}"] if reason else []


def _reasons(estimator):
    from ..features import NeuralFeatureExtractor
    from ..hybrid import HybridClassifier, HybridRegressor

    if isinstance(estimator, (HybridClassifier, HybridRegressor)):
        extractor = estimator.extractor
        reasons = _reasons(NeuralFeatureExtractor() if extractor is None else extractor)
        from ..hybrid._blend import resolve_strategy

        if resolve_strategy(estimator, estimator.estimator) == "blend":
            # The check's cv holds its weighted rows out in the first split,
            # on which the blend's parts train; its network then wins
            # (weight 1), so the estimator's weighting never reaches the
            # predictions (tests/test_common.py).
            return reasons
        if estimator.estimator is None:
            return reasons + [_HGB]
        return reasons + _reasons(estimator.estimator)
    if not any(cls.__module__.split(".")[0] == "skdeepmine" for cls in type(estimator).__mro__):
        return _sklearn_reasons(estimator)
    params = estimator.get_params(deep=False)
    if isinstance(estimator, NeuralFeatureExtractor):
        params = {**params, **(params.get("network_params") or {})}
    return _network_reasons(params)


def expected_failed_checks(estimator):
    """Return the scikit-learn checks this configuration is expected to fail.

    Every skdeepmine estimator passes all of scikit-learn's estimator checks,
    except one in the configurations that train with randomness that depends
    on the rows: ``check_sample_weight_equivalence_on_dense_data``, which
    requires that fitting with an integer ``sample_weight`` gives the same
    model as fitting with each row repeated that many times.  A network
    cannot meet it when it uses dropout (a repeated row gets a mask per
    copy), batch normalisation (batch statistics count copies) or early
    stopping (the random validation split sees copies), nor reliably with
    ``dtype="float32"`` (a weight and its copies round apart by about the
    check's ``rtol=1e-7``: it fails on most data), which ``dtype="auto"``
    means on Keras's JAX and PyTorch backends; nor can a hybrid whose
    extractor or estimator cannot, such as its default HistGradientBoosting
    estimator or a random forest (scikit-learn declares the same failure for
    them), unless it blends (the default ``strategy``, where the check's
    rows make the network's weight 1).  On Keras's JAX backend a float32 network (``dtype="auto"``
    there) is also declared to fail ``check_methods_sample_order_invariance``
    and ``check_methods_subset_invariance``: XLA's CPU kernels round a row's
    outputs differently by its position in the batch, by about 1e-7; on
    PyTorch a float32 CNN is declared to fail
    ``check_methods_subset_invariance``, as PyTorch's CPU convolutions round a
    row's outputs differently by the size of its batch.  Other configurations
    are expected to fail nothing.

    The result is what scikit-learn's ``check_estimator`` and
    ``parametrize_with_checks`` take as ``expected_failed_checks``.

    Parameters
    ----------
    estimator : estimator instance
        A skdeepmine estimator, or a scikit-learn estimator (for which
        scikit-learn's own declared failure of the same check is returned).

    Returns
    -------
    failed_checks : dict of {str: str}
        Check name to the reason it fails; empty when every check passes.

    See Also
    --------
    all_estimators : Every public skdeepmine estimator.

    Notes
    -----
    A network you pass as ``model`` is inspected for dropout, noise,
    augmentation and batch-normalisation layers when it is a Keras model; a
    build function cannot be inspected before it runs, so nothing is
    expected of it.  The CNNs' random augmentations (``random_flip``, ...)
    need images, which scikit-learn's checks (tables) never give; they are
    not covered.  Sample weights equal repetitions only when an epoch is one
    batch, as the check's data (27 rows, or 57 with an inner ``cv``) are
    with the default ``batch_size``.

    Examples
    --------
    >>> from skdeepmine import DenseNetworkClassifier
    >>> from skdeepmine.utils import expected_failed_checks
    >>> expected_failed_checks(DenseNetworkClassifier())
    {}
    >>> expected_failed_checks(DenseNetworkClassifier(dropout=0.2))
    {'check_sample_weight_equivalence_on_dense_data': 'dropout draws a new mask for every copy of a repeated row'}

    Pass it on to scikit-learn's checks:
    ``check_estimator(est, expected_failed_checks=expected_failed_checks(est))``,
    or ``parametrize_with_checks(estimators,
    expected_failed_checks=expected_failed_checks)``.
    """
    reasons = _reasons(estimator)
    failed = {SAMPLE_WEIGHT_CHECK: "; ".join(reasons)} if reasons else {}
    float32 = _network_dtype_param(estimator) in ("float32", "auto")
    if float32 and _backend() == "jax":
        failed[ORDER_CHECK] = failed[SUBSET_CHECK] = _JAX_ORDER
    elif float32 and _backend() == "torch" and _convolves(estimator):
        failed[SUBSET_CHECK] = _TORCH_SUBSET
    return failed


def _convolves(estimator):
    """Whether ``estimator`` trains one of skdeepmine's CNNs."""
    from ..cnn._estimators import _BaseCNN

    return isinstance(estimator, _BaseCNN)


def _network_dtype_param(estimator):
    """The ``dtype`` of the network ``estimator`` trains (None: it trains none)."""
    from ..features import NeuralFeatureExtractor
    from ..hybrid import HybridClassifier, HybridRegressor

    if isinstance(estimator, (HybridClassifier, HybridRegressor)):
        extractor = estimator.extractor
        return _network_dtype_param(NeuralFeatureExtractor() if extractor is None else extractor)
    params = estimator.get_params(deep=False) if hasattr(estimator, "get_params") else {}
    if isinstance(estimator, NeuralFeatureExtractor):
        params = {**params, **(params.get("network_params") or {})}
    if not any(cls.__module__.split(".")[0] == "skdeepmine" for cls in type(estimator).__mro__):
        return None
    return params.get("dtype")
