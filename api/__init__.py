"""The HTTP side of palace-usage: the FastAPI app, its REST shims and the CLI."""
