"""The synAthina client's feed pull against the stand-in, over real HTTP."""

import json
from pathlib import Path

import pytest

from integrations.synathina.client import (
    SynathinaClient,
    SynathinaDisabled,
    SynathinaMalformed,
    SynathinaRejected,
    SynathinaUnavailable,
)

SAMPLE = Path(__file__).resolve().parents[4] / "shared" / "synathina" / "samples"


@pytest.fixture
def feed_stand_in(settings, stand_in):
    settings.SYNATHINA_ENABLED = True
    settings.SYNATHINA_BASE_URL = stand_in.base_url
    settings.SYNATHINA_TIMEOUT_SECONDS = 0.5
    greek = [{"action_id": 9101, "title": "Μαθήματα"}]
    english = [{"action_id": 9101, "title": "Lessons"}]
    if (SAMPLE / "actions-el.json").exists():
        greek = json.loads((SAMPLE / "actions-el.json").read_text())["features"]
    stand_in.serve_feed("el", greek)
    stand_in.serve_feed("en", english)
    return stand_in


def test_the_feed_is_fetched_in_each_language(feed_stand_in):
    client = SynathinaClient()
    greek = client.fetch_feed("el")
    assert greek == feed_stand_in.feeds["el"]
    assert client.fetch_feed("en") == [{"action_id": 9101, "title": "Lessons"}]
    assert feed_stand_in.feed_requests == ["el", "en"]


@pytest.mark.parametrize(
    ("fault", "status", "error"),
    [
        ("fail", 500, SynathinaRejected),
        ("fail", 503, SynathinaRejected),
        ("malformed", None, SynathinaMalformed),
        ("truncated", None, SynathinaUnavailable),
        ("hang", None, SynathinaUnavailable),
    ],
)
def test_a_failed_or_unparseable_pull_is_an_error_never_an_empty_feed(
    feed_stand_in, fault, status, error
):
    feed_stand_in.feed_fault(fault, status=status)
    with pytest.raises(error):
        SynathinaClient().fetch_feed("el")
    # The next pull, without a fault, works.
    assert SynathinaClient().fetch_feed("el") == feed_stand_in.feeds["el"]


def test_a_body_without_a_features_list_is_malformed(feed_stand_in):
    feed_stand_in.serve_feed("el", None)
    with pytest.raises(SynathinaMalformed):
        SynathinaClient().fetch_feed("el")


def test_nothing_is_requested_while_switched_off(feed_stand_in, settings):
    settings.SYNATHINA_ENABLED = False
    with pytest.raises(SynathinaDisabled):
        SynathinaClient().fetch_feed("el")
    assert feed_stand_in.feed_requests == []
