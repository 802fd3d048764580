"""What one phone does on each app: the join page (answer, submit, thank-you)
and the floor (one radio, one button)."""

from __future__ import annotations

import json
import random
import secrets
from dataclasses import dataclass

from streamlit.proto.WidgetStates_pb2 import WidgetState

from benchmarks.protocol import (
    ANSWER_KEY_PREFIX,
    DEVICE_TOKEN_COMPONENT,
    GROUP_LABEL,
    MINIMAL_BUTTON_LABEL,
    MINIMAL_RADIO_LABEL,
    SUBMIT_LABEL,
    THANK_YOU,
    Page,
    ParticipantError,
    _state,
)
from ui.answer_form import option_label

# --- the two apps' participant scripts ---------------------------------------------


@dataclass
class Submission:
    states: list[WidgetState]
    group: str | None = None  # the radio option sent
    answers: int = 0  # how many items were answered
    # The fragment the submit button sits in ("" if none): as the browser, the
    # submit reruns only that fragment.
    fragment_id: str = ""


class PulseScenario:
    """The join page: answer every item and a group, press "Send my answers"."""

    name = "Together Pulse"

    def __init__(self, code: str, device_token: bool):
        self.query_string = f"code={code}"
        self.device_token = device_token

    def token_report(self, page: Page) -> list[WidgetState]:
        """What the device-token component's JavaScript reports after mounting."""
        found = page.find("bidi_component", lambda w: w.label == DEVICE_TOKEN_COMPONENT)
        if not found:
            raise ParticipantError("device-token component not on the page")
        token = secrets.token_hex(32)
        return [_state(found[0].id, json_value=json.dumps({"token": token}))]

    @staticmethod
    def token_fragment(page: Page) -> str:
        """The fragment the device-token component sits in ("" if none): the
        browser's report reruns that fragment, not the page."""
        found = page.find("bidi_component", lambda w: w.label == DEVICE_TOKEN_COMPONENT)
        return found[0].fragment_id if found else ""

    def submission(self, page: Page, rng: random.Random) -> Submission:
        if page.errors:
            raise ParticipantError(f"page shows an error: {page.errors[0][:120]}")
        submit = page.find("button", lambda w: w.submitter and w.label == SUBMIT_LABEL)
        if len(submit) != 1:
            texts = " | ".join(t[:60] for t in page.texts[:4])
            raise ParticipantError(f"no '{SUBMIT_LABEL}' button (page: {texts})")
        form_id = submit[0].form_id
        items = page.find(
            "radio",
            lambda w: (
                w.form_id == form_id
                and (w.user_key or "").startswith(ANSWER_KEY_PREFIX)
            ),
        )
        if not items:
            raise ParticipantError("form has no answer items")
        states = []
        for item in items:
            # A radio's value is its formatted option (ui/answer_form.py).
            value = option_label(rng.randint(1, 7))
            if value not in item.options:
                raise ParticipantError(f"item options are {item.options}, not 1..7")
            states.append(_state(item.id, string_value=value))
        group = None
        radios = page.find(
            "radio", lambda w: w.form_id == form_id and w.label == GROUP_LABEL
        )
        if radios:
            group = rng.choice(radios[0].options)
            states.append(_state(radios[0].id, string_value=group))
        states.append(_state(submit[0].id, trigger_value=True))
        return Submission(states, group, len(items), submit[0].fragment_id)

    @staticmethod
    def acknowledged(page: Page) -> bool:
        return any(THANK_YOU in text for text in page.success)


class MinimalScenario:
    """The floor: pick a radio option and press the button."""

    name = "minimal app"
    query_string = ""
    device_token = False

    def submission(self, page: Page, rng: random.Random) -> Submission:
        radios = page.find("radio", lambda w: w.label == MINIMAL_RADIO_LABEL)
        buttons = page.find("button", lambda w: w.label == MINIMAL_BUTTON_LABEL)
        if not radios or not buttons:
            raise ParticipantError("minimal app: radio or button missing")
        choice = rng.choice(radios[0].options)
        return Submission(
            [
                _state(radios[0].id, string_value=choice),
                _state(buttons[0].id, trigger_value=True),
            ],
            choice,
        )

    @staticmethod
    def acknowledged(page: Page) -> bool:
        return False  # done when the run finishes


class OpenOnly:
    """Open the app without a code (the first session seeds the demo)."""

    name = "open"
    query_string = ""
    device_token = False
