"""Streamlit supervisor dashboard (``audit dashboard``): pages render, :mod:`dashboards.data` queries."""
