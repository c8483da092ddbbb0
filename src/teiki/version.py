"""teiki's version: defined here once (pyproject.toml reads it), recorded with every import in the import log."""

__version__ = "0.1.0"
