"""Sending a submission to a CityPact server (``citypact submit``, ``citypact import --server``).

Prints the outcome like the local commands do and returns their exit code.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.parse
import urllib.request

EXIT_OK, EXIT_INVALID, EXIT_INPUT = 0, 1, 2


def submission_url(server: str, params: dict[str, str | None]) -> str:
    """``{server}/api/submissions`` with the given (non-empty) query parameters."""
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v})
    return server.rstrip("/") + "/api/submissions" + (f"?{query}" if query else "")


def post_submission(url: str, body: bytes, media_type: str, token: str, timeout: float) -> int:
    """POST ``body`` to ``url`` with a bearer token; print the outcome; the exit code."""
    if not url.startswith(("http://", "https://")):
        _err("--server must be an http(s) URL")
        return EXIT_INPUT
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": media_type,
            "Authorization": f"Bearer {token}",
            "Accept": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as err:
        status, payload = err.code, err.read()
    except (urllib.error.URLError, OSError) as err:
        server = urllib.parse.urlsplit(url)._replace(path="", query="").geturl()
        _err(f"cannot reach {server}: {getattr(err, 'reason', err)}")
        return EXIT_INPUT
    try:
        answer = json.loads(payload)
    except ValueError:
        answer = {"error": {"message": payload.decode(errors="replace")[:500]}}
    if status == 201:
        print(
            f"accepted: {answer.get('iri')} ({answer.get('triples')} triples, "
            f"{answer.get('warnings', 0)} warning(s))"
        )
        return EXIT_OK
    if status == 422 and "results" in answer:
        for result in answer["results"]:
            print(f"{result['severity']}: {result['focus_node']}: {result['message']}")
        print(f"rejected: {answer.get('violations')} violation(s); nothing was stored")
        return EXIT_INVALID
    _err(f"the server answered {status}: {answer.get('error', {}).get('message', answer)}")
    return EXIT_INPUT


def _err(message: str) -> None:
    print(f"citypact: {message}", file=sys.stderr)
