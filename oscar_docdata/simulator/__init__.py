"""An offline simulator of Docdata's Order API 1.3 and hosted payment menu."""
