"""Decisions within the ringfence, awards, letters, tranches, payments and 360Giving publication."""
