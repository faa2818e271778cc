from django.urls import path

from events import views
from events.feeds import BoardFeed, ChannelFeed

app_name = "events"

urlpatterns = [
    path("", views.board, name="board"),
    path("channels/<slug:slug>/", views.channel_detail, name="channel_detail"),
    path("engagements/", views.engagement_list, name="engagement_list"),
    path("statements/", views.statement_list, name="statement_list"),
    path("actors/", views.actor_list, name="actor_list"),
    path("actors/<slug:slug>/", views.actor_detail, name="actor_detail"),
    path("sources/", views.source_list, name="source_list"),
    path("timeline/", views.timeline, name="timeline"),
    path("feeds/board.atom", BoardFeed(), name="feed_board"),
    path("channels/<slug:slug>/feed.atom", ChannelFeed(), name="feed_channel"),
]
