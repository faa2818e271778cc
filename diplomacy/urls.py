from django.contrib import admin
from django.urls import include, path

from diplomacy.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("events.api.urls")),
    path("", include("events.urls")),
]

# A database error raised outside a view (by a middleware) still gets the outage page.
handler500 = "diplomacy.middleware.server_error"
# A request over the size limit (MAX_REQUEST_MB) gets a page saying so, with status 413.
handler400 = "diplomacy.middleware.bad_request"
