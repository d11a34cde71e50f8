"""The synAthina connector (shared/synathina/CONTRACT.md, docs/integrations/synathina.md).

Outbound: the partner feed of shared actions (`api.py`, `feed.py`), and change
notifications written to an outbox with the change that causes them (`sharing.py`) and
delivered by a background task (`delivery.py`, `tasks.py`) through the client
(`client.py`).
"""
