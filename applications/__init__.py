"""Rounds, organisations, eligibility and the staged application."""
