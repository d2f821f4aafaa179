"""vacancy: make race conditions on a shared stock counter visible."""

__version__ = "0.1.0"
