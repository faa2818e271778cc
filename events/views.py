"""Pages. Each view is a query from `events.querysets` and a template."""

from django.shortcuts import get_object_or_404, render

from events.models import Channel


def board(request):
    """All channels, one card each: status, since when, trend, last and next contact."""
    return render(request, "events/channel_board.html", {"channels": Channel.objects.board()})


def channel_detail(request, slug: str):
    """One channel's status board, every fact with its source."""
    channel = get_object_or_404(Channel.objects.for_status_board(), slug=slug)
    return render(request, "events/channel_detail.html", {"channel": channel})
