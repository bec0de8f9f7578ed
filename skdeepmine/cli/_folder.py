"""``skdeepmine report FOLDER``: an image report from a class-per-subfolder folder.

The folder is listed with :func:`~skdeepmine.datasets.load_image_folder`
(paths only: images are read a batch at a time), a CNNClassifier is trained
on a stratified split of it, and :meth:`InsightReport.from_estimator` mines
the held-out images (``skdeepmine/insight/_images.py``).
"""

import os
import time
import warnings

import numpy as np

from ._load import InputError
from ._output import write_atomically
from ._progress import mined_item

#: Held-out share of the folder's images the report judges the network on.
TEST_SIZE = 0.25


def _list_images(folder, progress):
    from ..datasets import load_image_folder

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            data = load_image_folder(folder, load_images=False, on_error="warn")
        except ValueError as exc:
            raise InputError(str(exc).rstrip(".")) from None
    for warning in caught:
        progress.item(str(warning.message).splitlines()[0])
    names = np.asarray(data.target_names, dtype=object)
    y = names[data.target]
    labels, counts = np.unique(y, return_counts=True)
    if len(labels) < 2:
        raise InputError(
            f"{folder} holds one class folder with images ({', '.join(map(str, labels))}); "
            "a report needs at least two, one sub-folder per class"
        )
    small = [str(c) for c, n in zip(labels, counts) if n < 2]
    if small:
        raise InputError(
            f"class folder(s) {', '.join(small)} hold fewer than 2 images: too few to "
            "train on some and judge on others"
        )
    return np.asarray(data.filenames, dtype=object), y


def network(args):
    """The CNNClassifier the folder report trains (pixels rescaled to [0, 1])."""
    from ..cnn import CNNClassifier

    # A flattened map, not the default's global pooling: the report says
    # where the model looks, and where a pattern sits may be what decides
    # the class (tests/test_insight_images.py plants exactly that).
    return CNNClassifier(
        image_size=args.image_size, rescale=1 / 255, epochs=args.epochs,
        early_stopping=True, random_state=args.random_state,
        batch_norm=False, global_pooling=None,
    )


def run_folder_report(args, progress):
    """Run ``report`` on an image folder; return the exit status."""
    from ..insight import InsightReport

    folder = args.data
    progress.step(f"Listing the images of {folder}")
    paths, y = _list_images(folder, progress)
    labels, counts = np.unique(y, return_counts=True)
    progress.item(f"{len(paths)} images, {len(labels)} classes: "
                  + ", ".join(f"{c} ({n})" for c, n in zip(labels, counts)))
    progress.step(f"Training a CNN on {1 - TEST_SIZE:.0%} of the images and mining the rest")
    started = time.perf_counter()
    try:
        report = InsightReport.from_estimator(
            network(args), paths, y, test_size=TEST_SIZE, max_rows=args.max_rows,
            random_state=args.random_state,
        )
    except (ValueError, TypeError) as exc:  # an unreadable image, found while training
        raise InputError(str(exc).splitlines()[0].rstrip(".")) from None
    mined_item(progress, report, started)
    progress.step(f"Writing {args.output}")
    title = f"skdeepmine report: {os.path.basename(os.path.normpath(folder))}"
    summary = {"data": folder, **report.summary}
    from . import _undrawable

    missing_glyphs = _undrawable(report, args.lang)
    if missing_glyphs:  # class names no installed font can draw (as for CSV reports)
        summary["labels_the_figures_cannot_draw"] = (
            "no installed font has their characters (install a CJK font such as "
            "fonts-noto-cjk): " + "; ".join(missing_glyphs[:20])
        )
    final = InsightReport(report.insights, title=title, summary=summary)
    write_atomically(args.output, final.to_html(lang=args.lang))
    progress.done(f"Report written to {args.output}")
    return 0
