"""Compiled computation shared by every model of the same architecture.

Compiling a function (a traced ``tf.function``, a ``jax.jit``) costs memory
that the backend never hands back, so a
process that builds a new model and traces new functions per fit grows by
megabytes per fit (``benchmarks/bench_core.py`` prints resident memory over
100 fits, plain Keras beside skdeepmine).  GridSearchCV fits hundreds
of models that share a handful of architectures, so the traced functions are
keyed by an *architecture fingerprint* and reused:

* prediction is a stateless call that takes the weights as arguments, so one
  compiled function (``_compiled.py``, per backend) serves every fitted model
  of that architecture, from any thread, without touching the model's
  variables;
* training runs on a pooled *trainer*: a private clone of the architecture with
  its optimizer and traced train step.  A fit copies its model's weights in,
  trains, and copies them out, so the estimator keeps a model of its own.

Networks that Keras cannot rebuild faithfully from their configuration get no
fingerprint: subclassed models and ``Lambda`` layers (their behaviour lives in
Python code, which two models with one configuration need not share), and
configurations that cannot be serialised.  They are trained in place and
served through functions of their own, which live on the model itself so that
they go when it goes.  Preprocessing layers adapted to other statistics (an
adapted ``Normalization``) make other fingerprints (``adapted_state_key``).
"""

import hashlib
import json
import math
import tempfile
import threading
from collections import OrderedDict

import numpy as np

from ._backend import get_keras
from ._compiled import compile_call, compile_infer, layers_within, to_numpy
from ._float64 import input_types
from ._seeding import preserved_global_random_state
from ._validation import as_network_dtype

MAX_ENGINES = 64
PREDICT_CHUNK_ROWS = 8192
# Inputs go through in chunks of at most this many bytes (and rows): a
# network's activations grow with the input, and 8192 rows of 150x150 RGB
# images once took 4.8 GB to predict (benchmarks/bench_images.py).
PREDICT_CHUNK_BYTES = 16 * 2**20


def fingerprint(model):
    """Return a string identifying ``model``'s architecture, or None.

    Layer names are replaced by their position: Keras numbers auto-generated
    names (``dense_17``) per process, so two builds of the same architecture
    differ only there.
    """
    if holds_python_code(model):
        return None
    try:
        config = model.get_config()
    except Exception:  # layers whose configuration cannot be serialised
        return None
    names = {model.name: "model"}
    for index, layer in enumerate(model.layers):
        names.setdefault(layer.name, f"layer{index}")
    for index, tensor in enumerate(getattr(model, "inputs", None) or []):
        history = getattr(tensor, "_keras_history", None)
        if history is not None:
            names.setdefault(history[0].name, f"input{index}")

    def canonical(node):
        if isinstance(node, dict):
            return {key: canonical(value) for key, value in node.items()}
        if isinstance(node, (list, tuple)):
            return [canonical(value) for value in node]
        if isinstance(node, str):
            return names.get(node, node)
        return node

    try:
        return json.dumps(
            [type(model).__name__, canonical(config)], sort_keys=True, default=repr
        ) + adapted_state_key(model)
    except (TypeError, ValueError):
        return None


def holds_python_code(model):
    """Whether ``model`` computes with Python code outside its configuration.

    A ``Lambda`` layer's function and a subclassed model's ``call`` are such
    code: Keras's safe mode refuses to rebuild the first from its
    configuration, and the second would be rebuilt with whatever class of
    that name exists when it is rebuilt.
    """
    keras = get_keras()
    for layer in layers_within(model):
        if isinstance(layer, keras.layers.Lambda):
            return True
        if isinstance(layer, keras.Model) and not (
            isinstance(layer, keras.Sequential)
            or type(layer).__module__.startswith("keras.")  # Functional
        ):
            return True
    return False


def adapted_state_key(model):
    """A digest of what ``model``'s preprocessing layers hold in variables ("" if nothing).

    An adapted ``Normalization`` keeps its statistics in variables but
    computes with constants made from them when it is adapted or loaded
    (``finalize_state``): a function traced from one model normalises with
    that model's statistics, whatever variables it is handed.  So models
    whose statistics differ get engines of their own, and an engine's
    template and trainers carry the statistics (:func:`clone_architecture`).
    Layers whose adapted state is in their configuration (``Discretization``'s
    bin boundaries, a ``Normalization`` given ``mean`` and ``variance``) hold
    no variables and need nothing here.
    """
    digest = None
    for layer in layers_within(model):
        if _adapted(layer) and layer.variables:
            digest = digest or hashlib.sha256()
            store = {}
            layer.save_own_variables(store)
            for key in sorted(store):
                value = np.ascontiguousarray(store[key])
                digest.update(f"{key}:{value.dtype}{value.shape}".encode())
                digest.update(value.tobytes())
    return "" if digest is None else f" adapted {digest.hexdigest()}"


def _input_spec(model):
    shape = tuple(model.inputs[0].shape)
    return ((None,) + shape[1:], str(model.inputs[0].dtype))


class _Engine:
    """Traced functions and a trainer pool for one architecture."""

    pooled = True

    def __init__(self, template):
        self.template = template
        self._infer = None
        self._lock = threading.Lock()
        self._free_trainers = {}

    def infer(self, model, x):
        if self._infer is None:
            with self._lock:
                if self._infer is None:
                    self._infer = compile_infer(self.template)
        return self._infer(model, x)

    def checkout(self, key, make_trainer):
        """Lend a free trainer for ``key`` (optimizer, loss, target), or a new one."""
        with self._lock:
            free = self._free_trainers.get(key)
            if free:
                return free.pop()
        return make_trainer()

    def checkin(self, key, trainer):
        with self._lock:
            self._free_trainers.setdefault(key, []).append(trainer)


class _UnpooledEngine(_Engine):
    """Serves one model whose architecture has no fingerprint.

    Its trainer trains the model in place: fits of such a model put its
    weights back themselves when they fail (``core/_base.py``).
    """

    pooled = False

    def infer(self, model, x):
        if self._infer is None:
            with self._lock:
                if self._infer is None:
                    self._infer = compile_call(self.template)
        return to_numpy(self._infer(x))


_engines = OrderedDict()
_engines_lock = threading.Lock()
# The attribute of a model holding its engine.  An unpooled model's engine,
# its traced functions and trainers refer to the model, so a registry outside
# the model (even a WeakKeyDictionary, whose values would hold their keys)
# would keep every such model alive; a reference cycle goes with the model.
# A pooled engine is looked up in the registry once per model, whose
# predictions then take no lock to find it; the model keeps it alive.
_OWN_ENGINE = "_skdeepmine_engine"
# The model's adapted_state_key when its fingerprint was taken.
_ADAPTED_STATE = "_skdeepmine_adapted_state"


def engine_for(model):
    """Return the engine that serves ``model``'s architecture."""
    engine = model.__dict__.get(_OWN_ENGINE)
    if engine is not None:
        # A preprocessing layer adapted again since the lookup: its
        # statistics are its engine's (tests/test_adapted_layers.py).
        adapted = model.__dict__.get(_ADAPTED_STATE)
        if not adapted or adapted == adapted_state_key(model):
            return engine
        forget_engine(model)
    key = getattr(model, "_skdeepmine_fingerprint", None)
    if key is None:
        key = fingerprint(model)
        if key is not None:
            key = key + repr(_input_spec(model))
        model._skdeepmine_fingerprint = key or ""
        object.__setattr__(model, _ADAPTED_STATE, adapted_state_key(model) if key else "")
    with _engines_lock:
        if not key:
            engine = getattr(model, _OWN_ENGINE, None)
            if engine is None:
                engine = _UnpooledEngine(model)
                setattr(model, _OWN_ENGINE, engine)
            return engine
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = _Engine(clone_architecture(model))
            if len(_engines) > MAX_ENGINES:
                _engines.popitem(last=False)
        else:
            _engines.move_to_end(key)
    object.__setattr__(model, _OWN_ENGINE, engine)
    return engine


def trainable_layout(model):
    """The positions of ``model``'s trainable variables among its variables."""
    trainable = {id(variable) for variable in model.trainable_variables}
    return tuple(i for i, variable in enumerate(model.variables) if id(variable) in trainable)


def forget_engine(model):
    """Make ``engine_for`` look ``model``'s engine up afresh.

    Layers' ``trainable`` flags are part of the architecture (its fingerprint
    and the trainers' clones): after they change, the engine cached on the
    model would train the weights that were trainable when it was made.
    """
    for name in (_OWN_ENGINE, "_skdeepmine_fingerprint"):
        model.__dict__.pop(name, None)


def clone_architecture(model):
    """A fresh, built model with ``model``'s architecture (weights not copied).

    What its preprocessing layers hold from ``adapt()`` is copied: it is part
    of the architecture's fingerprint (:func:`adapted_state_key`).
    """
    keras = get_keras()
    with preserved_global_random_state():
        clone = keras.models.clone_model(model)
    if not clone.built:
        clone.build(model.inputs[0].shape)
    for layer, copy in zip(layers_within(model), layers_within(clone)):
        if _adapted(layer):
            _carry_adapted_state(layer, copy)
    return clone


def copy_network(model):
    """An untrained copy of a user's in-memory network, for one fit.

    The user's own code is trusted here, as it is when the user runs it:
    ``Lambda`` layers are rebuilt around the very function they hold (Keras's
    safe deserialisation would refuse it, and a function rebuilt from its
    bytecode would lose its module's globals), and subclassed models are
    rebuilt from their configuration with their own class.  Loading files
    stays in safe mode (``core/_persistence.py``).  Preprocessing layers keep
    what ``adapt()`` gave them (:func:`_carry_adapted_state`).
    """
    keras = get_keras()
    if isinstance(model, keras.Sequential) or type(model).__module__.startswith("keras."):
        return keras.models.clone_model(model, clone_function=_copy_layer, recursive=True)
    return _copy_layer(model)


def _copy_layer(layer):
    keras = get_keras()
    if isinstance(layer, keras.layers.Lambda):
        config = layer.get_config()
        config.update(function=layer.function, arguments=layer.arguments, mask=layer.mask)
        # Keras keeps a callable output_shape only here (get_config reads it too).
        config["output_shape"] = getattr(layer, "_output_shape", config.get("output_shape"))
        return type(layer)(**config)
    try:
        copy = type(layer).from_config(layer.get_config())
    except (NotImplementedError, TypeError) as exc:
        reason = " ".join(str(exc).strip().split("\n\n")[0].split()) or type(exc).__name__
        raise TypeError(
            f"The layer or model {layer.name!r} ({type(layer).__name__}) cannot "
            "be copied for training: Keras cannot rebuild it from its "
            f"get_config() ({reason}). Make get_config() return every argument "
            "of __init__, as Keras asks of custom layers and models, or pass a "
            "build function as `model` (called afresh at each fit)."
        ) from exc
    if _adapted(layer):
        _carry_adapted_state(layer, copy)
    inner = [sub.name for sub in list(layers_within(layer))[1:] if _adapted(sub)]
    if inner:
        raise TypeError(
            f"The layer or model {layer.name!r} ({type(layer).__name__}) holds "
            f"adapted preprocessing layers ({', '.join(map(repr, inner))}) that "
            "cannot be copied with their state for training: it is rebuilt "
            "from its get_config(). Put them in a Sequential or functional "
            "model, or pass a build function as `model` (called at each fit)."
        )
    return copy


def _adapted(layer):
    """Whether ``layer`` is a preprocessing layer (it has ``adapt``) that is built."""
    return hasattr(layer, "adapt") and layer.built


def _carry_adapted_state(layer, copy):
    """Give ``copy`` the state ``layer`` holds, as saving and loading would.

    What a preprocessing layer learns in ``adapt()`` (a ``Normalization``'s
    mean and variance, a lookup's vocabulary) is part of the network the
    user built, not of its training: each fit's copy starts from it, while
    learned weights start afresh.  Keras's own saving carries it through
    ``save_own_variables`` and ``save_assets``, which also finalise it.
    """
    if not copy.built:
        copy.build_from_config(layer.get_build_config())
    store = {}
    layer.save_own_variables(store)
    copy.load_own_variables(store)
    if hasattr(layer, "save_assets"):
        with tempfile.TemporaryDirectory() as folder:
            layer.save_assets(folder)
            copy.load_assets(folder)


_PLAN = "_skdeepmine_predict_plan"


def _predict_plan(model, sample_shape):
    """``(sample_shape, dtype, rows, bound)``: ``model``'s input dtype, chunk rows and float32 bound.

    ``dtype`` and ``bound``: ``_float64.input_types`` of the input dtype.

    Stored on the model for the sample shape of its last prediction, outside
    Keras's attribute tracking (as ``_compiled._variables`` stores the
    variables): ``model.inputs`` is a property (and on PyTorch a module
    attribute lookup), and working the chunk out again cost a 1-row JAX
    prediction 3 microseconds (benchmarks/bench_core.py).
    """
    plan = model.__dict__.get(_PLAN)
    if plan is None or plan[0] != sample_shape:
        dtype, bound = input_types(model.inputs[0].dtype)
        row_bytes = max(dtype.itemsize * math.prod(sample_shape), 1)
        rows = min(max(PREDICT_CHUNK_BYTES // row_bytes, 1), PREDICT_CHUNK_ROWS)
        # A power of two: JAX compiles per power-of-two batch size (_jax_infer.py).
        plan = (sample_shape, dtype, 1 << (rows.bit_length() - 1), bound)
        object.__setattr__(model, _PLAN, plan)
    return plan


def predict_raw(model, X):
    """Run ``model`` on ``X`` in inference mode, without ``model.predict``'s overhead.

    ``model.predict`` builds a tf.data pipeline per call (tens of
    milliseconds); a traced stateless call costs well under a millisecond for
    a few rows.  Large inputs go through in chunks to bound memory.
    """
    engine = engine_for(model)
    X = np.asarray(X)
    _, dtype, rows, bound = _predict_plan(model, X.shape[1:])
    if len(X) <= rows:
        return engine.infer(model, as_network_dtype(X, dtype, bound))
    parts = [
        engine.infer(model, as_network_dtype(X[start : start + rows], dtype, bound))
        for start in range(0, len(X), rows)
    ]
    return np.concatenate(parts)
