FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VAR_DIR=/app/var

WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir . && useradd --create-home --uid 1000 crm
COPY . .
RUN mkdir -p var && chown -R crm:crm /app \
    && DEBUG=1 python manage.py collectstatic --noinput --verbosity 0
USER crm
EXPOSE 8000
CMD ["gunicorn", "vanke_crm.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
