"""A 10-class 1-D signal benchmark, made the way such benchmarks are made.

Each class is a waveform template of length 40 (sines, a square wave, a
sawtooth, a dip, bumps, a step, a wave packet, a chirp); each signal is its
class's template stretched or squeezed in time (warp), shifted, rolled
round to start anywhere in the window (the event is not centred), scaled in
amplitude and drawn in additive Gaussian noise.  ``noise`` sets the
difficulty; it was calibrated so that a plain Keras Conv1D stack (the old
default CNN) scores about 0.91 with 4,000 training signals (0.9135 at the
default 0.5; 0.960 at 0.4).  :func:`template_matching_predict`, which knows
the templates, bounds what a learner can reach: 0.940 at 0.5, 0.982 at 0.4
(benchmarks/_cnn_defaults.py prints both).

Run as a script to print the class balance and a few signals::

    .venv/bin/python benchmarks/_signals.py
"""

import numpy as np

LENGTH = 40
N_CLASSES = 10


def _templates(t):
    """The 10 class templates at times ``t`` (one row per sample, in [0, 1])."""
    tau = 2 * np.pi
    return [
        np.sin(tau * t),  # 0: one sine cycle
        np.sin(2 * tau * t),  # 1: two sine cycles
        np.sign(np.sin(3 * tau * t)),  # 2: square wave, three cycles
        2 * ((2 * t) % 1.0) - 1,  # 3: sawtooth
        0.5 - 2 * np.exp(-((t - 0.5) ** 2) / 0.02),  # 4: a wide dip
        2 * np.exp(-((t - 0.5) ** 2) / 0.005) - 0.5,  # 5: one narrow bump
        2 * np.exp(-((t - 0.35) ** 2) / 0.005)  # 6: two narrow bumps
        + 2 * np.exp(-((t - 0.65) ** 2) / 0.005) - 0.5,
        np.tanh((t - 0.5) * 20),  # 7: a step up
        np.exp(-((t - 0.5) ** 2) / 0.04) * np.sin(4 * tau * t),  # 8: a wave packet
        np.sin(tau * (0.5 * t + 2.5 * t**2)),  # 9: a chirp
    ]


SHIFT = 0.2  # the largest time shift, as a fraction of the length
WARP = (0.85, 1.15)  # the range of time scalings
ROLL = True


def make_signals(n_samples, *, noise=0.5, length=LENGTH, random_state=None):
    """Return ``X`` of shape (n_samples, length) and ``y`` of 10 balanced classes.

    Warp: time scaled by a factor in [0.85, 1.15] about the centre; shift:
    up to a fifth of the length either way, then a roll by a random number
    of steps; amplitude in [0.6, 1.4]; noise: Gaussian with standard
    deviation ``noise``.
    """
    rng = np.random.RandomState(random_state)
    y = np.arange(n_samples) % N_CLASSES
    rng.shuffle(y)
    grid = np.linspace(0, 1, length)
    shift = rng.uniform(-SHIFT, SHIFT, size=(n_samples, 1))
    warp = rng.uniform(*WARP, size=(n_samples, 1))
    t = (grid[None, :] - 0.5) * warp + 0.5 - shift
    waves = np.stack(_templates(t))  # (classes, n_samples, length)
    X = waves[y, np.arange(n_samples)]
    if ROLL:
        offsets = rng.randint(length, size=n_samples)
        steps = (np.arange(length)[None, :] + offsets[:, None]) % length
        X = X[np.arange(n_samples)[:, None], steps]
    X = X * rng.uniform(0.6, 1.4, size=(n_samples, 1))
    X = X + rng.normal(scale=noise, size=X.shape)
    return X.astype(np.float32), y


def template_matching_predict(X):
    """Classes of ``X`` by the generator's own templates: a near-Bayes ceiling.

    For each class, the least-squares fit of its template over a grid of
    warps, shifts and rolls, with the amplitude clipped to its range; the
    class of the closest fit wins.  It knows how the data were made, which
    no learner does, so it bounds what a learner can reach.
    """
    X = np.asarray(X, dtype=np.float64)
    length = X.shape[1]
    grid = np.linspace(0, 1, length)
    shifts, warps = np.meshgrid(np.linspace(-SHIFT, SHIFT, 11), np.linspace(*WARP, 7))
    t = (grid[None] - 0.5) * warps.reshape(-1, 1) + 0.5 - shifts.reshape(-1, 1)
    templates = np.stack(_templates(t))  # (classes, grid points, length)
    if ROLL:
        templates = np.concatenate(
            [np.roll(templates, k, axis=2) for k in range(length)], axis=1
        )
    distance = np.empty((len(X), N_CLASSES))
    for label, candidates in enumerate(templates):
        fit = X @ candidates.T
        energy = (candidates**2).sum(axis=1)
        amplitude = np.clip(fit / energy, 0.6, 1.4)
        distance[:, label] = (amplitude**2 * energy - 2 * amplitude * fit).min(axis=1)
    return distance.argmin(axis=1)


def benchmark(random_state=0, *, n_train=4000, n_test=4000, noise=0.5):
    """The benchmark's train and test sets: ``(X_train, y_train, X_test, y_test)``."""
    X, y = make_signals(n_train + n_test, noise=noise, random_state=random_state)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


if __name__ == "__main__":
    X_train, y_train, X_test, y_test = benchmark()
    print("train", X_train.shape, np.bincount(y_train), "test", X_test.shape)
    np.set_printoptions(precision=2, linewidth=160)
    for label in range(N_CLASSES):
        print(label, X_train[y_train == label][0][:12])
