FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VAR_DIR=/app/var

WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir . && useradd --create-home --uid 1000 crm
COPY . .
# Static files are collected with the storage production runs (DEBUG off: hashed names and the
# manifest whitenoise serves); a throwaway key only for this step, the real one comes at run time.
RUN mkdir -p var \
    && DEBUG=false SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
       python manage.py collectstatic --noinput --verbosity 0 \
    && chown -R crm:crm /app
USER crm
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py", "vanke_crm.wsgi:application"]
