"""How each kind of entity and fact looks, wherever kg draws it (the page, plots).

One table each, so that the page's legend, its nodes and edges, and a
timeline plot agree on the colour of an arms order.
"""

from __future__ import annotations

# Shape, colour and base size of each kind of entity. Shapes with the label
# below them (not inside) draw fastest and stay small.
ENTITY_STYLE: dict[str, tuple[str, str, int]] = {
    "State": ("dot", "#4e79a7", 24),
    "InternationalOrganization": ("hexagon", "#f28e2b", 20),
    "Treaty": ("square", "#9c755f", 15),
    "Regime": ("square", "#d4a373", 15),
    "ThinkTank": ("triangle", "#59a14f", 16),
    "Foundation": ("triangle", "#8cd17d", 16),
    "Ministry": ("triangle", "#b07aa1", 16),
    "GovernmentBody": ("triangle", "#d4a6c8", 16),
    "ArmedService": ("triangle", "#e15759", 16),
    "Company": ("triangle", "#79706e", 16),
    "MediaOrganization": ("triangle", "#b6992d", 16),
    "Person": ("dot", "#76b7b2", 11),
    "Place": ("dot", "#ff9da7", 10),
    "WeaponSystem": ("star", "#3b3b98", 16),
    "ExerciseSeries": ("triangleDown", "#6a7f2a", 15),
}
FACT_COLORS: dict[str, str] = {
    "membership": "#e8a202",
    "arms_order": "#d1495b",
    "arms_delivery": "#8f2d56",
    "exercise": "#2e8b57",
    "visit": "#3a86ff",
    "conference": "#1d4e89",
    "statement": "#8e8e8e",
    "office": "#a47fc4",
    "treaty_status": "#7f5539",
    "diplomatic_relations": "#c9a227",
    "anniversary": "#e07a5f",
    "cooperation_mechanism": "#2a9d8f",
    "energy_cooperation": "#f4a261",
    "agreement": "#6a4c93",
}
# For types added to the ontology later: colours by position, never random.
FALLBACK_COLORS = ("#17becf", "#bcbd22", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#1f77b4", "#ff7f0e")


def fact_color(fact_type: str, order: list[str] | None = None) -> str:
    """The colour of a fact type; types the table lacks get one by their place in ``order``."""
    if fact_type in FACT_COLORS:
        return FACT_COLORS[fact_type]
    order = order or []
    if fact_type in order:
        return FALLBACK_COLORS[order.index(fact_type) % len(FALLBACK_COLORS)]
    return "#888888"
