"""Helpers for the Streamlit page (``app.py``): UI strings, inputs and HTML rendering.

The page only calls tosaudit's public API and draws the :class:`~tosaudit.models.Report`;
everything here is a pure function so that it can be tested without a browser.
"""
