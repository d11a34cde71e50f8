"""The directory as Open Referral HSDS 3.1, read-only, under /api/hsds/ (docs/hsds-profile.md)."""
