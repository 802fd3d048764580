"""The schema, as numbered migrations (sqlite-utils), applied when a store opens.

Tables that hold anything about a response are ``WITHOUT ROWID`` with random
keys, so their logical order says nothing about who answered when; the
physical order of cells is rebuilt in key order (``VACUUM``) whenever a pulse
closes and in every backup (``storage.db.Store.compact``).
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("together_pulse")


@migrations()
def m001_initial_schema(db: Database) -> None:
    db["settings"].create({"key": str, "value": str}, pk="key")
    db["programmes"].create(
        {
            "id": int,
            "name": str,
            "k": int,
            "retention_days": int,
            "closed_on": str,
        },
        pk="id",
        not_null={"name", "k"},
        defaults={"k": 5},
    )
    db["groups"].create(
        {"id": int, "programme_id": int, "name": str, "expected": int, "position": int},
        pk="id",
        foreign_keys=[("programme_id", "programmes", "id")],
        not_null={"programme_id", "name"},
    )
    db["sessions"].create(
        {
            "id": int,
            "programme_id": int,
            "title": str,
            "kind": str,
            "date": str,
            "position": int,
        },
        pk="id",
        foreign_keys=[("programme_id", "programmes", "id")],
        not_null={"programme_id", "title"},
    )
    db["questions"].create(
        {
            "id": int,
            "programme_id": int,
            "item_key": str,
            "dimension": str,
            "text": str,
            "reverse": int,
            "position": int,
            "retired": int,
        },
        pk="id",
        foreign_keys=[("programme_id", "programmes", "id")],
        not_null={"programme_id", "dimension", "text"},
        defaults={"reverse": 0, "retired": 0},
    )
    db["pulses"].create(
        {
            "id": int,
            "session_id": int,
            "moment": str,
            "form": str,
            "code": str,
            "status": str,
            "secret": str,
            "comment_prompt": str,
        },
        pk="id",
        foreign_keys=[("session_id", "sessions", "id")],
        not_null={"session_id", "moment", "code", "status", "secret"},
        defaults={"status": "draft"},
    )
    db["pulses"].create_index(["code"], unique=True)
    db["pulse_questions"].create(
        {"pulse_id": int, "question_id": int, "position": int},
        pk=("pulse_id", "question_id"),
        foreign_keys=[
            ("pulse_id", "pulses", "id"),
            ("question_id", "questions", "id"),
        ],
    )
    for table in ("groups", "sessions", "questions"):
        db[table].create_index(["programme_id"])
    db["pulses"].create_index(["session_id"])
    # Response data: random keys, WITHOUT ROWID, no timestamps, no device data.
    # sqlite-utils cannot declare WITHOUT ROWID, hence plain DDL here.
    db.execute(
        """
        CREATE TABLE responses (
            pulse_id INTEGER NOT NULL REFERENCES pulses(id),
            id TEXT NOT NULL,
            group_id INTEGER REFERENCES groups(id),
            PRIMARY KEY (pulse_id, id)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        """
        CREATE TABLE answers (
            pulse_id INTEGER NOT NULL,
            response_id TEXT NOT NULL,
            question_id INTEGER NOT NULL REFERENCES questions(id),
            value INTEGER NOT NULL CHECK (value BETWEEN 1 AND 7),
            PRIMARY KEY (pulse_id, response_id, question_id),
            FOREIGN KEY (pulse_id, response_id) REFERENCES responses(pulse_id, id)
                ON DELETE CASCADE
        ) WITHOUT ROWID
        """
    )
    db.execute(
        """
        CREATE TABLE scores (
            pulse_id INTEGER NOT NULL,
            dimension TEXT NOT NULL,
            response_id TEXT NOT NULL,
            group_id INTEGER,
            score REAL NOT NULL CHECK (score BETWEEN 1 AND 7),
            items INTEGER NOT NULL,
            PRIMARY KEY (pulse_id, dimension, response_id),
            FOREIGN KEY (pulse_id, response_id) REFERENCES responses(pulse_id, id)
                ON DELETE CASCADE
        ) WITHOUT ROWID
        """
    )
    # Trends read dimension figures with one GROUP BY over this covering index.
    db.execute(
        "CREATE INDEX scores_by_group "
        "ON scores (pulse_id, dimension, group_id, items, score)"
    )
    # Per-item sufficient statistics, kept up to date at submit: agreement and
    # reliability for a whole programme without reading every answer, and
    # still available after item-level answers are purged (retention).
    # group_key is the group id, or 0 for "group not given" (until m011, which
    # keys it by release bucket: a shown group's id, or 0 for everyone else).
    db.execute(
        """
        CREATE TABLE item_stats (
            pulse_id INTEGER NOT NULL REFERENCES pulses(id),
            group_key INTEGER NOT NULL,
            question_id INTEGER NOT NULL REFERENCES questions(id),
            complete INTEGER NOT NULL,
            n INTEGER NOT NULL,
            total REAL NOT NULL,
            squares REAL NOT NULL,
            PRIMARY KEY (pulse_id, group_key, question_id, complete)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        """
        CREATE TABLE comments (
            pulse_id INTEGER NOT NULL REFERENCES pulses(id),
            id TEXT NOT NULL,
            text TEXT NOT NULL CHECK (length(text) <= 1000),
            PRIMARY KEY (pulse_id, id)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        """
        CREATE TABLE submissions (
            pulse_id INTEGER NOT NULL REFERENCES pulses(id),
            device_hash TEXT NOT NULL,
            PRIMARY KEY (pulse_id, device_hash)
        ) WITHOUT ROWID
        """
    )


@migrations()
def m002_releases(db: Database) -> None:
    # The figures last released for each open pulse (promise 3). No timestamps.
    db["releases"].create(
        {"pulse_id": int, "n": int, "snapshot": str},
        pk="pulse_id",
        foreign_keys=[("pulse_id", "pulses", "id")],
    )


@migrations()
def m003_actions(db: Database) -> None:
    # Changes a programme agreed to try, and their dated status updates.
    db["actions"].create(
        {
            "id": int,
            "programme_id": int,
            "session_id": int,
            "title": str,
            "dimensions": str,
            "groups": str,
        },
        pk="id",
        foreign_keys=[
            ("programme_id", "programmes", "id"),
            ("session_id", "sessions", "id"),
        ],
        not_null={"programme_id", "title"},
    )
    db["action_updates"].create(
        {"id": int, "action_id": int, "date": str, "status": str, "note": str},
        pk="id",
        foreign_keys=[("action_id", "actions", "id")],
        not_null={"action_id", "date", "status"},
    )
    db["actions"].create_index(["programme_id"])
    db["action_updates"].create_index(["action_id"])


@migrations()
def m010_tickets_and_comment_review(db: Database) -> None:
    # One-time tickets (optional per programme): only keyed hashes, per pulse,
    # WITHOUT ROWID keyed by the hash so no row order says which was used when;
    # nothing links a ticket to the response it sent.
    db.execute("ALTER TABLE programmes ADD COLUMN tickets INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE programmes ADD COLUMN ticket_key TEXT")
    db.execute(
        """
        CREATE TABLE tickets (
            pulse_id INTEGER NOT NULL REFERENCES pulses(id) ON DELETE CASCADE,
            hash TEXT NOT NULL,
            used INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1)),
            PRIMARY KEY (pulse_id, hash)
        ) WITHOUT ROWID
        """
    )
    # Comments reach the facilitator in batches (storage.comments) and the room
    # only once chosen; the comment minimum is k unless set (NULL).
    db.execute("ALTER TABLE programmes ADD COLUMN comment_k INTEGER")
    db.execute(
        "ALTER TABLE comments ADD COLUMN state TEXT NOT NULL DEFAULT 'held' "
        "CHECK (state IN ('held', 'review', 'shown', 'hidden'))"
    )
    db.execute(
        """
        CREATE TABLE comment_releases (
            pulse_id INTEGER PRIMARY KEY REFERENCES pulses(id) ON DELETE CASCADE,
            n INTEGER NOT NULL
        )
        """
    )


@migrations()
def m011_release_model(db: Database) -> None:
    # Figures are computed over released responses only (survey.disclosure's
    # release_batch); a response's release is one flag, with no time or order.
    db.execute("ALTER TABLE responses ADD COLUMN released INTEGER NOT NULL DEFAULT 0")
    # The groups a pulse shows (JSON list of group ids), decided at its first
    # release and shared by every view and export.
    db.execute(
        """
        CREATE TABLE disclosures (
            pulse_id INTEGER PRIMARY KEY REFERENCES pulses(id) ON DELETE CASCADE,
            visible TEXT NOT NULL
        )
        """
    )
    # Released sums of dimension scores per pulse, dimension, bucket (a shown
    # group's id, or 0 for everyone else) and number of items answered. Each
    # row grows only by whole releases, so every row covers 0 or >= k people.
    db.execute(
        """
        CREATE TABLE score_sums (
            pulse_id INTEGER NOT NULL REFERENCES pulses(id) ON DELETE CASCADE,
            dimension TEXT NOT NULL,
            group_key INTEGER NOT NULL,
            items INTEGER NOT NULL,
            n INTEGER NOT NULL,
            total REAL NOT NULL,
            squares REAL NOT NULL,
            agree INTEGER NOT NULL,
            PRIMARY KEY (pulse_id, dimension, group_key, items)
        ) WITHOUT ROWID
        """
    )
    # item_stats now grows at release (released answers only), keyed by the
    # same buckets; the old rows counted every answer, so rebuild them.
    db.execute("DELETE FROM item_stats")
    db.execute("DROP TABLE releases")
    from storage.results import release_all  # the one release path

    for (pulse_id,) in db.execute(
        "SELECT id FROM pulses WHERE status = 'closed'"
    ).fetchall():
        release_all(db, pulse_id)


@migrations()
def m014_languages(db: Database) -> None:
    # Welsh text of a facilitator's own question (bank items are translated
    # from the message catalogue), and the language a programme's report and
    # CSV headers are written in.
    db["questions"].add_column("text_cy", str)
    db["programmes"].add_column("language", str, not_null_default="en")


@migrations()
def m020_sessions_screens_closing(db: Database) -> None:
    # Facilitator sign-ins that survive a reload: only a hash of the browser's
    # random token, with its expiry and the passphrase it was made under.
    db.execute(
        """
        CREATE TABLE facilitator_sessions (
            token_hash TEXT PRIMARY KEY,
            expires_at REAL NOT NULL,
            passphrase_version TEXT NOT NULL
        ) WITHOUT ROWID
        """
    )
    # Failed sign-ins per client (a hash of a random per-browser id), shared by
    # every worker process on this file. No IP address, no user agent.
    db.execute(
        """
        CREATE TABLE signin_failures (
            client_hash TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            last_failure REAL NOT NULL,
            locked_until REAL NOT NULL
        ) WITHOUT ROWID
        """
    )
    # Present-only links for a projector: a hash of the link's token, per pulse.
    db.execute(
        """
        CREATE TABLE screen_links (
            token_hash TEXT PRIMARY KEY,
            pulse_id INTEGER NOT NULL REFERENCES pulses(id) ON DELETE CASCADE
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX screen_links_by_pulse ON screen_links (pulse_id)")
    # A pulse in 'closing' still takes answers until this moment (Unix time);
    # one per pulse, nothing per response.
    db.execute("ALTER TABLE pulses ADD COLUMN closes_at REAL")


@migrations()
def m021_ticket_sheet_fixed(db: Database) -> None:
    # A pulse's ticket sheet is fixed once anyone has answered it or it has
    # closed (survey.ticket_sheet): no cards printed after the fact. Set by
    # triggers, so every path that stores a response or closes a pulse sets it,
    # and it stays set when answers are deleted or the pulse is reopened.
    db.execute("ALTER TABLE pulses ADD COLUMN sheet_fixed INTEGER NOT NULL DEFAULT 0")
    db.execute(
        """
        CREATE TRIGGER sheet_fixed_by_an_answer AFTER INSERT ON responses
        BEGIN
            UPDATE pulses SET sheet_fixed = 1
            WHERE id = NEW.pulse_id AND sheet_fixed = 0;
        END
        """
    )
    db.execute(
        """
        CREATE TRIGGER sheet_fixed_by_closing AFTER UPDATE OF status ON pulses
        WHEN NEW.status NOT IN ('draft', 'open')
        BEGIN
            UPDATE pulses SET sheet_fixed = 1 WHERE id = NEW.id AND sheet_fixed = 0;
        END
        """
    )
    # Existing pulses: answered, closed, or ever released (a reopened pulse).
    db.execute(
        "UPDATE pulses SET sheet_fixed = 1 WHERE status NOT IN ('draft', 'open') "
        "OR id IN (SELECT pulse_id FROM responses) "
        "OR id IN (SELECT pulse_id FROM disclosures)"
    )


@migrations()
def m022_held_out_at_close(db: Database) -> None:
    # Answers and comments held out at Close are counted here, and what they
    # said is deleted (storage.held_out): a release flag left in the file
    # would say who answered last. Pulses closed before this get the same.
    db.execute("ALTER TABLE pulses ADD COLUMN held_out INTEGER NOT NULL DEFAULT 0")
    db.execute(
        "ALTER TABLE pulses ADD COLUMN held_out_comments INTEGER NOT NULL DEFAULT 0"
    )
    from storage.held_out import drop_held_out_of_closed_pulses

    drop_held_out_of_closed_pulses(db)


@migrations()
def m023_no_count_of_held_comments(db: Database) -> None:
    # How many comments Close did not keep is not kept either: beside one
    # held-out answer it said whether that latecomer wrote a comment
    # (storage.held_out).
    db.execute("ALTER TABLE pulses DROP COLUMN held_out_comments")
    # Close deletes the comments held since the last batch, so the next batch
    # counts from Close (comment_releases.n); not_kept is how many people had
    # answered since the batch before, for the Comments page (a response
    # count). Pulses closed before this get the same.
    db.execute(
        "ALTER TABLE comment_releases ADD COLUMN not_kept INTEGER NOT NULL DEFAULT 0"
    )
    from storage.held_out import forget_comment_gap

    for (pulse_id,) in db.execute(
        "SELECT id FROM pulses WHERE status = 'closed'"
    ).fetchall():
        forget_comment_gap(db, pulse_id)


@migrations()
def m024_cards_printed(db: Database) -> None:
    # How many cards were printed for a pulse, kept after the retention purge
    # deletes the cards themselves: "needs a card" and the room's count read
    # it (storage.tickets), so a purge cannot free a ticketed pulse to take
    # answers without a card.
    db.execute("ALTER TABLE pulses ADD COLUMN cards_printed INTEGER NOT NULL DEFAULT 0")
    db.execute(
        "UPDATE pulses SET cards_printed = "
        "(SELECT count(*) FROM tickets t WHERE t.pulse_id = pulses.id)"
    )
