"""Input parsing only: forms turn POST data into domain inputs; the domain does the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from designer.models import K8S_VERSIONS, PSS_CHOICES, Design
from designer.numbers import AsciiIntegerField


class ImportForm(forms.Form):
    """Paste or upload a manifest; `choose` picks one workload when the stream has several."""

    name = forms.CharField(max_length=200, required=False, help_text="Defaults to the workload's name.")
    text = forms.CharField(
        label="Manifest (YAML or JSON)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false", "class": "code"}),
        strip=False,
    )
    file = forms.FileField(label="…or upload a file", required=False)
    choose = AsciiIntegerField(required=False, widget=forms.HiddenInput)
    k8s_version = forms.ChoiceField(
        label="Target Kubernetes version", choices=[(v, v) for v in K8S_VERSIONS], initial=K8S_VERSIONS[0]
    )
    pss_level = forms.ChoiceField(
        label="Namespace enforces (PodSecurity)", choices=PSS_CHOICES, required=False, initial=""
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        upload = data.get("file")
        if upload:
            if upload.size > settings.POD_DESIGNER_MAX_UPLOAD:
                raise forms.ValidationError(
                    f"The file is {upload.size:,} bytes; the limit is {settings.POD_DESIGNER_MAX_UPLOAD:,} bytes."
                )
            raw = upload.read()
            data["source"] = raw
            # Keep what the user sent visible next to the error (when it is text at all).
            shown = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict, immutable as posted
            shown[self.add_prefix("text")] = raw.decode("utf-8", errors="replace")[:200_000]
            self.data = shown
        elif data.get("text", "").strip():
            data["source"] = data["text"]
        else:
            raise forms.ValidationError("Paste a manifest or choose a file to upload.")
        return data


class BlankDesignForm(forms.Form):
    name = forms.CharField(max_length=200, initial="my-pod")
    k8s_version = forms.ChoiceField(
        label="Target Kubernetes version", choices=[(v, v) for v in K8S_VERSIONS], initial=K8S_VERSIONS[0]
    )
    pss_level = forms.ChoiceField(
        label="Namespace enforces (PodSecurity)", choices=PSS_CHOICES, required=False, initial=""
    )


class DesignSettingsForm(forms.ModelForm[Design]):
    class Meta:
        model = Design
        fields = ["name", "description", "k8s_version"]
