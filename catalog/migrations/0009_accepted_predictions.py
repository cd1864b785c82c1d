"""Reviewing no longer fabricates editor labels (issue 8, item 5): a new verdict, ``accepted``, marks the
predictions a reviewer left standing; they never override a model and are never held-out labels.

Existing ``present`` verdicts that only came from "Marked reviewed, accepting ..." (read back from the
admin history, which logged every acceptance and every later explicit verdict) become ``accepted``;
verdicts an editor gave term by term, or through "Confirm top predictions", stay as they are.
"""

import re

from django.conf import settings
from django.db import migrations, models


ACCEPTING = "Marked reviewed, accepting "
ACCEPTED_TERM = re.compile(r"(Mood|Genre) '([^']+)' \(\d+\.\d+\)")
EXPLICIT = re.compile(r"^(Mood|Genre|Word|Subgenre) '([^']+)': (confirmed|added|removed|verdict withdrawn)")
CONFIRMED_TOP = "Confirmed top predictions: "


def _only_accepted_at_review(messages: list[str]) -> set[tuple[str, str]]:
    """(kind, name) of the terms whose last history event is an acceptance at review."""
    last: dict[tuple[str, str], str] = {}
    for message in messages:
        if message.startswith(ACCEPTING):
            for kind, name in ACCEPTED_TERM.findall(message[len(ACCEPTING) :]):
                last[(kind, name)] = "accepted"
        elif message.startswith(CONFIRMED_TOP):
            for kind, name in ACCEPTED_TERM.findall(message[len(CONFIRMED_TOP) :]):
                last[(kind, name)] = "explicit"
        elif match := EXPLICIT.match(message):
            last[(match.group(1), match.group(2))] = "explicit"
    return {term for term, event in last.items() if event == "accepted"}


def demote_review_acceptances(apps, schema_editor) -> None:
    LogEntry = apps.get_model("admin", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    TrackMood = apps.get_model("catalog", "TrackMood")
    TrackGenre = apps.get_model("catalog", "TrackGenre")
    track_type = ContentType.objects.filter(app_label="catalog", model="track").first()
    if track_type is None:
        return
    history: dict[str, list[str]] = {}
    entries = LogEntry.objects.filter(content_type=track_type).order_by("action_time", "pk")
    for object_id, message in entries.values_list("object_id", "change_message"):
        history.setdefault(object_id, []).append(message)
    for object_id, messages in history.items():
        if not any(m.startswith(ACCEPTING) for m in messages) or not object_id.isdigit():
            continue
        for kind, name in _only_accepted_at_review(messages):
            model, field = (TrackMood, "mood__name") if kind == "Mood" else (TrackGenre, "genre__name")
            model.objects.filter(
                track_id=int(object_id), source="editor", verdict="present", **{field: name}
            ).update(verdict="accepted")


def restore_review_acceptances(apps, schema_editor) -> None:
    for name in ("TrackMood", "TrackGenre"):
        apps.get_model("catalog", name).objects.filter(verdict="accepted").update(verdict="present")


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0008_review_submissions'),
        ('admin', '0003_logentry_add_action_flag_choices'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='trackgenre',
            name='catalog_trackgenre_model_or_editor_row',
        ),
        migrations.RemoveConstraint(
            model_name='trackmood',
            name='catalog_trackmood_model_or_editor_row',
        ),
        migrations.AlterField(
            model_name='trackgenre',
            name='verdict',
            field=models.CharField(blank=True, choices=[('present', 'Present'), ('absent', 'Absent'), ('accepted', 'Accepted at review (prediction left standing)')], help_text='Editor rows: present (confirmed or added), absent (removed), or accepted (a prediction left standing when the track was marked reviewed: no verdict). Empty for model rows.', max_length=8, verbose_name='verdict'),
        ),
        migrations.AlterField(
            model_name='trackmood',
            name='verdict',
            field=models.CharField(blank=True, choices=[('present', 'Present'), ('absent', 'Absent'), ('accepted', 'Accepted at review (prediction left standing)')], help_text='Editor rows: present (confirmed or added), absent (removed), or accepted (a prediction left standing when the track was marked reviewed: no verdict). Empty for model rows.', max_length=8, verbose_name='verdict'),
        ),
        migrations.AddConstraint(
            model_name='trackgenre',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('editor__isnull', True), ('score__gte', 0.0), ('score__lte', 1.0), ('source', 'model'), ('verdict', ''), models.Q(('model_version', ''), _negated=True)), models.Q(('model_version', ''), ('score__isnull', True), ('source', 'editor'), ('verdict__in', ['present', 'absent', 'accepted'])), _connector='OR'), name='catalog_trackgenre_model_or_editor_row'),
        ),
        migrations.AddConstraint(
            model_name='trackmood',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('editor__isnull', True), ('score__gte', 0.0), ('score__lte', 1.0), ('source', 'model'), ('verdict', ''), models.Q(('model_version', ''), _negated=True)), models.Q(('model_version', ''), ('score__isnull', True), ('source', 'editor'), ('verdict__in', ['present', 'absent', 'accepted'])), _connector='OR'), name='catalog_trackmood_model_or_editor_row'),
        ),
        migrations.RunPython(demote_review_acceptances, restore_review_acceptances),
    ]
