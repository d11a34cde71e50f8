"""Demo content for trying the platform: organisations, services, actions, calls and news."""

from .loader import install_demo

__all__ = ["install_demo"]
