import pytest

from pages.site_tree import ensure_site_tree
from snippets.seed import install_taxonomies


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the locales, the seed taxonomies and the site tree."""
    with django_db_blocker.unblock():
        install_taxonomies()
        ensure_site_tree()


@pytest.fixture(autouse=True)
def api_response_cache(request, settings):
    """Only tests marked `response_cache` go through the API's response cache
    (cms/api/caching.py); elsewhere bodies and query counts are the views' own."""
    if "response_cache" not in request.keywords:
        settings.API_CACHED_PATHS = ()


@pytest.fixture
def site_tree(db):
    return ensure_site_tree()


def pytest_addoption(parser):
    parser.addoption(
        "--update-contracts",
        action="store_true",
        help="Rewrite the stored API responses in tests/api/contracts/ (review the diff).",
    )


@pytest.fixture
def contract(request):
    """`contract(name, body, placeholders={value: "<name>"})` checks an API response
    against its stored expectation (see tests/api/contract.py)."""
    from tests.api.contract import check_contract

    update = request.config.getoption("--update-contracts")

    def check(name, body, placeholders=None):
        check_contract(name, body, placeholders or {}, update=update)

    return check
