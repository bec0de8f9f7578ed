"""Docstring sections the two hybrids share."""

_PARAMS_DOC = """
    extractor : transformer, default=None
        Makes the deep features: fitted on ``(X, y)``, then its ``transform``
        is used.  ``None`` means a default :class:`NeuralFeatureExtractor`
        (a dense network for tabular X, a CNN for images and signals).  Any
        scikit-learn transformer works, e.g. a Pipeline, a PCA, or a
        ColumnTransformer selecting DataFrame columns by name: X reaches it
        as given.

    estimator : estimator, default=None
        The data miner trained on the deep features (and, with
        ``passthrough``, the raw ones): any scikit-learn {kind}, e.g.
        a random forest, a decision tree, or XGBoost or LightGBM through
        their scikit-learn interfaces.  ``None`` means
        ``{default}()``.

    passthrough : bool, default=True
        Also give the estimator the raw features of X (flattened for images),
        after the deep ones.  When X is a pandas DataFrame the estimator gets
        one too, with X's columns and dtypes, so it must handle any
        non-numeric column (e.g. a ``category`` column with
        HistGradientBoosting, or a Pipeline that encodes it).

    cv : int, cross-validation generator, iterable or None, default=5
        Where the estimator's deep features come from.  The estimator learns
        on out-of-fold deep features, as in
        :class:`~sklearn.ensemble.StackingClassifier`: for each split, an
        extractor is fitted on the training part and embeds the held-out
        part, mapped onto the coordinates of the final extractor (fitted on
        all of X, and used to predict).  That is one network fit per split
        plus one; the splits must form a partition of the samples, and an
        int means that many {folds} folds.  ``None`` fits one extractor and
        trains the estimator on its in-sample features: faster, but those
        features are cleaner than the ones met at prediction time.  The
        default, 5, was measured the better one (see Notes).

    random_state : int, RandomState instance or None, default=None
        Seeds the extractor and the estimator this class makes when
        ``extractor`` or ``estimator`` is None (an int makes fits
        reproducible).  Parts you pass keep their own ``random_state``.
"""

_ATTRIBUTES_DOC = """
    extractor_ : transformer
        The extractor fitted on all of X; ``extractor_.transform(X)`` gives
        the deep features of X.

    estimator_ : estimator
        The estimator fitted on the deep (and raw) features, named by
        :meth:`get_feature_names_out`.

    n_deep_features_ : int
        Number of deep features; the estimator's input columns are these,
        then (with ``passthrough``) the raw features in the order of X.

    deep_importance_share_ : float
        Share of the estimator's reliance on the deep features, and

    raw_importance_share_ : float
        on the raw features; the two sum to 1.  From grouped permutation
        importance on the training data: all deep columns, then all raw
        columns, are shuffled across rows together and the drop of the
        estimator's score (log-loss, accuracy or R^2) is measured.  With
        ``passthrough=False`` they are 1 and 0; both are NaN if the
        estimator's predictions do not depend on its input at all.

    transformed_feature_importances_ : ndarray of shape (n_estimator_columns,)
        The estimator's own ``feature_importances_``, one per column it was
        trained on, named by :meth:`get_feature_names_out` (the deep
        features, then with ``passthrough`` the ``n_features_in_`` raw ones);
        only when the fitted estimator has ``feature_importances_``.

    feature_importances_ : ndarray of shape (`n_features_in_`,)
        Importance of each input feature of X, summing to what
        ``transformed_feature_importances_`` sums to (1 for trees).  A raw
        feature keeps its own importance; each deep feature's importance is
        divided among the inputs in proportion to how far shuffling each
        input moves that deep feature, on 200 training rows (for X of more
        than 100 features, 20,000 divided by their number, at least 20).  Only
        when the fitted estimator has ``feature_importances_``; it is what
        :class:`~sklearn.feature_selection.SelectFromModel` and
        :class:`~sklearn.feature_selection.RFE` read.

    n_features_in_ : int
        Number of values in one sample of X.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.
"""
