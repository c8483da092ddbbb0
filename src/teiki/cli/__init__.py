"""The ``teiki`` command line (Typer + Rich): :mod:`teiki.cli.main` adds every area's commands to the app."""

from __future__ import annotations

import os
import sys


def _lang_from_argv(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def run() -> None:
    """Console-script entry point.

    Help texts are rendered before any option is parsed, so ``--lang`` is read
    from the command line first and the commands are imported after it.

    When a command has finished (every file and database closed by its own
    ``with`` blocks), the process exits at once instead of tearing down the
    interpreter: freeing ibis' and Arrow's objects one by one takes ~0.3 s,
    which a quick command like ``teiki cpm`` would otherwise spend after its
    answer is out.
    """
    lang = _lang_from_argv(sys.argv[1:])
    if lang:
        os.environ["TEIKI_LANG"] = lang
    from teiki.cli.main import app

    try:
        app()
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        if isinstance(done.code, str):
            print(done.code, file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    except Exception as exc:  # a fault of teiki's, not the user's: one paragraph, the traceback only with --debug
        if "--debug" in sys.argv[1:]:
            raise
        from teiki.messages import say

        print(f"teiki: {say('internal_error', None, kind=type(exc).__name__, detail=str(exc)[:500])}", file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)
