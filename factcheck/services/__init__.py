"""Use cases. Keyword-only arguments, take a session, no Flask globals.

Views, the API, the CLI and background tasks all call these; the caller commits.
"""
