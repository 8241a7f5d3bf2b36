"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over a build, for YASGUI, SPARQLWrapper,
curl and any other standard client: ``GET /sparql?query=…`` or ``POST /sparql`` (the query as
``application/sparql-query`` or as the form field ``query``), answers negotiated by ``Accept``.
"""

from __future__ import annotations

import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox

from .query import PREFIXES

RESULT_TYPES = {  # SELECT and ASK answers, first is the default
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/json": ox.QueryResultsFormat.JSON,
}
GRAPH_TYPES = {  # CONSTRUCT and DESCRIBE answers
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
MAX_QUERY_BYTES = 1 << 20


def _negotiate(accept: str, offered: dict) -> str:
    """The first offered media type the client accepts (``*/*`` or nothing: the default)."""
    wanted = [part.split(";")[0].strip() for part in accept.split(",") if part.strip()]
    for media in wanted:
        if media in offered:
            return media
    return next(iter(offered))


def make_server(store: ox.Store, host: str = "127.0.0.1", port: int = 7878) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        server_version = "kg-sparql"

        def log_message(self, fmt, *args):  # quiet: a query log is not what users of kg need
            pass

        def _send(self, status: int, body: bytes, media: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", f"{media}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Access-Control-Allow-Origin", "*")  # YASGUI runs in the browser
            self.end_headers()
            self.wfile.write(body)

        def _error(self, status: int, message: str) -> None:
            self._send(status, (message + "\n").encode("utf-8"), "text/plain")

        def do_OPTIONS(self):  # CORS preflight of a browser client
            self.send_response(HTTPStatus.NO_CONTENT)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
            self.end_headers()

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            if url.path != "/sparql":
                return self._error(HTTPStatus.NOT_FOUND, "the SPARQL endpoint is /sparql")
            query = urllib.parse.parse_qs(url.query).get("query")
            if not query:
                return self._error(HTTPStatus.BAD_REQUEST, "give the query as ?query=…")
            self._answer(query[0])

        def do_POST(self):
            if urllib.parse.urlsplit(self.path).path != "/sparql":
                return self._error(HTTPStatus.NOT_FOUND, "the SPARQL endpoint is /sparql")
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_QUERY_BYTES:
                return self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "query too long")
            body = self.rfile.read(length).decode("utf-8", errors="replace")
            kind = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            if kind == "application/sparql-query":
                return self._answer(body)
            if kind == "application/x-www-form-urlencoded":
                form = urllib.parse.parse_qs(body)
                if "update" in form:
                    return self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only")
                if "query" in form:
                    return self._answer(form["query"][0])
                return self._error(HTTPStatus.BAD_REQUEST, "give the query in the form field query")
            return self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                               "send application/sparql-query or application/x-www-form-urlencoded")

        def _answer(self, text: str) -> None:
            accept = self.headers.get("Accept") or ""
            try:
                result = store.query(text, prefixes=PREFIXES)
                if isinstance(result, ox.QueryTriples):
                    media = _negotiate(accept, GRAPH_TYPES)
                    body = ox.serialize(result, format=GRAPH_TYPES[media])
                else:
                    media = _negotiate(accept, RESULT_TYPES)
                    body = result.serialize(format=RESULT_TYPES[media])
            except (SyntaxError, ValueError, RuntimeError) as err:
                return self._error(HTTPStatus.BAD_REQUEST, f"query failed: {err}")
            self._send(HTTPStatus.OK, body, media)

    return ThreadingHTTPServer((host, port), Handler)
