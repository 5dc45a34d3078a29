"""``python -m verify.derivation FILE.md`` (same as ``python -m verify derivation FILE.md``)."""
from .cli import main

raise SystemExit(main())
