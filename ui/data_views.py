"""Views of the Data page: export, backup, closing a programme and retention.

All logic lives in ``storage.export``, ``storage.backup`` and
``storage.retention``; these functions only lay out widgets. Files are built
when a download button is pressed (deferred ``data=`` callables), not on every
rerun.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from rendering import csv_files, report
from storage import actions, aggregates, backup, export, programmes, retention
from storage.db import Store


def export_section(store: Store, programme_id: int) -> None:
    st.subheader("Export (CSV)")
    overview = export.export_overview(store, programme_id)
    st.markdown(
        f"Closed pulses only, and only what the anonymity rules allow: "
        f"nothing about fewer than **{overview.k}** answers, groups hidden so "
        f"none can be worked out by subtraction. Comments are never exported."
    )
    notes = [f"{overview.closed} closed pulse(s) in the export"]
    if overview.too_small:
        notes.append(f"{overview.too_small} left out (fewer than {overview.k} answers)")
    if overview.not_closed:
        notes.append(f"{overview.not_closed} draft or open, not exported")
    st.caption(" · ".join(notes) + ".")
    files = (
        ("Aggregates (means, intervals)", csv_files.aggregates_csv,
         csv_files.AGGREGATES_FILE, ":material/table_chart:", None),
        ("Item-level answers (shuffled)", csv_files.answers_csv,
         csv_files.ANSWERS_FILE, ":material/list:",
         "One row per answer; respondents numbered afresh, at random, in each "
         "pulse, so nobody can be followed from one pulse to the next."),
    )  # fmt: skip
    for column, (label, write, name, icon, help_text) in zip(
        st.columns(2), files, strict=True
    ):
        column.download_button(
            label,
            data=lambda write=write: _csv_bytes(
                write(export.export_programme(store, programme_id))
            ),
            file_name=f"programme-{programme_id}-{name}",
            mime="text/csv",
            icon=icon,
            on_click="ignore",
            disabled=not overview.closed,
            help=help_text,
        )


def backup_section(store: Store) -> None:
    st.subheader("Backup")
    st.markdown(
        "A consistent copy of the whole database, safe to take while people "
        "are answering. It holds every answer and comment: keep it as safely "
        "as the database, and no longer than the retention period."
    )
    st.download_button(
        "Download a backup",
        data=lambda: backup.backup_bytes(store),
        file_name=backup.default_backup_name(),
        mime="application/vnd.sqlite3",
        icon=":material/backup:",
        on_click="ignore",
    )
    st.caption(
        "To restore: stop the app, run `python -m storage restore BACKUP`, start "
        "the app again. The current database is kept as `….before-restore`."
    )


def retention_section(store: Store, programme_id: int) -> None:
    st.subheader("Closing and retention")
    status = retention.retention_status(store, programme_id)
    _closing_controls(store, status)
    _retention_controls(store, status)


def _closing_controls(store: Store, status: retention.RetentionStatus) -> None:
    if status.closed_on is None:
        st.markdown("This programme is **running**.")
        sure = True
        if status.open_pulses:
            sure = st.checkbox(
                f"Also close its {status.open_pulses} open pulse(s) now",
                key=f"close-open-{status.programme_id}",
            )
        if st.button("Close programme", disabled=not sure):
            retention.close_programme(store, status.programme_id)
            st.rerun()
    else:
        st.markdown(f"This programme **closed on {status.closed_on:%d %B %Y}**.")
        if st.button("Reopen programme", help="Stops the retention clock."):
            retention.reopen_programme(store, status.programme_id)
            st.rerun()


def _retention_controls(store: Store, status: retention.RetentionStatus) -> None:
    keep = st.checkbox(
        "Keep item-level answers and comments",
        value=status.retention_days is None,
        key=f"keep-{status.programme_id}",
    )
    days = None
    if not keep:
        days = int(
            st.number_input(
                "Delete them this many days after the programme closes",
                min_value=0,
                max_value=retention.MAX_RETENTION_DAYS,
                value=status.retention_days
                if status.retention_days is not None
                else 90,
                step=1,
                key=f"days-{status.programme_id}",
            )
        )
    if days != status.retention_days and st.button("Save retention"):
        try:
            retention.set_retention(store, status.programme_id, days)
        except ValueError as refused:
            st.error(f"{refused} Nothing was changed.")
        else:
            st.rerun()
    st.caption(_retention_text(status))
    if status.due and (status.answers or status.comments):
        _purge_now(store, status)


def _retention_text(status: retention.RetentionStatus) -> str:
    held = f"{status.answers:,} answers and {status.comments:,} comments are stored."
    if status.purge_on is None:
        return f"{held} Kept until you choose otherwise. Means and trends always stay."
    if status.due:
        return (
            f"{held} They were due for deletion on {status.purge_on:%d %B %Y}; "
            f"this happens when the app starts. Means and trends stay."
        )
    return (
        f"{held} They will be deleted on {status.purge_on:%d %B %Y} (when the app "
        f"next starts after that). Means and trends stay."
    )


def _purge_now(store: Store, status: retention.RetentionStatus) -> None:
    sure = st.checkbox(
        "I understand item-level answers and comments of every programme past "
        "its date are deleted for good",
        key=f"purge-sure-{status.programme_id}",
    )
    if st.button("Delete now", type="primary", disabled=not sure):
        report = retention.apply_retention(store, date.today())
        st.success(
            f"Deleted {report.answers:,} answers and {report.comments:,} comments."
        )


def _csv_bytes(text: str) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheets read "·" and accents."""
    return text.encode("utf-8-sig")


def report_section(store: Store, programme_id: int) -> None:
    """The programme report: self-contained HTML, printable on A4."""
    st.subheader("Report")
    st.caption(
        "One HTML file with charts, the change table, reliability and the actions "
        "you tried. Opens offline; print it to PDF on A4 from the browser."
    )
    st.download_button(
        "Download the report (HTML)",
        data=lambda: report_html(store, programme_id).encode("utf-8"),
        file_name=f"together-pulse-report-{programme_id}.html",
        mime="text/html",
        icon=":material/description:",
        key=f"report-{programme_id}",
    )


def report_html(store: Store, programme_id: int) -> str:
    """The programme report, from what storage holds now, in its language."""
    programme = programmes.get_programme(store, programme_id)
    return report.render(
        report.ReportInputs(
            programme=programme.name,
            result=aggregates.trends(store, programme_id, programme.language),
            actions=actions.programme_actions(store, programme_id),
            language=programme.language,
        )
    )
