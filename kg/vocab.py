"""RDF vocabularies as namespace objects. kg's own terms are declared in ``kg/ontology.ttl``."""

from rdflib import Namespace
from rdflib.namespace import ORG, PROV, RDF, RDFS, SDO, SKOS, TIME, XSD

KG = Namespace("https://w3id.org/kg-news/ns#")
"""kg's vocabulary: classes and properties the standard vocabularies lack."""

KGR = Namespace("https://w3id.org/kg-news/id/")
"""kg's resources: entities, articles and files; the path after it is the entity's resolved key."""

__all__ = ["KG", "KGR", "ORG", "PROV", "RDF", "RDFS", "SDO", "SKOS", "TIME", "XSD"]
