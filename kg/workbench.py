"""The SPARQL workbench that ``kg serve`` answers at ``/``: YASGUI (vendored in ``kg/vendor/``),
with one ready tab a named query, its parameters filled with a value the build has, and result
IRIs of kg's nodes linked to the node pages the same server serves.

A named query takes its parameters as bindings (``kg query --param``), which the SPARQL Protocol
has no word for; the workbench sends them as RDF4J's protocol extension does, one ``$name=value``
request argument a variable, which ``kg serve`` binds as ``--param`` does."""

from __future__ import annotations

import json
from importlib import resources

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, select_autoescape

from .query import PREFIXES, named_queries
from .vocab import KGR

# the vendored files the page loads, by the name it asks for them under /assets/
ASSETS = {"yasgui.min.js": "text/javascript", "yasgui.min.css": "text/css", "yasgui.LICENSE.txt": "text/plain"}

# A value the build has for each parameter the named queries take, so that each tab answers as it
# opens: the jurisdiction with the most bodies, the person with the most posts, the most common
# title, the latest date a tenure was seen.
SAMPLES = {
    "district": """SELECT ?v WHERE { ?o kg:jurisdiction/rdfs:label ?v } GROUP BY ?v ORDER BY DESC(COUNT(?o)) ?v LIMIT 1""",
    "name": """SELECT ?v WHERE { ?p a schema:Person ; org:holds ?x ; rdfs:label ?v }
               GROUP BY ?v ORDER BY DESC(COUNT(?x)) ?v LIMIT 1""",
    "title": """SELECT ?v WHERE { ?x kg:title ?v } GROUP BY ?v ORDER BY DESC(COUNT(?x)) ?v LIMIT 1""",
    "date": """SELECT (MAX(?d) AS ?v) WHERE { ?m kg:lastSeen ?d }""",
}

_env = Environment(loader=PackageLoader("kg", "templates"), autoescape=select_autoescape(["html"]))


def asset(name: str) -> bytes | None:
    """A vendored file the page loads, or None for any other name."""
    if name not in ASSETS:
        return None
    return resources.files("kg").joinpath("vendor", name).read_bytes()


def sample_values(store: ox.Store) -> dict[str, str]:
    values = {}
    for name, text in SAMPLES.items():
        rows = list(store.query(text, prefixes=PREFIXES))
        if rows and rows[0][0] is not None:
            values[name] = rows[0][0].value
    return values


def tabs(store: ox.Store) -> list[dict]:
    """One tab a named query: its name, description, text, and parameters with a sample value."""
    samples = sample_values(store)
    return [{"name": q.name, "description": q.description, "query": q.text,
             "params": [{"name": p, "value": samples.get(p, "")} for p in q.params]}
            for q in named_queries().values()]


def page(store: ox.Store, title: str) -> bytes:
    config = {"endpoint": "/sparql", "tabs": tabs(store), "prefixes": PREFIXES, "nodes": str(KGR)}
    # "</" cannot end the script element early once escaped; JSON keeps the text otherwise
    data = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
    return _env.get_template("workbench.html").render(title=title, config=data).encode("utf-8")
