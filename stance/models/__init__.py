"""Stance models behind one protocol, found through a registry."""
