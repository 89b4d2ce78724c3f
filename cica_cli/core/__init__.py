"""The calendar itself: TOML -> records -> resolved schedule -> agenda as of a moment.

Dates, working days, repeats, zones and the cache. Takes the moment as an argument; imports no
other layer and none of rich, typer, ics or smtplib.
"""
