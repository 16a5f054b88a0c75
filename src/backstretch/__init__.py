"""backstretch: a few minutes of safe stretching a day for ordinary back pain."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("backstretch")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
