"""``python -m neetbox_protocol``: the same command line as the ``neetbox-protocol`` script."""

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
