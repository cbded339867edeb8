"""``type: model``: the pack's learned second opinion reports this rule's category."""

from __future__ import annotations

from typing import Literal

from audit.rules.detectors.base import ModelStage, register


@register
class ModelDetector(ModelStage):
    """Line-level: the pack's learned second opinion (its ``model:`` section) reports this
    rule's category on an in-scope utterance where no rule raised that category already."""

    type: Literal["model"]
