"""Submits responses from several threads and prints each acknowledged token.

Run by tests/test_crash.py, which kills this process with SIGKILL mid-write.
A token is printed only after ``submit_response`` returned, i.e. after COMMIT
with synchronous=FULL: exactly what a participant's thank-you promises.
"""

from __future__ import annotations

import secrets
import sys
import threading

from storage import programmes, responses
from storage.db import open_store


def main(db_path: str, pulse_id: int, threads: int) -> None:
    store = open_store(db_path)
    questions = programmes.pulse_questions(store, pulse_id)
    lock = threading.Lock()

    def submit_forever() -> None:
        while True:
            token = secrets.token_hex(32)
            responses.submit_response(
                store,
                pulse_id,
                {q.id: 1 + secrets.randbelow(7) for q in questions},
                comment="crash test",
                device_token=token,
            )
            with lock:
                sys.stdout.write(token + "\n")
                sys.stdout.flush()

    workers = [
        threading.Thread(target=submit_forever, daemon=True) for _ in range(threads)
    ]
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
