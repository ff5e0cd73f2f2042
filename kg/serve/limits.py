"""The limits and defaults of `kg serve`, in a module of their own.

`kg --help` and `kg serve --help` read them to show the defaults; keeping them
apart from kg.serve.server means the command line does not import the server
(and rdflib, and the worker pool) just to print its help.
"""

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7373
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 100_000
DEFAULT_MAX_RESULT_BYTES = 64 * 1024 * 1024  # a body (kg.serve.capped), or as workers.term_bytes counts
MAX_BODY = 16 * 1024 * 1024  # bytes: a query is small; a big INSERT DATA belongs in a fact sheet
IDLE_TIMEOUT = 15.0  # seconds a connection may take to send a whole request (head and body), or sit idle
MAX_CONNECTIONS = 64  # open connections at once; one more is answered 503 and closed
DEFAULT_MAX_QUERY_MEMORY = 1024 * 1024 * 1024  # bytes a query may add to its worker's memory
DEFAULT_HEAVY_AFTER = 2.0  # seconds after which a running query counts as heavy
