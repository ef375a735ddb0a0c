# The meshpay app image: the same image runs the API, the worker and the one-shot migration.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY . .
RUN pip install --no-cache-dir . && useradd --system --uid 10001 meshpay
USER meshpay
EXPOSE 8000
CMD ["meshpay", "api", "--host", "0.0.0.0"]
