"""The floor every other layer stands on: errors, namespaces and the prefix map, dates,
file writing and serialization, text escaping, and where kg's shipped files are."""
