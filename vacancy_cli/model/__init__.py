"""The model layer: the values everything else passes around. Scenarios and their
TOML files, requests, schedules, the one strategy table, the trace, the one
result model, the error family and the clock protocol. Standard library only:
it imports nothing else of vacancy's.
"""
