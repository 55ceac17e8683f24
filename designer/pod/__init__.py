"""Pod Designer's domain core: pure Python, never imports Django (tests/pod/test_purity.py)."""
