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
        Which rows are held out.  With the blend (see ``strategy``), only
        its first split is used: the network and the estimator train on its
        training part, and the network's weight is chosen on its held-out
        part (an int means that many shuffled {folds} folds, seeded by
        ``random_state``: one fifth held out by default).  With
        ``strategy="features"``, the estimator learns
        on out-of-fold deep features, as in
        :class:`~sklearn.ensemble.StackingClassifier`: for each split, an
        extractor is fitted on the training part and embeds the held-out
        part, mapped onto the coordinates of the final extractor (fitted on
        all of X, and used to predict).  That is one network fit per split
        plus one; the splits must form a partition of the samples, and an
        int means that many {folds} folds.  ``None`` fits one extractor and
        trains the estimator on its in-sample features: faster, but those
        features are cleaner than the ones met at prediction time.

    strategy : {{"auto", "blend", "features"}}, default="auto"
        How the network and the estimator predict together.

        - ``"blend"``: the extractor's own network head and the estimator
          (trained on X) are both trained on the first split of ``cv``, and
          the prediction is ``w * network + (1 - w) * estimator`` (class
          probabilities, or values), with the network's weight ``w`` in
          0, 0.1, ..., 1 the one that scores best on the held-out rows
          (accuracy, then among equal accuracies the weight nearest 0.5,
          then log-loss; squared error for regressors), except that a
          classifier keeps one part alone (``w`` 0 or 1) where it is right on
          clearly more held-out rows than the other (McNemar's exact test,
          p < 0.001).  The default estimator's first fit stops early on the
          held-out rows, the default network on a tenth of its training
          rows (its ``validation_fraction``, checked every fifth of its
          epochs).  The part with the larger weight then learns from
          all rows: the estimator is refitted with its own settings when
          ``w < 0.5``, otherwise the network is trained on for a fifth of its
          epochs.  One network fit and one to two of the estimator's.
        - ``"features"``: the estimator learns on the deep features (and
          with ``passthrough`` the raw ones), out-of-fold as ``cv`` says.
        - ``"auto"``: ``"blend"`` when ``extractor`` is None (the default
          network, which has a head), ``passthrough`` is True, ``cv`` is not
          None and (for classifiers) the estimator has ``predict_proba``;
          ``"features"`` otherwise.

        See ``final_strategy_`` for what a fit chose.

    random_state : int, RandomState instance or None, default=None
        Seeds the extractor and the estimator this class makes when
        ``extractor`` or ``estimator`` is None (an int makes fits
        reproducible).  Parts you pass keep their own ``random_state``.
"""

_ATTRIBUTES_DOC = """
    extractor_ : transformer
        The extractor fitted on all of X (for the blend: on the first split
        of ``cv``, its network then perhaps trained on with all rows);
        ``extractor_.transform(X)`` gives the deep features of X.

    estimator_ : estimator
        The estimator fitted on the deep (and raw) features, named by
        :meth:`get_feature_names_out` (for the blend: on X, on the first
        split of ``cv`` or, where it weighs more, on all rows).

    n_deep_features_ : int
        Number of deep features (``extractor_.transform``); with
        ``"features"`` the estimator's input columns are these, then (with
        ``passthrough``) the raw features in the order of X; the blend's
        estimator learns on X alone.

    final_strategy_ : str
        What predicts: ``"features"`` (the estimator on the deep features),
        or for the blend ``"blend"``, ``"network"`` (the network's weight
        is 1) or ``"estimator"`` (it is 0).

    network_weight_ : float
        Weight of the network's predictions in the blend, 0 to 1; 0 with
        ``"features"``.

    deep_importance_share_ : float
        Share of the estimator's reliance on the deep features, and

    raw_importance_share_ : float
        on the raw features; the two sum to 1.  For the blend, the network's
        and the estimator's weights.  Otherwise, from grouped permutation
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
        than 100 features, 20,000 divided by their number, at least 20).
        For the blend: the estimator's importances times ``1 - w`` plus
        ``w`` times the network's, measured in the same way on its outputs
        (averaged over them).  Only
        when the fitted estimator has ``feature_importances_``; it is what
        :class:`~sklearn.feature_selection.SelectFromModel` and
        :class:`~sklearn.feature_selection.RFE` read.

    n_features_in_ : int
        Number of values in one sample of X.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.
"""

CLASSIFIER_DOC = f"""Deep features mined by a classical classifier.

    A neural network (the ``extractor``) learns from the data; a classical
    estimator (by default gradient-boosted trees) either blends its
    predictions with the network's, weighted by what scores best on
    held-out rows (the default, ``strategy="auto"`` with the default
    network), or is trained on the network's learned features next to the
    raw ones (``strategy="features"``).  The network finds smooth,
    distributed structure; the trees find thresholds and interactions,
    handle mixed scales, and say which features they used.

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
    The blend is the default because stacking lost to its own trees: with
    the default parts and ``cv=5``, the estimator on out-of-fold deep
    features cost six network fits and scored 1.8 to 1.9 points below plain
    HistGradientBoosting on tables of thresholds and interactions (issue 13);
    ``benchmarks/bench_hybrid.py`` measures the blend against both parts.

    With ``strategy="features"``, a supervised embedding fits its own
    training rows better than new rows, so with ``cv=None`` the estimator
    learns on features cleaner than those it meets when predicting, and
    trusts them too much; ``cv=5`` beat ``cv=None`` on breast_cancer, wine
    and digits (97.9 against 97.5, 97.2 against 95.0, 97.7 against 96.4),
    for six network fits instead of one.

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

REGRESSOR_DOC = f"""Deep features mined by a classical regressor.

    The regression counterpart of :class:`HybridClassifier`: a neural network
    (the ``extractor``) learns from ``y``; a classical regressor (by default
    gradient-boosted trees) is blended with it (the default) or trained on
    its learned features next to the raw ones (``strategy="features"``).

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
    even when ``y`` holds integers; the blend puts its predictions back in
    the units of ``y``.

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
