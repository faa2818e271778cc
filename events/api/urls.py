from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from events.api import views

app_name = "api"

router = DefaultRouter()
router.APIRootView = views.APIRootView
router.register("channels", views.ChannelViewSet, basename="channel")
router.register("status-changes", views.StatusChangeViewSet, basename="status-change")
router.register("engagements", views.EngagementViewSet, basename="engagement")
router.register("statements", views.StatementViewSet, basename="statement")
router.register("actors", views.ActorViewSet, basename="actor")
router.register("counterpart-claims", views.CounterpartClaimViewSet, basename="counterpart-claim")
router.register("sticking-points", views.StickingPointViewSet, basename="sticking-point")
router.register("sources", views.SourceViewSet, basename="source")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
    # Anything else under /api/ ending in a slash (any characters, newlines included): JSON 404.
    re_path(r"^[\s\S]*/$", views.not_found),
]
