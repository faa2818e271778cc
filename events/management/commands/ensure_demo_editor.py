"""`manage.py ensure_demo_editor`: a local superuser for trying the admin, password printed.

Only for local development (DEBUG on): the password is random, kept in var/ (git-ignored) so
every `make run` can print it again.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "editor"


class Command(BaseCommand):
    help = "Create (once) a local superuser 'editor' and print how to sign in. DEBUG only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Refusing to create a demo account with DEBUG off.")
        password_file = settings.BASE_DIR / "var" / "editor-password.txt"
        password_file.parent.mkdir(exist_ok=True)
        User = get_user_model()
        user = User.objects.filter(username=USERNAME).first()
        if user is None or not password_file.exists():
            password = secrets.token_urlsafe(12)
            user = user or User(username=USERNAME, is_staff=True, is_superuser=True)
            user.set_password(password)
            user.save()
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        password = password_file.read_text().strip()
        self.stdout.write(
            self.style.SUCCESS(f"Admin sign-in: user “{USERNAME}”, password “{password}”")
            + f" (kept in {password_file.relative_to(settings.BASE_DIR)})"
        )
