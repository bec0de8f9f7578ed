"""float64 networks off TensorFlow: computed partly or wholly in float32.

*On JAX outside its 64-bit mode* (``JAX_ENABLE_X64``) every float64 array
becomes float32: a ``.keras`` file of a float64 network (``dtype="float64"``
or ``"auto"`` on float64 X, fitted on TensorFlow) builds there with float32
variables under float64 names, and JAX says so in a UserWarning for each
variable and each traced call (79 for the digits CNN's load and first
prediction).  Its inputs reached JAX as float64 and were truncated there,
past the check that refuses values beyond float32's range
(``_validation.as_network_dtype``): a value of 1e39 became infinite, and the
outputs NaN.  So on such a JAX the file's configuration is narrowed to
float32 before Keras reads it (the network is built as what JAX computes,
its float64 weights rounded as they load, one warning says so), and a
user's own float64 network gets X cast to float32 (:func:`computed_dtype`).

*On PyTorch, and on JAX in its 64-bit mode*, a float64 network computes in
float64 but Keras computes its batch normalisation and softmax in float32:
1e39 gave NaN probabilities and class 0 there too.  X keeps its float64
values, and values beyond float32's range are refused (:func:`float32_bound`).

tests/test_backends.py loads a TensorFlow float64 network on JAX and on
PyTorch; tests/test_precision.py fits a user's float64 network on each backend.
"""

import json
import os
import zipfile

import numpy as np

# Keras's dtype policy classes, as their configurations name them.
_POLICIES = {"DTypePolicy", "FloatDTypePolicy"}

NARROWED = (
    "The Keras model stored in this {owner} computes in float64, which JAX "
    "computes only in its 64-bit mode (JAX_ENABLE_X64=1 before JAX is first "
    "imported): it is loaded as a float32 network, as JAX would compute it "
    "anyway. Its outputs differ from float64 ones by about float32's precision "
    "(1e-7 relative)."
)


def jax_without_float64():
    """Whether Keras runs on JAX outside its 64-bit mode."""
    from ._backend import backend_name

    if backend_name() != "jax":
        return False
    import jax

    return not jax.config.read("jax_enable_x64")


def computed_dtype(dtype):
    """The NumPy dtype a network whose inputs are ``dtype`` computes in here.

    float64 on JAX outside its 64-bit mode is float32: X is cast (and
    checked against float32's range) before JAX would truncate it unchecked.
    A user's own float64 network (``model=``) meets this at fit and predict.
    """
    dtype = np.dtype(dtype)
    if dtype == np.float64 and jax_without_float64():
        return np.dtype(np.float32)
    return dtype


def float32_bound(dtype):
    """float32's dtype when a network of input ``dtype`` computes parts in float32 here; else None.

    float64 networks off TensorFlow (Keras's batch normalisation and softmax
    on PyTorch and JAX): X is checked against float32's range, not cast.
    """
    from ._backend import backend_name

    if np.dtype(dtype) == np.float64 and backend_name() != "tensorflow":
        return np.dtype(np.float32)
    return None


def input_types(dtype):
    """``(computed_dtype(dtype), float32_bound of it)``: how X reaches a network of input ``dtype``.

    What ``_validation.as_network_dtype`` takes, at fit and at predict.
    """
    computed = computed_dtype(dtype)
    return computed, float32_bound(computed)


def _narrowed(node):
    """``node`` (a Keras configuration) with float64 dtypes made float32; None if none was."""
    if isinstance(node, dict):
        if node.get("class_name") in _POLICIES and isinstance(node.get("config"), dict):
            if node["config"].get("name") == "float64":
                return {**node, "config": {**node["config"], "name": "float32"}}
        changed, out = False, {}
        for key, value in node.items():
            if key == "dtype" and value == "float64":
                out[key], changed = "float32", True
                continue
            narrowed = _narrowed(value)
            out[key] = value if narrowed is None else narrowed
            changed = changed or narrowed is not None
        return out if changed else None
    if isinstance(node, list):
        narrowed = [_narrowed(value) for value in node]
        if all(value is None for value in narrowed):
            return None
        return [old if new is None else new for old, new in zip(node, narrowed)]
    return None


def narrow_float64_archive(path):
    """Rewrite the ``.keras`` file at ``path`` with float32 for float64; whether it had any."""
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    config = _narrowed(json.loads(members["config.json"]))
    if config is None:
        return False
    members["config.json"] = json.dumps(config).encode()
    narrowed_path = path + ".narrowed"
    with zipfile.ZipFile(narrowed_path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    os.replace(narrowed_path, path)
    return True
