"""Entry point: ``python -m verify`` (see verify.cli)."""

import signal
import sys

# Ctrl-C while verify.cli still imports: one line and exit 130 (main() then reports Ctrl-C itself)
signal.signal(signal.SIGINT, lambda signum, frame: (sys.stderr.write("python -m verify: interrupted\n"),
                                                    sys.exit(130)))
from .cli import main  # noqa: E402

signal.signal(signal.SIGINT, signal.default_int_handler)
sys.exit(main())
