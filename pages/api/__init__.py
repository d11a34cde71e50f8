"""The API routers of page types: one module per kind of item."""
