"""Forms of the catalogue pages."""

from django import forms

from catalog.choices import TrackStatus, Visibility

__all__ = ["SharingForm", "TrackFilterForm", "UploadForm"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files (Django's documented recipe); cleans to a list."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        if isinstance(data, list | tuple) and data:
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        # An empty list (a part whose file name is empty is dropped by Django's parser) is "no file": the
        # field's own required check refuses it, instead of an upload of nothing answering 201.
        return [super().clean(data or None, initial)]


class UploadForm(forms.Form):
    """Audio files to add to the catalogue. The page sends one file per request to show per-file progress;
    without JavaScript the browser sends them all at once and each is ingested in turn."""

    files = MultipleFileField(label="Audio files")
    visibility = forms.ChoiceField(
        choices=Visibility.choices,
        initial=Visibility.PRIVATE,
        required=False,
        help_text="Private tracks are visible only to you.",
    )

    def clean_visibility(self) -> Visibility:
        return Visibility(self.cleaned_data["visibility"] or Visibility.PRIVATE)


class TrackFilterForm(forms.Form):
    """Search and filters of the catalogue list (GET)."""

    q = forms.CharField(required=False, label="Search", max_length=200)
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *TrackStatus.choices])


class SharingForm(forms.Form):
    """The owner's choices on a track page: who sees the track, and whether editors are asked to review it."""

    visibility = forms.ChoiceField(choices=Visibility.choices)
    submitted_for_review = forms.BooleanField(
        required=False,
        label="Ask editors to review its tags",
        help_text="Editors can then see this track even while it is private.",
    )
