"""Publishing: article files -> extraction -> RDF -> SHACL -> a new store version, with its dumps
and VoID."""
