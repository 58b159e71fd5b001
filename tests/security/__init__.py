"""Security tests: who may use which route, CSRF, API authentication, sign-in throttling, headers."""
