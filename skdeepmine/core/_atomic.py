"""Fits that change an estimator completely or not at all."""

import contextlib
import functools


def all_or_nothing(fit_method):
    """Make ``fit_method`` put the estimator's attributes back if it raises.

    Validation sets ``n_features_in_`` and ``classes_`` before training
    starts, so a fit stopped half-way (a KeyboardInterrupt raised from a
    callback, a bad ``y`` found after ``X`` was accepted) would otherwise
    leave a new ``classes_`` next to the previous network.  The attributes
    are restored from a shallow copy: fitting replaces attribute values and
    never mutates them in place, and the network's weights are copied into
    ``model_`` only once training has finished.
    """

    @functools.wraps(fit_method)
    def fit_completely_or_not_at_all(self, *args, **kwargs):
        saved = dict(self.__dict__)
        try:
            return fit_method(self, *args, **kwargs)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise

    return fit_completely_or_not_at_all


@contextlib.contextmanager
def weights_restored_on_failure(model):
    """Put ``model``'s weights back if the block raises (``model=None``: no-op).

    For networks trained in place, which the attribute copy above cannot
    restore: the weights are values inside the model.
    """
    saved = None if model is None else [v.numpy() for v in model.variables]
    try:
        yield
    except BaseException:
        if saved is not None:
            for variable, value in zip(model.variables, saved):
                variable.assign(value)
        raise
