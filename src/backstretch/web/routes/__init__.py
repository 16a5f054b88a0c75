"""One module per area of the app; each has ``pages`` (HTML) and ``api`` (JSON under /api)."""
