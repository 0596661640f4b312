FROM python:3.11-slim

# No root at run time; the database lives on a volume.
RUN useradd --create-home --uid 10001 first48
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY content ./content
RUN pip install --no-cache-dir .
USER first48
ENV FIRST48_DATABASE=/data/first48.db \
    FIRST48_CONTENT_DIR=/app/content \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
CMD ["first48", "run"]
