"""What every command shares: exit codes, error messages, settings from options."""

from __future__ import annotations

import argparse
import sys

from citypact.settings import Settings

EXIT_OK, EXIT_INVALID, EXIT_INPUT = 0, 1, 2


def say_error(message: str) -> None:
    print(f"citypact: {message}", file=sys.stderr)


def settings_from(args: argparse.Namespace) -> Settings:
    overrides: dict[str, object] = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = args.data_dir
    if getattr(args, "endpoint", None):
        overrides["sparql_endpoint"] = args.endpoint
    if getattr(args, "update_endpoint", None):
        overrides["sparql_update_endpoint"] = args.update_endpoint
    return Settings(**overrides)  # type: ignore[arg-type]
