"""Oscar apps forked for the sandbox (checkout, partner, shipping)."""
