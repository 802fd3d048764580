"""Facilitator workspace (programmes, live room, trends): arrives with issue 3."""

import streamlit as st

st.title("Facilitator workspace")
st.info("The facilitator workspace is being built. Participants can already answer.")
