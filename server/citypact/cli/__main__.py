"""``python -m citypact.cli``: the same as the ``citypact`` command."""

import sys

from citypact.cli import main

sys.exit(main())
