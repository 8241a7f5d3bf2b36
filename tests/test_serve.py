"""kg serve: the SPARQL 1.1 Protocol over HTTP, queried as a standard client does."""

from __future__ import annotations

import csv
import io
import json
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph

from kg.serve import make_server

PEOPLE = "SELECT ?n WHERE { ?p a schema:Person ; rdfs:label ?n } ORDER BY ?n"


@pytest.fixture(scope="module")
def endpoint(store):
    server = make_server(store, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


def _get(url: str, query: str, accept: str | None = None):
    req = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query}))
    if accept:
        req.add_header("Accept", accept)
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.headers.get_content_type(), resp.read().decode("utf-8")


def _post(url: str, data: bytes, content_type: str, accept: str | None = None):
    req = urllib.request.Request(url, data=data, headers={"Content-Type": content_type}, method="POST")
    if accept:
        req.add_header("Accept", accept)
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.headers.get_content_type(), resp.read().decode("utf-8")


def test_get_select_answers_sparql_results_json(endpoint):
    media, body = _get(endpoint, PEOPLE)
    assert media == "application/sparql-results+json"
    names = [b["n"]["value"] for b in json.loads(body)["results"]["bindings"]]
    assert {"刘明", "孙露露", "于晓"} <= set(names)
    assert names == sorted(names)


def test_post_sparql_query_with_csv_accepted(endpoint):
    media, body = _post(endpoint, PEOPLE.encode("utf-8"), "application/sparql-query", "text/csv")
    assert media == "text/csv"
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["n"] and ["刘明"] in rows


def test_post_form_encoded_ask(endpoint):
    form = urllib.parse.urlencode({"query": 'ASK { ?p rdfs:label "刘明"@zh }'}).encode()
    _, body = _post(endpoint, form, "application/x-www-form-urlencoded")
    assert json.loads(body)["boolean"] is True


def test_construct_answers_turtle(endpoint):
    query = 'CONSTRUCT { ?p rdfs:label ?n } WHERE { ?p a schema:Person ; rdfs:label ?n FILTER(?n = "刘明"@zh) }'
    media, body = _get(endpoint, query, "text/turtle")
    assert media == "text/turtle"
    g = Graph().parse(data=body, format="turtle")
    assert {str(o) for o in g.objects()} == {"刘明"}


def test_a_named_graph_per_article_is_reachable(endpoint):
    query = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?a a schema:NewsArticle } }"
    _, body = _get(endpoint, query)
    assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 30


def test_a_malformed_query_is_a_400_with_the_reason(endpoint):
    with pytest.raises(urllib.error.HTTPError) as err:
        _get(endpoint, "SELECT ?n WHERE { ?p rdfs:label ?n ")
    assert err.value.code == 400
    assert "query failed" in err.value.read().decode("utf-8")


def test_updates_are_refused(endpoint):
    form = urllib.parse.urlencode({"update": "DELETE WHERE { ?s ?p ?o }"}).encode()
    with pytest.raises(urllib.error.HTTPError) as err:
        _post(endpoint, form, "application/x-www-form-urlencoded")
    assert err.value.code == 403
    _, body = _get(endpoint, 'ASK { ?p rdfs:label "刘明"@zh }')
    assert json.loads(body)["boolean"] is True


def test_other_paths_are_404(endpoint):
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(endpoint.replace("/sparql", "/nothing"), timeout=30)
    assert err.value.code == 404


def test_kg_serve_command_answers_over_http(out_dir):
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", str(out_dir), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("SPARQL endpoint: http://127.0.0.1:"), line + proc.stderr.read()
        url = line.split()[2]
        _, body = _get(url, 'ASK { ?p rdfs:label "孙露露"@zh }')
        assert json.loads(body)["boolean"] is True
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_kg_serve_on_a_folder_without_a_build_fails_clearly(tmp_path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "kg.cli", "serve", str(tmp_path), "--port", "0"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "run `kg build` first" in done.stderr
