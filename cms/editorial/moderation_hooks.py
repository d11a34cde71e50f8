"""Admin hooks for roles, moderation and translation review."""
