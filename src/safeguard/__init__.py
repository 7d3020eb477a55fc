"""Safeguard: multi-agency public-protection platform."""

__version__ = "0.1.0"
