"""Where the report goes: checked before any work, written all at once.

The report is rendered in memory, written to a temporary file next to the
target and moved over it with :func:`os.replace`, so a full disk, a
read-only folder or an interrupt leaves any earlier file as it was.
"""

import os
import tempfile

from ._load import InputError


def _same_file(first, second):
    try:
        return os.path.samefile(first, second)
    except OSError:  # one of them does not exist (yet)
        return os.path.realpath(first) == os.path.realpath(second)


def check_output(path, inputs=()):
    """Refuse an output that cannot be written or that is one of ``inputs``."""
    for source in inputs:
        if source and _same_file(path, source):
            raise InputError(
                f"refusing to write the report to {path}: it is the input file {source}; "
                "choose another --output"
            )
    target = os.path.realpath(path)
    folder = os.path.dirname(target)
    if os.path.isdir(target):
        raise InputError(f"cannot write the report to {path}: it is a directory")
    if not os.path.isdir(folder):
        raise InputError(f"cannot write the report to {path}: no folder {folder}")
    if not os.access(folder, os.W_OK):
        raise InputError(f"cannot write the report to {path}: {folder} is not writable")


def _file_mode(target):
    try:
        return os.stat(target).st_mode & 0o777  # keep an existing file's mode
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomically(path, text):
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename.

    A symbolic link at ``path`` is followed: the file it points to is
    replaced, the link stays.  Errors become :class:`InputError`, and the
    temporary file is removed.
    """
    target = os.path.realpath(path)
    folder = os.path.dirname(target)
    handle, temporary = None, None
    try:
        handle, temporary = tempfile.mkstemp(
            dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".tmp"
        )
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            handle = None
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, _file_mode(target))
        os.replace(temporary, target)
        temporary = None
    except OSError as exc:
        raise InputError(
            f"cannot write the report to {path}: {exc.strerror or exc}"
        ) from None
    finally:
        if handle is not None:
            os.close(handle)
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
