"""Pages for editors outside the admin: data quality (article intake is in events.intake_views)."""

from django import forms
from django.shortcuts import render

from events.quality import quality_checks


class QualityForm(forms.Form):
    days = forms.IntegerField(
        min_value=1, max_value=3650, required=False, initial=30, label="Not reviewed for (days)"
    )


def data_quality(request):
    """Records that fail a check, each one click from its admin page."""
    form = QualityForm(request.GET or None)
    days = form.cleaned_data.get("days") if form.is_valid() else None
    checks = quality_checks(review_days=days or 30)
    return render(
        request,
        "events/data_quality.html",
        {"checks": checks, "form": form, "problems": sum(len(c.rows) for c in checks)},
    )
