"""Compiled inference on Keras's JAX backend (``_compiled.compile_infer``).

Two costs of ``jax.jit`` shape it.

*Shapes.*  ``jax.jit`` compiles for each new input shape (a third of a CPU
second for the digits CNN).  Up to :data:`PAD_ROWS` rows are padded with
zeros to the next power of two and the padding's outputs dropped; larger
inputs go through as their largest power of two of rows, then the rest.  As
``_engine.predict_raw`` chunks larger inputs into power-of-two chunks, that
is at most ``log2(PREDICT_CHUNK_ROWS) + 1`` compiles.  Only for networks whose
rows are independent (``_compiled.keras_layers_only``); others compile per
shape.

*Arguments.*  One jitted function serves every model of an architecture,
with the weights as its arguments.  Handing JAX the digits CNN's 16 weight
arrays costs 7 to 9 microseconds a call, about a sixth of a whole 1-row call
of a plain ``jax.jit`` closing over the model (``benchmarks/bench_core.py``
prints both).  So a
model that keeps serving small predictions (a model behind an endpoint) gets
a call of its own, closing over its weights, after :data:`OWN_CALL_AFTER` of
them: its compile (about 0.2 CPU seconds for the digits CNN) costs about
what that many calls lose to the shared function (10 to 20 microseconds
each: the "first calls" row of ``benchmarks/bench_core.py``), the
ski-rental rule that never spends more than twice the better choice in
hindsight.  It is used only
while every weight is still the very array it closed over (JAX arrays are
immutable: assigning a variable replaces its value), and dropped, the count
starting again, when one is not.  An optimisation barrier keeps XLA from
folding the weights in as constants, so its outputs are bit for bit the
shared function's (a folded call differed by up to 5e-7).  Networks of more
than :data:`OWN_CALL_MAX_VALUES` weights never get one (the compiled call
holds a copy of its weights).

tests/test_engine_backends.py checks padded, split and row-mixing networks
against the model, counts the compiles, and compares a model's own call with
the shared one, before and after its weights change.
"""

import operator
import time

import numpy as np

# Above this many rows, an input that is not a power of two is split into one
# (and the rest) rather than padded: padding 1,797 rows to 2,048 would compute
# a seventh more, 4,097 to 8,192 twice as much.
PAD_ROWS = 32
OWN_CALL_AFTER = 10_000
OWN_CALL_MAX_VALUES = 1 << 20
# A model's own call, or its count of small predictions so far.
_OWN = "_skdeepmine_jax_own_call"
# How long a small prediction polls for its outputs before it blocks on them.
SPIN_SECONDS = 1e-4


def bucket(rows):
    """The power of two at or above ``rows``, the batch size JAX compiles for."""
    return 1 << (rows - 1).bit_length() if rows > 1 else rows


class _OwnCall:
    """A jitted call closing over one model's weights, valid while they are."""

    __slots__ = ("call", "_variables", "_values", "_value")

    def __init__(self, call, variables, values, value):
        self.call = call
        self._variables = variables
        self._values = values
        self._value = value  # f(variable) -> its value

    def fresh(self):
        # C-level iterators only: a Python frame per variable (a list
        # comprehension) cost a 1-row prediction a microsecond more.
        return all(map(operator.is_, map(self._value, self._variables), self._values))


def compile_jax_infer(template, split, independent_rows):
    """``f(model, x) -> NumPy outputs`` for ``template``'s architecture on JAX.

    ``split(model)``: the model's (trainable, non-trainable) weight values
    in ``template``'s order (``_compiled._weight_split``), read by
    ``split.read`` from ``split.ordered(model)`` (one value: ``split.read.value``).
    ``independent_rows``: whether the network's inference rows are
    independent, which padding and splitting need.
    """
    import jax

    @jax.jit
    def shared(trainable, non_trainable, x):
        outputs, _ = template.stateless_call(trainable, non_trainable, x, training=False)
        return outputs

    # Its own call holds a copy of a model's weights: small networks only.
    may_own = sum(int(np.prod(v.shape)) for v in template.variables) <= OWN_CALL_MAX_VALUES

    def own_call(model):
        trainable, non_trainable = split(model)

        @jax.jit
        def call(x):
            weights = jax.lax.optimization_barrier((trainable, non_trainable))
            outputs, _ = template.stateless_call(*weights, x, training=False)
            return outputs

        values = (*trainable, *non_trainable)
        return _OwnCall(call, tuple(split.ordered(model)), values, split.read.value)

    def small_call(model):
        """The compiled call for a small input of ``model``: ``f(x)``."""
        state = model.__dict__
        own = state.get(_OWN, 0)
        if type(own) is _OwnCall:
            if own.fresh():
                return own.call
            own = 0
        own += 1
        # Stored outside Keras's attribute tracking (as _compiled._variables).
        state[_OWN] = own_call(model) if own >= OWN_CALL_AFTER and may_own else own
        return shared_call(model)

    def shared_call(model):
        """The shared function on ``model``'s weights: ``f(x)``."""
        weights = split(model)
        return lambda x: shared(*weights, x)

    def run(call, x):
        rows = len(x)
        size = bucket(rows)
        if size == rows:
            return fetch(call(x), rows)
        if rows > PAD_ROWS:
            head = size // 2
            return np.concatenate([run(call, x[:head]), run(call, x[head:])])
        padded = np.zeros((size,) + x.shape[1:], x.dtype)
        padded[:rows] = x
        return fetch(call(padded), size)[:rows]

    if not independent_rows:
        def infer_jax(model, x):
            return np.array(shared(*split(model), x))  # np.asarray's is read-only
    else:
        def infer_jax(model, x):
            rows = len(x)
            call = small_call(model) if rows <= PAD_ROWS else shared_call(model)
            if not rows & (rows - 1):  # a power of two (or none): as it is
                return fetch(call(x), rows).copy()  # np.asarray's is read-only
            outputs = run(call, x)
            return outputs if outputs.flags.writeable else outputs.copy()

    infer_jax.compiled = shared  # tests count its compiles (_cache_size)
    return infer_jax


def fetch(outputs, rows):
    """JAX ``outputs`` of ``rows`` rows as a read-only NumPy array.

    JAX runs a CPU computation on a worker thread, and a caller that waits
    for its outputs sleeps until the worker wakes it: about 20 microseconds,
    as long as a small network's whole 1-row computation.  For small inputs
    the caller first polls ``is_ready()`` for up to :data:`SPIN_SECONDS`,
    then blocks as before: a 1-row prediction of the digits CNN takes half
    the time (benchmarks/bench_core.py times a plain ``jax.jit`` call both
    ways).  Large inputs, whose computation outlasts any wake-up, block at once.
    """
    if rows <= PAD_ROWS and not outputs.is_ready():
        deadline = time.perf_counter() + SPIN_SECONDS
        while not outputs.is_ready() and time.perf_counter() < deadline:
            pass
    return np.asarray(outputs)
