"""SHACL validation of the RDF export: the seeds' build conforms, and each kind of damage is caught precisely."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH

from kg.validate import ValidationError, ValidationResult, format_violations, load_shapes, validate
from kg.vocab import KG, KGR, ORG, RDF, RDFS

SHAPES = "https://w3id.org/kg-news/shapes#"
# kg.vocab.SDO as a plain Namespace: pytest probes module attributes while collecting, and SDO warns on unknown names
SCHEMA = Namespace("https://schema.org/")


def shape(name: str) -> URIRef:
    return URIRef(SHAPES + name)


@pytest.fixture(scope="module")
def seed_graph(out_dir) -> Graph:
    g = Graph()
    g.parse(out_dir / "graph.ttl", format="turtle")
    return g


@pytest.fixture
def broken(seed_graph, tmp_path):
    """A copy of the seeds' graph to damage; ``check()`` writes it as a build folder and validates that."""

    class Broken:
        graph = Graph()

        def check(self) -> ValidationResult:
            self.graph.serialize(tmp_path / "graph.ttl", format="turtle")
            return validate(tmp_path)

    b = Broken()
    b.graph = Graph()
    for prefix, ns in seed_graph.namespaces():
        b.graph.bind(prefix, ns)
    b.graph += seed_graph
    return b


def found(result: ValidationResult) -> set[tuple]:
    return {(v.focus_node, v.path, v.source_shape, v.component) for v in result.violations}


def first(g: Graph, cls: URIRef, having: URIRef | None = None) -> URIRef:
    """The first node of a class (in IRI order, so tests pick the same node every run), optionally with a property."""
    nodes = sorted(n for n in g.subjects(RDF.type, cls) if having is None or (n, having, None) in g)
    assert nodes, f"the seeds' build has no {cls} with {having}"
    return nodes[0]


# ---------------------------------------------------------------- the real build


def test_seed_build_conforms(out_dir):
    result = validate(out_dir)
    assert result.violations == []
    assert result.conforms
    assert format_violations(result) == ""


def test_seed_trig_conforms_as_a_union_of_its_graphs(out_dir):
    # Post holders sit in per-article graphs and post labels in the default graph; checked apart they would fail.
    result = validate(out_dir / "graph.trig")
    assert result.conforms, format_violations(result)


def test_shapes_cover_every_class_the_contract_names():
    targets = set(load_shapes().objects(None, SH.targetClass))
    assert {SCHEMA.Person, ORG.Post, ORG.Organization, SCHEMA.Place, SCHEMA.NewsArticle, SCHEMA.Event, KG.Evidence,
            KG.Initiative} <= targets


# ---------------------------------------------------------------- broken graphs


def test_person_without_label(broken):
    person = first(broken.graph, SCHEMA.Person)
    broken.graph.remove((person, RDFS.label, None))
    result = broken.check()
    assert not result.conforms
    assert found(result) == {(person, RDFS.label, shape("Person-label"), SH.MinCountConstraintComponent)}


def test_person_with_two_labels(broken):
    person = first(broken.graph, SCHEMA.Person)
    broken.graph.add((person, RDFS.label, Literal("另一个名字", lang="zh")))
    assert found(broken.check()) == {(person, RDFS.label, shape("Person-label"), SH.MaxCountConstraintComponent)}


def test_person_label_must_be_chinese_literal(broken):
    person = first(broken.graph, SCHEMA.Person)
    broken.graph.set((person, RDFS.label, Literal("Liu Ming", lang="en")))
    assert found(broken.check()) == {(person, RDFS.label, shape("Person-label"), SH.LanguageInConstraintComponent)}


def test_post_without_holder(broken):
    post = first(broken.graph, ORG.Post, ORG.heldBy)
    holders = set(broken.graph.objects(post, ORG.heldBy))
    broken.graph.remove((post, ORG.heldBy, None))
    for person in holders:
        broken.graph.remove((person, ORG.holds, post))
    result = broken.check()
    assert found(result) == {(post, ORG.heldBy, shape("Post-heldBy"), SH.MinCountConstraintComponent)}


def test_holds_and_held_by_must_agree(broken):
    # a post with several holders, so dropping one heldBy leaves the post held (no minCount violation)
    post = sorted(p for p in broken.graph.subjects(RDF.type, ORG.Post) if len(set(broken.graph.objects(p, ORG.heldBy))) > 1)[0]
    person = sorted(broken.graph.objects(post, ORG.heldBy))[0]
    broken.graph.remove((post, ORG.heldBy, person))
    result = broken.check()
    assert found(result) == {(post, ~ORG.holds, shape("Post-holdsInverse"), SH.EqualsConstraintComponent)}
    assert [v.value for v in result.violations] == [person]


def test_post_label_must_end_with_title(broken):
    post = first(broken.graph, ORG.Post)
    broken.graph.set((post, KG.title, Literal("不相干", lang="zh")))
    assert found(broken.check()) == {(post, KG.title, shape("PostLabelShape"), SH.SPARQLConstraintComponent)}


def test_adcode_must_have_six_digits(broken):
    place = first(broken.graph, SCHEMA.Place, KG.adcode)
    broken.graph.set((place, KG.adcode, Literal("34060")))
    result = broken.check()
    assert found(result) == {(place, KG.adcode, shape("Place-adcode"), SH.PatternConstraintComponent)}
    assert result.violations[0].value == Literal("34060")


def test_level_must_be_a_known_level(broken):
    place = first(broken.graph, SCHEMA.Place, KG.level)
    broken.graph.set((place, KG.level, Literal("planet")))
    result = broken.check()
    assert found(result) == {(place, KG.level, shape("Place-level"), SH.InConstraintComponent)}
    assert result.violations[0].value == Literal("planet")


def test_latitude_out_of_range(broken):
    place = first(broken.graph, SCHEMA.Place, SCHEMA.latitude)
    broken.graph.set((place, SCHEMA.latitude, Literal(Decimal("91.5"))))
    assert found(broken.check()) == {(place, SCHEMA.latitude, shape("Place-latitude"), SH.MaxInclusiveConstraintComponent)}


def test_contained_in_place_must_be_a_place(broken):
    place = first(broken.graph, SCHEMA.Place, SCHEMA.containedInPlace)
    org = first(broken.graph, ORG.Organization)
    broken.graph.set((place, SCHEMA.containedInPlace, org))
    assert found(broken.check()) == {
        (place, SCHEMA.containedInPlace, shape("Place-containedInPlace"), SH.ClassConstraintComponent)}


def test_evidence_begin_after_end(broken):
    evidence = first(broken.graph, KG.Evidence)
    begin, end = broken.graph.value(evidence, KG.beginIndex), broken.graph.value(evidence, KG.endIndex)
    assert begin.toPython() < end.toPython()
    broken.graph.set((evidence, KG.beginIndex, end))
    broken.graph.set((evidence, KG.endIndex, begin))
    result = broken.check()
    assert found(result) == {(evidence, KG.beginIndex, shape("Evidence-order"), SH.LessThanOrEqualsConstraintComponent)}


def test_evidence_negative_index(broken):
    evidence = first(broken.graph, KG.Evidence)
    broken.graph.set((evidence, KG.beginIndex, Literal(-1)))
    assert found(broken.check()) == {
        (evidence, KG.beginIndex, shape("Evidence-beginIndex"), SH.MinInclusiveConstraintComponent)}


def test_byline_role_without_author(broken):
    article = first(broken.graph, SCHEMA.NewsArticle, KG.reporter)
    reporter = broken.graph.value(article, KG.reporter)
    broken.graph.remove((article, SCHEMA.author, reporter))
    result = broken.check()
    assert found(result) == {(article, KG.reporter, shape("BylineShape"), SH.SPARQLConstraintComponent)}
    assert result.violations[0].value == reporter


def test_article_without_mentions(broken):
    article = first(broken.graph, SCHEMA.NewsArticle)
    broken.graph.remove((article, SCHEMA.mentions, None))
    assert found(broken.check()) == {(article, SCHEMA.mentions, shape("Article-mentions"), SH.MinCountConstraintComponent)}


def test_source_file_without_name(broken):
    source = first(broken.graph, SCHEMA.DigitalDocument)
    articles = set(broken.graph.subjects(SCHEMA.isPartOf, source))
    assert articles
    broken.graph.remove((source, SCHEMA.name, None))
    assert found(broken.check()) == {(source, SCHEMA.name, shape("Source-name"), SH.MinCountConstraintComponent)} | {
        (a, SCHEMA.isPartOf, shape("Article-isPartOf"), SH.NodeConstraintComponent) for a in articles}


def test_chair_must_attend(broken):
    meeting = first(broken.graph, SCHEMA.Event, KG.chair)
    chair = broken.graph.value(meeting, KG.chair)
    broken.graph.remove((meeting, SCHEMA.attendee, chair))
    result = broken.check()
    assert found(result) == {(meeting, KG.chair, shape("ChairShape"), SH.SPARQLConstraintComponent)}
    assert result.violations[0].value == chair


def test_chair_must_be_a_person(broken):
    meeting = first(broken.graph, SCHEMA.Event, KG.chair)
    org = first(broken.graph, ORG.Organization)
    broken.graph.set((meeting, KG.chair, org))
    broken.graph.add((meeting, SCHEMA.attendee, org))  # keep the chair an attendee, so only the type is wrong
    assert found(broken.check()) == {
        (meeting, KG.chair, shape("Event-chair"), SH.ClassConstraintComponent),
        (meeting, SCHEMA.attendee, shape("Event-attendee"), SH.ClassConstraintComponent),
    }


def test_several_faults_are_all_reported_in_a_stable_order(broken):
    persons = sorted(broken.graph.subjects(RDF.type, SCHEMA.Person))[:3]
    for person in reversed(persons):
        broken.graph.remove((person, RDFS.label, None))
    result = broken.check()
    assert [v.focus_node for v in result.violations] == persons
    assert result.violations == sorted(result.violations, key=lambda v: v.sort_key())


# ---------------------------------------------------------------- report text


def test_format_names_focus_node_by_its_chinese_label(broken):
    place = first(broken.graph, SCHEMA.Place, KG.level)
    label = str(broken.graph.value(place, RDFS.label))
    broken.graph.set((place, KG.level, Literal("planet")))
    text = format_violations(broken.check())
    assert len(text.splitlines()) == 1
    assert f"«{label}»" in text
    assert "kg:level" in text and '"planet"' in text and "Place-level" in text
    assert str(place).removeprefix(str(KGR)) in text


# ---------------------------------------------------------------- unusable targets


def test_missing_folder_raises(tmp_path):
    with pytest.raises(ValidationError, match="no such file"):
        validate(tmp_path / "nowhere")


def test_folder_without_graph_raises(tmp_path):
    with pytest.raises(ValidationError, match="graph.ttl"):
        validate(tmp_path)


def test_unreadable_rdf_raises(tmp_path):
    bad = tmp_path / "graph.ttl"
    bad.write_text("this is not turtle <<<", encoding="utf-8")
    with pytest.raises(ValidationError, match="not readable"):
        validate(tmp_path)


def test_rdf_file_target(out_dir, tmp_path):
    copy = tmp_path / "copy.nt"
    shutil.copy(out_dir / "graph.nt", copy)
    assert validate(copy).conforms


def test_kg_validate_command_exit_codes(out_dir, tmp_path, capsys):
    from kg.cli import main

    assert main(["validate", str(out_dir)]) == 0
    assert "conforms" in capsys.readouterr().out
    broken = tmp_path / "graph.ttl"
    broken.write_text((out_dir / "graph.ttl").read_text(encoding="utf-8").replace('"340604"', '"34060"', 1),
                      encoding="utf-8")
    assert main(["validate", str(broken)]) == 1
    out = capsys.readouterr()
    assert "kg:adcode" in out.out and "«烈山区»" in out.out
    assert "1 violation" in out.err
    assert main(["validate", str(tmp_path / "nothing-here")]) == 2
