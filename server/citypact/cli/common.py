"""What every command shares: exit codes, error messages, settings from options."""

from __future__ import annotations

import argparse
import re
import sys

from pydantic import ValidationError

from citypact.settings import Settings

EXIT_OK, EXIT_INVALID, EXIT_INPUT = 0, 1, 2

# An absolute http(s) URL that is also a valid IRI: no spaces and none of <>"{}|\^`.
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"{}|\\^`]+")
# The options that set a field of the settings; an error in a field names its option.
_OPTION_OF_FIELD = {
    "data_dir": "--data-dir",
    "sparql_endpoint": "--endpoint",
    "sparql_update_endpoint": "--update-endpoint",
    "base_iri": "--base-iri",
}


class UsageError(Exception):
    """Bad usage found after parsing (an option's value, a missing file): exit 2.

    The message names the option or file at fault; :func:`citypact.cli.main` prints it.
    """


def say_error(message: str) -> None:
    """Print ``citypact: message`` on standard error."""
    print(f"citypact: {message}", file=sys.stderr)


def web_address(option: str, value: str) -> str:
    """``value`` when it is an http(s) URL that is also an IRI; else :class:`UsageError` naming
    ``option``."""
    if _WEB_ADDRESS.fullmatch(value) is None:
        raise UsageError(f"{option}: expected an http(s) URL, got {value!r}")
    return value


def settings_from(args: argparse.Namespace, **extra: object) -> Settings:
    """The settings of the environment, overridden by the command's store options.

    :class:`UsageError` names the option (or the ``CITYPACT_*`` variable) whose value the
    settings refuse, e.g. ``--endpoint`` that is not an http(s) URL.
    """
    overrides: dict[str, object] = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = args.data_dir
    if getattr(args, "endpoint", None):
        overrides["sparql_endpoint"] = web_address("--endpoint", args.endpoint)
    if getattr(args, "update_endpoint", None):
        overrides["sparql_update_endpoint"] = web_address("--update-endpoint", args.update_endpoint)
    overrides.update(extra)
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as err:
        problems = []
        for error in err.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            where = (
                _OPTION_OF_FIELD.get(field, f"--{field.replace('_', '-')}")
                if field in overrides
                else f"CITYPACT_{field.upper()}"
            )
            problems.append(f"{where}: {error['msg']}")
        raise UsageError("; ".join(problems)) from None
