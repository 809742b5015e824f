"""SPARQL without Flask: the lexer, the result writers and the query processes that evaluate
queries."""
