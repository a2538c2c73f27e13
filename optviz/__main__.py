"""``python -m optviz``: see optviz/cli.py."""

import sys

from .cli import main

sys.exit(main())
