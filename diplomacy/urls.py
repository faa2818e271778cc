from django.contrib import admin
from django.urls import include, path

from diplomacy.health import healthz
from events import lockout

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Password changes count wrong current passwords as failed sign-ins (events/lockout.py).
    path(
        "admin/password_change/",
        admin.site.admin_view(lockout.admin_password_change),
        name="admin_password_change",
    ),
    path("admin/", admin.site.urls),
    path("accounts/password_change/", lockout.password_change, name="password_change"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("events.api.urls")),
    path("", include("events.urls")),
]

# A database error raised outside a view (by a middleware) still gets the outage page.
handler500 = "diplomacy.middleware.server_error"
# A request over the size limit (MAX_REQUEST_MB) gets a page saying so, with status 413.
handler400 = "diplomacy.middleware.bad_request"
