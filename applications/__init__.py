"""Rounds, organisations, eligibility, the staged application, assessment and scoring."""
