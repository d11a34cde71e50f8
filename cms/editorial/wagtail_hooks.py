"""Wagtail loads this module; the editorial hooks live in modules by topic."""

from . import moderation_hooks, review_hooks

__all__ = ["moderation_hooks", "review_hooks"]
