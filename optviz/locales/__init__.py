"""Translation tables, one module per area of the app (see optviz/i18n.py)."""
