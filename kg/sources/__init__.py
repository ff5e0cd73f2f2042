"""What a build reads: documents, the entity registry, the schema read from the ontology,
fact sheets, and the YAML reader they share."""
