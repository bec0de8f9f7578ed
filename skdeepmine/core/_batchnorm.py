"""Batch-normalisation statistics without the bias of their starting values.

Keras's ``BatchNormalization`` normalises a training batch by its own mean and
variance, and keeps moving averages of them for inference: after each step
``moving = momentum * moving + (1 - momentum) * batch``, from a start of mean
0 and variance 1.  After ``T`` steps ``momentum ** T`` of the start is still
in them: 86 % after 15 steps (90 images, batches of 32, 5 epochs, momentum
0.99).  A network trained that briefly predicted with statistics that were
not its data's, and disagreed with its own training loss: on 8x8 images whose
class is their brightness the default CNN's training accuracy was 1.0 and
its predictions on the same images 0.63 to 0.83 (tests/test_batchnorm.py).

At the end of a fit from the start, the start's share is taken out, as
Adam corrects its moment estimates::

    corrected = (moving - momentum ** T * start) / (1 - momentum ** T)

which is exactly the average of the fit's batch statistics, each weighted as
the moving average weighs it, with weights summing to 1.  It costs no pass
over the data.  ``T`` is the number of steps behind the weights the fit
kept (those of the best epoch under early stopping).  After a long fit the
correction vanishes; a continued fit (``partial_fit``, ``warm_start``)
starts from corrected statistics and is left as Keras leaves it, as are
layers frozen by the user (``trainable = False``), which do not update.
"""

import numpy as np

from ._backend import get_keras
from ._compiled import layers_within


def _trainable_batch_norms(model):
    keras = get_keras()
    return [
        layer for layer in layers_within(model)
        if isinstance(layer, keras.layers.BatchNormalization) and layer.trainable
    ]


def batch_norm_start(model):
    """``[(layer, mean, variance)]``: the moving statistics a fit starts from."""
    return [
        (layer, np.array(layer.moving_mean.numpy()), np.array(layer.moving_variance.numpy()))
        for layer in _trainable_batch_norms(model)
    ]


def correct_batch_norm(start, steps):
    """Take the share of ``start`` (:func:`batch_norm_start`) out after ``steps`` steps."""
    for layer, mean, variance in start:
        if not steps or not layer.trainable:
            continue
        kept = float(layer.momentum) ** steps
        if kept >= 1.0:
            continue
        moving_mean = np.asarray(layer.moving_mean.numpy())
        moving_variance = np.asarray(layer.moving_variance.numpy())
        layer.moving_mean.assign((moving_mean - kept * mean) / (1.0 - kept))
        layer.moving_variance.assign(
            np.maximum((moving_variance - kept * variance) / (1.0 - kept), 0.0)
        )
