"""The built-in networks name their layers the same way in every process.

Keras numbers automatic layer names per process (``dense_17``), so a layer
name read in one session used to break ``NeuralFeatureExtractor(layer=...)``
in the next.
"""

import json
import subprocess
import sys
import textwrap

import numpy as np

from skdeepmine import CNNClassifier, DenseNetworkClassifier, NeuralFeatureExtractor

EXTRACTOR_PARAMS = dict(
    n_components=None, filters=(2,), hidden_units=(3,), epochs=1, random_state=0
)

IN_A_FRESH_PROCESS = textwrap.dedent(
    f"""
    import json
    import numpy as np
    from skdeepmine import NeuralFeatureExtractor

    X, y = np.random.RandomState(0).rand(24, 8, 8), np.arange(24) % 2
    extractor = NeuralFeatureExtractor(**{EXTRACTOR_PARAMS!r}).fit(X, y)
    names = [layer.name for layer in extractor.network_.model_.layers]
    print(json.dumps({{"names": names, "layer_": extractor.layer_}}))
    """
)


def test_layer_names_are_fixed_across_processes_and_usable_as_layer():
    X, y = np.random.RandomState(0).rand(24, 8, 8), np.arange(24) % 2
    # Fitted in this process after other networks, so Keras's own counters
    # are past zero here but not in the fresh process.
    cnn = CNNClassifier(
        filters=(2, 3), dense_units=(4, 3), batch_norm=True, dropout=0.1, rescale=1.0,
        random_flip="horizontal", epochs=1, global_pooling=None,
    ).fit(X, y)
    assert [layer.name for layer in cnn.model_.layers] == [
        "rescaling", "random_flip",
        "conv_0", "conv_0_norm", "conv_0_activation", "pool_0", "conv_0_dropout",
        "conv_1", "conv_1_norm", "conv_1_activation", "pool_1", "conv_1_dropout",
        "flatten", "dense_0", "dense_0_dropout", "embedding", "embedding_dropout", "output",
    ]
    dense = DenseNetworkClassifier(hidden_units=(4, 3), dropout=0.1, epochs=1).fit(X, y)
    assert [layer.name for layer in dense.model_.layers] == [
        "flatten", "standardize", "dense_0", "dense_0_dropout",
        "embedding", "embedding_dropout", "output",
    ]

    result = subprocess.run(
        [sys.executable, "-c", IN_A_FRESH_PROCESS], capture_output=True, text=True, check=True
    )
    there = json.loads(result.stdout.strip().splitlines()[-1])
    assert there["layer_"] == "embedding"
    assert "pool_0" in there["names"]

    # A name read in the other process picks the same layer here.
    extractor = NeuralFeatureExtractor(
        layer="pool_0", **EXTRACTOR_PARAMS
    ).fit(X, y)
    assert [layer.name for layer in extractor.network_.model_.layers] == there["names"]
    assert extractor.transform(X).shape == (24, 4 * 4 * 2)
