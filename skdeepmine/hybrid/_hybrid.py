"""HybridClassifier and HybridRegressor: deep features, mined by a classical estimator."""

from abc import ABCMeta, abstractmethod

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    RegressorMixin,
    _fit_context,
    clone,
    is_classifier,
    is_regressor,
)
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, StrOptions
from sklearn.utils.metadata_routing import _raise_for_params, _routing_enabled
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_feature_names_in,
    _check_sample_weight,
    _check_y,
    check_consistent_length,
    check_is_fitted,
)

from ..core._atomic import all_or_nothing
from ..core._paths import looks_like_paths
from ..features import NeuralFeatureExtractor
from ._docs import _ATTRIBUTES_DOC, _PARAMS_DOC
from ._folds import out_of_fold_features
from ..utils._doc_link import DocLinkMixin
from ._importance import importance_shares, input_attributions
from ._inputs import as_2d, check_input, combine, deep_names, is_pandas_frame
from ._routing import (
    PARTS,
    class_factors,
    metadata_router,
    route_fit_params,
    with_class_weight,
)

def _estimator_has(attr):
    """The fitted estimator_ has ``attr``, or else the estimator to be fitted has."""

    def check(self):
        if hasattr(self, "estimator_"):
            return hasattr(self.estimator_, attr)
        return hasattr(self._estimator_to_fit(), attr)

    return check


def _non_numeric_columns(X):
    if not is_pandas_frame(X):
        return []
    return [str(c) for c, dtype in X.dtypes.items() if dtype.kind not in "biuf"]


class _BaseHybrid(MetaEstimatorMixin, DocLinkMixin, BaseEstimator, metaclass=ABCMeta):
    _parameter_constraints: dict = {
        "extractor": [HasMethods(["fit", "transform", "get_params"]), None],
        "estimator": [HasMethods(["fit", "predict", "get_params"]), None],
        "passthrough": ["boolean"],
        "cv": ["cv_object", None],
        "random_state": ["random_state"],
    }

    def __init__(
        self, extractor=None, estimator=None, *, passthrough=True, cv=5, random_state=None
    ):
        self.extractor = extractor
        self.estimator = estimator
        self.passthrough = passthrough
        self.cv = cv
        self.random_state = random_state

    # ----------------------------------------------------------------- hooks
    @abstractmethod
    def _default_estimator(self):
        """The estimator used when ``estimator`` is None."""

    @abstractmethod
    def _encode_target(self, y):
        """Validate ``y`` and return what the extractor and estimator learn."""

    def _class_factors(self, y, sample_weight):
        """Weight of each encoded class, or None for no class weights."""
        return None

    _extractor_target = None
    _kind = None

    def _estimator_to_fit(self, seed=None):
        if self.estimator is not None:
            return self.estimator
        estimator = self._default_estimator().set_params(random_state=seed)
        if _routing_enabled():  # the parts made here take sample weights
            estimator.set_fit_request(sample_weight=True)
        return estimator

    def _extractor_to_fit(self, seed=None):
        if self.extractor is None:
            extractor = NeuralFeatureExtractor(target=self._extractor_target, random_state=seed)
            if _routing_enabled():
                extractor.set_fit_request(sample_weight=True)
            return extractor
        extractor = clone(self.extractor)
        if isinstance(extractor, NeuralFeatureExtractor) and extractor.target == "auto":
            # Integer regression targets look like classes to "auto".
            extractor.set_params(target=self._extractor_target)
        return extractor

    def _check_estimator_kind(self, estimator):
        wrong = is_regressor if self._kind == "classifier" else is_classifier
        try:
            mismatch = wrong(estimator)
        except AttributeError:  # no scikit-learn tags: trust the caller
            mismatch = False
        if mismatch:
            raise ValueError(
                f"estimator must be a {self._kind} for {type(self).__name__}; "
                f"got {estimator!r}."
            )

    def get_metadata_routing(self):
        """Get the metadata routing of this object.

        ``fit`` routes metadata (e.g. ``sample_weight``) to the ``fit`` of
        the extractor and of the estimator, and to the ``split`` of the
        ``cv`` splitter (e.g. ``groups`` for
        :class:`~sklearn.model_selection.GroupKFold`), as each requests
        them.  The extractor and estimator this class makes request
        ``sample_weight``.

        Returns
        -------
        routing : MetadataRouter
            A :class:`~sklearn.utils.metadata_routing.MetadataRouter`
            encapsulating the routing information.
        """
        return metadata_router(self, self._extractor_to_fit(), self._estimator_to_fit())

    # --------------------------------------------------------------- fitting
    @all_or_nothing
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit the extractor, then the estimator on the features it makes.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, ...)
            Training samples: rows (a DataFrame goes to the extractor as it
            is), or images and signals for a CNN extractor.
        y : array-like of shape (n_samples,)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights, passed to the extractor and the estimator
            (both must accept them), or with metadata routing enabled, to
            the parts that request them.
        **fit_params : dict
            Further metadata, only with
            ``sklearn.set_config(enable_metadata_routing=True)``: routed to
            the parts' ``fit`` and the ``cv`` splitter (``groups``) as they
            request them.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        _raise_for_params(fit_params, self, "fit")
        X = check_input(self, X, reset=True)
        y = _check_y(y, multi_output=False, y_numeric=self._kind == "regressor")
        check_consistent_length(X, y)
        y = self._encode_target(y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)
        # The defaults made here are seeded from random_state; parts passed in
        # keep their own random_state.
        seeds = [None, None]
        if self.random_state is not None:
            seeds = check_random_state(self.random_state).randint(2**31 - 1, size=2).tolist()
        parts = {
            "extractor": self._extractor_to_fit(seeds[0]),
            "estimator": self._estimator_to_fit(seeds[1]),
        }
        self._check_estimator_kind(parts["estimator"])
        params = route_fit_params(self, parts, sample_weight, fit_params)
        factors = self._class_factors(y, sample_weight)
        if factors is not None:
            for name in PARTS:
                parts[name], params[name] = with_class_weight(
                    self, name, parts[name], params[name], y, factors
                )

        extractor_ = clone(parts["extractor"]).fit(X, y, **params["extractor"])
        deep = as_2d(extractor_.transform(X))
        if self.cv is not None:
            deep = out_of_fold_features(
                self.cv, parts["extractor"], X, y, params, deep,
                classifier=self._kind == "classifier",
            )
        as_frame = is_pandas_frame(X)
        names = self._output_names(deep.shape[1])
        features = combine(deep, X, passthrough=self.passthrough, names=names, as_frame=as_frame)
        estimator_ = self._fit_estimator(parts["estimator"], features, y, params, X)

        self.extractor_ = extractor_
        self.estimator_ = estimator_
        if looks_like_paths(X) and hasattr(extractor_, "n_features_in_"):
            # Pixels per image, as for an array of the same images.
            self.n_features_in_ = extractor_.n_features_in_
        self.n_deep_features_ = deep.shape[1]
        self._frame_features = as_frame
        self.deep_importance_share_, self.raw_importance_share_ = importance_shares(
            estimator_, features, y, params["estimator"].get("sample_weight"), deep.shape[1],
            classifier=self._kind == "classifier",
            n_classes=len(getattr(self, "classes_", ())),
        )
        # Measured only for estimators with importances to carry back to X.
        self._input_attributions = (
            input_attributions(extractor_, X)
            if hasattr(estimator_, "feature_importances_") else None
        )
        return self

    def _fit_estimator(self, estimator, features, y, params, X):
        try:
            return clone(estimator).fit(features, y, **params["estimator"])
        except (ValueError, TypeError) as exc:
            text = _non_numeric_columns(X) if self.passthrough else []
            if not text:
                raise
            raise ValueError(
                f"{type(self).__name__} passes X's own columns to its estimator "
                f"(passthrough=True), and {type(estimator).__name__} failed on them; "
                f"non-numeric columns: {text}.  Encode them in the estimator (a "
                "Pipeline), give them the 'category' dtype for HistGradientBoosting, "
                f"or set passthrough=False.  The estimator said: {exc}"
            ) from exc

    # ------------------------------------------------------------ inference
    def _output_names(self, n_deep):
        names = deep_names(n_deep)
        if self.passthrough:
            names += [str(name) for name in _check_feature_names_in(self, None)]
        return names

    def _features(self, X):
        check_is_fitted(self)
        X = check_input(self, X, reset=False)
        deep = as_2d(self.extractor_.transform(X))
        return combine(
            deep, X, passthrough=self.passthrough,
            names=self._output_names(self.n_deep_features_),
            as_frame=getattr(self, "_frame_features", False),
        )

    def get_feature_names_out(self, input_features=None):
        """Names of the estimator's input columns: ``deep0``, ``deep1``, ..., then the raw ones.

        The hybrid is a predictor, not a transformer: these name the columns
        its ``estimator_`` was trained on (and that
        ``transformed_feature_importances_`` is aligned with), i.e.
        ``extractor_.transform(X)`` followed, with ``passthrough``, by X.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Names of the input features, used with ``passthrough``: ``None``
            means ``feature_names_in_``, or ``x0``, ``x1``, ... when X had no
            column names.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``n_deep_features_`` names ``deep0`` ... then, with
            ``passthrough``, the input feature names.
        """
        check_is_fitted(self, "n_deep_features_")
        names = deep_names(self.n_deep_features_)
        if self.passthrough:
            names += list(_check_feature_names_in(self, input_features))
        return np.asarray(names, dtype=object)

    @property
    def transformed_feature_importances_(self):
        """The estimator's importances of its columns, named by ``get_feature_names_out``."""
        check_is_fitted(self)
        return self.estimator_.feature_importances_

    @property
    def feature_importances_(self):
        """Importance of each input feature of X (see the class's Attributes)."""
        transformed = self.transformed_feature_importances_
        attributions = getattr(self, "_input_attributions", None)
        if attributions is None:
            raise AttributeError(
                "feature_importances_ needs the input attributions measured at fit; "
                "refit the hybrid."
            )
        n_deep = self.n_deep_features_
        importances = np.asarray(transformed[:n_deep], dtype=np.float64) @ attributions
        if self.passthrough:
            importances = importances + np.asarray(transformed[n_deep:], dtype=np.float64)
        return importances

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        return tags


class HybridClassifier(ClassifierMixin, _BaseHybrid):
    __doc__ = f"""Deep features mined by a classical classifier.

    A neural network (the ``extractor``) learns a representation of the
    data; a classical estimator (by default gradient-boosted trees) is
    trained on that representation, next to the raw features.  The network
    finds smooth, distributed structure; the trees find thresholds and
    interactions, handle mixed scales, and say which features they used.

    Parameters
    ----------
    {_PARAMS_DOC.strip().format(kind="classifier", default="HistGradientBoostingClassifier", folds="stratified")}

    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, given to the extractor and to the estimator:
        as their own ``class_weight`` where they have that parameter (a
        random forest, HistGradientBoosting), otherwise multiplied into the
        sample weights of their ``fit`` (the default
        :class:`NeuralFeatureExtractor`); a part that takes neither is an
        error.  ``"balanced"`` weighs each class inversely to its total
        sample weight; a dict maps class labels to weights (others weigh 1).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    {_ATTRIBUTES_DOC.strip()}

    See Also
    --------
    HybridRegressor : The same for regression.
    NeuralFeatureExtractor : The default extractor.
    sklearn.ensemble.StackingClassifier : Stacking of predictions.

    Notes
    -----
    A supervised embedding fits its own training rows better than new rows,
    so with ``cv=None`` the estimator learns on features cleaner than those
    it meets when predicting, and trusts them too much.  In
    ``benchmarks/bench_hybrid.py`` (5-fold accuracy on raw data, default
    parts) ``cv=5`` beat ``cv=None`` on all three datasets: breast_cancer
    97.9 against 97.5, wine 97.2 against 95.0, digits 97.7 against 96.4, for
    two to four times the fit time (six network fits instead of one).  Hence
    the default ``cv=5``; pass ``cv=None`` when fit time matters more.

    To grid-search the parts' parameters (``extractor__n_components``,
    ``estimator__max_depth``), pass the parts explicitly: the defaults are
    created at fit, so ``None`` has no nested parameters.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from skdeepmine.features import NeuralFeatureExtractor
    >>> from skdeepmine.hybrid import HybridClassifier
    >>> X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    >>> X, y = X[:200], y[:200]
    >>> clf = HybridClassifier(NeuralFeatureExtractor(n_components=4, epochs=2,
    ...                                               random_state=0))
    >>> clf.fit(X, y).predict(X[:3]).shape
    (3,)
    >>> clf.predict_proba(X[:3]).shape
    (3, 2)
    >>> round(clf.deep_importance_share_ + clf.raw_importance_share_, 6)
    1.0
    >>> clf.get_feature_names_out()[:6]
    array(['deep0', 'deep1', 'deep2', 'deep3', 'mean radius', 'mean texture'],
          dtype=object)
    """

    _kind = "classifier"
    _extractor_target = "classification"

    _parameter_constraints: dict = {
        **_BaseHybrid._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        extractor=None,
        estimator=None,
        *,
        passthrough=True,
        cv=5,
        random_state=None,
        class_weight=None,
    ):
        super().__init__(
            extractor, estimator, passthrough=passthrough, cv=cv, random_state=random_state
        )
        self.class_weight = class_weight

    def _class_factors(self, y, sample_weight):
        if self.class_weight is None:
            return None
        return class_factors(self.class_weight, self.classes_, y, sample_weight)

    def _default_estimator(self):
        # Imported here: sklearn.ensemble would add ~0.1 s to `import skdeepmine`.
        from sklearn.ensemble import HistGradientBoostingClassifier

        return HistGradientBoostingClassifier()

    def _encode_target(self, y):
        check_classification_targets(y)
        from sklearn.preprocessing import LabelEncoder

        encoder = LabelEncoder().fit(y)
        self.classes_ = encoder.classes_
        if len(self.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in "
                f"the data, but the data contains only one class: {self.classes_[0]!r}."
            )
        return encoder.transform(y)

    def predict(self, X):
        """Predict class labels for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels, drawn from ``classes_``.
        """
        features = self._features(X)
        encoded = self.estimator_.predict(features)
        return self.classes_[np.asarray(encoded, dtype=int)]

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities for ``X``, from the estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, columns ordered as ``classes_``.
        """
        features = self._features(X)
        return self.estimator_.predict_proba(features)

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Logarithm of the class probabilities for ``X``, from the estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probability of each class, columns ordered as ``classes_``.
        """
        features = self._features(X)
        return self.estimator_.predict_log_proba(features)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision function of the estimator for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The estimator's scores, for the positive class (binary problems)
            or for each class of ``classes_``.
        """
        features = self._features(X)
        return self.estimator_.decision_function(features)


class HybridRegressor(RegressorMixin, _BaseHybrid):
    __doc__ = f"""Deep features mined by a classical regressor.

    The regression counterpart of :class:`HybridClassifier`: a neural network
    (the ``extractor``) learns a representation supervised by ``y``; a
    classical regressor (by default gradient-boosted trees) is trained on it,
    next to the raw features.

    Parameters
    ----------
    {_PARAMS_DOC.strip().format(kind="regressor", default="HistGradientBoostingRegressor", folds="K-fold")}

    Attributes
    ----------
    {_ATTRIBUTES_DOC.strip()}

    See Also
    --------
    HybridClassifier : The same for classification.
    NeuralFeatureExtractor : The default extractor.
    sklearn.ensemble.StackingRegressor : Stacking of predictions.

    Notes
    -----
    A default :class:`NeuralFeatureExtractor` (or one given with
    ``target="auto"``) learns ``y`` as a continuous, standardised target,
    even when ``y`` holds integers.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skdeepmine.features import NeuralFeatureExtractor
    >>> from skdeepmine.hybrid import HybridRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> X, y = X[:200], y[:200]
    >>> reg = HybridRegressor(NeuralFeatureExtractor(n_components=4, epochs=2,
    ...                                              random_state=0))
    >>> reg.fit(X, y).predict(X[:2]).shape
    (2,)
    """

    _kind = "regressor"
    _extractor_target = "regression"

    def _default_estimator(self):
        from sklearn.ensemble import HistGradientBoostingRegressor

        return HistGradientBoostingRegressor()

    def _encode_target(self, y):
        return np.asarray(y, dtype=np.float64)

    def predict(self, X):
        """Predict targets for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted targets.
        """
        features = self._features(X)
        return self.estimator_.predict(features)
