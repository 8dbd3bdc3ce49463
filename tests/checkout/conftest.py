from .fixtures import (  # noqa: F401 - pytest finds fixtures by name
    docdata_live_simulator,
    docdata_simulator,
    guest_checkout,
    oscar_receivers,
    product,
)
