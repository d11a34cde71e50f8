import pytest

from pages.site_tree import ensure_site_tree
from snippets.seed import install_taxonomies


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the locales, the seed taxonomies and the site tree."""
    with django_db_blocker.unblock():
        install_taxonomies()
        ensure_site_tree()


@pytest.fixture
def site_tree(db):
    return ensure_site_tree()
