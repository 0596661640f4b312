FROM python:3.11-slim

# No root at run time; the database lives on a volume.
RUN useradd --create-home --uid 10001 first48
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY content ./content
# The keyword fallback is read from nlu/keywords next to bot/ (the Rasa model has its own image);
# the danger screen is trained from nlu/data/nlu when the image is built.
COPY nlu/keywords ./nlu/keywords
COPY nlu/data/nlu ./nlu/data/nlu
# Installed in place, so bot/ finds content/ and nlu/ beside it.
RUN pip install --no-cache-dir -e . && python -m bot.screen
USER first48
# The web app (registration, moderation, API) listens on 8048 when FIRST48_WEB_PORT is set;
# put a TLS reverse proxy in front of it.
ENV FIRST48_DATABASE=/data/first48.db \
    FIRST48_CONTENT_DIR=/app/content \
    FIRST48_WEB_HOST=0.0.0.0 \
    PYTHONUNBUFFERED=1
EXPOSE 8048
VOLUME ["/data"]
CMD ["first48", "run"]
