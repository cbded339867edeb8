"""``python -m audit.cli ...``: the same as the ``audit`` console script."""

import sys

from audit.cli import main

sys.exit(main())
