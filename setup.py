"""The metadata lives in pyproject.toml (PEP 621); this shim serves tools that expect it."""

from setuptools import setup

setup()
