"""The ``program-help`` directive: the live ``--help`` text of the command line.

``.. program-help:: report`` runs ``skdeepmine report --help`` at build time
and shows its output, so the documented options are always the real ones.
A command that fails is a build warning (an error under ``-W``).
"""

import os
import subprocess
import sys

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

_RUN = (
    "import sys; sys.argv = ['skdeepmine', *sys.argv[1:]]; "
    "from skdeepmine.cli import main; sys.exit(main())"
)


class ProgramHelp(SphinxDirective):
    optional_arguments = 10
    has_content = False

    def run(self):
        arguments = list(self.arguments) + ["--help"]
        shown = "$ skdeepmine " + " ".join(arguments)
        environment = dict(os.environ, COLUMNS="88")
        result = subprocess.run(
            [sys.executable, "-c", _RUN, *arguments],
            capture_output=True, text=True, env=environment, timeout=120,
        )
        if result.returncode != 0:
            logger.warning(
                "`%s` failed with exit status %s:\n%s",
                shown, result.returncode, result.stderr.strip(),
                location=self.get_location(),
            )
        text = f"{shown}\n{result.stdout.rstrip()}"
        block = nodes.literal_block(text, text)
        block["language"] = "text"
        return [block]


def setup(app):
    app.add_directive("program-help", ProgramHelp)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
