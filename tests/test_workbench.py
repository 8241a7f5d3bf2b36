"""The SPARQL workbench of `kg serve` (YASGUI at /), in headless Chromium, with every request
that is not to the server itself refused: the page must work offline, each named query must be a
tab that answers, and a result IRI of a kg node must open that node's page."""

from __future__ import annotations

import os
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from test_browser import CHROMIUM_FLAGS, chromium_path

from kg.query import named_queries
from kg.serve import make_server
from kg.workbench import sample_values

SCREENSHOTS_ENV = "KG_SCREENSHOTS"


@pytest.fixture(scope="module")
def server(store):
    server = make_server(store, "127.0.0.1", 0, title="seeds")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    refused: list[str] = []

    def only_the_server(route):
        if route.request.url.startswith(server + "/"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(server + "/")
    page.wait_for_selector(".yasgui .tabsList a", timeout=30_000)
    page.refused, page.errors = refused, errors
    yield page
    context.close()


def _keep_screenshot(page, name: str) -> None:
    """README's pictures come from here: `KG_SCREENSHOTS=docs pytest tests/test_workbench.py`."""
    folder = os.environ.get(SCREENSHOTS_ENV)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name))


def _open_tab(page, name: str) -> None:
    page.locator(".yasgui .tabsList a", has_text=name).first.click()
    page.wait_for_function("name => window.yasgui && yasgui.getTab().getName() === name", arg=name)


def _run(page) -> list[list[str]]:
    page.locator(".yasgui .tabPanel.active .yasqe_queryButton").click()
    rows = page.locator(".yasgui .tabPanel.active .yasr table.dataTable tbody tr")
    rows.first.wait_for(timeout=30_000)
    return [[c.strip() for c in r.locator("td").all_inner_texts()] for r in rows.all()]


def test_every_named_query_is_a_tab_and_nothing_is_fetched_from_elsewhere(page):
    tabs = page.locator(".yasgui .tabsList a[role=tab]").all_inner_texts()

    assert sorted(t.split("\n")[0].strip() for t in tabs) == sorted(named_queries())  # each ends in its ✖
    assert page.refused == []
    assert page.errors == []


def test_a_named_query_with_a_parameter_answers_with_the_builds_rows(page, store):
    district = sample_values(store)["district"]
    _open_tab(page, "officials-by-district")

    assert page.locator("#params input[data-param=district]").input_value() == district
    rows = _run(page)
    assert rows and all(district in " ".join(r) for r in rows)
    assert page.refused == []


def test_a_changed_parameter_changes_the_answer(page, store):
    name = sample_values(store)["name"]
    _open_tab(page, "person-posts")
    first = _run(page)
    assert first and all(name in " ".join(r) for r in first)

    page.locator("#params input[data-param=name]").fill("无此人")
    page.locator("#params input[data-param=name]").dispatch_event("change")
    page.locator(".yasgui .tabPanel.active .yasqe_queryButton").click()
    page.wait_for_function("""() => {
        const panel = document.querySelector('.yasgui .tabPanel.active .yasr');
        return panel && /0 results|No results|0 条/i.test(panel.innerText);
    }""", timeout=30_000)


def test_a_node_iri_in_the_results_is_its_label_and_links_to_its_page(page, store, server):
    _open_tab(page, "careers")
    _run(page)
    link = page.locator(".yasgui .tabPanel.active .yasr a.kg-node").first
    page.wait_for_function("() => { const a = document.querySelector('.yasr a.kg-node');"
                           " return a && !a.textContent.startsWith('http'); }", timeout=30_000)
    _keep_screenshot(page, "workbench.png")
    iri = link.get_attribute("data-iri")
    label = next(iter(store.query(f"SELECT ?l WHERE {{ <{iri}> rdfs:label ?l }}",
                                  prefixes={"rdfs": "http://www.w3.org/2000/01/rdf-schema#"})))[0].value

    assert link.inner_text() == label
    assert link.get_attribute("href") == "/id/" + iri.split("/id/", 1)[1]


def test_a_binding_travels_as_a_dollar_argument(server, store):
    name = sample_values(store)["name"]
    query = "SELECT ?name ?post WHERE { ?p rdfs:label ?name ; org:holds/rdfs:label ?post }"
    url = server + "/sparql?" + urllib.parse.urlencode({"query": query, "$name": name})
    request = urllib.request.Request(url, headers={"Accept": "text/csv"})
    lines = urllib.request.urlopen(request, timeout=30).read().decode().splitlines()

    assert lines[0] == "name,post" and len(lines) > 1
    assert all(line.startswith(name + ",") for line in lines[1:])


def test_a_binding_that_is_no_term_is_refused(server):
    url = server + "/sparql?" + urllib.parse.urlencode({"query": "SELECT ?x WHERE { ?x ?p ?o }", "$x": "<no iri"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=30)
    assert refused.value.code == 400
    assert "is not an N-Triples IRI or literal" in refused.value.read().decode()


def test_clicking_a_node_in_the_results_opens_its_page_with_its_evidence(page, store):
    _open_tab(page, "careers")
    _run(page)
    page.wait_for_function("() => { const a = document.querySelector('.yasr a.kg-node');"
                           " return a && !a.textContent.startsWith('http'); }", timeout=30_000)
    link = page.locator(".yasgui .tabPanel.active .yasr a.kg-node").first
    label = link.inner_text()
    link.click()
    page.wait_for_load_state()

    assert "/id/person/" in page.url
    assert page.locator("h1").first.inner_text().strip().startswith(label)
    marked = page.locator(".evidence blockquote mark").all_inner_texts()
    assert marked and set(marked) == {label}  # the name is marked in each evidence sentence
    rules = page.locator(".evidence .rule").all_inner_texts()
    assert rules and all(not r.startswith(("post-", "meeting-")) for r in rules)  # said in words, not ids
    assert page.refused == []
