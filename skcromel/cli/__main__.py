"""``python -m skcromel.cli``: the ``skcromel`` command."""

import sys

from ._main import main

sys.exit(main())
