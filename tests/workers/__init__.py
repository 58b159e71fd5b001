"""Distributed mode against real services: Redis and `celery -A workers worker` subprocesses."""
