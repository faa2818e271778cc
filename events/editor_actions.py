"""Editors act where they read: beside a channel board's items, links into the admin's forms,
pre-filled with the channel, the item and the latest source cited on the channel, which bring the
editor back to the board after saving.

A link shows only to a user the admin lets in (active staff) who holds the permission the admin
checks for that form. The links are part of the cached page body, so the actions a user may take
are part of its cache key (`cache_variant`): a reader's or a visitor's page never holds them.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from events.vocabularies import ALLOWED_TRANSITIONS, ClaimOutcome, EngagementState

# Each action: the permission the admin checks for its form, and what the board calls it.
ACTIONS: dict[str, tuple[str, str]] = {
    "status": ("events.add_statuschange", "Record a status change"),
    "step": ("events.add_engagementtransition", "Record a lifecycle step"),
    "resolve": ("events.change_stickingpoint", "Resolve"),
    "settle": ("events.change_counterpartclaim", "Settle or supersede"),
    "statement": ("events.add_statement", "Add a statement"),
}

# Where the admin's forms send the editor after saving (`safe_return_url` checks it).
RETURN_PARAMETER = "next"


def allowed_actions(user) -> frozenset[str]:
    """The board actions `user` may take. No query: the user's permissions come from the
    cache (`events.access.CachedPermissionsBackend`)."""
    if not (user.is_active and user.is_staff):
        return frozenset()
    return frozenset(name for name, (permission, _) in ACTIONS.items() if user.has_perm(permission))


def cache_variant(allowed: frozenset[str]) -> str:
    """The part of a page's cache key that tells apart users who see different actions."""
    return "edit:" + ",".join(sorted(allowed)) if allowed else ""


def safe_return_url(url: str, host: str) -> str:
    """`url` if it is a path on this site, else "": a return link is never an open redirect."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts={host}):
        return url
    return ""


def admin_url(model: str, pk: int | None = None, /, **initial: object) -> str:
    """An admin add form (or with `pk` a change form) of `model`, with `initial` values."""
    if pk is None:
        path = reverse(f"admin:events_{model}_add")
    else:
        path = reverse(f"admin:events_{model}_change", args=[pk])
    query = urlencode({key: value for key, value in initial.items() if value not in (None, "")})
    return f"{path}?{query}" if query else path


@dataclass(frozen=True)
class Action:
    """One action beside an item: a single link (`url`), or one link per choice. `about` names
    the item for screen readers, which list a page's links out of their context."""

    label: str
    url: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    about: str = ""


# Next states in the order the lifecycle reads.
STATE_ORDER = list(EngagementState)


@dataclass(frozen=True)
class BoardActions:
    """The actions one user may take on one channel board."""

    allowed: frozenset[str]
    channel_pk: int
    source_pk: int | None
    back: str  # the board's own path (and `as_of`), where the forms return after saving

    def _initial(self, anchor: str, *, source_field: str = "source", **initial) -> dict:
        return {**initial, source_field: self.source_pk, RETURN_PARAMETER: f"{self.back}#{anchor}"}

    def action(self, name: str, item=None) -> Action | None:
        """The action `name` for `item` (None for the board-wide ones), if the user may take it
        and the item is in a state that allows it — its state now, whatever day the board shows."""
        if name not in self.allowed:
            return None
        label = ACTIONS[name][1]
        if name == "status":
            url = admin_url("statuschange", **self._initial("history", channel=self.channel_pk))
            return Action(label, url=url)
        if name == "statement":
            initial = self._initial("statements", channels=self.channel_pk)
            return Action(label, url=admin_url("statement", **initial))
        if name == "step":
            targets = ALLOWED_TRANSITIONS.get(item.state, set())
            anchor = f"engagement-{item.pk}"
            choices = tuple(
                (
                    state.label.lower(),
                    admin_url(
                        "engagementtransition",
                        **self._initial(anchor, engagement=item.pk, to_state=state),
                    ),
                )
                for state in STATE_ORDER
                if state in targets
            )
            return Action(label, choices=choices, about=item.title) if choices else None
        if name == "resolve":
            if item.state != "open":
                return None
            initial = self._initial("sticking-points", state="resolved")
            url = admin_url("stickingpoint", item.pk, **initial)
            return Action(label, url=url, about=item.title)
        if name == "settle":
            if item.outcome != ClaimOutcome.STANDING:
                return None
            choices = tuple(
                (
                    outcome.label.lower(),
                    admin_url(
                        "counterpartclaim",
                        item.pk,
                        # The source of how it ended, on the claim's form.
                        **self._initial(
                            "counterparts", source_field="ending_source", outcome=outcome
                        ),
                    ),
                )
                for outcome in ClaimOutcome
                if outcome != ClaimOutcome.STANDING
            )
            about = f"{item.claimant.label}’s view of the counterpart of the {item.office.title}"
            return Action(label, choices=choices, about=about)
        raise ValueError(f"No board action {name!r}.")
