"""The simulator's one exception."""


class SimulationError(ValueError):
    """The order's state does not allow the action; the message says why."""
