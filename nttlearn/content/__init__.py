"""Course content: the package format (load, validate, import, export) and Markdown rendering."""
