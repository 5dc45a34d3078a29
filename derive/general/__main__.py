"""``python -m derive.general [options]``: the same as ``python -m derive prove --general [options]``."""

from derive.general.cli import main

raise SystemExit(main())
