"""Findings about images and signals and a model fitted on them.

:func:`mine_samples` is what :meth:`InsightReport.from_estimator` runs when
``X`` holds images ``(n, H, W[, C])``, signals ``(n, L[, C])`` (2-D ``X``
with a CNN) or image file paths: class balance, per-class accuracy, the most
confused class pairs and suspected label errors with thumbnails,
class-average attribution maps (:func:`skdeepmine.inspection.attributions`)
and clusters in the network's ``embedding`` activations
(:func:`skdeepmine.inspection.activations`).  Keras loads only when those
run on a network.
"""

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from ._findings import Insight
from ._image_plots import thumbnail_figsize
from ._structure import MIN_CLUSTER_SHARE
from ._text import chart_text, text

#: Largest side of a thumbnail (pixels) and length of a signal trace (points).
THUMB_SIDE, TRACE_POINTS = 48, 200
#: Held-out samples per class whose attributions are averaged.
ATTRIBUTION_SAMPLES = 64
#: A clustering with a lower silhouette is not reported as clusters.
MIN_SILHOUETTE = 0.25
#: Shown examples: confused pairs (and examples of each), label errors.
N_PAIRS, PAIR_EXAMPLES, N_ERRORS = 3, 3, 12


def is_sample_input(estimator, X):
    """Whether ``X`` is images, signals or image paths rather than a table."""
    from ..core._paths import looks_like_paths
    from ._model import final_step

    if looks_like_paths(X):
        return True
    if not isinstance(X, (np.ndarray, list)):
        return False  # DataFrames and the like are tables
    try:
        ndim = np.ndim(X)
    except ValueError:  # ragged lists: the table checks say what is wrong
        return False
    if ndim >= 3:
        return True
    # Flat rows given to a CNN are signals (CNNClassifier's input_kind docs).
    return ndim == 2 and hasattr(final_step(estimator), "input_kind")


def _fitted(estimator):
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        return False
    return True


def _pixels(model, X):
    """``X`` as an array of samples; image paths decoded at the fitted size."""
    from ..core._paths import image_paths_input, looks_like_paths
    from ._model import final_step

    if not looks_like_paths(X):
        return np.asarray(X, dtype=np.float64)
    final = final_step(model)
    if not hasattr(final, "_image_reading"):
        raise TypeError(
            f"X is a list of image file paths, but {type(final).__name__} does not read "
            "image files; fit a CNNClassifier on them, or pass the decoded images."
        )
    source, _ = image_paths_input(final, X, reset=False, y=None, y_kwargs={}, has_y=False)
    return np.asarray(source, dtype=np.float64)


def _sample_kind(model, pixels):
    from ._model import final_step

    shape = getattr(final_step(model), "input_shape_", None)
    if shape is not None and hasattr(final_step(model), "input_kind"):
        return "image" if len(shape) == 3 else "signal"
    return "signal" if pixels.ndim == 2 else "image"


def _thumbnails(pixels, kind, low, high):
    """Small pictures (values in [0, 1]) or short traces of ``pixels``, as lists."""
    out = []
    for sample in pixels:
        if kind == "signal":
            trace = sample.reshape(sample.shape[0], -1)
            step = max(1, -(-len(trace) // TRACE_POINTS))
            trace = trace[::step]
            out.append(np.round(trace[:, 0] if trace.shape[1] == 1 else trace, 4).tolist())
            continue
        image = sample if sample.ndim == 3 else sample[..., None]
        step = max(1, -(-max(image.shape[:2]) // THUMB_SIDE))
        image = image[::step, ::step]
        channels = image.shape[-1]
        image = image[..., 0] if channels == 1 else (
            image[..., :3] if channels in (3, 4) else image.mean(axis=-1))
        scaled = (image - low) / (high - low) if high > low else np.zeros_like(image)
        out.append(np.round(np.clip(scaled, 0, 1), 3).tolist())
    return out


def _thumb_chart(pictures, kind, captions, title, cmap="gray"):
    chart = {"type": "images", "figsize": thumbnail_figsize(len(pictures)), "cmap": cmap,
             "images" if kind == "image" else "signals": pictures}
    chart.update(chart_text(title=title, captions=captions))
    return chart


def _name(label):
    return label.item() if hasattr(label, "item") else label


def _balance(y, classes, target):
    counts = np.array([(y == c).sum() for c in classes])
    ratio = counts.min() / counts.max()
    smallest = _name(classes[int(np.argmin(counts))])
    parts = [("image.balance", {"counts": [[_name(c), int(n)] for c, n in zip(classes, counts)],
                                "ratio": ratio})]
    if ratio < 0.5:
        parts.append(("image.balance.advice", {}))
    words = text(("image.balance.title", {"n_classes": len(classes), "smallest": smallest,
                                          "small_share": counts.min() / counts.sum()}), parts)
    chart = {"type": "bar", "labels": [str(_name(c)) for c in classes],
             "values": counts.tolist(), **chart_text(xlabel=("image.chart.count", {}))}
    return Insight(kind="target", name="class_balance", strength=1.0 - ratio, chart=chart,
                   evidence={"target": target, "counts": dict(zip(map(str, map(_name, classes)),
                                                                  counts.tolist()))}, **words)


def _accuracy(y, predicted, classes):
    shares = [float(np.mean(predicted[y == c] == c)) if np.any(y == c) else float("nan")
              for c in classes]
    present = [(c, s) for c, s in zip(classes, shares) if s == s]
    worst = min(present, key=lambda pair: pair[1])
    accuracy = float(np.mean(predicted == y))
    words = text(
        ("image.accuracy.title", {"accuracy": accuracy, "worst": _name(worst[0]),
                                  "worst_accuracy": worst[1]}),
        [("image.accuracy", {"n_test": len(y),
                             "per_class": [[_name(c), s] for c, s in present]})],
    )
    chart = {"type": "bar", "labels": [str(_name(c)) for c, _ in present],
             "values": [s for _, s in present], "xlim": [0, 1],
             **chart_text(xlabel=("image.chart.accuracy", {}))}
    return Insight(kind="model", name="class_accuracy", strength=1.0 - worst[1], chart=chart,
                   evidence={"accuracy": accuracy,
                             "per_class": {str(_name(c)): s for c, s in present}}, **words)


def _confusions(y, predicted, confidence, classes, thumbs):
    pairs = []
    for true in classes:
        for guess in classes:
            if true != guess:
                count = int(np.sum((y == true) & (predicted == guess)))
                if count:
                    pairs.append((count, true, guess))
    pairs.sort(key=lambda p: -p[0])
    if not pairs:
        return Insight(kind="model", name="confused_classes", strength=0.0,
                       **text(("image.confusion.none.title", {}),
                              [("image.confusion.none", {})]))
    count, true, guess = pairs[0]
    n_true = int(np.sum(y == true))
    pictures, captions = [], []
    for _, t, g in pairs[:N_PAIRS]:
        rows = np.flatnonzero((y == t) & (predicted == g))
        for row in rows[np.argsort(-confidence[rows])][:PAIR_EXAMPLES]:
            pictures.append(thumbs(row))
            captions.append(("image.caption.pair", {"true": _name(t), "predicted": _name(g)}))
    words = text(
        ("image.confusion.title", {"true": _name(true), "predicted": _name(guess),
                                   "count": count, "n_true": n_true}),
        [("image.confusion", {"pairs": [[f"{_name(t)} -> {_name(g)}", n]
                                        for n, t, g in pairs[:N_PAIRS]]})],
    )
    return Insight(
        kind="model", name="confused_classes", strength=count / n_true,
        evidence={"pairs": [[_name(t), _name(g), n] for n, t, g in pairs[:10]]},
        chart=thumbs.chart(pictures, captions, ("image.chart.confusion", {})), **words,
    )


def _label_errors(y, proba, classes, index, thumbs):
    """Held-out samples whose label the model contradicts with high confidence.

    A sample labelled i and predicted j != i is suspected when the model's
    probability of j is at least the mean probability of j over the samples
    labelled j (confident learning's per-class threshold), and at least 0.5.
    """
    given = np.searchsorted(classes, y)
    guess = np.argmax(proba, axis=1)
    thresholds = np.array([
        max(0.5, float(proba[given == j, j].mean())) if np.any(given == j) else 1.0
        for j in range(len(classes))
    ])
    confidence = proba[np.arange(len(y)), guess]
    suspected = np.flatnonzero((guess != given) & (confidence >= thresholds[guess]))
    suspected = suspected[np.argsort(-confidence[suspected])]
    if len(suspected) == 0:
        return Insight(kind="data_quality", name="label_errors", strength=0.0,
                       **text(("image.label_errors.none.title", {}),
                              [("image.label_errors.none", {"threshold": thresholds.min()})]))
    records = [{"index": _name(index[r]), "given": _name(classes[given[r]]),
                "predicted": _name(classes[guess[r]]), "confidence": float(confidence[r])}
               for r in suspected]
    words = text(
        ("image.label_errors.title", {"n": len(records)}),
        [("image.label_errors", {
            "n": len(records), "threshold": float(thresholds[guess[suspected]].min()),
            "items": [["image.label_error.item", rec] for rec in records]})],
    )
    chart = thumbs.chart([thumbs(r) for r in suspected[:N_ERRORS]],
                         [("image.caption.error", rec) for rec in records[:N_ERRORS]],
                         ("image.chart.errors", {}))
    return Insight(kind="data_quality", name="label_errors",
                   strength=float(confidence[suspected].mean()), chart=chart,
                   evidence={"suspected": records}, **words)


def _attribution_method(model):
    from ..core._backend import backend_name
    from ._model import final_step

    final = final_step(model)
    if not (final is model and hasattr(final, "model_")) or backend_name() != "tensorflow":
        # The gradient methods use TensorFlow's gradients; occlusion only
        # predicts (tests/test_backends.py runs the signal report on JAX).
        return model, "occlusion"
    return final, "grad_cam" if hasattr(final, "input_kind") else "gradient"


def _attribution_maps(model, pixels, y, classes, kind, seed, explain_class=True):
    from ..inspection import attributions

    subject, method = _attribution_method(model)
    rng = np.random.RandomState(seed)
    # A regressor's map averages every sample: its peak is named without a
    # class (it read "all: position 47", as if "all" were a class).
    whole = "" if explain_class else ".all"
    maps, peaks, top_shares, names = [], [], [], []
    for c in classes:
        rows = np.flatnonzero(y == c)
        if len(rows) == 0:
            continue
        rows = rng.permutation(rows)[:ATTRIBUTION_SAMPLES]
        values = np.abs(attributions(subject, pixels[rows], method=method,
                                     target=_name(c) if explain_class else None))
        spatial = 2 if kind == "image" else 1
        values = values.reshape(values.shape[: 1 + spatial] + (-1,)).sum(axis=-1)
        average = values.mean(axis=0)
        total = average.sum()
        flat = np.sort(average.ravel())[::-1]
        top_shares.append(float(flat[: max(1, len(flat) // 10)].sum() / total) if total else 0.0)
        if not total:
            # Vanishing attributions have no strongest place; argmax would name the first.
            peaks.append([f"image.peak.none{whole}", {"cls": _name(c)}])
            maps.append(average)
            names.append(_name(c))
            continue
        peak = np.unravel_index(int(np.argmax(average)), average.shape)
        if kind == "image":
            peaks.append([f"image.peak.image{whole}", {"cls": _name(c), "row": int(peak[0]),
                                               "col": int(peak[1])}])
        else:
            peaks.append([f"image.peak.signal{whole}", {"cls": _name(c),
                                                         "position": int(peak[0])}])
        maps.append(average / average.max() if average.max() > 0 else average)
        names.append(_name(c))
    top_share = float(np.mean(top_shares))
    words = text((f"image.attribution.title{whole}", {"method": method}),
                 [(f"image.attribution{whole}", {"method": method, "peaks": peaks,
                                         "top_share": top_share})])
    pictures = [np.round(m, 3).tolist() for m in maps]
    chart = _thumb_chart(pictures, kind,
                         [(f"image.caption.class{whole}", {"cls": n}) for n in names],
                         (f"image.chart.maps{whole}", {"method": method}), cmap="inferno")
    # Strength: how concentrated the maps are (1 when the top tenth holds everything).
    strength = float(np.clip((top_share - 0.1) / 0.9, 0, 1))
    return Insight(kind="model", name="attribution_maps", strength=strength, chart=chart,
                   evidence={"method": method, "peaks": [p[1] for p in peaks],
                             "top_tenth_share": top_share}, **words)


def _clusters(features, layer, y, predicted, max_clusters, seed, regression=False):
    """Clusters of the held-out samples in deep features; ``predicted`` may be None."""
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import StandardScaler

    features = StandardScaler().fit_transform(features.reshape(len(features), -1))
    best = (-1.0, None, None)
    # At least 10 samples per cluster on average: fewer make silhouettes noise.
    smallest = max(2, int(np.ceil(MIN_CLUSTER_SHARE * len(features))))
    most = min(max_clusters, len(features) // 10)
    for k in range(2, most + 1):
        labels = KMeans(k, n_init=4, random_state=seed).fit_predict(features)
        if len(np.unique(labels)) < 2 or np.bincount(labels, minlength=k).min() < smallest:
            continue
        score = float(silhouette_score(features, labels, random_state=seed))
        if score > best[0]:
            best = (score, k, labels)
    silhouette, k, labels = best
    if len(features) // 10 < 2:  # no k was tried: there is no best silhouette to give
        return Insight(kind="structure", name="deep_clusters", strength=0.0, **text(
            ("image.clusters.none.title", {}),
            [("image.clusters.few", {"layer": layer, "n": len(features)})]))
    if labels is None or silhouette < MIN_SILHOUETTE:
        return Insight(kind="structure", name="deep_clusters", strength=0.0, **text(
            ("image.clusters.none.title", {}),
            [("image.clusters.none", {"layer": layer, "threshold": MIN_SILHOUETTE,
                                      "silhouette": max(silhouette, 0.0)})]))
    profiles = []
    for cluster in range(k):
        member = labels == cluster
        values, counts = np.unique(y[member], return_counts=True)
        profile = {
            "cluster": cluster, "share": float(member.mean()),
            "majority": _name(values[np.argmax(counts)]),
            "purity": float(counts.max() / member.sum()),
        }
        if predicted is not None:
            profile["accuracy"] = float(np.mean(predicted[member] == y[member]))
        if regression:
            profile = {"cluster": cluster, "share": float(member.mean()),
                       "mean": float(np.mean(y[member]))}
        profiles.append(profile)
    item = ("image.cluster.item.regression" if regression else
            "image.cluster.item" if predicted is not None else "image.cluster.item.data")
    words = text(("image.clusters.title", {"k": k, "layer": layer}),
                 [("image.clusters", {"layer": layer, "n": len(y), "k": k,
                                      "silhouette": silhouette,
                                      "profiles": [[item, p] for p in profiles]})])
    points = PCA(2, random_state=seed).fit_transform(features)
    chart = {"type": "scatter", "x": points[:, 0].tolist(), "y": points[:, 1].tolist(),
             "groups": [f"cluster {c}" for c in labels],
             **chart_text(xlabel=("image.chart.pc", {"n": 1}), ylabel=("image.chart.pc", {"n": 2}))}
    return Insight(kind="structure", name="deep_clusters", strength=silhouette, chart=chart,
                   evidence={"layer": layer, "silhouette": silhouette, "profiles": profiles},
                   **words)


class _Thumbs:
    """Thumbnails of held-out samples, scaled like the whole held-out set."""

    def __init__(self, pixels, kind):
        self.pixels, self.kind = pixels, kind
        self.low, self.high = float(np.min(pixels)), float(np.max(pixels))

    def __call__(self, row):
        return _thumbnails(self.pixels[row : row + 1], self.kind, self.low, self.high)[0]

    def chart(self, pictures, captions, title):
        return _thumb_chart(pictures, self.kind, captions, title)


def _has_embedding(model):
    network = getattr(model, "model_", None)
    return network is not None and any(layer.name == "embedding" for layer in network.layers)


def mine_samples(estimator, X, y, *, test_size, settings, kinds):
    """Findings and summary of an image/signal classifier judged on held-out samples."""
    from sklearn.model_selection import train_test_split

    from ..core._paths import looks_like_paths
    from ._model import final_step

    from sklearn.base import is_regressor

    if not (is_classifier(estimator) or is_regressor(estimator)):
        raise ValueError(
            "Insight reports on images and signals judge a classifier or a regressor; "
            f"{type(final_step(estimator)).__name__} is neither."
        )
    regression = is_regressor(estimator)
    paths = looks_like_paths(X)
    X = np.asarray(X, dtype=object) if paths else np.asarray(X)
    y = np.asarray(y)
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(f"y must hold one label per sample of X: got {y.shape} for {len(X)} samples.")
    index = np.arange(len(y))
    if _fitted(estimator):
        model, X_test, y_test, test_index = estimator, X, y, index
        trained_on, held_out = "as given (already fitted)", None
    else:
        try:
            split = train_test_split(X, y, index, test_size=test_size,
                                     random_state=settings.seed,
                                     stratify=None if regression else y)
        except ValueError:  # a class too small to stratify
            split = train_test_split(X, y, index, test_size=test_size, random_state=settings.seed)
        X_train, X_test, y_train, y_test, _, test_index = split
        model = clone(estimator).fit(X_train, y_train)
        trained_on = f"{len(y_train)} samples, judged on {len(y_test)} held-out samples"
        held_out = [len(y_train), len(y_test)]
    if len(y_test) > settings.max_rows:
        keep = np.sort(np.random.RandomState(settings.seed).choice(
            len(y_test), settings.max_rows, replace=False))
        X_test, y_test, test_index = X_test[keep], y_test[keep], test_index[keep]
    if regression:
        return _mine_regression(model, X_test, y_test, test_index, paths, settings, kinds,
                                (len(y), trained_on, held_out))
    unseen = sorted(set(np.unique(y_test).tolist()) - set(np.asarray(model.classes_).tolist()),
                    key=str)
    if unseen:
        raise ValueError(
            f"y holds labels the classifier was not fitted on: {unseen[:5]}; its classes "
            f"are {np.asarray(model.classes_).tolist()[:20]}."
        )
    pixels = _pixels(model, X_test)
    kind = _sample_kind(model, pixels)
    classes = np.asarray(model.classes_)
    proba = np.asarray(model.predict_proba(pixels if paths else X_test), dtype=float)
    predicted = classes[np.argmax(proba, axis=1)]
    confidence = proba.max(axis=1)
    thumbs = _Thumbs(pixels, kind)
    findings = [
        _balance(y, classes, "target"),
        _accuracy(y_test, predicted, classes),
        _confusions(y_test, predicted, confidence, classes, thumbs),
        _label_errors(y_test, proba, classes, test_index, thumbs),
        _attribution_maps(model, pixels, y_test, classes, kind, settings.seed),
    ]
    if _has_embedding(model):
        from ..inspection import activations

        findings.append(_clusters(activations(model, pixels, "embedding"), "embedding", y_test,
                                  predicted, settings.max_clusters, settings.seed))
    if kinds is not None:
        findings = [f for f in findings if f.kind in kinds or f.kind == "model"]
    from ._report import _describe

    summary = {
        "n_rows": len(y), "sample_shape": list(pixels.shape[1:]), "samples": kind + "s",
        "targets": {"target": "classification"}, "estimator": _describe(model),
        "trained_on": trained_on, "held_out": held_out,
    }
    return findings, summary


def mine_sample_data(X, y, settings, extractor=None):
    """Findings of :class:`InsightReporter` on images, signals or image paths.

    Without a model there is no accuracy to judge: the class balance of
    ``y`` and, with a fitted ``extractor``, clusters in its features.
    """
    findings = []
    if y is not None:
        y = np.asarray(y)
        findings.append(_balance(y, np.unique(y), "target"))
    if extractor is not None:
        features = np.asarray(extractor.transform(X), dtype=float)
        labels = y if y is not None else np.zeros(len(features), dtype=int)
        findings.append(_clusters(features, type(extractor).__name__, labels, None,
                                  settings.max_clusters, settings.seed))
    return findings, {"n_rows": len(X), "sample_shape": list(np.shape(X)[1:])}


def _regression_errors(y, predicted, index, thumbs):
    from sklearn.metrics import r2_score

    r2 = float(r2_score(y, predicted))
    worst = np.argsort(-np.abs(predicted - y))[:N_ERRORS]
    records = [{"index": _name(index[r]), "given": float(y[r]), "predicted": float(predicted[r])}
               for r in worst]
    words = text(("image.regression.title", {"r2": r2}),
                 [("image.regression", {"n_test": len(y), "r2": r2,
                                        "items": [["image.regression.item", rec]
                                                  for rec in records[:5]]})])
    chart = thumbs.chart([thumbs(r) for r in worst],
                         [("image.caption.regression", rec) for rec in records],
                         ("image.chart.regression", {}))
    return Insight(kind="model", name="regression_errors", strength=float(np.clip(1 - r2, 0, 1)),
                   chart=chart, evidence={"r2": r2, "largest_errors": records}, **words)


def _mine_regression(model, X_test, y_test, test_index, paths, settings, kinds, facts):
    """Findings of a regressor: held-out R^2 and largest errors, the average map, clusters."""
    from ._report import _describe

    y_test = np.asarray(y_test, dtype=float)
    pixels = _pixels(model, X_test)
    kind = _sample_kind(model, pixels)
    predicted = np.asarray(model.predict(pixels if paths else X_test), dtype=float).reshape(
        len(y_test), -1)[:, 0]
    thumbs = _Thumbs(pixels, kind)
    everything = np.array(["all"] * len(y_test), dtype=object)
    findings = [
        _regression_errors(y_test, predicted, test_index, thumbs),
        _attribution_maps(model, pixels, everything, np.array(["all"], dtype=object), kind,
                          settings.seed, explain_class=False),
    ]
    if _has_embedding(model):
        from ..inspection import activations

        findings.append(_clusters(activations(model, pixels, "embedding"), "embedding", y_test,
                                  None, settings.max_clusters, settings.seed, regression=True))
    if kinds is not None:
        findings = [f for f in findings if f.kind in kinds or f.kind == "model"]
    n_rows, trained_on, held_out = facts
    summary = {
        "n_rows": n_rows, "sample_shape": list(pixels.shape[1:]), "samples": kind + "s",
        "targets": {"target": "regression"}, "estimator": _describe(model),
        "trained_on": trained_on, "held_out": held_out,
    }
    return findings, summary
