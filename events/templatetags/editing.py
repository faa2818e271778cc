"""Editors' actions on the boards (events.editor_actions): nothing at all for other readers."""

from django import template

register = template.Library()


@register.inclusion_tag("events/_editor_action.html")
def editor_action(actions, name: str, item=None) -> dict:
    """`{% editor_action actions "step" engagement %}`: the action's links, if the user may take
    it on this item (`actions` is None on pages rendered for users who may not edit)."""
    return {"action": actions.action(name, item) if actions else None}
