"""Docdata Payments (CM.com) Order API 1.3 integration for Django Oscar."""

__version__ = "2.0.0"
