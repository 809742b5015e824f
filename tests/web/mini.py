"""What ``tests/fixtures/mini.trig`` holds, for the protocol tests to expect."""

from __future__ import annotations

import rdflib

NKG = "https://w3id.org/newskg/ontology#"
ID = "http://localhost:8000/id/"
G1, G2 = "http://localhost:8000/graph/a1", "http://localhost:8000/graph/a2"
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
SRJ = "application/sparql-results+json"

LABELS = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
ALL_LABELS = {
    (ID + "actor/hassan-nasrallah", "Hassan Nasrallah"),
    (ID + "organization/hezbollah", "Hezbollah"),
    (ID + "place/beirut", "Beirut"),
    (ID + "actor/esmail-qaani", "Esmail Qaani"),
    (ID + "organization/irgc", "Islamic Revolutionary Guard Corps"),
}
A1_LABELS = {row for row in ALL_LABELS if "qaani" not in row[0] and "irgc" not in row[0]}
A2_LABELS = {row for row in ALL_LABELS if "hezbollah" not in row[0] and "beirut" not in row[0]}
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
MEMBERSHIP = f"""PREFIX nkg: <{NKG}>
CONSTRUCT {{ ?m nkg:member ?who ; nkg:role ?role }}
WHERE {{ ?m a nkg:Membership ; nkg:member ?who ; nkg:role ?role }}"""
MEMBERSHIP_TTL = f"""@prefix nkg: <{NKG}> .
<{ID}membership/a1-5b1e07c4a9d2> nkg:member <{ID}actor/hassan-nasrallah> ;
    nkg:role "secretary-general" ."""
