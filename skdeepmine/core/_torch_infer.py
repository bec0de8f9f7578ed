"""Compiled inference on Keras's PyTorch backend (``_compiled.compile_infer``).

Keras's eager call is mostly Python: about 2 ms for one row of the digits
CNN, of which the arithmetic is a small part.  ``torch.compile`` took tens of
seconds per compile (38 s on 2 loaded cores), again for a model's second call
and for each new batch size, to save about a fifth of that.  A TorchScript
trace of the stateless call records the same operations once, in a tenth of
a second, and replays them without Keras's Python: about 0.15 ms for one row
(``benchmarks/bench_core.py`` prints both beside the plain calls).

A trace replays what ran when it was recorded, so it is used only where that
is safe and checked: on networks made of Keras's own layers (whose inference
is a fixed sequence of tensor operations; a custom layer may branch in Python
on its input's values), and only after it gave the eager call's outputs on a
batch of another size than the one it was recorded on (so no batch size was
frozen into it).  Otherwise, or where tracing fails (``torch.jit.trace`` is
deprecated in PyTorch 2.13 and may go), the eager stateless call runs.
tests/test_engine_backends.py checks both paths against the model.
"""

import warnings

import numpy as np

TRACE_ROWS = 2
CHECK_ROWS = 3


def compile_torch_infer(template, split, ops, to_numpy, traceable):
    """``f(model, x) -> NumPy outputs`` for ``template``'s architecture on PyTorch.

    ``traceable``: whether the network holds only Keras's own layers
    (``_compiled.keras_layers_only``), whose code a trace may record.
    """
    import torch

    def stateless(trainable, non_trainable, x):
        with torch.no_grad():
            outputs, _ = template.stateless_call(trainable, non_trainable, x, training=False)
        return outputs

    def infer_eager(model, x):
        return to_numpy(stateless(*split(model), ops.convert_to_tensor(x)))

    traced = _trace(template, split, ops, stateless) if traceable else None
    if traced is None:
        return infer_eager
    on_cpu = all(value.device.type == "cpu" for value in sum(split(template), []))
    plain = (torch.float32, torch.float64)

    def infer_traced(model, x):
        trainable, non_trainable = split(model)
        # NumPy and a CPU tensor share memory: Keras's own conversions cost
        # 18 of a 1-row call's ~150 microseconds.  PyTorch refuses to share
        # a flipped array's (negative strides): Keras's conversion copies it.
        shared = on_cpu and x.flags.writeable and min(x.strides, default=0) >= 0
        x = torch.from_numpy(x) if shared else ops.convert_to_tensor(x)
        with torch.no_grad():
            outputs = traced(*trainable, *non_trainable, x)
        if outputs.device.type == "cpu" and outputs.dtype in plain:
            return outputs.numpy()
        return to_numpy(outputs)

    infer_traced.traced = True
    return infer_traced


def _trace(template, split, ops, stateless):
    """A TorchScript trace of ``stateless`` on flat arguments, or None where unsafe."""
    import torch

    trainable, non_trainable = split(template)
    n_trainable, n_weights = len(trainable), len(trainable) + len(non_trainable)

    def flat(*args):
        return stateless(list(args[:n_trainable]), list(args[n_trainable:n_weights]), args[-1])

    # A local generator: the global random state stays as the user left it.
    rng = np.random.RandomState(0)
    shape = tuple(template.inputs[0].shape)[1:]
    dtype = np.dtype(template.inputs[0].dtype)
    recorded, check = (
        ops.convert_to_tensor(rng.standard_normal((rows,) + shape).astype(dtype))
        for rows in (TRACE_ROWS, CHECK_ROWS)
    )
    try:
        with warnings.catch_warnings():
            # Shape checks inside Keras's ops read traced sizes; the check
            # below is what tells a sound trace from another.
            warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
            warnings.filterwarnings(
                "ignore", message=r".*torch\.jit\.trace.* is deprecated", category=DeprecationWarning
            )
            with torch.no_grad():
                traced = torch.jit.trace(
                    flat, (*trainable, *non_trainable, recorded), check_trace=False
                )
                got = traced(*trainable, *non_trainable, check)
        expected = stateless(trainable, non_trainable, check)
        if tuple(got.shape) != tuple(expected.shape) or not torch.allclose(
            got, expected, rtol=1e-5, atol=1e-6
        ):
            return None
    except Exception:  # noqa: BLE001 - any failure to trace leaves the eager call
        return None
    return traced
