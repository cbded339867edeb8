"""What raised a finding, as the pages show it: the detector and, below 1.0, its confidence."""

import streamlit as st


def detector_text(detector: str, confidence: float) -> str:
    """``regex``; ``model 0.83`` for the learned model; ``–`` for findings stored before detectors."""
    if not detector:
        return "–"
    return f"{detector} {confidence:.2f}" if confidence < 1.0 else detector


def detector_badge(detector: str, confidence: float) -> str:
    """:func:`detector_text` as a small inline code badge for Markdown."""
    return f"`{detector_text(detector, confidence)}`"


def pick_detectors(items, key: str) -> list:
    """A multiselect of the detectors among ``items`` (anything with ``.detector``); the items
    of the chosen ones (all when none is chosen)."""
    options = sorted({i.detector or "–" for i in items})
    if len(options) < 2:
        return list(items)
    chosen = st.multiselect("Detector", options, key=key, placeholder="all detectors")
    return [i for i in items if (i.detector or "–") in chosen] if chosen else list(items)
