"""`python -m engine.cli`: the engine's commands without the designer's (`serve`, `users`)."""

import sys

from engine.cli.app import build_app, run_app

sys.exit(run_app(build_app()))
