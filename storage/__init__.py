"""Persistence with sqlite-utils: the only package that speaks SQL."""
