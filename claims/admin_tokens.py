"""Admin for API tokens (imported by claims/admin.py)."""
