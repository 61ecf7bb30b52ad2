"""`make bench`: the national-scale benchmark harness (not a test). See bench/run.py."""
