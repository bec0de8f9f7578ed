"""Docstring sections shared by every Keras-backed estimator.

The core owns the training parameters and fitted attributes, so it owns their
documentation too; estimators splice these sections into their own numpydoc
docstrings.
"""


def training_params_doc(batch_size):
    """The Parameters entries of the core's training settings.

    ``batch_size`` is the estimator's default, the one setting whose default
    differs between networks.
    """
    return f"""
    epochs : int, default=50
        Maximum number of passes over the training data.

    batch_size : int, default={batch_size}
        Samples per gradient step.

    learning_rate : float, default=0.001
        Learning rate of an optimizer given by name or class.

    optimizer : str, keras.optimizers.Optimizer or its class, default="adam"
        Optimizer name (``"adam"``, ``"sgd"``, ``"rmsprop"``, ...), a Keras
        optimizer class (``keras.optimizers.Adam``), made with
        ``learning_rate``, or an instance whose configuration is used for
        each fit.

    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, random layers (dropout, augmentation),
        shuffling and the validation split.  An int makes fits reproducible,
        also across processes.

    verbose : int, default=0
        ``1`` shows one progress bar per fit; ``0`` prints nothing.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data, stop when its
        loss stops improving and restore the best weights.

    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping.

    n_iter_no_change : int, default=10
        Epochs without an improvement of at least ``tol`` (training loss, or
        validation loss with early stopping) before training stops.

    tol : float, default=1e-4
        Minimum improvement of the monitored loss.

    metrics : list of str or keras.metrics.Metric, default=None
        Keras metrics to compute each epoch, as in ``model.compile``:
        names (``"accuracy"``, ``"auc"``, ``"mae"``), metric objects or
        functions of ``(y_true, y_pred)``.  They are logged under their name
        for the training data and, with early stopping, as ``val_<name>`` for
        the validation data, so callbacks can monitor them
        (``EarlyStopping(monitor="val_accuracy")``), and ``history_`` records
        them.  They are weighted like the loss.  ``None`` computes none and
        traces nothing extra.

    dtype : {"auto", "float32", "float64"}, default="auto"
        Floating-point type the network computes in.  ``"auto"`` follows X,
        as scikit-learn's MLP does: float32 X in float32, anything else (NumPy's
        float64) in float64; on Keras's JAX and PyTorch backends it is float32,
        and ``"float64"`` is refused there (Keras computes batch normalisation
        and losses in float32 on them).  ``"float32"``, what Keras networks use, refits
        and predicts several times faster on a CPU
        (``benchmarks/bench_core.py --only precision``) and on most GPUs, at
        the price of scikit-learn's 1e-7 tolerances: see
        :func:`~skdeepmine.utils.expected_failed_checks`.
"""


CONTINUATION_PARAMS_DOC = """
    warm_start : bool, default=False
        Continue from the previous fit's weights instead of starting afresh.
        The optimizer is built from the current ``optimizer`` and
        ``learning_rate``, as scikit-learn's MLP does: unchanged, it keeps
        its state; changed, it starts with a fresh one (``partial_fit``
        keeps the previous fit's optimizer; a compiled ``model``'s own
        optimizer is kept).  After layers' ``trainable`` flags changed, a
        continued fit trains only the trainable weights, with a fresh
        optimizer state, as Keras does after re-compiling.

    callbacks : list of keras.callbacks.Callback, default=None
        Keras callbacks, called as ``model.fit`` calls them: the model they
        see has its ``optimizer`` (whose ``learning_rate`` they may change)
        and ``stop_training``; ``logs`` hold ``loss``, the metrics and, with
        early stopping, ``val_loss``, ``val_score`` and the ``val_`` metrics.
        Batch-level hooks get the running mean of the loss.
"""

STANDARDIZE_TARGET_DOC = """
    standardize_target : bool or "auto", default="auto"
        Train the network on the targets standardised with their (weighted)
        mean and standard deviation per output, from the first fit (not
        from ``warm_start`` or ``partial_fit`` continuations), and map its
        outputs back in ``predict``, so targets far from unit scale train
        well.  ``"auto"``: for skdeepmine's own network (``model=None``),
        not for a ``model`` of yours, whose output layer may assume the
        targets' own scale.  The loss, ``metrics``, ``loss_curve_`` and
        ``history_`` are in the units the network learns.
"""

#: The regressors' fitted target attributes (``standardize_target``).
TARGET_ATTRIBUTES_DOC = """
    n_outputs_ : int
        Number of targets.

    target_mean_ : ndarray of shape (n_outputs_,) or None
        Weighted mean of each target, subtracted before the network learns
        it; None when the targets are not standardised
        (``standardize_target``).

    target_scale_ : ndarray of shape (n_outputs_,) or None
        Weighted standard deviation of each target (1 for a constant one),
        which the network's outputs are multiplied by; None when the targets
        are not standardised.
"""

FITTED_DOC = """
    model_ : keras.Model
        The trained network.

    history_ : list of dict
        One record per epoch: ``epoch``, ``loss``, the ``metrics`` and, with
        early stopping, ``val_loss``, ``val_score`` and the ``val_`` metrics;
        plus what callbacks add to their logs (``learning_rate``).

    loss_curve_ : list of float
        Training loss of each epoch.

    n_iter_ : int
        Number of epochs run.

    n_features_in_ : int
        Number of values in one sample of X (its number of features for
        tabular X).

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.
"""
