from django.urls import path

from events import editor_views, intake_views, personal_views, views
from events.access import editor_access, read_access
from events.feeds import BoardFeed, ChannelFeed, FollowedFeed

app_name = "events"

urlpatterns = [
    path("", read_access(views.board), name="board"),
    path("ping/", views.ping, name="ping"),
    path("suggest/<slug:kind>/", read_access(views.suggest), name="suggest"),
    path("channels/<slug:slug>/", read_access(views.channel_detail), name="channel_detail"),
    path("engagements/", read_access(views.engagement_list), name="engagement_list"),
    path("statements/", read_access(views.statement_list), name="statement_list"),
    path("actors/", read_access(views.actor_list), name="actor_list"),
    path("actors/<slug:slug>/", read_access(views.actor_detail), name="actor_detail"),
    path("sources/", read_access(views.source_list), name="source_list"),
    path("timeline/", read_access(views.timeline), name="timeline"),
    path("quality/", editor_access(editor_views.data_quality), name="data_quality"),
    path("intake/", editor_access(intake_views.intake_new), name="intake_new"),
    path("intake/<int:pk>/", editor_access(intake_views.intake_detail), name="intake_detail"),
    path(
        "intake/<int:pk>/accept/",
        editor_access(intake_views.intake_accept),
        name="intake_accept",
    ),
    path(
        "intake/<int:pk>/decide/",
        editor_access(intake_views.intake_decide),
        name="intake_decide",
    ),
    path("feeds/board.atom", read_access(BoardFeed()), name="feed_board"),
    path("channels/<slug:slug>/feed.atom", read_access(ChannelFeed()), name="feed_channel"),
    path("follow/<int:pk>/", read_access(personal_views.follow), name="follow"),
    path("feeds/mine/", read_access(personal_views.feed_address), name="feed_address"),
    # No session here: the secret key in the address is the credential (events.feeds).
    path("feeds/private/<str:key>.atom", FollowedFeed(), name="feed_private"),
]
