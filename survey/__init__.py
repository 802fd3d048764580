"""Pure domain logic: no Streamlit, no SQL."""
