"""InsightReporter: a pass-through Pipeline step that mines the data it is fitted on."""

from numbers import Number

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin, _fit_context
from sklearn.utils._param_validation import HasMethods
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils._doc_link import DocLinkMixin
from ._mine import MINING_CONSTRAINTS, fitted_extractor, mine, settings_from
from ._report import InsightReport


class InsightReporter(OneToOneFeatureMixin, TransformerMixin, DocLinkMixin, BaseEstimator):
    """Mine the data a Pipeline sees, and pass it on unchanged.

    Fitting runs the data miners (data quality, target, relationships,
    association rules, structure) over ``X`` and ``y`` and stores the ranked
    findings as ``report_``; ``transform`` returns ``X`` as it came.  Put it
    first in a Pipeline to get a report on the training data of every fit.

    Parameters
    ----------
    task : {"auto", "classification", "regression"}, default="auto"
        How to read ``y``.  ``"auto"`` treats non-numeric targets and
        integer targets with at most 20 values as classes, the rest as a
        regression target.

    kinds : list of str, default=None
        Which kinds of finding to mine, among ``"data_quality"``,
        ``"target"``, ``"relationships"``, ``"association_rules"`` and
        ``"structure"``.  ``None`` mines them all.

    extractor : transformer, default=None
        A network whose ``transform`` gives deep features, such as
        :class:`~skdeepmine.NeuralFeatureExtractor`: the structure miner
        then also looks for clusters in them.  A fitted one is used as it is
        (wrap it in :class:`sklearn.frozen.FrozenEstimator` to keep it
        fitted through cloning); an unfitted one is cloned and fitted on
        ``X`` and ``y`` first.

    max_rows : int, default=10_000
        The costlier miners (relation tests, association rules,
        clusters, PCA) read a random sample of at most this many rows; the
        data-quality and target miners read every row.

    n_bins : int, default=3
        Quantile bins per numeric column (and regression target) for the
        association rules.

    min_support : float, default=0.05
        Smallest share of rows an association rule must cover (and at least
        10 rows).

    min_confidence : float, default=0.6
        Smallest confidence of a reported association rule.

    max_clusters : int, default=8
        Largest number of clusters tried; the number with the best
        silhouette wins.

    random_state : int, RandomState instance or None, default=None
        Seeds the row sample, permutation p-values, k-means and PCA.
        An int makes the report reproducible.

    Attributes
    ----------
    report_ : InsightReport
        The ranked findings about the data seen in ``fit``.

    extractor_ : transformer
        The extractor used for deep features (only when ``extractor`` is
        set).

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    InsightReport.from_data : The same mining, without a Pipeline.
    InsightReport.from_estimator : Findings about a fitted model too.

    Notes
    -----
    Each finding's ``strength`` lies in [0, 1]: the worst column's missing
    share; 1 for constant columns and row numbers, and for near-constant ones
    how close the top value's share is to 1 from 95%; the share of duplicate
    rows over 10%; the distinct-value share of a high-cardinality column;
    ``1 - minority / majority`` for class imbalance; ``|skewness| / 5`` for a
    skewed target; the largest effect size among the related features
    (the absolute rank-biserial r or Spearman rho, Cramer's V or
    Kruskal-Wallis eta, each in [0, 1]); the strongest redundant pair's association; a
    rule's certainty factor times its recall; the clustering's silhouette;
    ``1 - components / features`` for PCA; the share of outlier rows over 25%.
    A finding of strength 0 says that a miner looked and found nothing
    (``report_.checked``).

    Arrays must be numeric; pass a pandas DataFrame to mine categorical
    (string) columns.  Missing and infinite values are accepted and reported.
    Images ``(n, H, W[, C])``, 3-D signals and 1-D arrays of image file paths
    get the class balance of ``y`` and, with ``extractor``, clusters in its
    features; :meth:`InsightReport.from_estimator` judges a model on them.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skdeepmine.insight import InsightReporter
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(60, 3))
    >>> y = (X[:, 0] + 0.5 * rng.normal(size=60) > 0).astype(int)
    >>> pipe = make_pipeline(
    ...     InsightReporter(kinds=["data_quality", "relationships"], random_state=0),
    ...     LogisticRegression(),
    ... ).fit(X, y)
    >>> report = pipe[0].report_
    >>> report.insights[0].title
    'Features related to target: x0'
    >>> pipe[0].transform(X) is X
    True
    """

    _parameter_constraints: dict = {
        **MINING_CONSTRAINTS,
        "extractor": [HasMethods(["transform"]), None],
    }

    def __init__(
        self,
        *,
        task="auto",
        kinds=None,
        extractor=None,
        max_rows=10_000,
        n_bins=3,
        min_support=0.05,
        min_confidence=0.6,
        max_clusters=8,
        random_state=None,
    ):
        self.task = task
        self.kinds = kinds
        self.extractor = extractor
        self.max_rows = max_rows
        self.n_bins = n_bins
        self.min_support = min_support
        self.min_confidence = min_confidence
        self.max_clusters = max_clusters
        self.random_state = random_state

    def _validate_X(self, X, *, reset):
        from ..core._paths import looks_like_paths
        from ._images import is_sample_input

        if looks_like_paths(X):  # image file paths pass on as they came
            return X
        if is_sample_input(self, X):  # images and signals (_images.py)
            return validate_data(self, X, reset=reset, dtype="numeric", allow_nd=True,
                                 ensure_all_finite=False)
        if isinstance(X, pd.DataFrame):
            # Categorical columns stay as they are: only names and width are checked.
            validate_data(self, X, reset=reset, skip_check_array=True)
            if X.shape[0] == 0:
                raise ValueError(
                    "Found array with 0 sample(s) (shape=(0, "
                    f"{X.shape[1]})) while a minimum of 1 is required."
                )
            if X.shape[1] == 0:
                raise ValueError(
                    f"Found array with 0 feature(s) (shape=({X.shape[0]}, 0)) while "
                    "a minimum of 1 is required."
                )
            return X
        return validate_data(
            self, X, reset=reset, dtype="numeric", ensure_all_finite=False
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Mine ``X`` (and ``y``) and store the findings as ``report_``.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The data.  Arrays must be numeric; DataFrames may hold
            categorical columns.
        y : array-like of shape (n_samples,) or (n_samples, n_targets), default=None
            The target(s), enabling the target, relationship and rule
            miners.

        Returns
        -------
        self : object
            The fitted reporter.
        """
        settings, kinds = settings_from(self.get_params(deep=False), "InsightReporter")
        X_checked = self._validate_X(X, reset=True)
        if y is not None:
            _check_single_type(y)
        from ._images import is_sample_input, mine_sample_data

        if is_sample_input(self, X):
            extractor = None
            if self.extractor is not None:
                extractor = self.extractor_ = fitted_extractor(self.extractor, X_checked, y)
            findings, summary = mine_sample_data(X_checked, y, settings, extractor)
            self.report_ = InsightReport(findings, summary=summary)
            return self
        deep = None
        if self.extractor is not None:
            self.extractor_ = fitted_extractor(self.extractor, X_checked, y)
            deep = np.asarray(self.extractor_.transform(X_checked), dtype=float)
        findings, summary = mine(
            X_checked, y, settings, kinds=kinds, task=self.task,
            feature_names=getattr(self, "feature_names_in_", None), deep=deep,
        )
        self.report_ = InsightReport(findings, summary=summary)
        return self

    def transform(self, X):
        """Return ``X`` unchanged (arrays validated, DataFrames as given).

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The data.

        Returns
        -------
        X : {ndarray, DataFrame} of shape (n_samples, n_features)
            The same data.
        """
        check_is_fitted(self)
        return self._validate_X(X, reset=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.target_tags.required = False
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _check_single_type(y):
    """Refuse a target mixing strings and numbers, as scikit-learn's ``unique_labels`` does."""
    values = pd.Series(np.asarray(y, dtype=object).ravel()).dropna()
    strings = [v for v in values if isinstance(v, str)]
    numbers = [v for v in values if isinstance(v, Number)]
    if strings and numbers:
        raise ValueError(
            f"y mixes strings and numbers (such as {strings[0]!r} and {numbers[0]!r}); "
            "give all target values one type, for example convert them with str."
        )
