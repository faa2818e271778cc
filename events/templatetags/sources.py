"""Sources beside facts: footnote references on detail pages, a source count on list rows
(events.footnotes)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from events.footnotes import fact_label, source_notes

register = template.Library()


@register.simple_tag(takes_context=True)
def refs(context, citations, fact=None, label: str = ""):
    """The references of a fact resting on `citations` — "[1][3]", each linking to its source in
    the page's list — from the page's `footnotes`; `fact` (or `label`) names the fact there."""
    footnotes = context["footnotes"]
    citations = list(citations)
    if not citations:
        return mark_safe(
            '<span class="refs refs--missing" role="note">'
            '<span aria-hidden="true">⚠</span> No source recorded for this fact.</span>'
        )
    about = label or (fact_label(fact) if fact is not None else "")
    links = format_html_join(
        "",
        '<a href="#source-{0}" id="{1}" aria-label="Source {0}">[{0}]</a>',
        ((ref.number, ref.id) for ref in footnotes.cite(citations, about)),
    )
    return format_html('<sup class="refs">{}</sup>', links)


@register.filter
def by_source(citations):
    """A list row's citations grouped by source (`events.footnotes.source_notes`)."""
    return source_notes(citations)
