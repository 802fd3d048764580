"""Streamlit glue shared by pages: resources and small view helpers."""
