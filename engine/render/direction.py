"""Which way a flow is drawn when no direction is asked for: from its shape, so it stays readable at a page's or
a screen's width.

Left to right suits a short or broad flow; a long one drawn that way is a strip many times wider than high
(the shipped 20-state escalation flow came out 11:1), shrunk to illegible text at page width, while top to
bottom pages and scrolls. The shape is read from `dot`'s layering, estimated (`ranks`): how many ranks the
flow takes end to end (`depth`) and the most states side by side in one rank (`breadth`). Left to right when
the flow is at most `SHORT` ranks deep, or when its left-to-right drawing would be at most `MAX_ASPECT` times
as wide as high (a rank drawn left to right is about `RANK_ASPECT` times as wide as a state is high, with its
gap and edge labels); otherwise top to bottom. An explicit direction always wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from engine.definition import Workflow
from engine.render.ranks import Layering, layering
from engine.render.scopes import top_scope

__all__ = ["MAX_ASPECT", "RANK_ASPECT", "SHORT", "Direction", "FlowShape", "default_direction", "flow_shape"]

Direction = Literal["TB", "LR"]

SHORT = 4
"""A flow this many ranks deep or less runs left to right, whatever its breadth."""
MAX_ASPECT = 2.5
"""The widest a left-to-right drawing may be, as width over height, before the flow runs top to bottom."""
RANK_ASPECT = 1.2
"""A rank's width, drawn left to right, over a state's height with its gap: how `dot` drew the shipped flows
(1.0 to 1.5 for most; their long, guarded edges make it wider)."""


@dataclass(frozen=True, slots=True)
class FlowShape:
    depth: int  # ranks end to end along the longest path from the start, loops cut
    breadth: int  # the most states side by side in one rank

    @property
    def lr_aspect(self) -> float:
        """About how many times wider than high the flow would be drawn left to right."""
        return RANK_ASPECT * self.depth / max(self.breadth, 1)

    @property
    def direction(self) -> Direction:
        return "LR" if self.depth <= SHORT or self.lr_aspect <= MAX_ASPECT else "TB"


def flow_shape(workflow: Workflow, layers: Layering | None = None) -> FlowShape:
    """The shape of `workflow`'s top level (`layers`: its layering, when the caller has it already)."""
    layers = layers or layering(top_scope(workflow))
    return FlowShape(layers.depth, layers.breadth)


def default_direction(workflow: Workflow, layers: Layering | None = None) -> Direction:
    """LR or TB for `workflow`, by the rule in the module's doc."""
    return flow_shape(workflow, layers).direction
