"""Fail the build (under ``-W``) on reST mistakes that docutils only reports as INFO.

Sphinx passes docutils' messages on from the WARNING level up, so a line such
as ``==.. list-table::`` before an indented block builds silently: docutils
reads it as the term of a definition list and says so only at the INFO level
("Blank line missing before literal block ... Interpreted as a definition
list item").  The messages are still in the doctree when it has been read;
this turns the ones below, which always mean the markup is not what its
author meant, into warnings, in pages and docstrings alike.  (Imports only
docutils at the top, so tests/test_docs.py can use ``misread_markup``.)
"""

from docutils import nodes

# docutils' INFO messages that mean the markup was misread.
MISREAD_MARKUP = (
    "Blank line missing before literal block",
    "Possible title underline, too short for the title",
    "Possible incomplete section title",
    "Unexpected possible title overline or transition",
)


def misread_markup(doctree):
    """The INFO system messages of ``doctree`` that report misread markup."""
    return [
        message for message in doctree.findall(nodes.system_message)
        if message["level"] == 1
        and any(text in message.astext() for text in MISREAD_MARKUP)
    ]


def _warn(app, doctree):
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    for message in misread_markup(doctree):
        text = message.children[0].astext() if message.children else message.astext()
        logger.warning(
            "reST markup misread: %s", text,
            location=message, type="docutils",
        )


def setup(app):
    app.connect("doctree-read", _warn)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
