"""kg serve: the SPARQL 1.1 Protocol over HTTP, queried as a standard client does."""

from __future__ import annotations

import contextlib
import csv
import http.client
import io
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph

from kg.serve import make_server

PEOPLE = "SELECT ?n WHERE { ?p a schema:Person ; rdfs:label ?n } ORDER BY ?n"
# every triple against every triple against every triple: ~10^11 rows for the seeds, hours of work
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@contextlib.contextmanager
def serving(store, **options):
    server = make_server(store, "127.0.0.1", 0, **options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def server(store):
    with serving(store) as running:
        yield running


@pytest.fixture(scope="module")
def endpoint(server):
    return f"http://127.0.0.1:{server.server_address[1]}/sparql"


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
        # the command loads the build's ontology.ttl, which /ns serves
        with urllib.request.urlopen(url.replace("/sparql", "/ns"), timeout=30) as resp:
            ontology = Graph().parse(data=resp.read().decode("utf-8"), format="turtle")
        assert len(ontology) > 100
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


def _ask(port: int, method: str = "GET", query: str | None = PEOPLE, headers: dict | None = None,
         body: bytes | None = None):
    """(status, headers, body) of one request; no exception for 4xx/5xx, any header settable."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        path = "/sparql" + ("?" + urllib.parse.urlencode({"query": query}) if query and method == "GET" else "")
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read().decode("utf-8")
    finally:
        conn.close()


def _raw(port: int, request: bytes) -> bytes:
    """What the server answers to these exact bytes, read until it closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        out = b""
        while chunk := sock.recv(65536):
            out += chunk
        return out


def _wait_for(condition, what: str, limit: float = 20.0):
    """Poll until condition() is true: the server's own state says when, not a guessed sleep."""
    end = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < end, f"never happened: {what}"
        time.sleep(0.01)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


# -- SERVICE ----------------------------------------------------------------------------------


@pytest.fixture
def listener():
    """A port that records whether anything connected to it: where a SERVICE clause points."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    yield sock
    sock.close()


def _contacted(sock: socket.socket) -> bool:
    try:
        sock.accept()[0].close()
        return True
    except BlockingIOError:
        return False


@pytest.mark.parametrize("shape", [
    "SELECT * WHERE {{ SERVICE <{iri}> {{ ?s ?p ?o }} }}",
    "select * where {{ service <{iri}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s a schema:Person OPTIONAL {{ SERVICE SILENT <{iri}> {{ ?s ?q ?r }} }} }}",
    "SELECT * WHERE {{ {{ ?s a schema:Person }} UNION {{ SERVICE <{iri}> {{ ?s ?q ?r }} }} }}",
    "SELECT * WHERE {{ ?s a schema:Person {{ SELECT ?s WHERE {{ SeRvIcE <{iri}> {{ ?s ?q ?r }} }} }} }}",
    "ASK {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{iri}> {{ ?s ?p ?o }} }} }}",
    # a scanner that skips <…> as an IRI would skip from < to the > in the string, and miss it
    "SELECT * WHERE {{ ?s ?p ?o FILTER(?s<'>\"') SERVICE SILENT <{iri}> {{ ?s ?p ?o }} FILTER(?o = \"a\") }}",
    # LATERAL is Oxigraph's and rdflib cannot parse it: that must not make SERVICE runnable
    "SELECT * WHERE {{ ?s a schema:Person LATERAL {{ SELECT * WHERE {{ SERVICE <{iri}> {{ ?s ?q ?r }} }} }} }}",
])
def test_service_is_refused_and_nothing_is_fetched(server, listener, shape):
    iri = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    status, _, body = _ask(server.port, query=shape.format(iri=iri))
    assert status == 400
    assert body.startswith("SERVICE is refused")
    assert not _contacted(listener)


def test_service_of_a_file_iri_is_refused_with_a_400(server):
    status, _, body = _ask(server.port, query="ASK { SERVICE <file:///etc/passwd> { ?s ?p ?o } }")
    assert (status, body.startswith("SERVICE is refused")) == (400, True)


@pytest.mark.parametrize("query", [
    'ASK { ?p rdfs:label ?n FILTER(?n != "SERVICE <http://127.0.0.1:1/> { ?s ?p ?o }") }',
    "ASK { ?p ?q ?r FILTER(?q != <http://example.org/SERVICE>) }",
    "SELECT ?service WHERE { ?service a schema:Person } LIMIT 1",
    # rdflib cannot parse LATERAL: without the word SERVICE it runs
    "SELECT ?n WHERE { ?p a schema:Person LATERAL { SELECT ?n WHERE { ?p rdfs:label ?n } LIMIT 1 } }",
])
def test_the_word_service_outside_a_service_clause_runs(server, query):
    status, _, body = _ask(server.port, query=query)
    assert status == 200, body
    answer = json.loads(body)
    assert answer.get("boolean") is True or answer["results"]["bindings"]


def test_kg_query_refuses_service_unless_allowed(out_dir, endpoint):
    # the SERVICE is this test's own endpoint: --allow-service really federates through it
    query = f"SELECT ?n WHERE {{ SERVICE <{endpoint}> {{ ?p a schema:Person ; rdfs:label ?n }} }}"
    cmd = [sys.executable, "-m", "kg.cli", "query", str(out_dir), query, "--format", "csv"]
    refused = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2
    assert refused.stderr.startswith("kg query: SERVICE is refused") and refused.stderr.count("\n") == 1
    allowed = subprocess.run(cmd + ["--allow-service"], capture_output=True, text=True, timeout=120)
    assert allowed.returncode == 0, allowed.stderr
    assert {"刘明", "孙露露"} <= set(allowed.stdout.split())


def test_kg_query_with_service_to_a_file_fails_in_one_line(out_dir):
    done = subprocess.run([sys.executable, "-m", "kg.cli", "query", str(out_dir),
                           "ASK { SERVICE <file:///etc/passwd> { ?s ?p ?o } }", "--allow-service"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.startswith("kg query: the query failed") and "Traceback" not in done.stderr


# -- who may ask ------------------------------------------------------------------------------


def test_no_cors_header_by_default(server):
    status, headers, _ = _ask(server.port, headers={"Origin": "https://pages.example"})
    assert status == 200
    assert "Access-Control-Allow-Origin" not in headers
    status, headers, _ = _ask(server.port, "OPTIONS", headers={
        "Origin": "https://pages.example", "Access-Control-Request-Method": "POST"})
    assert status == 403 and "Access-Control-Allow-Origin" not in headers


def test_cors_echoes_only_the_origins_given(store):
    with serving(store, cors=["https://yasgui.example", "http://localhost:3000"]) as srv:
        status, headers, _ = _ask(srv.port, headers={"Origin": "https://yasgui.example"})
        assert status == 200
        assert headers["Access-Control-Allow-Origin"] == "https://yasgui.example"
        assert headers["Vary"] == "Origin"
        _, headers, _ = _ask(srv.port, headers={"Origin": "https://yasgui.example.evil"})
        assert "Access-Control-Allow-Origin" not in headers and headers["Vary"] == "Origin"

        status, headers, body = _ask(srv.port, "OPTIONS", headers={
            "Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, authorization"})
        assert status == 204, body
        assert headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
        assert "POST" in headers["Access-Control-Allow-Methods"]
        allowed = {h.strip().lower() for h in headers["Access-Control-Allow-Headers"].split(",")}
        assert {"content-type", "authorization"} <= allowed
        status, headers, _ = _ask(srv.port, "OPTIONS", headers={
            "Origin": "https://other.example", "Access-Control-Request-Method": "POST"})
        assert status == 403 and "Access-Control-Allow-Origin" not in headers


@pytest.mark.parametrize("host", ["rebound.example:{port}", "127.0.0.1:{other}", "localhost", "", "[::1"])
def test_a_host_the_server_was_not_given_is_403(server, host):
    header = host.format(port=server.port, other=server.port + 1 if server.port < 65535 else 1)
    status, _, body = _ask(server.port, headers={"Host": header})
    assert status == 403
    assert "answers only under the names" in body


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "[::1]:{port}"])
def test_the_bound_names_are_answered(server, host):
    status, _, body = _ask(server.port, headers={"Host": host.format(port=server.port)})
    assert status == 200 and "刘明" in body


def test_allow_host_adds_a_name_on_any_port(store):
    with serving(store, allow_hosts=["kg.lan"]) as srv:
        assert _ask(srv.port, headers={"Host": f"kg.lan:{srv.port}"})[0] == 200
        assert _ask(srv.port, headers={"Host": "kg.lan"})[0] == 200  # as a reverse proxy on port 80 passes it
        assert _ask(srv.port, headers={"Host": f"other.lan:{srv.port}"})[0] == 403


def test_a_token_is_required_when_set(store):
    with serving(store, token="s3cret-token") as srv:
        status, headers, _ = _ask(srv.port)
        assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
        assert _ask(srv.port, headers={"Authorization": "Bearer s3cret-tokeN"})[0] == 401
        assert _ask(srv.port, headers={"Authorization": "Basic s3cret-token"})[0] == 401
        status, _, body = _ask(srv.port, headers={"Authorization": "Bearer s3cret-token"})
        assert status == 200 and "刘明" in body
        # a preflight carries no credentials, so it must not need them
        status, _, _ = _ask(srv.port, "OPTIONS", headers={"Access-Control-Request-Method": "GET"})
        assert status == 204


def _serve_cli(out_dir, *extra, env=None):
    return subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", str(out_dir), "--port", "0", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_kg_serve_token_file_and_the_warning_off_loopback(out_dir, tmp_path):
    secret = tmp_path / "token"
    secret.write_text("tok-0123456789\n", encoding="utf-8")
    proc = _serve_cli(out_dir, "--host", "0.0.0.0", "--token-file", str(secret))
    try:
        warning = proc.stderr.readline()
        assert warning.startswith("kg serve: warning: listening on 0.0.0.0"), warning
        port = int(proc.stdout.readline().split()[2].rsplit(":", 1)[1].split("/")[0])
        assert _ask(port)[0] == 401
        assert _ask(port, headers={"Authorization": "Bearer tok-0123456789"})[0] == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_kg_serve_on_loopback_warns_of_nothing_and_reads_the_token_from_the_environment(out_dir):
    proc = _serve_cli(out_dir, env={**os.environ, "KG_SERVE_TOKEN": "env-token"})
    try:
        port = int(proc.stdout.readline().split()[2].rsplit(":", 1)[1].split("/")[0])
        assert _ask(port)[0] == 401
        assert _ask(port, headers={"Authorization": "Bearer env-token"})[0] == 200
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert "warning" not in err


@pytest.mark.parametrize("content, problem", [("", "is empty"), (None, "cannot read the token")])
def test_kg_serve_with_a_bad_token_file_fails_clearly(out_dir, tmp_path, content, problem):
    secret = tmp_path / "token"
    if content is not None:
        secret.write_text(content, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "kg.cli", "serve", str(out_dir), "--port", "0", "--token-file", str(secret)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith(f"kg serve: {secret}: ") and problem in done.stderr
    assert done.stderr.count("\n") == 1


# -- how much it may cost ---------------------------------------------------------------------


def test_a_runaway_query_is_stopped_at_the_deadline_and_its_worker_is_gone(store):
    with serving(store, timeout=1) as srv:
        answer = {}
        asking = threading.Thread(target=lambda: answer.update(r=_ask(srv.port, query=RUNAWAY)))
        asking.start()
        _wait_for(lambda: srv.workers, "a worker started")
        (pid,) = srv.workers
        asking.join(timeout=30)
        status, _, body = answer["r"]
        assert status == 504 and "1 s limit" in body
        assert not srv.workers and _gone(pid)
        status, _, body = _ask(srv.port)
        assert status == 200 and "刘明" in body


def _start_runaway(srv) -> socket.socket:
    """A raw connection whose runaway query is running in a worker when this returns."""
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
    path = "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY})
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{srv.port}\r\n\r\n".encode())
    _wait_for(lambda: srv.workers, "a worker started")
    return sock


def test_a_client_that_hangs_up_stops_its_query(store):
    with serving(store, timeout=600) as srv:
        sock = _start_runaway(srv)
        (pid,) = srv.workers
        sock.close()
        _wait_for(lambda: not srv.workers and _gone(pid), "the worker killed")


def test_over_max_queries_is_503_with_retry_after(store):
    with serving(store, max_queries=1) as srv:
        sock = _start_runaway(srv)
        status, headers, body = _ask(srv.port)
        assert status == 503 and headers["Retry-After"].isdigit() and "1 queries are running" in body
        sock.close()
        _wait_for(lambda: not srv.workers, "the first query stopped")
        assert _ask(srv.port)[0] == 200


def test_twenty_concurrent_clients_are_all_answered(store):
    with serving(store, max_queries=20) as srv:
        start, answers = threading.Barrier(20), []

        def client():
            start.wait()
            answers.append(_ask(srv.port))

        threads = [threading.Thread(target=client) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert [a[0] for a in answers] == [200] * 20
        assert all("刘明" in a[2] for a in answers)


def _post_head(port: int, length: str | None) -> bytes:
    head = f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/sparql-query\r\n"
    return (head + (f"Content-Length: {length}\r\n" if length is not None else "") + "\r\n").encode()


def test_a_body_shorter_than_its_content_length_times_out(store):
    with serving(store, io_timeout=0.5) as srv:
        answer = _raw(srv.port, _post_head(srv.port, "1000") + b"ASK { ?s ?p ?o }")
        assert answer.startswith(b"HTTP/1.0 408")
        assert _ask(srv.port)[0] == 200


@pytest.mark.parametrize("length, status", [
    ("-5", b"HTTP/1.0 400 Bad Request"), ("abc", b"HTTP/1.0 400 Bad Request"), ("0x10", b"HTTP/1.0 400 Bad Request"),
    (None, b"HTTP/1.0 411 Length Required")])
def test_a_bad_or_missing_content_length(server, length, status):
    answer = _raw(server.port, _post_head(server.port, length) + b"ASK { ?s ?p ?o }")
    assert answer.split(b"\r\n", 1)[0] == status


# -- linked data: kg's IRIs resolve, the service describes itself -------------------------------

BASE = "https://w3id.org/kg-news/"
ONTOLOGY = BASE + "ns"
SD = "http://www.w3.org/ns/sparql-service-description#"


@pytest.fixture(scope="module")
def linked_server(out_dir):
    """A server on the build as `kg serve` loads it: with ontology.ttl in a graph of its own."""
    from kg.linked import load_build

    with serving(load_build(out_dir)) as running:
        yield running


@pytest.fixture(scope="module")
def official(linked_server):
    """A person of the seeds' build who holds a post, with the sentence that states it (chosen by
    the store, not by name)."""
    query = """SELECT ?p ?n ?s WHERE { ?p a schema:Person ; rdfs:label ?n ; org:holds ?post .
                 ?post kg:evidence ?e . ?e kg:about ?p ; kg:sentence ?s } ORDER BY ?p ?s LIMIT 1"""
    _, _, body = _ask(linked_server.port, query=query)
    row = json.loads(body)["results"]["bindings"][0]
    return row["p"]["value"], row["n"]["value"], row["s"]["value"]


def _fetch(port: int, path: str, accept: str | None = None, host: str | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Host": host or f"127.0.0.1:{port}", **({"Accept": accept} if accept else {})}
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read().decode("utf-8")
    finally:
        conn.close()


def _path(iri: str) -> str:
    assert iri.startswith(BASE)
    return "/" + urllib.parse.quote(iri[len(BASE):], safe="/%")


def test_ns_is_the_ontology_in_turtle(linked_server):
    from rdflib import OWL, RDF, URIRef

    status, headers, body = _fetch(linked_server.port, "/ns", "text/turtle")
    assert status == 200 and headers.get_content_type() == "text/turtle"
    g = Graph().parse(data=body, format="turtle")
    assert (URIRef(ONTOLOGY), RDF.type, OWL.Ontology) in g
    assert (URIRef(BASE + "ns#Evidence"), RDF.type, OWL.Class) in g
    assert (URIRef(BASE + "ns#Initiative"), RDF.type, OWL.Class) in g


def test_the_ontology_is_a_named_graph_and_leaves_the_default_graph_alone(linked_server):
    def ask(query):
        return json.loads(_ask(linked_server.port, query=query)[2])["boolean"]

    assert ask(f"ASK {{ GRAPH <{ONTOLOGY}> {{ kg:Evidence a owl:Class }} }}".replace(
        "owl:Class", "<http://www.w3.org/2002/07/owl#Class>"))
    assert not ask("ASK { kg:Evidence ?p ?o }")


@pytest.mark.parametrize("accept, fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                         ("application/n-triples", "nt")])
def test_a_person_dereferences_as_rdf(linked_server, official, accept, fmt):
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDFS

    iri, name, sentence = official
    status, headers, body = _fetch(linked_server.port, _path(iri), accept)
    assert status == 200, body
    assert headers.get_content_type() == accept
    assert "Accept" in headers.get_all("Vary")
    assert 'rel="canonical"' in headers["Link"] and _path(iri) in headers["Link"]
    g = Graph().parse(data=body, format=fmt)
    assert (URIRef(iri), RDFS.label, Literal(name, lang="zh")) in g
    # the evidence of its post comes with it: the sentence, and the offsets into the file
    evidence = [e for e, _, s in g.triples((None, URIRef(BASE + "ns#sentence"), None)) if str(s) == sentence]
    assert evidence and g.value(evidence[0], URIRef(BASE + "ns#beginIndex")) is not None


def test_a_person_page_for_a_browser(linked_server, official):
    iri, name, sentence = official
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # what Firefox sends
    status, headers, body = _fetch(linked_server.port, _path(iri), accept)
    assert status == 200 and headers.get_content_type() == "text/html"
    assert f"<h1>{name}</h1>" in body
    assert sentence.replace(name, f"<mark>{name}</mark>", 1) in body  # the name marked in its sentence
    # its post links to the post's own page, on this server
    post_links = re.findall(r'href="(/id/post/[^"]+)"', body)
    assert post_links
    assert _fetch(linked_server.port, post_links[0], "text/html")[0] == 200


def test_the_served_iri_maps_onto_the_data_iri_whatever_the_host(linked_server, official):
    from rdflib import URIRef

    iri, _, _ = official
    # under another name than the address, and with the path's escapes in lower case as curl sends them
    status, _, body = _fetch(linked_server.port, re.sub(r"%[0-9A-F]{2}", lambda m: m[0].lower(), _path(iri)),
                             "application/n-triples",
                             host=f"localhost:{linked_server.port}")
    assert status == 200, body
    assert (URIRef(iri), None, None) in Graph().parse(data=body, format="nt")


def test_the_page_escapes_what_the_text_holds(linked_server, official):
    import pyoxigraph as ox

    from kg.linked import describe, render_page

    iri, _, _ = official
    triples = describe(linked_server.store, iri)
    triples.append(ox.Triple(ox.NamedNode(iri), ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"),
                             ox.Literal("<script>alert(1)</script>")))
    page = render_page(triples, iri).decode("utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_type_the_server_cannot_produce_is_406_and_an_unknown_node_404(linked_server, official):
    iri, _, _ = official
    status, headers, _ = _fetch(linked_server.port, _path(iri), "image/png")
    assert status == 406 and "Accept" in headers.get_all("Vary")
    assert _fetch(linked_server.port, _path(iri) + "%E4%B9%99", "text/turtle")[0] == 404
    assert _fetch(linked_server.port, "/id/", "text/turtle")[0] == 404


def test_q_values_decide(linked_server, official):
    iri, _, _ = official
    _, headers, _ = _fetch(linked_server.port, _path(iri), "text/html;q=0.5, application/ld+json")
    assert headers.get_content_type() == "application/ld+json"
    _, headers, _ = _fetch(linked_server.port, _path(iri), "text/turtle;q=0, */*;q=0.1")
    assert headers.get_content_type() == "application/ld+json"


def test_the_service_description_names_the_endpoint(linked_server):
    from rdflib import RDF, URIRef

    port = linked_server.port
    for accept, media, fmt in ((None, "text/turtle", "turtle"), ("text/turtle", "text/turtle", "turtle"),
                               ("application/ld+json", "application/ld+json", "json-ld")):
        status, headers, body = _fetch(port, "/sparql", accept)
        assert status == 200 and headers.get_content_type() == media
        g = Graph().parse(data=body, format=fmt)
        (service,) = g.subjects(RDF.type, URIRef(SD + "Service"))
        assert g.value(service, URIRef(SD + "endpoint")) == URIRef(f"http://127.0.0.1:{port}/sparql")
        assert (service, URIRef(SD + "supportedLanguage"), URIRef(SD + "SPARQL11Query")) in g
        assert (service, URIRef(SD + "resultFormat"), URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in g
        dataset = g.value(service, URIRef(SD + "defaultDataset"))
        assert g.value(dataset, URIRef(SD + "defaultGraph")) is not None
        names = {g.value(n, URIRef(SD + "name")) for n in g.objects(dataset, URIRef(SD + "namedGraph"))}
        assert URIRef(ONTOLOGY) in names and len(names) > 30


def _bindings(body: str, var: str) -> list[str]:
    return [b[var]["value"] for b in json.loads(body)["results"]["bindings"]]


def _get_with(port: int, params: dict) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/sparql?" + urllib.parse.urlencode(params, doseq=True))
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8")
    finally:
        conn.close()


def test_named_graph_uri_is_honoured(linked_server):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    status, body = _get_with(linked_server.port, {"query": query})
    assert status == 200 and len(_bindings(body, "g")) > 30
    status, body = _get_with(linked_server.port, {"query": query, "named-graph-uri": ONTOLOGY})
    assert status == 200 and _bindings(body, "g") == [ONTOLOGY]
    # the protocol's dataset replaces the store's: no default-graph-uri, an empty default graph
    status, body = _get_with(linked_server.port, {"query": PEOPLE, "named-graph-uri": ONTOLOGY})
    assert status == 200 and _bindings(body, "n") == []


def test_default_graph_uri_is_honoured_on_get_and_post(linked_server):
    _, body = _get_with(linked_server.port, {"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?a a schema:NewsArticle } }"})
    article_graph = sorted(_bindings(body, "g"))[0]
    articles = "SELECT ?a WHERE { ?a a schema:NewsArticle }"
    status, body = _get_with(linked_server.port, {"query": articles, "default-graph-uri": article_graph})
    assert status == 200 and len(_bindings(body, "a")) == 1
    form = urllib.parse.urlencode({"query": articles, "default-graph-uri": article_graph}).encode()
    status, _, body = _ask(linked_server.port, "POST", headers={"Content-Type": "application/x-www-form-urlencoded"},
                           body=form)
    assert status == 200 and len(_bindings(body, "a")) == 1
    status, _, body = _ask(linked_server.port, "POST", body=articles.encode("utf-8"),
                           headers={"Content-Type": "application/sparql-query"}, query=None)
    assert status == 200 and len(_bindings(body, "a")) > 30
    # a query sent as the body: the protocol's other parameters are in the URL
    conn = http.client.HTTPConnection("127.0.0.1", linked_server.port, timeout=30)
    try:
        conn.request("POST", "/sparql?" + urllib.parse.urlencode({"default-graph-uri": article_graph}),
                     body=articles.encode("utf-8"), headers={"Content-Type": "application/sparql-query"})
        resp = conn.getresponse()
        assert resp.status == 200 and len(_bindings(resp.read().decode("utf-8"), "a")) == 1
    finally:
        conn.close()


@pytest.mark.parametrize("name", ["default-graph-uri", "named-graph-uri"])
def test_a_graph_parameter_that_is_no_iri_is_a_400_naming_it(linked_server, name):
    status, body = _get_with(linked_server.port, {"query": PEOPLE, name: "not an iri"})
    assert status == 400 and body.startswith(name)


def test_kg_serve_on_a_build_whose_ontology_is_damaged_exits_6(out_dir, tmp_path):
    import shutil

    copy = tmp_path / "out"
    shutil.copytree(out_dir, copy, ignore=shutil.ignore_patterns(".cache", ".kg-store"))
    size = (copy / "ontology.ttl").stat().st_size
    (copy / "ontology.ttl").write_bytes(b"<" * size)  # the size the manifest lists, so only parsing finds it
    done = subprocess.run([sys.executable, "-m", "kg.cli", "serve", str(copy), "--port", "0"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 6
    assert done.stderr.startswith(f"kg serve: {copy / 'ontology.ttl'}: cannot be read") and done.stderr.count("\n") == 1


def test_every_node_of_the_build_resolves_at_its_path(linked_server):
    """Each IRI under /id/ maps to a path that maps back to it, and describes as RDF and a page:
    no kind of node (article, evidence, membership, a key with %23) is left without one."""
    from kg.linked import BASE as SERVED_BASE
    from kg.linked import data_iri, describe, local_path, render_page, serialize

    store = linked_server.store
    nodes = sorted({q.subject.value for q in store.quads_for_pattern(None, None, None)
                    if isinstance(q.subject, type(q.predicate)) and q.subject.value.startswith(SERVED_BASE + "id/")})
    assert len(nodes) > 300 and any("%23" in iri for iri in nodes)
    for iri in nodes:
        assert data_iri(local_path(iri)) == iri
        triples = describe(store, iri)
        assert triples, iri
        assert f"<p class=\"iri\">{iri}</p>" in render_page(triples, iri).decode("utf-8")
        assert Graph().parse(data=serialize(triples, "text/turtle").decode("utf-8"), format="turtle")


def test_head_gives_a_node_s_headers_and_no_body(linked_server, official):
    iri, _, _ = official
    conn = http.client.HTTPConnection("127.0.0.1", linked_server.port, timeout=30)
    try:
        conn.request("HEAD", _path(iri), headers={"Accept": "text/turtle"})
        resp = conn.getresponse()
        assert resp.status == 200 and resp.headers.get_content_type() == "text/turtle"
        assert int(resp.headers["Content-Length"]) > 0 and 'rel="canonical"' in resp.headers["Link"]
        assert resp.read() == b""
    finally:
        conn.close()
    status, headers, _ = _fetch(linked_server.port, _path(iri) + "%E4%B9%99", "text/turtle")
    assert status == 404 and "Link" not in headers
