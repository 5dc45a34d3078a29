"""Entry point: ``python -m verify`` (see verify.cli)."""

import sys

from .cli import main

sys.exit(main())
