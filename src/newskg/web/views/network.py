"""Who acts on whom around an entity: a small network picture for its page (SVG rendered on
the server: readable without JavaScript, every node a link to its page).

The edges are the events the entity takes part in, from each event's agent to its target
(one edge per pair, counting its events); the nodes are their ends, the entity in the middle
and the others on a circle, at most :data:`MOST` of them (those in the most events).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from newskg.vocab import NKG
from newskg.web.views import describe as d

#: Most other nodes drawn (the strongest ties).
MOST = 12
WIDTH, HEIGHT = 640, 420
RADIUS = 160
NODE = 9  # node radius


@dataclass(frozen=True)
class Node:
    value: d.Value
    x: float
    y: float
    focus: bool


@dataclass(frozen=True)
class Edge:
    source: Node
    target: Node
    events: int
    kinds: str  # the event types, for the edge's tooltip

    @property
    def line(self) -> tuple[float, float, float, float]:
        """From the source's rim to the target's (so the arrow head shows)."""
        dx, dy = self.target.x - self.source.x, self.target.y - self.source.y
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length, dy / length
        reach = NODE + 3
        return (
            self.source.x + ux * reach,
            self.source.y + uy * reach,
            self.target.x - ux * reach,
            self.target.y - uy * reach,
        )


@dataclass(frozen=True)
class Network:
    nodes: list[Node]
    edges: list[Edge]
    left_out: int  # other entities with ties not drawn
    width: int = WIDTH
    height: int = HEIGHT


def around(ctx: d.Context, iri: str) -> Network | None:
    """The agent -> target ties of the events ``iri`` takes part in (None without any)."""
    rows = ctx.query(f"""
        SELECT ?a ?t (COUNT(DISTINCT ?e) AS ?n) (GROUP_CONCAT(DISTINCT ?kl; SEPARATOR=", ")
               AS ?kinds) WHERE {{
          ?e a <{NKG.Event}> ; ?role <{iri}> ; <{NKG.agent}> ?a ; <{NKG.target}> ?t .
          VALUES ?role {{ <{NKG.agent}> <{NKG.target}> <{NKG.participant}> }}
          FILTER(?a != ?t)
          OPTIONAL {{ ?e <{NKG.eventType}>/<{d.RDFS}label> ?kl }}
        }} GROUP BY ?a ?t""")
    ties = [
        (row["a"].value, row["t"].value, int(row["n"].value), row["kinds"].value) for row in rows
    ]
    if not ties:
        return None
    weight: dict[str, int] = {}
    for source, target, events, _ in ties:
        for end in (source, target):
            if end != iri:
                weight[end] = weight.get(end, 0) + events
    ranked = sorted(weight, key=lambda n: (-weight[n], ctx.label(n).casefold(), n))
    others = sorted(ranked[:MOST], key=lambda n: (ctx.label(n).casefold(), n))
    nodes = {iri: Node(_value(ctx, iri), WIDTH / 2, HEIGHT / 2, True)}
    for i, other in enumerate(others):
        angle = 2 * math.pi * i / len(others) - math.pi / 2
        x = WIDTH / 2 + RADIUS * 1.45 * math.cos(angle)
        y = HEIGHT / 2 + RADIUS * math.sin(angle)
        nodes[other] = Node(_value(ctx, other), x, y, False)
    edges = [
        Edge(nodes[source], nodes[target], events, kinds)
        for source, target, events, kinds in ties
        if source in nodes and target in nodes
    ]
    return Network(list(nodes.values()), edges, len(ranked) - len(others))


def _value(ctx: d.Context, iri: str) -> d.Value:
    return d.Value(ctx.label(iri), ctx.href(iri), iri)
