# The deployment in a container: nginx in front of N Streamlit replicas (deploy/), N = the CPUs the
# container may use. Build and run:
#   docker build -t optviz . && docker run --rm -p 8080:8080 optviz
# then open http://<host>:8080. Give it a CPU per ~20 students at once (README), e.g. --cpus 4.
FROM python:3.11-slim-bookworm

RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY app.py serve.py ./
COPY .streamlit .streamlit
COPY optviz optviz
COPY webui webui
COPY pages pages
COPY deploy deploy

EXPOSE 8080
# python -m deploy handles SIGTERM (docker stop): it stops nginx, then every replica.
CMD ["python", "-m", "deploy", "--host", "0.0.0.0", "--port", "8080"]
