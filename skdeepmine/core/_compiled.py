"""Compiled network functions, one implementation per Keras backend.

The engine (``_engine.py``) and the training loop (``_training.py``) ask this
module for three functions and never learn which backend runs them:

* :func:`compile_infer` -- ``f(model, x) -> outputs`` (NumPy), a stateless
  inference call taking the model's weights as arguments, so one compiled
  function serves every fitted model of an architecture;
* :func:`compile_train_step` -- ``step(x, y, sample_weight) -> total`` on a
  trainer's model and optimizer (``step.with_outputs`` also returns the
  outputs; after ``step.sync()`` their variables hold the trained state);
* :func:`compile_evaluate` -- ``f(x, y, sample_weight) -> (total, outputs)``
  in inference mode.

TensorFlow traces ``tf.function`` with fixed input signatures (one trace per
function, whatever the batch size); JAX jits a stateless step (one compile per
batch shape, kept with the trainer, which the engine pools); PyTorch runs
eagerly.  ``total`` is the batch's weighted loss sum: the training loop
divides by the sum of the weights itself.
"""

import operator

import numpy as np

from ._backend import backend_name, get_keras


def _ops():
    return get_keras().ops


def _weighted_sum(loss, y, outputs, sample_weight):
    ops = _ops()
    values = ops.cast(loss(y, outputs), sample_weight.dtype)
    return ops.sum(values * sample_weight)


def _penalties(losses, dtype):
    ops = _ops()
    return ops.cast(ops.sum(ops.stack([ops.sum(l) for l in losses])), dtype)


def _input_shape(model):
    return (None,) + tuple(model.inputs[0].shape)[1:]


# ------------------------------------------------------------------ inference
_VARIABLES = "_skdeepmine_variables"


def _variables(model):
    """``model.variables``, listed once per model.

    Keras walks every layer each time it lists them, a good part of a
    1-row prediction.  Stored outside Keras's attribute tracking, which
    would adopt the variables as the model's own a second time.
    """
    found = model.__dict__.get(_VARIABLES)
    if found is None:
        found = tuple(model.variables)
        object.__setattr__(model, _VARIABLES, found)
    return found


def _value_reader(template):
    """``f(variables) -> their values``, as ``Variable.value`` gives them here.

    The property looks for a stateless and an autocast scope at every read
    (neither is open around a prediction: ``stateless_call`` opens its
    own): 11 microseconds for the digits CNN's 16 variables on JAX, a
    quarter of its whole jitted 1-row call (benchmarks/bench_core.py); the
    value itself is the variable's ``_value``.  Where ``template``'s variables do not show that
    (another Keras, JAX's NNX variables) the property is read.
    tests/test_engine_backends.py compares both readings on each backend.
    """
    variables = template.variables
    if variables and all(getattr(v, "_value", None) is v.value for v in variables):
        read = lambda variables: [v._value for v in variables]  # noqa: E731
        read.value = operator.attrgetter("_value")
    else:
        read = lambda variables: [v.value for v in variables]  # noqa: E731
        read.value = operator.attrgetter("value")
    return read


def _weight_split(template):
    """``f(model) -> (trainable, non_trainable)`` values, split as ``template``'s.

    Positions in ``variables`` do not move when a layer's ``trainable``
    flag does, so a model whose layers were frozen after fitting still hands
    each weight to its own place in the compiled call.
    """
    position = {id(v): i for i, v in enumerate(template.variables)}
    trainable = [position[id(v)] for v in template.trainable_variables]
    non_trainable = [position[id(v)] for v in template.non_trainable_variables]
    order = trainable + non_trainable
    read = _value_reader(template)
    n_trainable = len(trainable)

    def ordered(model):
        variables = _variables(model)
        return [variables[i] for i in order]

    def split(model):
        values = read(ordered(model))
        return values[:n_trainable], values[n_trainable:]

    split.order = order
    split.ordered = ordered
    split.read = read
    return split


def compile_infer(template):
    """``f(model, x) -> NumPy outputs``: ``template``'s inference, on ``model``'s weights.

    One compiled function serves every model of ``template``'s architecture:
    the weights are arguments, not captured state (on JAX a model that
    serves many small predictions also gets a call of its own:
    ``_jax_infer.py``).  Each backend's outputs
    reach NumPy its own cheapest way (``keras.ops.convert_to_numpy`` added
    a tenth to a 1-row JAX prediction).
    """
    backend = backend_name()
    if backend == "tensorflow":
        return _tf_infer(template)
    split = _weight_split(template)
    if backend == "jax":
        from ._jax_infer import compile_jax_infer

        return compile_jax_infer(template, split, independent_rows=keras_layers_only(template))

    from ._torch_infer import compile_torch_infer

    return compile_torch_infer(
        template, split, _ops(), to_numpy, traceable=keras_layers_only(template)
    )


def layers_within(model):
    """``model`` and every layer inside it, nested models included."""
    yield model
    for layer in getattr(model, "layers", None) or []:
        yield from layers_within(layer)


def keras_layers_only(model):
    """Whether every layer of ``model`` (nested ones included) is one of Keras's own.

    Not a ``Lambda`` or a custom layer: their Python code may mix the rows of
    a batch or branch on the values.  Such a network's inference rows are
    independent (batch normalisation uses its moving statistics), which
    JAX's row buckets need, and its code is what a PyTorch trace records.
    """
    return all(
        type(layer).__module__.startswith("keras.") and type(layer).__name__ != "Lambda"
        for layer in layers_within(model)
    )


def _tf_infer(template):
    """A concrete function reading the weights through their resource handles.

    Binding every weight as a ``tf.function`` argument (its signature check,
    then an eager read per variable) cost several times the network itself
    for one row; a concrete function takes flat arguments without that
    check, and a variable's handle is a tensor already, read inside the
    graph (``benchmarks/bench_core.py``: 1-row latency beside a plain
    ``tf.function`` closing over the model).  The values are read at call
    time, so weights changed after fitting are the ones used.
    """
    from ._backend import get_tf

    tf = get_tf()
    trainable, non_trainable = template.trainable_variables, template.non_trainable_variables
    n_trainable = len(trainable)
    layout = [(tuple(v.shape), tf.as_dtype(v.dtype)) for v in trainable + non_trainable]

    @tf.function(input_signature=[
        tf.TensorSpec(_input_shape(template), template.inputs[0].dtype),
        *[tf.TensorSpec((), tf.resource)] * len(layout),
    ])
    def infer(x, *handles):
        values = []
        for handle, (shape, dtype) in zip(handles, layout):
            value = tf.raw_ops.ReadVariableOp(resource=handle, dtype=dtype)
            value.set_shape(shape)
            values.append(value)
        outputs, _ = template.stateless_call(
            values[:n_trainable], values[n_trainable:], x, training=False
        )
        return outputs

    concrete = infer.get_concrete_function()

    order = _weight_split(template).order
    read = _value_reader(template)

    def infer_tf(model, x):
        variables = _variables(model)
        return concrete(x, *[value.handle for value in read([variables[i] for i in order])]).numpy()

    # tests/test_robustness.py counts the traces behind each engine.
    infer_tf.experimental_get_tracing_count = infer.experimental_get_tracing_count
    return infer_tf


def compile_call(model):
    """``f(x)``: ``model`` itself in inference mode, reading its variables.

    For the networks the engine cannot pool (``_engine.py``): their own
    ``call`` runs as the user wrote it.  TensorFlow traces it once; JAX and
    PyTorch run it eagerly (a jitted closure would freeze the weights it
    first saw).
    """
    if backend_name() == "tensorflow":
        from ._backend import get_tf

        tf = get_tf()

        @tf.function(input_signature=[
            tf.TensorSpec(_input_shape(model), model.inputs[0].dtype)
        ])
        def call(x):
            return model(x, training=False)

        return call

    def eager(x):
        if backend_name() == "torch":
            import torch

            with torch.no_grad():
                return model(_ops().convert_to_tensor(x), training=False)
        return model(x, training=False)

    return eager


def to_numpy(value):
    """A backend tensor as a NumPy array."""
    return np.asarray(get_keras().ops.convert_to_numpy(value))


# ------------------------------------------------------------------- training
def compile_train_step(model, optimizer, loss, signature):
    """``step``: one optimizer step on ``model`` per call.

    ``step(x, y, w)`` returns the batch's weighted loss sum;
    ``step.with_outputs(x, y, w)`` returns ``(total, outputs)``, for metrics
    (compiled on first use, so fits without metrics never pay for it).  The
    loss is the weighted mean over the batch (integer weights train like
    repeated rows) plus the model's own penalties.  ``step.sync()`` writes
    back into the model's and the optimizer's variables whatever state the
    backend keeps outside them between steps (JAX); the training loop calls
    it before anything else reads or sets them.  ``signature`` is
    ``[(shape, dtype)] * 3`` for x, y and w.
    """
    backend = backend_name()
    if backend == "jax":
        return _JaxTrainStep(model, optimizer, loss)
    if backend == "tensorflow":
        step = _tf_train_step(model, optimizer, loss)
        return _TrainStep(lambda with_outputs: _tf_function(
            step if with_outputs else _total_only(step), signature
        ))
    step = _torch_train_step(model, optimizer, loss)
    return _TrainStep(lambda with_outputs: step if with_outputs else _total_only(step))


def _total_only(step):
    def total(x, y, sample_weight):
        return step(x, y, sample_weight)[0]

    return total


class _TrainStep:
    """A train step whose state lives in the variables (TensorFlow, PyTorch)."""

    def __init__(self, build):
        self._build = build
        self._total = build(False)
        self._with_outputs = None

    def __call__(self, x, y, sample_weight):
        return self._total(x, y, sample_weight)

    def with_outputs(self, x, y, sample_weight):
        if self._with_outputs is None:
            self._with_outputs = self._build(True)
        return self._with_outputs(x, y, sample_weight)

    def sync(self):
        """Nothing to write back: every step updates the variables."""

    def experimental_get_tracing_count(self):
        """Traces behind the step (TensorFlow; tests/test_robustness.py counts them)."""
        return sum(
            function.experimental_get_tracing_count()
            for function in (self._total, self._with_outputs)
            if hasattr(function, "experimental_get_tracing_count")
        )


class _JaxTrainStep:
    """A jitted stateless update whose state stays in arrays between steps.

    Reading and assigning the two dozen variables of even a small network
    around every step took about a quarter of each step of
    ``benchmarks/bench_core.py``'s dense network (a refit ran 1.5 s before,
    1.1 s after, on a loaded machine), so, as Keras's own JAX trainer does,
    the state goes back into the variables only on :meth:`sync`.
    """

    def __init__(self, model, optimizer, loss):
        self._groups = (
            model.trainable_variables, model.non_trainable_variables, optimizer.variables,
        )
        self._update = _jax_train_step(model, optimizer, loss)
        self._jitted = {}
        self._state = self._pending = None

    def _run(self, with_outputs, x, y, sample_weight):
        import jax

        step = self._jitted.get(with_outputs)
        if step is None:
            update = self._update
            step = self._jitted[with_outputs] = jax.jit(
                update if with_outputs else lambda *args: update(*args)[:4]
            )
        if self._state is None:
            self._state = tuple([v.value for v in group] for group in self._groups)
        if self._pending is not None:
            # One step in flight at most: the host would otherwise race ahead
            # of the computation, holding every batch it has sent.
            self._pending.block_until_ready()
        result = step(*self._state, x, y, sample_weight)
        self._state, self._pending = result[:3], result[3]
        return result[3:] if with_outputs else result[3]

    def __call__(self, x, y, sample_weight):
        return self._run(False, x, y, sample_weight)

    def with_outputs(self, x, y, sample_weight):
        return self._run(True, x, y, sample_weight)

    def sync(self):
        """Write the state into the variables, where everything else reads and sets it."""
        if self._state is not None:
            for variables, values in zip(self._groups, self._state):
                for variable, value in zip(variables, values):
                    variable.assign(value)
        self._state = self._pending = None


def compile_evaluate(model, loss, signature):
    """``f(x, y, w) -> (total, outputs)`` in inference mode."""
    backend = backend_name()

    def evaluate(x, y, sample_weight):
        outputs = model(x, training=False)
        return _weighted_sum(loss, y, outputs, sample_weight), outputs

    if backend == "tensorflow":
        return _tf_function(evaluate, signature)
    if backend == "jax":
        import jax

        @jax.jit
        def stateless(trainable, non_trainable, x, y, sample_weight):
            outputs, _ = model.stateless_call(trainable, non_trainable, x, training=False)
            return _weighted_sum(loss, y, outputs, sample_weight), outputs

        def evaluate_jax(x, y, sample_weight):
            return stateless(
                [v.value for v in model.trainable_variables],
                [v.value for v in model.non_trainable_variables],
                x, y, sample_weight,
            )

        return evaluate_jax

    import torch

    def evaluate_torch(x, y, sample_weight):
        ops = _ops()
        with torch.no_grad():
            return evaluate(ops.convert_to_tensor(x), ops.convert_to_tensor(y),
                            ops.convert_to_tensor(sample_weight))

    return evaluate_torch


def _tf_function(function, signature):
    from ._backend import get_tf

    tf = get_tf()
    return tf.function(function, input_signature=[tf.TensorSpec(*spec) for spec in signature])


def _tf_train_step(model, optimizer, loss):
    from ._backend import get_tf

    tf = get_tf()

    def step(x, y, sample_weight):
        with tf.GradientTape() as tape:
            outputs = model(x, training=True)
            total = _weighted_sum(loss, y, outputs, sample_weight)
            # A weighted mean, not Keras's sum-over-batch-size: integer
            # weights must train exactly like repeated rows.
            value = total / tf.reduce_sum(sample_weight)
            if model.losses:
                value = value + tf.cast(tf.add_n(model.losses), value.dtype)
        variables = model.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(value, variables), variables))
        return total, outputs

    return step


def _jax_train_step(model, optimizer, loss):
    """``f(trainable, non_trainable, optimizer_state, x, y, w) -> (*new state, total, outputs)``."""
    import jax

    ops = _ops()

    def compute(trainable, non_trainable, x, y, sample_weight):
        outputs, non_trainable, losses = model.stateless_call(
            trainable, non_trainable, x, training=True, return_losses=True
        )
        total = _weighted_sum(loss, y, outputs, sample_weight)
        value = total / ops.sum(sample_weight)
        if losses:
            value = value + _penalties(losses, value.dtype)
        return value, (total, outputs, non_trainable)

    gradient = jax.value_and_grad(compute, has_aux=True)

    def update(trainable, non_trainable, optimizer_state, x, y, sample_weight):
        (_, (total, outputs, non_trainable)), grads = gradient(
            trainable, non_trainable, x, y, sample_weight
        )
        trainable, optimizer_state = optimizer.stateless_apply(
            optimizer_state, grads, trainable
        )
        return trainable, non_trainable, optimizer_state, total, outputs

    return update


def _torch_train_step(model, optimizer, loss):
    import torch

    ops = _ops()

    def step(x, y, sample_weight):
        x, y, sample_weight = (ops.convert_to_tensor(a) for a in (x, y, sample_weight))
        outputs = model(x, training=True)
        total = _weighted_sum(loss, y, outputs, sample_weight)
        value = total / ops.sum(sample_weight)
        if model.losses:
            value = value + _penalties(model.losses, value.dtype)
        model.zero_grad()
        value.backward()
        variables = model.trainable_variables
        gradients = [v.value.grad for v in variables]
        with torch.no_grad():
            optimizer.apply(gradients, variables)
        return total.detach(), outputs.detach()

    return step
