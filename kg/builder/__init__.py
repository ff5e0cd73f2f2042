"""kg build: fact sheets checked against the registry, the SHACL shapes and their documents,
then written as RDF into a store on disk, incrementally."""
