"""The graph as ties between entities: loading ties, selecting part of them (focus, dyad,
dates, types), networks for Gephi and networkx, and measures (kg analyze)."""
