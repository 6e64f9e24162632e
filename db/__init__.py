"""PostgreSQL access: models, engine, the embedded server and the query functions.

Nothing here reads the environment: callers pass URLs and paths in, so the same
code serves the API, the command line and the tests.
"""
