"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over a build, for YASGUI, SPARQLWrapper,
curl and any other standard client: ``GET /sparql?query=…`` or ``POST /sparql`` (the query as
``application/sparql-query`` or as the form field ``query``), answers negotiated by ``Accept``;
``GET /sparql`` without a query is the endpoint's Service Description. kg's IRIs resolve here too
(``/ns``, ``/id/<kind>/<key>``: kg/linked.py).

It is meant for one machine: queries that call SERVICE are refused (Oxigraph would fetch any IRI
they name), browsers reach it only from ``--cors`` origins and only under a name it is bound to
(no DNS rebinding), and each query runs in a forked worker that is killed at its deadline.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import re
import selectors
import signal
import socket
import sys
import threading
import time
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox

from . import linked, workbench
from .query import PREFIXES, QueryError, ServiceRefused, binding, refuse_service

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
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def _negotiate(accept: str, offered: dict) -> str:
    """The first offered media type the client accepts (``*/*`` or nothing: the default)."""
    wanted = [part.split(";")[0].strip() for part in accept.split(",") if part.strip()]
    for media in wanted:
        if media in offered:
            return media
    return next(iter(offered))


def is_loopback(host: str) -> bool:
    """Whether listening on ``host`` keeps the endpoint to this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve to any interface


def _evaluate(store: ox.Store, text: str, accept: str, dataset: dict | None = None,
              bindings: dict | None = None) -> tuple[int, str, bytes]:
    """What the worker computes: a status, a media type and the body. ``dataset`` is the
    protocol's (``default_graph``, ``named_graphs``), which takes the place of the store's;
    ``bindings`` are the request's ``$name=value`` arguments, each variable bound as
    ``kg query --param`` binds it."""
    try:
        refuse_service(text)
        subs = {ox.Variable(name): binding(value) for name, value in (bindings or {}).items()}
        result = store.query(text, prefixes=PREFIXES, substitutions=subs, **(dataset or {}))
        if isinstance(result, ox.QueryTriples):
            media = _negotiate(accept, GRAPH_TYPES)
            return HTTPStatus.OK, media, ox.serialize(result, format=GRAPH_TYPES[media])
        media = _negotiate(accept, RESULT_TYPES)
        return HTTPStatus.OK, media, result.serialize(format=RESULT_TYPES[media])
    except (ServiceRefused, QueryError) as err:
        return HTTPStatus.BAD_REQUEST, "text/plain", f"{err}\n".encode()
    except (SyntaxError, ValueError, RuntimeError, OSError) as err:
        return HTTPStatus.BAD_REQUEST, "text/plain", f"query failed: {err}\n".encode()


class SparqlServer(ThreadingHTTPServer):
    """The endpoint: its settings, and the worker processes of the queries in flight."""

    daemon_threads = True
    request_queue_size = 128  # the default 5 drops the SYNs of a burst of clients, who then wait 1 s

    def __init__(self, store: ox.Store, host: str, port: int, *, cors=(), token: str | None = None,
                 timeout: float = 30.0, max_queries: int | None = None, allow_hosts=(),
                 io_timeout: float = 10.0, title: str = "kg"):
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.store = store
        self.cors = frozenset(cors)
        self.token = token.encode("utf-8") if token else None
        self.query_timeout = timeout
        self.max_queries = max_queries or os.cpu_count() or 1
        self.slots = threading.BoundedSemaphore(self.max_queries)
        self.workers: set[int] = set()  # pids of the queries running now
        self._lock = threading.Lock()
        handler = type("Handler", (Handler,), {"timeout": io_timeout})
        super().__init__((host, port), handler)
        self.port = self.server_address[1]
        self.host_names = {h.lower().strip("[]") for h in (*LOOPBACK_NAMES, host)}
        self.proxy_names = {h.lower().strip("[]") for h in allow_hosts}  # any port: a proxy's is its own
        refuse_service("ASK {}")  # rdflib's grammar is built on import: once here, not in every worker
        self.title = title  # of the workbench page: the build folder's name

    def host_allowed(self, header: str | None) -> bool:
        """A browser names the host it connects to: a name the endpoint was not given means a page
        elsewhere rebound its own DNS name to this address. Address literals cannot be rebound."""
        if not header:
            return False
        try:
            url = urllib.parse.urlsplit("//" + header.strip())
            name, port = url.hostname, url.port
        except ValueError:
            return False
        if name in self.proxy_names:
            return True
        if name is None or (port or 80) != self.port:
            return False
        if name in self.host_names:
            return True
        try:
            ipaddress.ip_address(name)
            return True
        except ValueError:
            return False

    def run(self, work, client: socket.socket) -> tuple[int, str, bytes, dict] | None:
        """Run ``work(store)`` (a query, a description: it returns status, media type and body) in a
        forked worker (it shares the loaded store copy-on-write), killed at the deadline or when
        its client hangs up (then None: no one to answer), so a runaway query cannot keep a core
        busy; and the server's threads never query the store while another forks."""
        if not self.slots.acquire(blocking=False):
            return (HTTPStatus.SERVICE_UNAVAILABLE, "text/plain",
                    f"{self.max_queries} queries are running already; try again\n".encode(), {"Retry-After": "1"})
        try:
            return self._fork(work, client)
        except OSError as err:  # no memory or process slot for a worker: the client may try later
            return (HTTPStatus.SERVICE_UNAVAILABLE, "text/plain",
                    f"cannot start a worker: {err.strerror or err}\n".encode(), {"Retry-After": "1"})
        finally:
            self.slots.release()

    def _fork(self, work, client: socket.socket) -> tuple[int, str, bytes, dict] | None:
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            raise
        if pid == 0:  # the worker: never returns into the server's code
            status = 1
            try:
                # the worker holds no one's socket: a connection the server closes, or whose
                # client hangs up, must end now, not when this worker does
                os.closerange(3, write_end)
                os.closerange(write_end + 1, os.sysconf("SC_OPEN_MAX"))
                code, media, body = work(self.store)
                with os.fdopen(write_end, "wb") as out:
                    out.write(f"{int(code)} {media}\n".encode() + body)
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        with self._lock:
            self.workers.add(pid)
        chunks, outcome = [], None
        deadline = time.monotonic() + self.query_timeout
        with selectors.DefaultSelector() as waiting:
            waiting.register(read_end, selectors.EVENT_READ)
            waiting.register(client, selectors.EVENT_READ)
            try:
                while outcome is None:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        outcome = "timeout"
                        break
                    for key, _ in waiting.select(left):
                        if key.fileobj is client:
                            if _hung_up(client):
                                outcome = "gone"
                                break
                            waiting.unregister(client)  # a pipelined next request: no sign of anything
                        elif chunk := os.read(read_end, 1 << 20):
                            chunks.append(chunk)
                        else:
                            outcome = "done"
            finally:
                os.close(read_end)
                _kill(pid)
                with self._lock:
                    self.workers.discard(pid)
        if outcome == "gone":
            return None
        if outcome == "timeout":
            return (HTTPStatus.GATEWAY_TIMEOUT, "text/plain",
                    f"the query ran over the {self.query_timeout:g} s limit and was stopped\n".encode(), {})
        head, sep, body = b"".join(chunks).partition(b"\n")
        if not sep:
            return HTTPStatus.INTERNAL_SERVER_ERROR, "text/plain", b"the query's worker died\n", {}
        code, media = head.decode().split(" ", 1)
        return int(code), media, body, {}

    def server_close(self) -> None:
        super().server_close()
        with self._lock:
            pids = list(self.workers)
        for pid in pids:
            _kill(pid)

    def handle_error(self, request, client_address) -> None:
        """One line, not socketserver's traceback; a client that went away is not an error."""
        err = sys.exc_info()[1]
        if not isinstance(err, ConnectionError | TimeoutError):
            print(f"kg serve: {client_address[0]}: {type(err).__name__}: {err}", file=sys.stderr)


def _hung_up(client: socket.socket) -> bool:
    """End of stream on the client's socket. A client that half-closes after sending its request
    (``nc -N``; no HTTP library does) looks the same and loses its answer."""
    try:
        return client.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


class Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = "kg-sparql"

    def log_message(self, fmt, *args):  # quiet: a query log is not what users of kg need
        pass

    def _cors_headers(self) -> None:
        if not self.server.cors:
            return
        self.send_header("Vary", "Origin")  # the answer differs by Origin: caches must keep them apart
        origin = self.headers.get("Origin")
        if origin in self.server.cors:
            self.send_header("Access-Control-Allow-Origin", origin)

    def _send(self, status: int, body: bytes, media: str, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{media}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self._cors_headers()
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str, extra: dict | None = None) -> None:
        self._send(status, (message + "\n").encode("utf-8"), "text/plain", extra)

    def _admitted(self, authenticate: bool = True) -> bool:
        """Host first (a rebound page learns nothing, not even that a token is wanted), then the token."""
        if not self.server.host_allowed(self.headers.get("Host")):
            self._error(HTTPStatus.FORBIDDEN, "this endpoint answers only under the names it listens on "
                                              "(kg serve --allow-host NAME adds one)")
            return False
        if authenticate and self.server.token is not None:
            given = self.headers.get("Authorization") or ""
            scheme, _, value = given.partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode("utf-8"), self.server.token):
                self._error(HTTPStatus.UNAUTHORIZED, "give the token as Authorization: Bearer …",
                            {"WWW-Authenticate": 'Bearer realm="kg"'})
                return False
        return True

    def do_OPTIONS(self):  # CORS preflight of a browser client: it carries no credentials
        if not self._admitted(authenticate=False):
            return
        origin = self.headers.get("Origin")
        if origin is not None and origin not in self.server.cors:
            return self._error(HTTPStatus.FORBIDDEN, f"origin {origin} is not allowed (kg serve --cors ORIGIN)")
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Allow", "GET, POST, OPTIONS")
        if origin is not None:
            self._cors_headers()
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept, Authorization")
            self.send_header("Access-Control-Max-Age", "600")
        self.end_headers()

    def do_GET(self):
        if not self._admitted():
            return
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/":
            # made in a worker, as every answer that reads the store is (the page's parameters are sampled from it)
            title = self.server.title
            return self._run(lambda store: (HTTPStatus.OK, "text/html", workbench.page(store, title)))
        if url.path.startswith("/assets/"):
            name = url.path.removeprefix("/assets/")
            body = workbench.asset(name)
            if body is None:
                return self._error(HTTPStatus.NOT_FOUND, f"no asset {name}")
            return self._send(HTTPStatus.OK, body, workbench.ASSETS[name], {"Cache-Control": "max-age=3600"})
        if url.path != "/sparql":
            return self._dereference(url.path)
        params = urllib.parse.parse_qs(url.query)
        if "query" not in params:
            if any(name in params for name in DATASET_PARAMS):
                return self._error(HTTPStatus.BAD_REQUEST, "give the query as ?query=…")
            return self._service_description()
        self._answer(params["query"][0], params)

    def _service_description(self) -> None:
        """SPARQL 1.1 Service Description §2: the endpoint's IRI, dereferenced without a query."""
        media = linked.negotiate(self.headers.get("Accept") or "", linked.RDF_TYPES)
        if media is None:
            return self._not_acceptable(linked.RDF_TYPES)
        # the address the client reached, checked by _admitted: behind a proxy, the proxy's name
        endpoint = f"http://{self.headers['Host'].strip()}/sparql"

        def work(store):
            triples = linked.service_description(store, endpoint, RESULT_TYPES, GRAPH_TYPES)
            return HTTPStatus.OK, media, linked.serialize(triples, media)

        self._run(work, {"Vary": "Accept"})

    def _not_acceptable(self, offered) -> None:
        self._error(HTTPStatus.NOT_ACCEPTABLE, "this resource is available as " + ", ".join(offered),
                    {"Vary": "Accept"})

    def _dereference(self, path: str) -> None:
        """A kg IRI's description, by Accept: RDF, or a page for a browser."""
        iri = linked.data_iri(path)
        if iri is None:
            return self._error(HTTPStatus.NOT_FOUND, "this server answers /sparql, /ns and /id/<kind>/<key>")
        media = linked.negotiate(self.headers.get("Accept") or "", linked.PAGE_TYPES)
        if media is None:
            return self._not_acceptable(linked.PAGE_TYPES)
        here = linked.local_path(iri)
        # canonical: the w3id IRI, as its URI (RFC 3987 §3.1: a header is ASCII); alternates
        # (RFC 8288): the same description in the other forms, at this same address
        links = [f'<{linked.BASE.rstrip("/")}{here}>; rel="canonical"']
        links += [f'<{here}>; rel="alternate"; type="{m}"' for m in linked.PAGE_TYPES if m != media]
        links.append('</sparql>; rel="http://www.w3.org/ns/sparql-service-description#endpoint"')

        def work(store):
            triples = linked.describe(store, iri)
            if triples is None:
                return HTTPStatus.NOT_FOUND, "text/plain", f"{iri}: no such node in this build\n".encode()
            if media == "text/html":
                return HTTPStatus.OK, media, linked.render_page(triples, iri)
            return HTTPStatus.OK, media, linked.serialize(triples, media)

        self._run(work, {"Vary": "Accept"}, {"Link": ", ".join(links)})

    def do_HEAD(self):  # linked-data clients ask for the headers (type, Link) before the body
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/sparql" and "query" in urllib.parse.parse_qs(url.query):
            if self._admitted():
                self._error(HTTPStatus.METHOD_NOT_ALLOWED, "a query is asked with GET or POST", {"Allow": "GET, POST"})
            return
        self.do_GET()

    def do_POST(self):
        if not self._admitted():
            return
        if urllib.parse.urlsplit(self.path).path != "/sparql":
            return self._error(HTTPStatus.NOT_FOUND, "the SPARQL endpoint is /sparql")
        announced = self.headers.get("Content-Length")
        if announced is None:
            return self._error(HTTPStatus.LENGTH_REQUIRED, "give the body's Content-Length")
        if not re.fullmatch(r"[0-9]+", announced.strip()):
            return self._error(HTTPStatus.BAD_REQUEST, f"Content-Length {announced!r} is not a byte count")
        length = int(announced)
        if length > MAX_QUERY_BYTES:
            return self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "query too long")
        try:
            raw = self.rfile.read(length)
        except TimeoutError:
            self.close_connection = True
            return self._error(HTTPStatus.REQUEST_TIMEOUT, "the body was shorter than its Content-Length")
        if len(raw) < length:  # the client closed its side early: there is no one to answer
            self.close_connection = True
            return
        body = raw.decode("utf-8", errors="replace")
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        if kind == "application/sparql-query":  # the protocol's other parameters are in the URL then
            return self._answer(body, urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query))
        if kind == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(body)
            if "update" in form:
                return self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only")
            if "query" in form:
                return self._answer(form["query"][0], form)
            return self._error(HTTPStatus.BAD_REQUEST, "give the query in the form field query")
        return self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                           "send application/sparql-query or application/x-www-form-urlencoded")

    def _answer(self, text: str, params: dict) -> None:
        """Run a query, on the dataset that ``default-graph-uri`` / ``named-graph-uri`` name if
        any is given (SPARQL 1.1 Protocol §2.1.4: then they, not the store's graphs, are its dataset)."""
        given = {name: params.get(name, []) for name in DATASET_PARAMS}
        dataset = None
        if any(given.values()):
            try:
                graphs = {name: [ox.NamedNode(v) for v in values] for name, values in given.items()}
            except ValueError as err:
                bad = next(name for name, values in given.items() for v in values if not _is_iri(v))
                return self._error(HTTPStatus.BAD_REQUEST, f"{bad}: not an IRI ({err})")
            dataset = {"default_graph": graphs["default-graph-uri"], "named_graphs": graphs["named-graph-uri"]}
        bindings = {name[1:]: values[-1] for name, values in params.items() if name.startswith("$") and len(name) > 1}
        accept = self.headers.get("Accept") or ""
        self._run(lambda store: _evaluate(store, text, accept, dataset, bindings))

    def _run(self, work, headers: dict | None = None, found: dict | None = None) -> None:
        """``work`` run in a worker and answered, with ``headers``, and ``found`` on a 200 only."""
        answer = self.server.run(work, self.connection)
        if answer is not None:
            status, media, body, extra = answer
            if status == HTTPStatus.OK:
                headers = {**(headers or {}), **(found or {})}
            self._send(status, body, media, {**(headers or {}), **extra})


DATASET_PARAMS = ("default-graph-uri", "named-graph-uri")


def _is_iri(text: str) -> bool:
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def make_server(store: ox.Store, host: str = "127.0.0.1", port: int = 7878, **options) -> SparqlServer:
    """The endpoint, bound and not yet serving; ``options`` are :class:`SparqlServer`'s (cors, token,
    timeout, max_queries, allow_hosts, io_timeout, title)."""
    return SparqlServer(store, host, port, **options)
