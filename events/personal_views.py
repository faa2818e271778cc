"""An analyst's own pages and actions: starring channels and their private feed address. The
writes go through `events.services`; the board shows the result (`events.views.board`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from events import services
from events.models import Channel, FeedToken, Follow


def _back(request) -> str:
    """Where the form came from (a board URL with its filters), if it is ours; else the board."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("events:board")


@require_POST
@login_required  # an account's own: even where everyone may read the boards
def follow(request, pk: int):
    """Star (`follow=1`) or unstar (`follow=0`) a channel, then go back where the form was,
    to the channel's row."""
    channel = get_object_or_404(Channel.objects.with_parties(), pk=pk)
    if request.POST.get("follow") == "0":
        services.channel_unfollow(user=request.user, channel=channel)
        messages.success(request, f"You no longer follow {channel}.")
    else:
        services.channel_follow(user=request.user, channel=channel)
        messages.success(request, f"You follow {channel}: it is in My channels and your feed.")
    return redirect(f"{_back(request).split('#')[0]}#row-{channel.pk}")


@require_http_methods(["GET", "POST"])
@login_required  # an account's own: even where everyone may read the boards
def feed_address(request):
    """The analyst's private feed address: see and copy it, make a new one (the old stops
    working), or withdraw it."""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.feed_token_revoke(user=request.user)
            messages.success(request, "Your feed address is withdrawn: it answers 404 from now.")
        else:
            services.feed_token_issue(user=request.user)
            messages.success(request, "Your new feed address is below; any earlier one is dead.")
        return redirect("events:feed_address")
    token = FeedToken.objects.filter(user=request.user).first()
    address = (
        request.build_absolute_uri(reverse("events:feed_private", args=[token.key]))
        if token
        else ""
    )
    followed = (
        Channel.objects.with_parties()
        .filter(pk__in=Follow.objects.filter(user=request.user).values("channel"))
        .order_by("party_a__name", "party_b__name", "track")
    )
    return render(
        request,
        "events/feed_address.html",
        {"token": token, "address": address, "followed": followed},
    )
