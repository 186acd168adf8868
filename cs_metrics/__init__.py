"""Outside In's domain layer: Customer Success metrics as plain, tested functions.

Nothing in this package imports Streamlit; every function can be called from a notebook.
"""

__version__ = "0.1.0"
