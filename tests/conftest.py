import pytest
from django.core.management import call_command


@pytest.fixture
def seeded(db):
    """The database after `load_seed` on an empty database."""
    call_command("load_seed", verbosity=0)
