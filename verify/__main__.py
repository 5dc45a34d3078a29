"""Entry point: ``python -m verify`` (see verify.cli; Ctrl-C while importing: derive.startup)."""

import signal
import sys

from .cli import main

code = main()
signal.signal(signal.SIGINT, signal.SIG_IGN)  # done: a late Ctrl-C must not turn into a traceback at exit
sys.exit(code)
