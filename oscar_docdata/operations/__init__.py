"""Oscar-independent helpers for the operations tools (management commands, dashboard).

- ``refresh``: refresh many Docdata orders, each in its own transaction, a bounded
  number at a time, and summarise what happened;
- ``expiry``: expire old ``new``/``in_progress`` orders through the status engine;
- ``report``: monthly totals per currency;
- ``history``: record a staff or operator action in the status history.
"""
