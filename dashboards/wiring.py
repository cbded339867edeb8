"""What the process serving the dashboard hands in: the audio decoder of the evidence downloads.

Clips and beeps in an evidence pack need the recording decoded, which the dashboard (like
``audit``) never does itself: ``dashboards/server.py`` passes ``pipelines.audio.load_audio`` in
here, as ``audit evidence export`` passes it to the export (see :mod:`audit.evidence`). A module
of its own, free of Streamlit, so that the server can wire it before Streamlit's runtime exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from audit.evidence import Decoder

_decoder: Decoder | None = None


def use_decoder(decoder: Decoder | None) -> None:
    """Decode recordings with ``decoder`` (:func:`pipelines.audio.load_audio`) for evidence packs.

    Called once by the process that serves the dashboard; without it, a pack whose contact has a
    timed finding (or a redacted one) fails with a message saying a decoder is needed.
    """
    global _decoder
    _decoder = decoder


def decoder() -> Decoder | None:
    """The decoder handed in, or None."""
    return _decoder
