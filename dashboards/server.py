"""The dashboard's web server: the Streamlit app (``app.py``) plus the routes that set and clear
the session cookie (:mod:`dashboards.routes`).

Streamlit's ``st.App`` (its Starlette server, which ``streamlit run`` uses when the script defines
one) serves the extra routes next to its own; ``audit dashboard`` runs this file. See
docs/auth.md for sign-in, sessions and a company identity provider. It also passes the audio
decoder that evidence packs cut their clips with (see :mod:`audit.evidence`).
"""

import sys
from pathlib import Path

import streamlit as st

try:
    from dashboards.routes import routes
except ModuleNotFoundError:  # `streamlit run` from a checkout that is not pip-installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from dashboards.routes import routes

from dashboards import wiring
from pipelines.audio import load_audio


def _wire_decoder() -> None:
    """Hand the pipelines' decoder to the evidence-pack downloads (:mod:`dashboards.wiring`).

    Clips and beeps need the recording decoded (PyAV), which neither ``audit`` nor the pages may
    do: this file is the process's composition root, like the CLI modules for ``audit``, and the
    only dashboards module the import contract (pyproject.toml) lets import ``pipelines.audio``.
    PyAV itself loads only when a pack is built (:func:`pipelines.audio.load_audio` imports it).
    """
    wiring.use_decoder(load_audio)


def _no_pages_directory() -> None:
    """Route every address through ``app.py``'s ``st.navigation``, from the first request on.

    Streamlit still honours its older multipage convention for a ``pages/`` folder next to the
    main script until some session has called ``st.navigation``: the first browser to open
    ``/call_detail?call_id=…`` after a restart would run that page's script directly, without
    ``app.py`` (no sign-in form, no session cookie, no language). ``st.navigation`` itself turns the
    convention off by setting this flag; the server turns it off before serving anyone.
    """
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


_no_pages_directory()
_wire_decoder()
app = st.App(Path(__file__).with_name("app.py"), routes=routes())
