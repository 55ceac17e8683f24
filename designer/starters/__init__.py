"""Starter designs (package data): one commented Pod manifest per pattern, read by designer.pod.starters."""
