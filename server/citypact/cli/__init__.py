"""The ``citypact`` command line: the parser and its entry point.

Exit codes: 0 success (data conforms), 1 validation failed, 2 unreadable input or bad usage;
every error message names the file or option at fault (``tests/test_cli_errors.py``), and every
command's ``--help`` ends with examples that parse (``tests/test_cli_help.py``).
The commands live beside it: :mod:`.store_commands` (validate, submit, serve, load, query,
generate, export-site) and :mod:`.exchange_commands` (imports, Wikidata, extraction).

Layer: the top of the package, beside the app factory; may import every capability.
"""

from citypact.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
