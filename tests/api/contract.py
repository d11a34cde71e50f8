"""Stored expected responses: one representative call of each endpoint, kept in
tests/api/contracts/ so a change to what clients receive shows up as a diff.

Run-dependent values (database ids, the moment of publishing) are replaced by named
placeholders before comparing. Regenerate deliberately with
`.venv/bin/pytest tests/api/test_contracts.py --update-contracts`, then review the diff.
"""

import json
import re
from pathlib import Path

CONTRACTS = Path(__file__).parent / "contracts"
# Values that change on every run whatever the data: publishing times, review dates.
VOLATILE_KEYS = {"updated", "last_verified", "date_modified", "last_modified"}


def _replace_in_text(text, placeholders):
    for value, name in placeholders.items():
        text = re.sub(rf"(?<![\d\w]){re.escape(str(value))}(?![\d\w])", name, text)
    return text


def normalised(value, placeholders, key=None):
    if key in VOLATILE_KEYS and value is not None:
        return f"<{key}>"
    if isinstance(value, dict):
        return {k: normalised(v, placeholders, k) for k, v in value.items()}
    if isinstance(value, list):
        return [normalised(item, placeholders, key) for item in value]
    if isinstance(value, bool) or value is None:
        return value
    # Ids only where they are ids, so a count or a district number is never mistaken for one.
    if isinstance(value, int) and _is_id_key(key) and value in placeholders:
        return placeholders[value]
    if isinstance(value, str) and ("/" in value or "=" in value):
        return _replace_in_text(value, placeholders)
    return value


def _is_id_key(key):
    return key is not None and (key == "id" or key.endswith("_id") or key.endswith("_ids"))


def check_contract(name, body, placeholders, *, update):
    path = CONTRACTS / f"{name}.json"
    actual = normalised(body, placeholders)
    if update:
        CONTRACTS.mkdir(exist_ok=True)
        path.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n")
        return
    assert path.exists(), f"No stored response {path.name}: run with --update-contracts."
    expected = json.loads(path.read_text())
    assert actual == expected, (
        f"The response differs from {path.name}; if the change is deliberate, "
        "run with --update-contracts and review the diff."
    )
