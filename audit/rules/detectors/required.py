"""``type: required``: a statement a contact must hold (an introduction, a disclosure)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from audit.rules.detectors.base import RequiredStage, check_patterns, check_terms, register


@register
class RequiredDetector(RequiredStage):
    """Contact-level: fires when none of the statements is made by an in-scope speaker.

    Compiled and judged by :class:`audit.rules.engine.RequiredRule`.
    """

    type: Literal["required"]
    terms: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)
    contact_names: bool = False  # the manifest's creditor/agency, said in a first-person intro
    description: str = ""

    @field_validator("patterns")
    @classmethod
    def _patterns_ok(cls, v: list[str]) -> list[str]:
        return check_patterns(v)

    @field_validator("terms")
    @classmethod
    def _terms_ok(cls, v: list[str]) -> list[str]:
        return check_terms(v)
