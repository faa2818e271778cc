from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.board, name="board"),
    path("channels/<slug:slug>/", views.channel_detail, name="channel_detail"),
]
