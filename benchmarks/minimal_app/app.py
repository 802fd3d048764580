"""The floor for the participant benchmark: one radio, one button, nothing else.

``benchmarks/participants.py`` drives this app with the same load pattern as the
join page (open, pick an option, press the button, wait for the finished run)
so our figures can be read as a ratio to what Streamlit itself costs.
"""

import streamlit as st

st.radio("Pick one", ["A", "B", "C"], index=None, key="choice")
st.button("Send", key="send")
