# Image for the web app and the scheduler (see compose.yaml). The first stage builds the
# wheel; the image installs that wheel (with the PostgreSQL driver), not the source tree,
# so it runs exactly what 'pip install innsyn-*.whl' runs anywhere else.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY innsyn ./innsyn
COPY harvesters ./harvesters
COPY web ./web
COPY index_mappings ./index_mappings
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
# OCR of scanned documents (the scheduler's OCR worker): poppler renders pages, tesseract
# reads them in Norwegian and English with orientation detection.
RUN apt-get update \
    && apt-get install -y --no-install-recommends poppler-utils tesseract-ocr \
        tesseract-ocr-nor tesseract-ocr-eng tesseract-ocr-osd \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir "$(echo /wheels/innsyn-*.whl)[postgres,redis]" && rm -rf /wheels
ENV INNSYN_DATA_DIR=/var/lib/innsyn
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "web.wsgi:app"]
