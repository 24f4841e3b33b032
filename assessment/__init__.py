"""Screening, allocation to assessors, conflicts of interest, scoring, moderation and ranking."""
