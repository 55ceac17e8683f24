"""Thin function views, one module per screen: parse input, call the domain, render."""
