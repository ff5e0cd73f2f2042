"""Asking the graph: the named-query registry (kg/queries/*.rq), parameters, and result formats."""
