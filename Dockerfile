FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 FACTCHECK_CHROMIUM=/usr/bin/chromium
# Chromium renders screenshots of archived pages (from the archived bytes, with the network cut off).
RUN apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY factcheck ./factcheck
COPY workers ./workers
COPY templates ./templates
RUN pip install --no-cache-dir . && useradd --create-home factcheck
USER factcheck
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "4", "factcheck.wsgi:app"]
