"""Forms of the listener's pages. The generator form turns chips and sliders into a ``PlaylistRequest``."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from recommender.services.layout import layout
from recommender.services.playlists import PlaylistRequest, strategies
from recommender.services.playlists.request import MAX_LENGTH

__all__ = ["MixForm", "RenameForm", "SignalForm", "SignupForm"]


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=True, help_text="For password resets only.")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")


def _slider(initial: int = 0) -> forms.IntegerField:
    return forms.IntegerField(min_value=0, max_value=100, initial=initial, required=False)


def _mood_choices() -> list[tuple[str, str]]:
    lay = layout()
    families = [(f, f"{f.title()} (family)") for f in lay.families]
    return [("", "—"), *families, *((m, m) for m in lay.moods)]


class MixForm(forms.Form):
    """Chips set the family sliders; sliders weigh moods and styles from 0 to 100."""

    strategy = forms.ChoiceField(choices=[], initial="mood")
    words = forms.CharField(
        required=False, max_length=300, label="Describe it", help_text="e.g. rainy Sunday, calm but hopeful"
    )
    use_point = forms.BooleanField(required=False, label="Aim at a point in the mood plane")
    valence = forms.IntegerField(min_value=-100, max_value=100, initial=0, required=False)
    arousal = forms.IntegerField(min_value=-100, max_value=100, initial=0, required=False)
    seeds = forms.CharField(required=False, widget=forms.HiddenInput)
    journey_from = forms.ChoiceField(choices=[], required=False)
    journey_to = forms.ChoiceField(choices=[], required=False)
    diversity = _slider(30)
    length = forms.IntegerField(min_value=1, max_value=MAX_LENGTH, initial=30)
    max_minutes = forms.FloatField(min_value=1, required=False, label="At most (minutes)")
    artist_spacing = forms.IntegerField(min_value=1, max_value=20, initial=4, label="No artist twice within")
    personalise = forms.BooleanField(required=False, initial=True, label="Use my profile")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        lay = layout()
        self.fields["strategy"].choices = [(name, name.title()) for name in strategies.names()]
        self.fields["journey_from"].choices = self.fields["journey_to"].choices = _mood_choices()
        for family in lay.families:
            self.fields[f"mood_{family}"] = _slider()
        for genre in lay.genres:
            self.fields[f"style_{genre}"] = _slider()

    def with_words(self, mix) -> MixForm:
        """A copy of this (bound) form with the sliders set from a words reading (``WordsMix``)."""
        data = self.data.copy()
        for family, value in mix.families.items():
            data[f"mood_{family}"] = str(value)
        data["valence"], data["arousal"] = str(mix.valence), str(mix.arousal)
        data["strategy"] = "mood"
        return MixForm(data)

    def mood_fields(self) -> list[tuple[str, str, forms.BoundField]]:
        lay = layout()
        return [(f, lay.family_colours[f], self[f"mood_{f}"]) for f in lay.families]

    def style_fields(self) -> list[tuple[str, forms.BoundField]]:
        return [(g, self[f"style_{g}"]) for g in layout().genres]

    def clean_seeds(self) -> tuple[int, ...]:
        raw = self.cleaned_data.get("seeds") or ""
        try:
            return tuple(int(part) for part in raw.split(",") if part.strip())[:10]
        except ValueError:
            raise forms.ValidationError("seeds must be track ids") from None

    def to_request(self) -> PlaylistRequest:
        data, lay = self.cleaned_data, layout()
        minutes = data.get("max_minutes")
        point = None
        if data.get("use_point"):
            point = ((data.get("valence") or 0) / 100.0, (data.get("arousal") or 0) / 100.0)
        return PlaylistRequest(
            strategy=data["strategy"],
            moods={f: data[f"mood_{f}"] / 100.0 for f in lay.families if data.get(f"mood_{f}")},
            point=point,
            genres={g: data[f"style_{g}"] / 100.0 for g in lay.genres if data.get(f"style_{g}")},
            seeds=data["seeds"],
            journey_from=data.get("journey_from") or "",
            journey_to=data.get("journey_to") or "",
            length=data["length"],
            max_duration_s=minutes * 60 if minutes else None,
            artist_spacing=data["artist_spacing"],
            diversity=(data.get("diversity") or 0) / 100.0,
            personalise=data.get("personalise", False),
        )


class RenameForm(forms.Form):
    name = forms.CharField(max_length=120)


class SignalForm(forms.Form):
    track = forms.IntegerField()
    kind = forms.CharField(max_length=8)
    fraction = forms.FloatField(required=False, min_value=0.0, max_value=1.0)
    playlist = forms.IntegerField(required=False)
