"""The Streamlit-aware layer: cached loaders, shared filter state and small page components."""
