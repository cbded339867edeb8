"""The dashboard's pages: Streamlit scripts that ``app.py``'s ``st.navigation`` runs by path.

Nothing imports them; this file makes the folder a package only so that the import contracts
(``lint-imports``, pyproject.toml) read the pages too: a page may import ``audit``, never
``pipelines``.
"""
