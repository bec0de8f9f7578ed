"""X as a 1-D array of image file paths, read a batch at a time.

:class:`ImagePaths` stands where an array of images would: it has the array's
``shape``, ``dtype``, ``len`` and row indexing (so scikit-learn's
``train_test_split`` and the zero-weight filter subset it without reading a
file), and :meth:`ImagePaths.stream` decodes batches in worker threads, a few
batches ahead of the caller.  The training loop (``_training.train``) and
prediction (``_base._forward``) take batches from it instead of slicing an
array; Pillow's decoding and resizing release the GIL, so reading overlaps
the network's step.  Batches come in the caller's order with the same pixels
``load_image_folder`` would give, so a fit from paths equals a fit from the
decoded array (tests/test_image_paths.py).
"""

import os
import warnings
from collections import deque
from concurrent.futures import ThreadPoolExecutor

import numpy as np

# Threads decoding ahead of the training step; TensorFlow's own thread pools
# compete with them for the same cores, so a few, not one per core.
DECODE_WORKERS = min(4, os.cpu_count() or 1)
# Images per prediction chunk: activations of large images are big (a 3x3
# convolution of 16 filters on 150x150 holds 1.4 MB per image), so chunks stay
# near a training batch (benchmarks/bench_images.py).
PREDICT_BATCH = 64


class ImagePaths:
    """Images of shape (n, height, width, channels) read from files on demand."""

    dtype = np.dtype(np.float32)

    def __init__(self, paths, image_size, color_mode, crop_to_aspect_ratio, sample_shape=None):
        self.paths = paths
        self.image_size = image_size
        self.color_mode = color_mode
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        from ..datasets._decode import CHANNELS

        decoded = tuple(image_size) + (CHANNELS[color_mode],)
        self.sample_shape = tuple(sample_shape) if sample_shape is not None else decoded
        self._decoded_shape = decoded

    # ----------------------------------------------------- array behaviour
    @property
    def shape(self):
        return (len(self.paths),) + self.sample_shape

    @property
    def ndim(self):
        return len(self.shape)

    def __len__(self):
        return len(self.paths)

    def _like(self, paths, sample_shape=None):
        return ImagePaths(
            paths, self.image_size, self.color_mode, self.crop_to_aspect_ratio,
            sample_shape or self.sample_shape,
        )

    def __getitem__(self, key):
        if isinstance(key, tuple):
            if len(key) == 2 and key[1] is Ellipsis:
                key = key[0]
            else:
                raise IndexError("Image paths are indexed by rows only.")
        if isinstance(key, (int, np.integer)):
            return self.read(np.asarray([key]))[0]
        return self._like(self.paths[key])

    def reshape(self, shape):
        """The same files read as samples of ``shape[1:]`` (same number of values)."""
        shape = tuple(shape)
        if shape[0] not in (len(self), -1) or int(np.prod(shape[1:])) != int(np.prod(self._decoded_shape)):
            raise ValueError(f"Cannot read images of shape {self._decoded_shape} as {shape}.")
        return self._like(self.paths, shape[1:])

    def __array__(self, dtype=None, copy=None):
        # Everything at once: what np.asarray asks for; the estimators stream instead.
        return self.read(np.arange(len(self)), dtype=dtype)

    def __repr__(self):
        return f"ImagePaths({len(self)} files as {self.sample_shape}, {self.color_mode})"

    # ------------------------------------------------------------ reading
    def read(self, index, dtype=None):
        """Decode the files at positions ``index`` into one array."""
        from ..datasets._decode import decode_image

        out = np.empty((len(index),) + self._decoded_shape, dtype=np.float32)
        for row, position in enumerate(index):
            out[row] = decode_image(
                self.paths[position], self.image_size, self.color_mode,
                self.crop_to_aspect_ratio,
            )
        out = out.reshape((len(index),) + self.sample_shape)
        return out if dtype is None else out.astype(dtype, copy=False)

    def read_readable(self, index):
        """Decode the files at positions ``index`` that can be decoded, skipping the others."""
        from ..datasets._decode import UnreadableImageError

        images = []
        for position in index:
            try:
                images.append(self.read(np.asarray([position])))
            except UnreadableImageError:
                continue
        if not images:
            return np.empty((0,) + self.sample_shape, dtype=np.float32)
        return np.concatenate(images)

    def stream(self, batches, workers=DECODE_WORKERS):
        """Yield ``self.read(index)`` for each index array of ``batches``, read ahead in threads."""
        if workers <= 1:
            for index in batches:
                yield self.read(index)
            return
        executor = ThreadPoolExecutor(workers, thread_name_prefix="skdeepmine-decode")
        pending = deque()
        batches = iter(batches)
        try:
            for index in batches:
                pending.append(executor.submit(self.read, index))
                if len(pending) > 2 * workers:
                    break
            while pending:
                batch = pending.popleft().result()
                nxt = next(batches, None)
                if nxt is not None:
                    pending.append(executor.submit(self.read, nxt))
                yield batch
        finally:
            for future in pending:
                future.cancel()
            executor.shutdown(wait=False, cancel_futures=True)

    def unreadable(self, workers=DECODE_WORKERS):
        """``[(position, message)]`` for each file that cannot be decoded."""
        from ..datasets._decode import UnreadableImageError

        def check(positions):
            found = []
            for position in positions:
                try:
                    self.read(np.asarray([position]))
                except UnreadableImageError as exc:
                    found.append((int(position), str(exc)))
            return found

        chunks = np.array_split(np.arange(len(self)), max(1, len(self) // PREDICT_BATCH))
        with ThreadPoolExecutor(max(1, workers), thread_name_prefix="skdeepmine-check") as pool:
            return [item for found in pool.map(check, chunks) for item in found]

    def map_batches(self, function, batch_size=PREDICT_BATCH):
        """``function`` applied to consecutive decoded batches, results concatenated."""
        batches = [
            np.arange(start, min(start + batch_size, len(self)))
            for start in range(0, len(self), batch_size)
        ]
        return np.concatenate([function(batch) for batch in self.stream(batches)])


def drop_unreadable(estimator, X, y, weights):
    """``(X, y, weights)`` without the unreadable files when ``on_error="warn"``.

    Each file left out is named in a warning, as ``load_image_folder`` does;
    with ``on_error="raise"`` (or X not paths) nothing is read here and the
    training loop raises on the first unreadable file, naming it.
    """
    reading = getattr(estimator, "_image_reading", None)
    if not isinstance(X, ImagePaths) or reading is None or reading().get("on_error") != "warn":
        return X, y, weights
    found = X.unreadable()
    if not found:
        return X, y, weights
    if len(found) == len(X):
        raise ValueError(f"None of the {len(X)} image files can be read; the first: {found[0][1]}")
    for _, message in found:
        warnings.warn(f"{message} Left out of the fit (on_error='warn').", UserWarning, stacklevel=4)
    kept = np.ones(len(X), dtype=bool)
    kept[[position for position, _ in found]] = False
    return X[kept], y[kept], weights[kept]


def is_image_paths(X):
    """Whether ``X`` is validated image-path input (an :class:`ImagePaths`)."""
    return isinstance(X, ImagePaths)


def looks_like_paths(X):
    """Whether ``X`` is a 1-D sequence of file paths (str or os.PathLike)."""
    if isinstance(X, ImagePaths):
        return True
    if isinstance(X, (str, bytes, os.PathLike)) or not hasattr(X, "__len__"):
        return False
    dtype = getattr(X, "dtype", None)
    if dtype is not None and getattr(dtype, "kind", "O") not in "OUS":
        return False
    if getattr(X, "ndim", 1) != 1 or len(X) == 0:
        return False
    first = X.iloc[0] if hasattr(X, "iloc") else X[0]
    return isinstance(first, (str, os.PathLike))


def image_paths_input(estimator, X, *, reset, y, y_kwargs, has_y):
    """Validate a path array ``X`` (and ``y``); return ``(ImagePaths, y)``.

    ``estimator._image_reading()`` gives ``image_size`` (None: the first
    image's size when fitting), ``color_mode`` and ``crop_to_aspect_ratio``.
    On ``reset`` the sample shape is stored as ``estimator._sample_shape``;
    later calls read the files at the fitted size.
    """
    from sklearn.utils.validation import _check_y, check_consistent_length, validate_data

    from ..datasets._decode import check_color_mode, check_image_size, image_file_size

    name = type(estimator).__name__
    if isinstance(X, ImagePaths):
        source = X
    else:
        reading = getattr(estimator, "_image_reading", None)
        if reading is None:
            raise TypeError(
                f"X looks like a list of file paths, but {name} does not read "
                "image files; pass an array of numbers."
            )
        settings = reading()
        paths = list(X.tolist() if hasattr(X, "tolist") else X)
        for position, value in enumerate(paths):
            if not isinstance(value, (str, os.PathLike)):
                raise TypeError(
                    f"X mixes file paths with other values: X[{position}] is "
                    f"{type(value).__name__} {value!r}."
                )
        paths = np.asarray([os.fspath(p) for p in paths], dtype=object)
        fitted = None if reset else getattr(estimator, "_sample_shape", None)
        if fitted is not None and len(fitted) in (2, 3):
            size = tuple(fitted[:2])
        elif settings["image_size"] is not None:
            size = check_image_size(settings["image_size"])
        else:
            size = image_file_size(paths[0])
        source = ImagePaths(
            paths, size, check_color_mode(settings["color_mode"]),
            bool(settings["crop_to_aspect_ratio"]),
        )
    sample_shape = source.sample_shape
    n_values = int(np.prod(sample_shape))
    if not reset:
        expected = tuple(estimator._sample_shape)
        if int(np.prod(expected)) != n_values:
            raise ValueError(
                f"X's images are read as {sample_shape} ({source.color_mode}), but "
                f"{name} was fitted on samples of shape {expected}; set color_mode "
                "to the fitted number of channels."
            )
        source = source.reshape((len(source),) + expected)
    # n_features_in_ counts the values of one image, as for image arrays; the
    # zero-strided stand-in costs no memory.
    validate_data(
        estimator, np.broadcast_to(np.float32(0), (len(source), n_values)),
        reset=reset, skip_check_array=True,
    )
    if reset:
        estimator._sample_shape = tuple(sample_shape)
    if has_y:
        if y is None:
            raise ValueError(
                f"This {name} estimator requires y to be passed, but the target y is None."
            )
        y = _check_y(y, **y_kwargs)
        check_consistent_length(source, y)
    return source, y


def predict_batches(model, x):
    """``predict_raw(model, x)``, reading image paths a chunk at a time."""
    from ._engine import predict_raw

    if is_image_paths(x):
        return x.map_batches(lambda part: predict_raw(model, part))
    return predict_raw(model, x)


def read_image_paths(estimator, X):
    """Decode ``X``, image file paths, as the fitted ``estimator`` reads them at predict.

    ``estimator`` is a fitted skdeepmine CNN or extractor, or a model holding
    one as ``extractor_`` or ``network_`` (a hybrid): the first of these with
    image settings and a fitted sample shape does the reading.  Returns a
    float32 array of shape ``(n_images, *fitted sample shape)``, the pixels
    ``predict`` would see (tests/test_inspection.py).
    """
    for reader in (estimator, getattr(estimator, "extractor_", None),
                   getattr(estimator, "network_", None)):
        if (reader is not None and hasattr(reader, "_image_reading")
                and getattr(reader, "_sample_shape", None) is not None):
            source, _ = image_paths_input(
                reader, X, reset=False, y=None, y_kwargs={}, has_y=False
            )
            return np.asarray(source)
    raise TypeError(
        f"X holds file paths, but {type(estimator).__name__} was not fitted by a "
        "network that reads image files; pass an array of images."
    )


def check_not_lone_path(estimator, X):
    """Refuse a single path string and an empty array of paths by name.

    Without this, a lone path reached NumPy's "could not convert string to
    float" and an empty string array sklearn's "Expected 2D array"
    (tests/test_image_paths.py).
    """
    name = type(estimator).__name__
    if isinstance(X, (str, bytes, os.PathLike)):
        X = str(X) if isinstance(X, str) else X  # np.str_ shown as plain text
        raise ValueError(
            f"X is a single value {X!r}, not a list of samples; to read one image "
            f"file with {name}, pass a list holding its path: [{X!r}]."
        )
    dtype = getattr(X, "dtype", None)
    if (dtype is not None and getattr(dtype, "kind", "") in "USO" and getattr(X, "ndim", 0) == 1
            and len(X) == 0):
        raise ValueError(
            f"X is an empty array of {dtype} (0 samples, e.g. no image paths); "
            f"{name} needs at least one sample."
        )
