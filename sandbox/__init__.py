"""The sandbox shop: Oscar 4 with oscar_docdata on the offline simulator."""
