"""`python -m backproplab lessons DEST`: the same as the `backproplab` command (see cli.py)."""

import sys

from .cli import main

sys.exit(main())
