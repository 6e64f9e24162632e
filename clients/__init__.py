"""Clients of a palace-usage server: the SDK, the migration tool and flush."""
