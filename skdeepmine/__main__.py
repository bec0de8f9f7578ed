"""``python -m skdeepmine``: the same as the ``skdeepmine`` command."""

import sys

from skdeepmine.cli import main

if __name__ == "__main__":
    sys.exit(main())
