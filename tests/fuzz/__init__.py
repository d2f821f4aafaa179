"""Property-based fuzzers: valid scenarios must keep the checker's promises, hostile input
must end in one clear line. ``strategies.py`` holds the generators."""
