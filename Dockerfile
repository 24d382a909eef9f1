# Image for the web app and the scheduler (see compose.yaml).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY innsyn ./innsyn
COPY harvesters ./harvesters
COPY web ./web
COPY index_mappings ./index_mappings
RUN pip install --no-cache-dir -e '.[postgres]'
ENV INNSYN_DATA_DIR=/var/lib/innsyn
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "web.wsgi:app"]
