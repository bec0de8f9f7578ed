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
from ._blend import (
    class_columns,
    fit_blend,
    has_network_head,
    network_input,
    resolve_strategy,
    target_moments,
)
from ._docs import CLASSIFIER_DOC, REGRESSOR_DOC
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

def _estimator_has(attr, *, blends=True, blend_computes=False):
    """The fitted estimator_ has ``attr``, or else the estimator to be fitted has.

    With ``blends=False`` the method is unavailable where the network's and
    the estimator's predictions are blended; with ``blend_computes`` it is
    available wherever they are (the blend computes it from its own output).
    """

    def check(self):
        fitted = hasattr(self, "estimator_")
        strategy = self.final_strategy_ if fitted else self._resolved_strategy()
        if not blends and strategy not in ("features", "estimator"):
            return False
        if blend_computes and strategy != "features":
            return True
        if fitted:
            return hasattr(self.estimator_, attr)
        return hasattr(self._estimator_to_fit(), attr)

    return check


def _non_numeric_columns(X):
    if not is_pandas_frame(X):
        return []
    return [str(c) for c, dtype in X.dtypes.items() if dtype.kind not in "biuf"]


class _Head:
    """A fitted hybrid's network outputs as a ``transform``, for input attributions."""

    def __init__(self, hybrid):
        self._hybrid = hybrid

    def transform(self, X):
        return self._hybrid._network_output(self._hybrid.extractor_, X)


class _BaseHybrid(MetaEstimatorMixin, DocLinkMixin, BaseEstimator, metaclass=ABCMeta):
    _parameter_constraints: dict = {
        "extractor": [HasMethods(["fit", "transform", "get_params"]), None],
        "estimator": [HasMethods(["fit", "predict", "get_params"]), None],
        "passthrough": ["boolean"],
        "cv": ["cv_object", None],
        "strategy": [StrOptions({"auto", "blend", "features"})],
        "random_state": ["random_state"],
    }

    def __init__(
        self, extractor=None, estimator=None, *, passthrough=True, cv=5, strategy="auto",
        random_state=None,
    ):
        self.extractor = extractor
        self.estimator = estimator
        self.passthrough = passthrough
        self.cv = cv
        self.strategy = strategy
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

    def _resolved_strategy(self):
        return resolve_strategy(self, self.estimator)

    def _check_blend(self, parts, X):
        problems = []
        if getattr(X, "ndim", 2) > 2:
            # Found only after the network trained: HistGradientBoosting's
            # "Found array with dim 4".
            problems.append(
                f"rows (X holds samples of shape {tuple(X.shape[1:])}, which the "
                "estimator cannot learn from as they are; passthrough=False gives it "
                "the network's features instead)"
            )
        if not has_network_head(parts["extractor"]):
            problems.append("an extractor with a network head (a NeuralFeatureExtractor "
                            "with its own network, the default)")
        if self._kind == "classifier" and not hasattr(parts["estimator"], "predict_proba"):
            problems.append("an estimator with predict_proba")
        if not self.passthrough:
            problems.append("passthrough=True (the estimator learns on X)")
        if self.cv is None:
            problems.append("cv (its first split holds out the rows that choose the weight)")
        if problems:
            chosen = " (what strategy='auto' chose)" if self.strategy == "auto" else ""
            raise ValueError(f"strategy='blend'{chosen} needs {'; '.join(problems)}.")

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
        seeds = [None, None, None]
        if self.random_state is not None:
            seeds = check_random_state(self.random_state).randint(2**31 - 1, size=3).tolist()
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

        text = _non_numeric_columns(X)
        if text and self.extractor is None:
            # The default network reads numbers; it failed with pandas' "could
            # not convert string to float: 'green'", naming no column.
            raise ValueError(
                f"{type(self).__name__}'s default network reads numbers, and X has "
                f"non-numeric columns: {text}. Encode them first, or pass an extractor "
                "that does (a ColumnTransformer with a OneHotEncoder for them and a "
                "NeuralFeatureExtractor for the rest; see the user guide)."
            )
        strategy = self._resolved_strategy()
        if strategy == "blend":
            self._check_blend(parts, X)
            return self._fit_blend(parts, X, y, params, sample_weight, seeds[2])

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
        self.final_strategy_, self.network_weight_ = "features", 0.0
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

    def _fit_blend(self, parts, X, y, params, sample_weight, seed):
        extractor_, estimator_, weight, _ = fit_blend(
            self, parts, X, y, params, sample_weight, seed
        )
        self.extractor_ = extractor_
        self.estimator_ = estimator_
        self.network_weight_ = weight
        self.final_strategy_ = {0.0: "estimator", 1.0: "network"}.get(weight, "blend")
        self.n_deep_features_ = extractor_.n_components_
        self._frame_features = False
        self.deep_importance_share_, self.raw_importance_share_ = weight, 1.0 - weight
        self._input_attributions = None
        if weight > 0 and hasattr(estimator_, "feature_importances_"):
            # Rows: the network's outputs; their mean divides its weight among the inputs.
            self._input_attributions = input_attributions(_Head(self), X).mean(
                axis=0, keepdims=True
            )
        return self

    def _blend_output(self, X):
        """The blend of the network's and the estimator's predictions for ``X``."""
        check_is_fitted(self)
        X = check_input(self, X, reset=False)
        weight = self.network_weight_
        output = 0.0
        if weight > 0.0:
            output = weight * self._network_output(self.extractor_, X)
        else:
            # Checked by the network's extractor (finite values, its shape),
            # even where the estimator alone predicts and would take NaN.
            network_input(self.extractor_, X)
        if weight < 1.0:
            output = output + (1.0 - weight) * self._estimator_output(self.estimator_, X)
        return output

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
    def _blends(self):
        return getattr(self, "final_strategy_", "features") != "features"

    def _output_names(self, n_deep):
        names = [] if self._blends() else deep_names(n_deep)
        if self.passthrough:
            names += [str(name) for name in _check_feature_names_in(self, None)]
        return names

    def _features(self, X):
        check_is_fitted(self)
        X = check_input(self, X, reset=False)
        if self._blends():
            return X  # the estimator learned on X itself
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
        if self._blends():
            return np.asarray(_check_feature_names_in(self, input_features), dtype=object)
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
        if attributions is None and not (self._blends() and self.network_weight_ == 0):
            raise AttributeError(
                "feature_importances_ needs the input attributions measured at fit; "
                "refit the hybrid."
            )
        if self._blends():
            importances = (1.0 - self.network_weight_) * np.asarray(transformed, dtype=np.float64)
            if attributions is not None:
                importances = importances + self.network_weight_ * attributions[0]
            return importances
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
    __doc__ = CLASSIFIER_DOC

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
        strategy="auto",
        random_state=None,
        class_weight=None,
    ):
        super().__init__(
            extractor, estimator, passthrough=passthrough, cv=cv, strategy=strategy,
            random_state=random_state,
        )
        self.class_weight = class_weight

    def _class_factors(self, y, sample_weight):
        if self.class_weight is None:
            return None
        return class_factors(self.class_weight, self.classes_, y, sample_weight)

    def _set_target_moments(self, y, sample_weight):
        pass

    def _network_target(self, y):
        return y

    def _network_output(self, extractor, X):
        network = extractor.network_
        proba = network.predict_proba(network_input(extractor, X))
        return class_columns(proba, network.classes_, len(self.classes_))

    def _estimator_output(self, estimator, X):
        proba = estimator.predict_proba(X)
        return class_columns(proba, estimator.classes_, len(self.classes_))

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
        if self._blends():
            return self.classes_[self._blend_output(X).argmax(axis=1)]
        features = self._features(X)
        encoded = self.estimator_.predict(features)
        return self.classes_[np.asarray(encoded, dtype=int)]

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities for ``X``, from the estimator (or the blend).

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, columns ordered as ``classes_``.
        """
        if self._blends():
            return self._blend_output(X)
        features = self._features(X)
        return self.estimator_.predict_proba(features)

    @available_if(_estimator_has("predict_log_proba", blend_computes=True))
    def predict_log_proba(self, X):
        """Logarithm of the class probabilities for ``X``, from the estimator (or the blend).

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probability of each class, columns ordered as ``classes_``.
        """
        if self._blends():
            with np.errstate(divide="ignore"):
                return np.log(self._blend_output(X))
        features = self._features(X)
        return self.estimator_.predict_log_proba(features)

    @available_if(_estimator_has("decision_function", blends=False))
    def decision_function(self, X):
        """Decision function of the estimator for ``X``.

        Only where the estimator alone predicts: not when the network's
        predictions are blended in (``final_strategy_`` "blend" or "network").

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
    __doc__ = REGRESSOR_DOC

    _kind = "regressor"
    _extractor_target = "regression"

    def _set_target_moments(self, y, sample_weight):
        # The extractor learns y standardised with these (features/_extractor.py).
        self._target_moments = target_moments(y, sample_weight)

    def _network_target(self, y):
        mean, scale = self._target_moments
        return (np.asarray(y, dtype=np.float64) - mean) / scale

    def _network_output(self, extractor, X):
        mean, scale = self._target_moments
        output = extractor.network_.predict(network_input(extractor, X))
        return mean + scale * np.asarray(output, dtype=np.float64).reshape(len(output))

    def _estimator_output(self, estimator, X):
        return np.asarray(estimator.predict(X), dtype=np.float64)

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
        if self._blends():
            return self._blend_output(X)
        features = self._features(X)
        return self.estimator_.predict(features)
