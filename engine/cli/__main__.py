"""`python -m engine.cli`: the engine's commands without the designer's (`serve`, `users`); like the console
script, it imports only the command group the command line runs."""

import sys

from engine.cli.app import build_app, command_of, run_app

sys.exit(run_app(build_app(command_of(sys.argv[1:]))))
