"""A 1-D benchmark with headroom: classes of several local motifs, anywhere.

In ``benchmarks/_signals.py`` the plain Conv1D stack already sits within
0.03 of the template-matching ceiling.  Here each of the 10 classes is
made of ``SUBTYPES`` short motifs (random smooth shapes about a dozen
steps wide, fixed by a seed: a class has sub-types, as heartbeats or
gestures do), and each signal is one motif of its class at a random place
in a window of length 40 (rolled round, so it may wrap), scaled in
amplitude and drawn in Gaussian noise.  A learner must learn 10 x SUBTYPES
shapes at every position from 4,000 signals; :func:`template_matching_predict`
knows them and is near the Bayes limit.  ``SUBTYPES`` and ``noise`` were
calibrated so that the ceiling is 0.99 while the plain Conv1D stack (the
old default CNN) scores about 0.9: 0.89 with 5 sub-types in noise 0.08
over 3 draws (benchmarks/_cnn_defaults.py prints both); 0.94 in one draw
with 4 sub-types in noise 0.1.

Run as a script to print the template-matching ceiling::

    .venv/bin/python benchmarks/_signals_motifs.py
"""

import numpy as np

LENGTH = 40
N_CLASSES = 10
SUBTYPES = 5
NOISE = 0.08
ENERGY = 16.0  # each motif's sum of squares at amplitude 1
AMPLITUDE = (0.6, 1.4)
_BUMPS = 4


def _motif_specs(n_motifs, seed=2026):
    """Each motif: ``_BUMPS`` Gaussian bumps of random sign, centre and width."""
    rng = np.random.RandomState(seed)
    return [
        (rng.normal(size=_BUMPS), rng.uniform(-5, 5, _BUMPS), rng.uniform(0.8, 2.5, _BUMPS))
        for _ in range(n_motifs)
    ]


def _motifs(x, n_motifs):
    """The motifs at offsets ``x`` (steps from each motif's centre), unit energy scaled."""
    specs = _motif_specs(n_motifs)

    def shape(spec, x):
        heights, centres, widths = spec
        return sum(
            h * np.exp(-((x - c) ** 2) / (2 * w**2)) for h, c, w in zip(heights, centres, widths)
        )

    grid = np.arange(-LENGTH // 2, LENGTH // 2, dtype=float)
    return np.stack([
        shape(spec, x) * np.sqrt(ENERGY / (shape(spec, grid) ** 2).sum()) for spec in specs
    ])


def _offsets(positions, length):
    """Steps from a motif centred at ``positions`` (column), wrapped round the window."""
    x = np.arange(length)[None, :] - positions
    return (x + length / 2) % length - length / 2


def make_signals(n_samples, *, noise=NOISE, subtypes=SUBTYPES, random_state=None):
    """Return ``X`` of shape (n_samples, 40) and ``y`` of 10 balanced classes."""
    rng = np.random.RandomState(random_state)
    y = np.arange(n_samples) % N_CLASSES
    rng.shuffle(y)
    motif = y * subtypes + rng.randint(subtypes, size=n_samples)
    x = _offsets(rng.uniform(0, LENGTH, size=(n_samples, 1)), LENGTH)
    X = _motifs(x, N_CLASSES * subtypes)[motif, np.arange(n_samples)]
    X = X * rng.uniform(*AMPLITUDE, size=(n_samples, 1))
    X = X + rng.normal(scale=noise, size=X.shape)
    return X.astype(np.float32), y


def template_matching_predict(X, *, subtypes=SUBTYPES):
    """Classes of ``X`` by the generator's own motifs: a near-Bayes ceiling.

    The least-squares fit of every motif at every quarter step, with the
    amplitude clipped to its range; the class of the closest fit wins.
    """
    X = np.asarray(X, dtype=np.float64)
    x = _offsets(np.arange(0, LENGTH, 0.25)[:, None], LENGTH)
    distance = np.full((len(X), N_CLASSES), np.inf)
    for index, candidates in enumerate(_motifs(x, N_CLASSES * subtypes)):
        fit = X @ candidates.T
        energy = (candidates**2).sum(axis=1)
        amplitude = np.clip(fit / energy, *AMPLITUDE)
        best = (amplitude**2 * energy - 2 * amplitude * fit).min(axis=1)
        label = index // subtypes
        distance[:, label] = np.minimum(distance[:, label], best)
    return distance.argmin(axis=1)


def benchmark(random_state=0, *, n_train=4000, n_test=4000, noise=NOISE):
    """The benchmark's train and test sets: ``(X_train, y_train, X_test, y_test)``."""
    X, y = make_signals(n_train + n_test, noise=noise, random_state=random_state)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


if __name__ == "__main__":
    for seed in range(3):
        _, _, X_test, y_test = benchmark(seed)
        print(f"draw {seed}: template matching {np.mean(template_matching_predict(X_test) == y_test):.4f}")
