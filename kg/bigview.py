"""The big network view: every drawable node of a graph too big for vis-network, drawn with WebGL
by sigma.js over a graphology graph (both vendored in ``kg/vendor/`` by ``scripts/vendor_js.py``).

vis-network lays out and draws on a 2D canvas; past a few thousand nodes it needs minutes to settle
and pans at a few frames a second, so ``render.py`` used to drop all but 3,000 nodes. Here the
positions are computed in Python (``group_layout``: one disc per jurisdiction, a force layout
inside each) and the page only draws them, so it is interactive as soon as it is parsed.

The page's data is columnar (one array per attribute, strings shared through tables), because
per-node HTML or per-edge objects would make a 50,000-node page several times larger.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from importlib import resources

import networkx as nx

from .explain import describe_rule

# Drawn nodes from which graph.html is the WebGL view rather than vis-network's. vis stays below:
# its physics settles small graphs by itself, it bends parallel edges apart, and the seeds' pages
# (and their browser tests) keep the career panel and the edge-click evidence it has.
BIG_VIEW_NODES = 2000

# A group up to this size gets the exact O(n²) force layout; above it repulsion is sampled.
EXACT_LAYOUT_NODES = 250
REPULSION_SAMPLE = 160
SAMPLED_ITERATIONS = 60


def vendored_js() -> str:
    root = resources.files("kg") / "vendor"
    return "\n".join((root / name).read_text(encoding="utf-8") for name in ("graphology.umd.min.js", "sigma.min.js"))


# --- layout ---------------------------------------------------------------------------------------


def _scope(key: str) -> str:
    # person/烈山区/刘明, initiative/烈山区/一卡: the resolver's scope is the key's middle part
    parts = key.split("/")
    return parts[1] if len(parts) >= 3 and not parts[1].startswith("?") else ""


def group_of(graph: nx.MultiDiGraph, nodes: list[str]) -> dict[str, str]:
    """Each node's jurisdiction label (its district, county or city) where kg's data says it, else
    the one most of its neighbours have (articles and meetings take the places they report on)."""
    label = {n: str(graph.nodes[n].get("label") or n) for n in graph.nodes if graph.nodes[n].get("kind") == "place"}
    group: dict[str, str] = {}
    for n in nodes:
        d = graph.nodes[n]
        kind = d.get("kind")
        if kind == "place":
            level = d.get("level") or ""
            # below county level a place sits in the district its text placed it in
            parent = d.get("parent")
            group[n] = label.get(parent, label[n]) if level not in ("province", "city", "district", "county") and parent \
                else label[n]
        elif kind == "organization" and d.get("jurisdiction") in label:
            group[n] = label[d["jurisdiction"]]
        elif kind in ("person", "initiative") and _scope(n):
            group[n] = _scope(n)
    wanted = set(nodes)
    for n in nodes:
        if n in group:
            continue
        votes = Counter(group[m] for m in nx.all_neighbors(graph, n) if m in group and m in wanted)
        group[n] = min(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0] if votes else ""
    return group


def group_layout(graph: nx.MultiDiGraph, nodes: list[str], pairs: list[tuple[str, str]],
                 seed: int = 7) -> dict[str, tuple[float, float]]:
    """Deterministic positions: one disc per jurisdiction (area in proportion to its nodes, the
    biggest in the middle, the rest on a sunflower spiral around it), and in each disc a force layout
    of the group's own links. Links across groups do not move nodes: they are drawn, not laid out."""
    import numpy as np

    from .render import _force_layout

    group = group_of(graph, nodes)
    members: dict[str, list[str]] = defaultdict(list)
    for n in nodes:
        members[group[n]].append(n)
    inside: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for u, v in pairs:
        if u != v and group[u] == group[v]:
            inside[group[u]].append((u, v))
    order = sorted(members, key=lambda g: (-len(members[g]), g))
    golden = math.pi * (3 - math.sqrt(5))
    out: dict[str, tuple[float, float]] = {}
    filled = 0.0
    for i, g in enumerate(order):
        nodes_g = members[g]
        radius = math.sqrt(len(nodes_g))
        if i == 0:
            cx = cy = 0.0
            filled = radius
        else:
            # the next ring out: beyond every disc placed so far, by this disc's radius
            dist = filled + radius * 1.15
            cx, cy = dist * math.cos(i * golden), dist * math.sin(i * golden)
            filled = math.sqrt(filled * filled + radius * radius * 1.3)
        if len(nodes_g) <= EXACT_LAYOUT_NODES:
            local = _force_layout(nodes_g, inside[g], seed=seed)
        else:
            local = _sampled_force_layout(nodes_g, inside[g], seed=seed)
        xy = np.asarray(local, dtype=np.float64).reshape(-1, 2) * radius
        for n, (x, y) in zip(nodes_g, xy, strict=True):
            out[n] = (cx + float(x), cy + float(y))
    return out


def _sampled_force_layout(nodes: list[str], pairs: list[tuple[str, str]], seed: int = 7) -> list[tuple[float, float]]:
    """Fruchterman-Reingold whose repulsion comes from a fresh random sample of the nodes at every
    step, weighted up to the whole: O(n·s) a step instead of O(n²), which is what lets 50,000
    nodes be laid out in seconds. Deterministic for a seed."""
    import numpy as np

    from .render import force_step, link_array, unit_positions

    n = len(nodes)
    links = link_array(nodes, pairs)
    rng = np.random.default_rng(seed)
    # a start on a sunflower disc rather than uniform noise: the sampled repulsion has less to undo
    order = rng.permutation(n)
    golden = math.pi * (3 - math.sqrt(5))
    r = np.sqrt((order + 0.5) / n) * 0.5
    pos = np.stack([r * np.cos(order * golden), r * np.sin(order * golden)], axis=1).astype(np.float32)
    k = np.float32(1.0 / math.sqrt(n))
    sample = min(n, REPULSION_SAMPLE)
    weight_up = np.float32(n / sample)
    floor = np.float32((0.5 * k) ** 2)  # a sampled node right on top would otherwise fling its neighbour away
    temperature = 0.1
    cooling = temperature / (SAMPLED_ITERATIONS + 1)
    for _ in range(SAMPLED_ITERATIONS):
        src = pos[rng.choice(n, sample, replace=False)]
        dx = pos[:, 0, None] - src[None, :, 0]
        dy = pos[:, 1, None] - src[None, :, 1]
        w = (k * k * weight_up) / np.maximum(dx * dx + dy * dy, floor)
        disp = np.stack([(dx * w).sum(axis=1), (dy * w).sum(axis=1)], axis=1)
        force_step(pos, disp, links, k, temperature)
        temperature -= cooling
    return unit_positions(pos)


# --- the overview: groups by jurisdiction, and the map ---------------------------------------------

# The first view opens groups (the biggest first) while it shows fewer items than this, as long as
# opening one keeps it under OVERVIEW_MAX: one province of a hundred districts opens to its districts.
OVERVIEW_MIN = 12
OVERVIEW_MAX = 300
LEVEL_RANK = {"province": 0, "city": 1, "district": 2, "county": 2}


def jurisdiction_homes(graph: nx.MultiDiGraph, nodes: list[str]) -> tuple[dict[str, str | None], dict[str, str]]:
    """Each node's home place (the most precise jurisdiction kg's data gives it: a place is its own,
    an organisation its ``jurisdiction``, a person or initiative its key's scope, the rest what most
    of their neighbours have) and each place's parent place, both among ``nodes``."""
    wanted = set(nodes)
    places = [n for n in nodes if graph.nodes[n].get("kind") == "place"]
    parent = {p: graph.nodes[p]["parent"] for p in places if graph.nodes[p].get("parent") in wanted}
    # a scope is a label; of places sharing one, the broadest (区 over a 街道 of the same name)
    by_label: dict[str, str] = {}
    for p in sorted(places, key=lambda p: (LEVEL_RANK.get(graph.nodes[p].get("level") or "", 3), p)):
        by_label.setdefault(str(graph.nodes[p].get("label") or p), p)
    home: dict[str, str | None] = {}
    for n in nodes:
        d = graph.nodes[n]
        kind = d.get("kind")
        if kind == "place":
            home[n] = n
        elif kind == "organization" and d.get("jurisdiction") in wanted:
            home[n] = d["jurisdiction"]
        elif kind in ("person", "initiative") and _scope(n) in by_label:
            home[n] = by_label[_scope(n)]
    for n in nodes:
        if n in home:
            continue
        votes = Counter(home[m] for m in nx.all_neighbors(graph, n) if m in wanted and home.get(m))
        home[n] = min(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0] if votes else None
    return home, parent


def _chain(place: str, parent: dict[str, str]) -> list[str]:
    out, seen = [place], {place}
    while out[-1] in parent and parent[out[-1]] not in seen:  # a cycle in bad data ends the walk
        out.append(parent[out[-1]])
        seen.add(out[-1])
    return out


def overview(graph: nx.MultiDiGraph, nodes: list[str], positions: dict[str, tuple[float, float]]) -> dict:
    """Groups for the page's overview level: a place with at least two nodes in its jurisdiction
    (itself, the places under it and what they hold) is a group; a node belongs to the most precise
    group its home lies in, nodes with no home to one group of their own. Groups come parents
    first; ``open`` lists the groups the first view shows opened. Also each node's and group's map
    position (``map_positions``)."""
    home, parent = jurisdiction_homes(graph, nodes)
    size: Counter[str] = Counter()
    for n in nodes:
        if home[n]:
            for p in _chain(home[n], parent):
                size[p] += 1
    is_group = {p for p, k in size.items() if k >= 2}
    keys: list[str] = []
    gparent: dict[str, str] = {}
    for p in sorted(is_group):
        up = next((q for q in _chain(p, parent)[1:] if q in is_group), None)
        if up:
            gparent[p] = up
    depth = {p: len([q for q in _chain(p, parent) if q in is_group]) for p in is_group}
    keys = sorted(is_group, key=lambda p: (depth[p], -size[p], p))
    member_of: dict[str, str] = {}
    homeless = [n for n in nodes if not home[n]]
    for n in nodes:
        if home[n]:
            g = next((q for q in _chain(home[n], parent) if q in is_group), None)
            if g:
                member_of[n] = g
    if len(homeless) >= 2:
        keys.append("")
        size[""] = len(homeless)
        for n in homeless:
            member_of[n] = ""
    index = {k: i for i, k in enumerate(keys)}
    children: dict[str, int] = Counter(gparent[k] for k in keys if k in gparent)
    direct: Counter[str] = Counter(member_of.values())
    # the first view
    top = [k for k in keys if k not in gparent]
    shown = len(top) + sum(1 for n in nodes if n not in member_of)
    opened: list[str] = []
    closed = set(top)
    while shown < OVERVIEW_MIN:
        can = [k for k in sorted(closed, key=lambda k: (-size[k], k)) if children[k]]
        if not can or shown - 1 + children[can[0]] + direct[can[0]] > OVERVIEW_MAX:
            break
        g = can[0]
        opened.append(g)
        closed.discard(g)
        closed |= {k for k in keys if gparent.get(k) == g}
        shown += children[g] + direct[g] - 1
    members: dict[str, list[str]] = defaultdict(list)
    for n in nodes:
        if n in member_of:
            for g in _chain(member_of[n], gparent) if member_of[n] else [""]:
                members[g].append(n)
    label = {k: str(graph.nodes[k].get("label") or k) if k else "未定辖区" for k in keys}
    node_map, group_map = map_positions(graph, nodes, positions, home, parent, keys, members)
    return {
        "keys": keys,
        "label": [label[k] for k in keys],
        "parent": [index[gparent[k]] if k in gparent else -1 for k in keys],
        "member": [index[member_of[n]] if n in member_of else -1 for n in nodes],
        "open": [index[k] for k in opened],
        "centre": [_mean([positions[n] for n in members[k]]) for k in keys],
        "node_map": node_map,
        "group_map": group_map,
    }


def _mean(points: list[tuple[float, float]]) -> tuple[float, float]:
    if not points:
        return (0.0, 0.0)
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def map_positions(graph: nx.MultiDiGraph, nodes: list[str], positions: dict[str, tuple[float, float]],
                  home: dict[str, str | None], parent: dict[str, str], keys: list[str],
                  members: dict[str, list[str]]) -> tuple[dict[str, tuple[float, float]], list[tuple[float, float]]]:
    """Positions where a place with coordinates (kg's divisions to county level carry lat/lon) sits
    at them, in an equirectangular projection (x = lon·cos(mean lat), y = lat), and every other
    node hangs around the nearest place above it that has them, as the jurisdiction layout placed
    it, shrunk to a disc that keeps neighbouring places apart; a place without coordinates above
    places with them sits at their mean. Nodes with no such place keep their layout in a small disc
    off the map's lower left corner."""
    import numpy as np

    def coords(p: str) -> tuple[float, float] | None:
        d = graph.nodes[p]
        lat, lon = d.get("lat"), d.get("lon")
        if isinstance(lat, (int, float)) and isinstance(lon, (int, float)) and not (math.isnan(lat) or math.isnan(lon)):
            return float(lon), float(lat)
        return None

    proj: dict[str, tuple[float, float]] = {}
    located = {p: c for p in {h for h in home.values() if h} | set(parent.values()) if (c := coords(p))}
    out: dict[str, tuple[float, float]] = {}
    if located:
        lat0 = math.radians(sum(c[1] for c in located.values()) / len(located))
        proj = {p: (c[0] * math.cos(lat0), c[1]) for p, c in located.items()}
        spots = np.unique(np.array(sorted(proj.values())), axis=0)
        if len(spots) > 1:
            gap = np.sqrt(((spots[:, None, :] - spots[None, :, :]) ** 2).sum(axis=2))
            np.fill_diagonal(gap, np.inf)
            spacing = float(np.median(gap.min(axis=1)))
        else:
            spacing = 1.0
        # a place with no coordinates of its own (a province, in kg's data) sits amid those under it
        below: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for p, xy in list(proj.items()):
            for q in _chain(p, parent)[1:]:
                if q not in located:
                    below[q].append(xy)
        proj.update({q: _mean(xys) for q, xys in below.items()})
        located = {**located, **{q: proj[q] for q in below}}
        anchor: dict[str, str] = {}
        for n in nodes:
            if home[n]:
                a = next((q for q in _chain(home[n], parent) if q in located), None)
                if a:
                    anchor[n] = a
        by_anchor: dict[str, list[str]] = defaultdict(list)
        for n, a in anchor.items():
            by_anchor[a].append(n)
        biggest = max(len(v) for v in by_anchor.values())
        for a, ns in by_anchor.items():
            cx, cy = _mean([positions[n] for n in ns])
            reach = max(math.hypot(positions[n][0] - cx, positions[n][1] - cy) for n in ns) or 1.0
            # area in proportion to the nodes, the biggest just short of touching its neighbours
            scale = 0.45 * spacing * max(0.15, math.sqrt(len(ns) / biggest)) / reach
            ax, ay = proj[a]
            for n in ns:
                out[n] = (ax, ay) if n == a else (ax + (positions[n][0] - cx) * scale, ay + (positions[n][1] - cy) * scale)
    rest = [n for n in nodes if n not in out]
    if rest:
        if out:
            xs, ys = [p[0] for p in out.values()], [p[1] for p in out.values()]
            extent = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
            # a small disc off the map's lower left corner: beside it, it would squeeze the map
            ox, oy, radius = min(xs) - 0.1 * extent, min(ys) - 0.1 * extent, 0.08 * extent
        else:
            ox, oy, radius = 0.0, 0.0, 1.0
        cx, cy = _mean([positions[n] for n in rest])
        reach = max(math.hypot(positions[n][0] - cx, positions[n][1] - cy) for n in rest) or 1.0
        for n in rest:
            out[n] = (ox + (positions[n][0] - cx) / reach * radius, oy + (positions[n][1] - cy) / reach * radius)
    group_map = [proj[k] if k in proj else _mean([out[n] for n in members[k]]) for k in keys]
    return out, group_map


# --- the page's data ------------------------------------------------------------------------------


class _Table:
    """Strings kept once, referred to by index."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.items: list[str] = []

    def __call__(self, s: object) -> int:
        s = "" if s is None else str(s)
        i = self.index.get(s)
        if i is None:
            i = self.index[s] = len(self.items)
            self.items.append(s)
        return i


NODE_FACTS = (("date", "日期"), ("level", "级别"), ("organ", "机关"), ("gender", "性别"), ("ethnicity", "民族"),
              ("birth", "出生"), ("kicker", "引题"), ("file", "文件"))


def page_data(graph: nx.MultiDiGraph, nodes: list[str], edges: list, positions: dict[str, tuple[float, float]],
              kind_style: dict, unknown_style: tuple, edge_names: dict, edge_colors: dict) -> dict:
    from .render import _article_date, _article_headline

    idx = {n: i for i, n in enumerate(nodes)}
    kinds = [*kind_style, *sorted({graph.nodes[n].get("kind") or "unknown" for n in nodes} - set(kind_style))]
    kind_idx = {k: i for i, k in enumerate(kinds)}
    relations = sorted({d.get("kind") or "" for _u, _v, _k, d in edges})
    rel_idx = {k: i for i, k in enumerate(relations)}
    strings, sentences = _Table(), _Table()
    sentences("")  # 0: no sentence
    articles: dict[str, int] = {}
    art_rows: list[list] = []

    def article(a: str) -> int:
        if not a:
            return -1
        if a not in articles:
            articles[a] = len(art_rows)
            art_rows.append([a, _article_headline(graph, a), _article_date(graph, a)])
        return articles[a]

    xs, ys = (), ()
    if positions:
        spread = max(max(abs(x), abs(y)) for x, y in positions.values()) or 1.0
        # integers in ±100,000: positions to a thousandth of a disc, in a third of the characters of floats
        xs = [round(positions[n][0] / spread * 100_000) for n in nodes]
        ys = [round(positions[n][1] / spread * 100_000) for n in nodes]
    aliases: dict[int, list[str]] = {}
    facts: dict[int, dict] = {}
    node_articles: dict[int, list[int]] = {}
    for i, n in enumerate(nodes):
        d = graph.nodes[n]
        names = [str(a) for a in d.get("aliases") or [] if str(a) != str(d.get("label") or n)]
        if names:
            aliases[i] = names
        given = {key: str(d[key]) for key, _ in NODE_FACTS if d.get(key)}
        if given:
            facts[i] = given
        arts = [article(str(a)) for a in d.get("articles") or []]
        if arts:
            node_articles[i] = arts
    edge_cols: dict[str, list] = {c: [] for c in ("s", "t", "k", "l", "q", "a", "b", "e", "r")}
    for u, v, _key, d in edges:
        start, end = d.get("start"), d.get("end")
        has_span = isinstance(start, int) and isinstance(end, int) and start >= 0 and bool(d.get("sentence"))
        for col, value in (("s", idx[u]), ("t", idx[v]), ("k", rel_idx[d.get("kind") or ""]),
                           ("l", strings(d.get("label") or edge_names.get(d.get("kind"), d.get("kind") or ""))),
                           ("q", sentences(d.get("sentence") or "")), ("a", article(str(d.get("article") or ""))),
                           ("b", start if has_span else -1), ("e", end if has_span else -1),
                           # the rule said in words a reader understands, not its id
                           ("r", strings(describe_rule(d["rule"], "zh") if d.get("rule") else ""))):
            edge_cols[col].append(value)
    mentions = [int(graph.nodes[n].get("mentions") or 0) for n in nodes]
    return {
        "kinds": kinds,
        "kindNames": [kind_style.get(k, unknown_style)[0] for k in kinds],
        "kindColors": [kind_style.get(k, unknown_style)[1] for k in kinds],
        "relations": relations,
        "relationNames": [edge_names.get(k, k) for k in relations],
        "relationColors": [edge_colors.get(k, "#888888") for k in relations],
        "factNames": dict(NODE_FACTS),
        "nodes": {
            "id": [str(n) for n in nodes],
            "label": [str(graph.nodes[n].get("label") or n) for n in nodes],
            "kind": [kind_idx[graph.nodes[n].get("kind") or "unknown"] for n in nodes],
            "x": xs,
            "y": ys,
            "mentions": mentions,
            "aliases": aliases,
            "facts": facts,
            "articles": node_articles,
        },
        "edges": edge_cols,
        "strings": strings.items,
        "sentences": sentences.items,
        "articles": art_rows,
    }


def render_big(graph: nx.MultiDiGraph, nodes: list[str], edges: list, title: str, legend: list, edge_legend: list,
               career: str | None) -> dict:
    """The template's variables for the big view of ``nodes`` and ``edges`` (every one drawn)."""
    from .render import EDGE_COLOR, EDGE_KIND_ZH, KIND_STYLE, UNKNOWN_STYLE

    positions = group_layout(graph, nodes, [(u, v) for u, v, _k, _d in edges])
    data = page_data(graph, nodes, edges, positions, KIND_STYLE, UNKNOWN_STYLE, EDGE_KIND_ZH, EDGE_COLOR)
    data["overview"] = overview_data(graph, nodes, positions)
    data["select"] = career if career in set(nodes) else None
    return {"data": data, "title": title, "legend": legend, "edge_legend": edge_legend,
            "shown_nodes": len(nodes), "shown_edges": len(edges)}


def _to_ints(points: list[tuple[float, float]], centre: tuple[float, float], spread: float) -> tuple[list, list]:
    # the same integer grid as page_data's positions: ±100,000 across the drawing
    return ([round((x - centre[0]) / spread * 100_000) for x, _ in points],
            [round((y - centre[1]) / spread * 100_000) for _, y in points])


def overview_data(graph: nx.MultiDiGraph, nodes: list[str], positions: dict[str, tuple[float, float]]) -> dict:
    """The page's columns for the overview (``overview``) and the map layout."""
    ov = overview(graph, nodes, positions)
    spread = max((max(abs(x), abs(y)) for x, y in positions.values()), default=0.0) or 1.0
    gx, gy = _to_ints(ov["centre"], (0.0, 0.0), spread)
    pts = [ov["node_map"][n] for n in nodes]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    mid = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2) if pts else (0.0, 0.0)
    half = max(max(xs) - min(xs), max(ys) - min(ys)) / 2 if pts else 0.0
    mx, my = _to_ints(pts, mid, half or 1.0)
    gmx, gmy = _to_ints(ov["group_map"], mid, half or 1.0)
    return {"label": ov["label"], "parent": ov["parent"], "member": ov["member"], "open": ov["open"],
            "x": gx, "y": gy, "mx": gmx, "my": gmy, "nodeMx": mx, "nodeMy": my,
            "place": _rows(nodes, ov["keys"])}


def _rows(nodes: list[str], keys: list[str]) -> list[int]:
    row = {n: i for i, n in enumerate(nodes)}
    return [row.get(k, -1) for k in keys]

