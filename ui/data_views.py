"""Views of the Data page: export, backup, closing a programme and retention.

All logic lives in ``storage.export``, ``storage.backup`` and
``storage.retention``; these functions only lay out widgets. Files are built
when a download button is pressed (deferred ``data=`` callables), not on every
rerun.
"""

from __future__ import annotations

from datetime import date

import streamlit as st
from babel.dates import format_date

from rendering import csv_files, report
from storage import (
    actions,
    aggregates,
    backup,
    export,
    held_out,
    programmes,
    retention,
)
from storage.db import Store
from ui.held_out_views import programme_close_warning
from ui.i18n import _, counted, current_language, ngettext, refusal


def _day(value: date) -> str:
    """A date as the page's language writes it (Babel's CLDR month names)."""
    return format_date(value, "d MMMM y", locale=current_language())


def export_section(store: Store, programme_id: int) -> None:
    st.subheader(_("Export (CSV)"))
    overview = export.export_overview(store, programme_id)
    st.markdown(
        _(
            "Closed pulses only, and only what the anonymity rules allow: nothing "
            "about fewer than **{k}** answers, groups hidden so none can be worked "
            "out by subtraction. Comments are never exported."
        ).format(k=overview.k)
    )
    notes = [
        counted(
            "{n} closed pulse in the export",
            "{n} closed pulses in the export",
            overview.closed,
        )
    ]
    if overview.too_small:
        notes.append(
            counted(
                "{n} left out (fewer than {k} answers)",
                "{n} left out (fewer than {k} answers)",
                overview.too_small,
                k=overview.k,
            )
        )
    if overview.not_closed:
        notes.append(
            counted(
                "{n} draft or open, not exported",
                "{n} draft or open, not exported",
                overview.not_closed,
            )
        )
    st.caption(" · ".join(notes) + ".")
    files = (
        (_("Aggregates (means, intervals)"), csv_files.aggregates_csv,
         csv_files.AGGREGATES_FILE, ":material/table_chart:", None),
        (_("Item-level answers (shuffled)"), csv_files.answers_csv,
         csv_files.ANSWERS_FILE, ":material/list:",
         _("One row per answer; respondents numbered afresh, at random, in each "
           "pulse, so nobody can be followed from one pulse to the next.")),
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
    st.subheader(_("Backup"))
    st.markdown(
        _(
            "A consistent copy of the whole database, safe to take while people "
            "are answering. It holds every answer and comment: keep it as safely "
            "as the database, and no longer than the retention period."
        )
    )
    st.download_button(
        _("Download a backup"),
        data=lambda: backup.backup_bytes(store),
        file_name=backup.default_backup_name(),
        mime="application/vnd.sqlite3",
        icon=":material/backup:",
        on_click="ignore",
    )
    st.caption(
        _(
            "To restore: stop the app, run `python -m storage restore BACKUP`, "
            "start the app again. The current database is kept as "
            "`….before-restore`."
        )
    )


def retention_section(store: Store, programme_id: int) -> None:
    st.subheader(_("Closing and retention"))
    status = retention.retention_status(store, programme_id)
    _closing_controls(store, status)
    _retention_controls(store, status)


def _closing_controls(store: Store, status: retention.RetentionStatus) -> None:
    if status.closed_on is None:
        st.markdown(_("This programme is **running**."))
        sure = True
        if status.open_pulses:
            sure = st.checkbox(
                counted(
                    "Also close its {n} open pulse now",
                    "Also close its {n} open pulses now",
                    status.open_pulses,
                ),
                key=f"close-open-{status.programme_id}",
            )
            waiting = held_out.waiting_at_programme_close(store, status.programme_id)
            st.caption(programme_close_warning(waiting))
        if st.button(_("Close programme"), disabled=not sure):
            retention.close_programme(store, status.programme_id)
            st.rerun()
    else:
        st.markdown(
            _("This programme **closed on {day}**.").format(day=_day(status.closed_on))
        )
        if st.button(_("Reopen programme"), help=_("Stops the retention clock.")):
            retention.reopen_programme(store, status.programme_id)
            st.rerun()


def _retention_controls(store: Store, status: retention.RetentionStatus) -> None:
    keep = st.checkbox(
        _("Keep item-level answers and comments"),
        value=status.retention_days is None,
        key=f"keep-{status.programme_id}",
    )
    days = None
    if not keep:
        days = int(
            st.number_input(
                _("Delete them this many days after the programme closes"),
                min_value=0,
                max_value=retention.MAX_RETENTION_DAYS,
                value=status.retention_days
                if status.retention_days is not None
                else 90,
                step=1,
                key=f"days-{status.programme_id}",
            )
        )
    if days != status.retention_days and st.button(_("Save retention")):
        try:
            retention.set_retention(store, status.programme_id, days)
        except ValueError as refused:
            st.error(
                _("{problem} Nothing was changed.").format(problem=refusal(refused))
            )
        else:
            st.rerun()
    st.caption(_retention_text(status))
    if status.due and (status.answers or status.comments):
        _purge_now(store, status)


def _retention_text(status: retention.RetentionStatus) -> str:
    held = _("{answers} and {comments} are stored.").format(
        answers=ngettext("{n} answer", "{n} answers", status.answers).format(
            n=f"{status.answers:,}"
        ),
        comments=ngettext("{n} comment", "{n} comments", status.comments).format(
            n=f"{status.comments:,}"
        ),
    )
    if status.purge_on is None:
        kept = _("Kept until you choose otherwise. Means and trends always stay.")
        return f"{held} {kept}"
    if status.due:
        due = _(
            "They were due for deletion on {day}; this happens when the app "
            "starts. Means and trends stay."
        )
        return f"{held} {due.format(day=_day(status.purge_on))}"
    later = _(
        "They will be deleted on {day} (when the app next starts after that). "
        "Means and trends stay."
    )
    return f"{held} {later.format(day=_day(status.purge_on))}"


def _purge_now(store: Store, status: retention.RetentionStatus) -> None:
    sure = st.checkbox(
        _(
            "I understand item-level answers and comments of every programme past "
            "its date are deleted for good"
        ),
        key=f"purge-sure-{status.programme_id}",
    )
    if st.button(_("Delete now"), type="primary", disabled=not sure):
        report = retention.apply_retention(store, date.today())
        st.success(
            _("Deleted {answers} and {comments}.").format(
                answers=ngettext("{n} answer", "{n} answers", report.answers).format(
                    n=f"{report.answers:,}"
                ),
                comments=ngettext(
                    "{n} comment", "{n} comments", report.comments
                ).format(n=f"{report.comments:,}"),
            )
        )


def _csv_bytes(text: str) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheets read "·" and accents."""
    return text.encode("utf-8-sig")


def report_section(store: Store, programme_id: int) -> None:
    """The programme report: self-contained HTML, printable on A4."""
    st.subheader(_("Report"))
    st.caption(
        _(
            "One HTML file with charts, the change table, reliability and the "
            "actions you tried. Opens offline; print it to PDF on A4 from the "
            "browser. Its language is the programme's (Programmes → Settings "
            "and groups)."
        )
    )
    st.download_button(
        _("Download the report (HTML)"),
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
