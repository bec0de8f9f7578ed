"""The ``skdeepmine`` command: one HTML report from a CSV file or an image folder.

``skdeepmine report DATA.csv --target COLUMN`` reads the table, compares
stock data miners with a neural network and a hybrid by cross-validation,
mines the data and the hybrid, and writes one self-contained HTML file.
``skdeepmine report FOLDER`` (one sub-folder per class) trains a CNN on
most of the images and reports on the rest (``_folder.py``).
Bad input ends with one line on stderr and exit status 2.
"""

import argparse
import os
import sys
import textwrap
import time
import warnings

from ._load import MAX_FEATURE_MAGNITUDE, InputError
from ._output import check_output, write_atomically
from ._progress import mined_item

__all__ = ["main"]

_EPILOG = """examples:
  skdeepmine report --demo
  skdeepmine report churn.csv --target churned --output churn.html
  skdeepmine report houses.csv --target price --task regression --cv 3
  skdeepmine report 客户.csv --target 流失 --drop 备注 --lang zh
  skdeepmine report data.txt --target y --sep ';' --encoding gbk
  skdeepmine report photos/ --image-size 64 --output photos.html
"""


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and exit status 2."""

    def error(self, message):
        raise InputError(f"{message} (see '{self.prog} --help')")


def build_parser():
    """The argument parser of the ``skdeepmine`` command.

    Returns
    -------
    parser : argparse.ArgumentParser
        The parser, with the ``report`` sub-command.

    Examples
    --------
    >>> from skdeepmine.cli import build_parser
    >>> args = build_parser().parse_args(["report", "data.csv", "--target", "y"])
    >>> args.data, args.target, args.output, args.cv
    ('data.csv', 'y', 'report.html', 5)
    """
    from .._version import __version__

    parser = _Parser(
        prog="skdeepmine",
        description="Deep learning and data mining reports from tables.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"skdeepmine {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    report = commands.add_parser(
        "report",
        help="mine a CSV file and write an HTML report",
        description=textwrap.fill(
            "Read a CSV file, cross-validate a decision tree, a random forest, "
            "histogram gradient boosting, a neural network and a hybrid (network "
            "features mined by gradient boosting), mine the data and the hybrid "
            "model, and write one self-contained HTML report.  Given a folder "
            "holding one sub-folder of images per class instead, train a CNN on 75% "
            "of the images and report on the other 25%: per-class accuracy, confused "
            "classes and suspected label errors with thumbnails, class-average "
            "Grad-CAM maps, clusters in the network's features, class balance.", 79
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    report.add_argument("data", nargs="?", metavar="DATA.csv|FOLDER",
                        help="the table to mine, or a folder of images with one "
                             "sub-folder per class")
    report.add_argument("--target", metavar="COLUMN", help="the column to predict")
    report.add_argument("--output", "-o", default="report.html", metavar="PATH",
                        help="where to write the report (default: report.html)")
    report.add_argument("--task", choices=["auto", "classification", "regression"],
                        default="auto", help="what kind of target (default: auto)")
    report.add_argument("--demo", action="store_true",
                        help="use scikit-learn's breast cancer data instead of a CSV file")
    report.add_argument("--cv", type=_bounded_int(2, 20), default=5, metavar="K",
                        help="cross-validation folds (default: 5)")
    report.add_argument("--epochs", type=_bounded_int(1, 10_000), default=30, metavar="N",
                        help="most training epochs of the networks, which stop early when "
                             "their validation loss stalls (default: 30)")
    report.add_argument("--models", type=_model_list, default=None, metavar="LIST",
                        help="comma-separated subset of tree,forest,boosting,network,hybrid "
                             "(default: all)")
    report.add_argument("--max-rows", type=_bounded_int(100, 10**9), default=10_000,
                        metavar="N", help="rows sampled by the costlier miners (default: 10000)")
    report.add_argument("--na-values", action="append", metavar="TEXT",
                        help="extra text that means a missing value, e.g. '?' (repeatable)")
    report.add_argument("--drop", nargs="+", default=[], metavar="COLUMN",
                        help="columns to leave out of the analysis (identifiers are left "
                             "out of the models automatically)")
    report.add_argument("--encoding", default=None, metavar="NAME",
                        help="text encoding of the file, e.g. utf-8, gbk, utf-16 "
                             "(default: detected)")
    report.add_argument("--sep", default=None, metavar="CHAR",
                        help="field separator, e.g. ',' ';' or '\\t' (default: detected)")
    report.add_argument("--image-size", type=_bounded_int(8, 1024), default=64, metavar="N",
                        help="side in pixels images of a FOLDER are resized to (default: 64)")
    report.add_argument("--lang", choices=["en", "zh"], default="en",
                        help="language of the report's own text (default: en)")
    report.add_argument("--random-state", type=int, default=0, metavar="SEED",
                        help="seed of splits, networks and miners (default: 0)")
    report.add_argument("--quiet", "-q", action="store_true",
                        help="print no progress and no warnings, only errors")
    return parser


def _bounded_int(low, high):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not between {low} and {high}")
        return value

    return parse


def _model_list(text):
    from ._compare import MODEL_NAMES

    keys = [k.strip() for k in text.split(",") if k.strip()]
    unknown = [k for k in keys if k not in MODEL_NAMES]
    if unknown or not keys:
        named = ", ".join(unknown) if unknown else repr(text)
        raise argparse.ArgumentTypeError(
            f"unknown model(s) {named}; choose from {','.join(MODEL_NAMES)}"
        )
    return [k for k in MODEL_NAMES if k in keys]


def _check_arguments(args):
    if args.demo and args.data:
        raise InputError("give either a CSV file or --demo, not both")
    if not args.demo:
        if not args.data:
            raise InputError("no data: give a CSV file (or --demo to try the demo data)")
        if not os.path.exists(args.data):  # before asking for --target, which a folder has not
            raise InputError(f"no such file: {args.data}")
        if os.path.isdir(args.data):  # an image folder: the classes are its sub-folders
            if args.target:
                raise InputError("--target is for CSV files; an image folder's classes "
                                 "are its sub-folders")
            # Options a folder's report has no use for were once ignored silently.
            given = [name for name, value, default in (
                ("--task", args.task, "auto"), ("--cv", args.cv, 5),
                ("--models", args.models, None), ("--drop", args.drop, []),
                ("--na-values", args.na_values, None), ("--encoding", args.encoding, None),
                ("--sep", args.sep, None),
            ) if value != default]
            if given:
                raise InputError(
                    f"{', '.join(given)} {'is' if len(given) == 1 else 'are'} for CSV files; "
                    "an image folder's report trains a CNN classifier on three quarters "
                    "of its images and tests it on the rest"
                )
            check_output(args.output, inputs=[args.data])
            return
        if not args.target:
            raise InputError("missing --target COLUMN: which column should be predicted?")
    if args.sep is not None:
        args.sep = {"\\t": "\t", "tab": "\t"}.get(args.sep, args.sep)
        if len(args.sep) != 1:
            raise InputError(f"--sep must be one character, got {args.sep!r}")
    check_output(args.output, inputs=[args.data])


def _read_input(args, progress):
    from . import _load as load

    if args.demo:
        frame, default_target, source = load.load_demo()
        target = args.target or default_target
        progress.item(f"{len(frame)} rows")
    else:
        frame, used = load.read_table(args.data, na_values=args.na_values,
                                      encoding=args.encoding, sep=args.sep)
        target, source = args.target, args.data
        detected = {True: " (detected)", False: ""}
        progress.item(f"encoding {used['encoding']}{detected[args.encoding is None]}, "
                      f"separator {used['sep']!r}{detected[args.sep is None]}")
    frame = load.drop_columns(frame, args.drop, target, source)
    X, y, n_dropped = load.split_target(frame, target, source)
    load.check_numbers(X.assign(**{target: y}), source)
    task = load.infer_task(y, args.task, target)
    y = load.check_target(y, task, target)
    load.check_folds(y, task, args.cv, target)
    X, changed = load.prepare_features(X)
    return X, y, task, target, source, n_dropped, changed


def _identifiers(X, progress):
    """Identifier columns, left out of the models (the report still shows them)."""
    from ..insight._quality import identifier_columns

    found = list(identifier_columns(X))
    if found and len(found) == X.shape[1]:
        raise InputError(
            f"every feature looks like an identifier ({', '.join(map(repr, found))}): "
            "nothing to learn from"
        )
    if found:
        progress.item(
            f"left out of the models as identifier{'s' * (len(found) > 1)}: "
            + ", ".join(found) + " (see the report)"
        )
    return found


def _undrawable(report, lang):
    """Labels of the report's figures (in ``lang``) that no installed font can draw."""
    from ..insight._plots import chart_labels, undrawable_labels

    insights = report.localised(lang)
    labels = [i.title for i in insights if i.strength > 0]
    for insight in insights:
        if insight.chart is not None:
            labels.extend(chart_labels(insight.chart))
    return undrawable_labels(labels)


def _run_report(args, progress):
    """Run the ``report`` sub-command; return the exit status."""
    _check_arguments(args)
    if args.data and os.path.isdir(args.data):
        from ._folder import run_folder_report

        return run_folder_report(args, progress)
    progress.step("Reading " + ("the demo data" if args.demo else args.data))
    X, y, task, target, source, n_dropped, changed = _read_input(args, progress)
    classes = f", {y.nunique()} classes" if task == "classification" else ""
    n_infinite, n_clipped = (sum(changed[k].values()) for k in ("infinite", "clipped"))
    progress.item(
        f"{len(X)} rows, {X.shape[1]} features; target {target!r} ({task}{classes})"
        + (f"; {n_dropped} rows without a target left out" if n_dropped else "")
        + (f"; {n_infinite} infinite value(s) read as missing" if n_infinite else "")
        + (f"; {n_clipped} value(s) beyond ±{MAX_FEATURE_MAGNITUDE:.0e} clipped to it"
           if n_clipped else "")
    )
    identifiers = _identifiers(X, progress)

    from ..insight import InsightReport
    from threadpoolctl import threadpool_limits

    from ._compare import (
        MAX_MODEL_FEATURES,
        MODEL_NAMES,
        SINGLE_THREAD_ROWS,
        candidates,
        cross_validate,
        pipeline,
        screened,
    )

    keys = args.models or list(MODEL_NAMES)
    models = candidates(task, epochs=args.epochs, random_state=args.random_state, keys=keys)
    progress.step(f"Cross-validating {len(models)} model{'s' * (len(models) > 1)} "
                  f"({args.cv}-fold)")
    features = X.drop(columns=identifiers)
    screening = (f"the models saw the {MAX_MODEL_FEATURES} of {features.shape[1]} features "
                 "most related to the target (univariate F-test inside each training fold)"
                 if screened(features) else None)
    if screening:
        progress.item(screening)
    table, _ = cross_validate(
        features, y, task, models, cv=args.cv, random_state=args.random_state,
        progress=progress,
    )

    mined_name = MODEL_NAMES["hybrid"] if "hybrid" in keys else table["Model"].iloc[0]
    progress.step(f"Mining the data and the {mined_name.split(' (')[0].lower()} model")
    started = time.perf_counter()
    # The model's pipeline selects the non-identifier columns by name; the
    # data miners see every column, so the report explains the identifiers.
    with threadpool_limits(limits=1 if len(X) < SINGLE_THREAD_ROWS else None):
        mined = InsightReport.from_estimator(
            pipeline(features, models[mined_name]), X, y.rename(target), task=task,
            max_rows=args.max_rows, random_state=args.random_state,
        )
    mined_item(progress, mined, started)

    progress.step(f"Writing {args.output}")
    title = f"skdeepmine report: {'demo data' if args.demo else os.path.basename(source)}"
    summary = {"data": source, **mined.summary,
               "cross_validation": f"{args.cv}-fold"
               + (" stratified" if task == "classification" else "")
               + (f", the {table.attrs['duplicate_rows']} repeated rows kept in the fold of "
                  "their copies" if table.attrs.get("duplicate_rows") else ""),
               "best_model": table["Model"].iloc[0]}
    if screening:
        summary["feature_screening"] = screening
    if args.drop:
        summary["dropped_columns"] = ", ".join(args.drop)
    if identifiers:
        summary["left_out_of_the_models"] = ", ".join(identifiers) + " (identifiers)"
    if changed["clipped"]:
        summary["values_clipped"] = (
            f"{n_clipped} beyond ±{MAX_FEATURE_MAGNITUDE:.0e} in "
            + ", ".join(changed["clipped"])
        )
    missing_glyphs = _undrawable(mined, args.lang)
    if missing_glyphs:
        summary["labels_the_figures_cannot_draw"] = (
            "no installed font has their characters (install a CJK font such as "
            "fonts-noto-cjk): " + "; ".join(missing_glyphs[:20])
            + (f" and {len(missing_glyphs) - 20} more" if len(missing_glyphs) > 20 else "")
        )
    final = InsightReport(mined.insights, title=title, summary=summary,
                          tables={"Model comparison": table})
    write_atomically(args.output, final.to_html(lang=args.lang))
    progress.done(f"Report written to {args.output}; best model: {table['Model'].iloc[0]}")
    return 0


def main(argv=None):
    """Entry point of the ``skdeepmine`` command.

    Parameters
    ----------
    argv : list of str, default=None
        Arguments (without the program name); ``None`` reads ``sys.argv``.

    Returns
    -------
    status : int
        0 on success, 2 for bad input, 130 when interrupted.

    Examples
    --------
    >>> from skdeepmine.cli import main
    >>> main(["report", "no-such-file.csv", "--target", "y", "--quiet"])
    2
    """
    from ._progress import Progress

    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            raise InputError("missing command: try 'skdeepmine report --demo'")
        progress = Progress(4, quiet=args.quiet)
        with warnings.catch_warnings():
            # Library warnings (unseen categories in a fold, convergence
            # notes, pandas' dtype and performance notes) would bury the
            # progress lines; the report says what matters.  --quiet: none.
            import pandas as pd
            from sklearn.exceptions import ConvergenceWarning

            for category in (UserWarning, RuntimeWarning, ConvergenceWarning,
                             pd.errors.PerformanceWarning, pd.errors.DtypeWarning):
                warnings.simplefilter("ignore", category)
            if args.quiet:
                warnings.simplefilter("ignore")
            return _run_report(args, progress)
    except InputError as exc:
        print(f"skdeepmine: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("skdeepmine: interrupted", file=sys.stderr)
        return 130
