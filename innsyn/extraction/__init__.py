"""Text extraction through a running Tika server, and the worker that extracts pending files."""
