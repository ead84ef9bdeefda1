"""Helpers that tests share: environments built the way a deployment builds them."""
