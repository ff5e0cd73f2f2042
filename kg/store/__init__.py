"""Where the built graph is kept and read: the local Oxigraph store, SPARQL 1.1 servers
(and kg push), QueryResult, and RDF export."""
